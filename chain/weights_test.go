package chain

import (
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// weightsGenesis has subnet 1 with validators v0, v1 (permits) and miners
// m2, m3, at most 2 weights required, and root validators r0, r1.
func weightsGenesis(t *testing.T) Genesis {
	g := subtensorGenesis(t, "//Alice", "//Bob")
	h := g.Params.Subtensor.SubnetDefaults
	h.MinAllowedWeights = 2
	h.WeightsSetRateLimit = 10
	neurons := []GenesisNeuron{
		{Hotkey: id(t, "//v0"), Coldkey: id(t, "//Bob"), Stake: 10 * tao, ValidatorPermit: true},
		{Hotkey: id(t, "//v1"), Coldkey: id(t, "//Bob"), ValidatorPermit: true},
		{Hotkey: id(t, "//m2"), Coldkey: id(t, "//Bob")},
		{Hotkey: id(t, "//m3"), Coldkey: id(t, "//Bob")},
	}
	g.Subnets = []GenesisSubnet{
		{Netuid: 1, Owner: id(t, "//Bob"), Lock: 100 * tao, Hyperparams: &h, Neurons: neurons},
		{Netuid: 0, Neurons: []GenesisNeuron{
			{Hotkey: id(t, "//r0"), Coldkey: id(t, "//Bob"), Stake: tao, Weights: [][2]uint16{{1, 65535}}},
			{Hotkey: id(t, "//r1"), Coldkey: id(t, "//Bob")},
		}},
	}
	return g
}

func TestSetWeights(t *testing.T) {
	c := newSubtensorChain(t, weightsGenesis(t))
	v0, m2, r0 := key(t, "//v0"), key(t, "//m2"), key(t, "//r0")
	c.run()
	// Stored max-upscaled and sorted by uid.
	evs := c.must(v0, &types.SetWeights{Netuid: 1, Dests: []uint16{3, 2}, Weights: []uint16{21845, 43690}})
	mustEqual(t, "WeightsSet uid", eventInt(t, evs, "WeightsSet", "uid"), 0)
	var n types.NeuronInfo
	c.query(types.QueryNeuron+"/1/0", 0, &n)
	if len(n.Weights) != 2 || n.Weights[0] != [2]uint16{2, 65535} || n.Weights[1] != [2]uint16{3, 32768} || n.LastUpdate != uint64(c.height) {
		t.Errorf("v0 after set_weights = %+v", n)
	}
	// A neuron without a permit may set a weight on itself only.
	c.must(m2, &types.SetWeights{Netuid: 1, Dests: []uint16{2}, Weights: []uint16{7}})
	c.query(types.QueryNeuron+"/1/2", 0, &n)
	if len(n.Weights) != 1 || n.Weights[0] != [2]uint16{2, 65535} {
		t.Errorf("m2's self-weight = %+v", n.Weights)
	}
	// Root weights name subnets and need no permit.
	c.must(r0, &types.SetWeights{Netuid: 0, Dests: []uint16{1, 0}, Weights: []uint16{100, 50}})
	c.query(types.QueryNeuron+"/0/0", 0, &n)
	if len(n.Weights) != 2 || n.Weights[0] != [2]uint16{0, 32768} || n.Weights[1] != [2]uint16{1, 65535} {
		t.Errorf("root weights = %+v", n.Weights)
	}
	// Zero weights are stored as they are.
	c.must(key(t, "//v1"), &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{0, 0}})
	c.query(types.QueryNeuron+"/1/1", 0, &n)
	if len(n.Weights) != 2 || n.Weights[0][1] != 0 || n.Weights[1][1] != 0 {
		t.Errorf("zero weights = %+v", n.Weights)
	}
}

func TestSetWeightsFailures(t *testing.T) {
	c := newSubtensorChain(t, weightsGenesis(t))
	v0, v1, m2, r0 := key(t, "//v0"), key(t, "//v1"), key(t, "//m2"), key(t, "//r0")
	c.run()
	sw := func(netuid uint16, dests []uint16, w []uint16) *types.SetWeights {
		return &types.SetWeights{Netuid: netuid, Dests: dests, Weights: w}
	}
	// In the reference's order of checks.
	c.failsCleanly(v0, sw(1, []uint16{2, 3}, []uint16{1}), types.ErrWeightVecNotEqualSize)
	c.failsCleanly(v0, sw(9, []uint16{2, 3}, []uint16{1, 1}), types.ErrNetworkDoesNotExist)
	c.failsCleanly(v0, sw(1, []uint16{0, 1, 2, 3, 4}, []uint16{1, 1, 1, 1, 1}), types.ErrTooManyUids)
	c.failsCleanly(r0, sw(0, []uint16{1, 7}, []uint16{1, 1}), types.ErrInvalidUID)
	c.failsCleanly(r0, sw(1, []uint16{2, 3}, []uint16{1, 1}), types.ErrNotRegistered)
	c.setHyper(types.CallSudoSetWeightsVersionKey, 1, 5)
	err := c.failsCleanly(v0, &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{1, 1}, VersionKey: 4}, types.ErrIncorrectNetworkVersionKey)
	mustContain(t, err, "version key 4 is below subnet 1's 5")
	c.setHyper(types.CallSudoSetWeightsVersionKey, 1, 0)

	c.must(v0, sw(1, []uint16{2, 3}, []uint16{1, 1}))
	err = c.failsCleanly(v0, sw(1, []uint16{2, 3}, []uint16{1, 2}), types.ErrSettingWeightsTooFast)
	mustContain(t, err, "weights set too soon: wait 9 more blocks (rate limit 10")

	c.failsCleanly(m2, sw(1, []uint16{0, 1}, []uint16{1, 1}), types.ErrNoValidatorPermit)
	c.failsCleanly(v1, sw(1, []uint16{2, 2}, []uint16{1, 1}), types.ErrDuplicateUids)
	c.failsCleanly(v1, sw(1, []uint16{2, 9}, []uint16{1, 1}), types.ErrInvalidUID)
	err = c.failsCleanly(v1, sw(1, []uint16{2}, []uint16{1}), types.ErrNotSettingEnoughWeights)
	mustContain(t, err, "at least 2")
	c.setHyper(types.CallSudoSetMaxWeightLimit, 1, 40000)
	c.failsCleanly(v1, sw(1, []uint16{2, 3}, []uint16{65535, 100}), types.ErrMaxWeightExceeded)
	// Within the limit: 0.5 each ≤ 40000/65535.
	c.must(v1, sw(1, []uint16{2, 3}, []uint16{10, 10}))
	// A self-weight passes the limit and the minimum.
	c.must(m2, sw(1, []uint16{2}, []uint16{1}))
	// On root, a self-weight (uid as netuid) also passes the max limit.
	c.setHyper(types.CallSudoSetMaxWeightLimit, 0, 1000)
	c.failsCleanly(r0, sw(0, []uint16{0, 1}, []uint16{65535, 1}), types.ErrMaxWeightExceeded)
	c.must(r0, sw(0, []uint16{0}, []uint16{5}))
}
