package chain

import (
	"context"
	"errors"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

func TestNeuronQueries(t *testing.T) {
	c := newSubtensorChain(t, weightsGenesis(t))
	bob := key(t, "//Bob")
	c.run()
	c.must(key(t, "//v0"), &types.SetWeights{Netuid: 1, Dests: []uint16{2, 3}, Weights: []uint16{1, 2}})
	before := uint64(c.height)
	c.burnRegister(bob, 1, id(t, "//new"))

	var full, lite types.NeuronsInfo
	c.query(types.QueryNeurons+"/1", 0, &full)
	c.query(types.QueryNeuronsLite+"/1", 0, &lite)
	if full.Netuid != 1 || full.Height != uint64(c.height) || len(full.Neurons) != 5 || len(lite.Neurons) != 5 {
		t.Fatalf("neurons: %d full, %d lite, height %d", len(full.Neurons), len(lite.Neurons), full.Height)
	}
	v0 := full.Neurons[0]
	if v0.Hotkey != id(t, "//v0") || !v0.ValidatorPermit || v0.TotalStake != 10*tao || len(v0.Stake) != 1 ||
		v0.Stake[0] != (types.StakeEntry{Coldkey: id(t, "//Bob"), Amount: 10 * tao}) ||
		len(v0.Weights) != 2 || v0.Weights[1] != [2]uint16{3, 65535} || v0.Bonds == nil {
		t.Errorf("v0 = %+v", v0)
	}
	if lite.Neurons[0].Weights != nil || lite.Neurons[0].Bonds != nil || lite.Neurons[0].TotalStake != 10*tao {
		t.Errorf("lite v0 = %+v", lite.Neurons[0])
	}
	for uid, n := range full.Neurons {
		if n.UID != uint16(uid) || n.Netuid != 1 {
			t.Errorf("neuron %d = uid %d netuid %d", uid, n.UID, n.Netuid)
		}
	}
	// At an earlier height the new neuron does not exist.
	var old types.NeuronsInfo
	c.query(types.QueryNeurons+"/1", int64(before), &old)
	if len(old.Neurons) != 4 || old.Height != before {
		t.Errorf("at block %d: %d neurons", before, len(old.Neurons))
	}
	var byKey, byUID types.NeuronInfo
	c.query(types.QueryNeuron+"/1/"+id(t, "//new").String(), 0, &byKey)
	c.query(types.QueryNeuron+"/1/4", 0, &byUID)
	if byKey.UID != 4 || byUID.Hotkey != id(t, "//new") || byKey.Weights == nil {
		t.Errorf("neuron by key %+v, by uid %+v", byKey, byUID)
	}
	// The root network's neurons, with weights on netuids.
	var root types.NeuronsInfo
	c.query(types.QueryNeurons+"/0", 0, &root)
	if len(root.Neurons) != 2 || len(root.Neurons[0].Weights) != 1 || root.Neurons[0].Weights[0] != [2]uint16{1, 65535} {
		t.Errorf("root neurons = %+v", root.Neurons)
	}

	for path, want := range map[string]*types.Error{
		types.QueryNeurons + "/9":                            types.ErrNetworkDoesNotExist,
		types.QueryNeurons + "/x":                            types.ErrQuery,
		types.QueryNeuron + "/1/9":                           types.ErrNotFound,
		types.QueryNeuron + "/1":                             types.ErrQuery,
		types.QueryNeuron + "/1/" + id(t, "//r0").String():   types.ErrNotRegistered,
		types.QueryDelegate + "/" + id(t, "//v0").String():   types.ErrNotFound,
		types.QueryStake + "/nonsense":                       types.ErrQuery,
		types.QueryHyperparams + "/70000":                    types.ErrQuery,
		"/nonsense":                                          types.ErrQuery,
		types.QuerySubnet + "/2":                             types.ErrNetworkDoesNotExist,
		types.QueryHotkey + "/" + "5GrwvaEF5zXb26Fz9rcQpDWS": types.ErrQuery,
	} {
		resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if got := types.NewChainError(resp.Code, resp.Codespace, resp.Log); resp.Code == 0 || !errors.Is(got, want) {
			t.Errorf("%s: %d %s, want %s", path, resp.Code, resp.Log, want.Name)
		}
	}
}
