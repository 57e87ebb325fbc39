package chain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

func (c *emissionChain) rawQuery(path string, height int64) ([]byte, error) {
	c.t.Helper()
	resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path, Height: height})
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.Code != 0 {
		return nil, types.NewChainError(resp.Code, resp.Codespace, resp.Log)
	}
	return resp.Value, nil
}

// The next epoch's input, as the query shows it, simulated with chain/yuma,
// is exactly what the chain's epoch then computes and pays, although the
// blocks in between drain the last epoch's payouts into the stakes, run a
// root epoch and accumulate pending emission.
func TestEpochInputQueryPredictsTheEpoch(t *testing.T) {
	c := newEmissionChain(t, func(g *Genesis) {
		for i := range g.Subnets {
			if g.Subnets[i].Netuid == 1 {
				g.Subnets[i].Neurons[1].Stake = 300 * tao
			}
		}
	})
	c.run(c.signed(c.charlie, &types.AddStake{Hotkey: id(t, "//v"), Amount: 500 * tao}))
	// Block 2: the epoch grants permits and loads its payouts (all to the
	// validator, the only one with a permit before it), then two validators
	// set weights: their dividends depend on their stakes after the drain.
	c.run(c.signed(c.v, &types.SetWeights{Netuid: 1, Dests: []uint16{1, 2}, Weights: []uint16{3, 1}}),
		c.signed(c.m1, &types.SetWeights{Netuid: 1, Dests: []uint16{2}, Weights: []uint16{1}}))
	if len(c.state().LoadedEmission(1)) == 0 {
		t.Fatal("no payouts waiting for the drain")
	}

	raw, err := c.rawQuery(types.QueryEpochInput+"/1", 0)
	if err != nil {
		t.Fatal(err)
	}
	in, err := yuma.DecodeSimInput(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the answer is not simulator input: %v\n%s", err, raw)
	}
	if in.Block != 7 || len(in.Neurons) != 3 || !in.Neurons[1].ValidatorPermit || in.Neurons[0].LastUpdate != 2 || in.Neurons[0].Stake != 1500*tao+2*820_004_577 {
		t.Fatalf("input %+v", in)
	}
	sim, err := yuma.Simulate(in)
	if err != nil {
		t.Fatal(err)
	}
	rootRaw, err := c.rawQuery(types.QueryEpochInput+"/0", 0)
	if err != nil {
		t.Fatal(err)
	}
	rootIn, err := yuma.DecodeSimRootInput(bytes.NewReader(rootRaw))
	if err != nil {
		t.Fatalf("the root answer is not simulator input: %v\n%s", err, rootRaw)
	}
	rootSim, err := yuma.SimulateRoot(rootIn)
	if err != nil {
		t.Fatal(err)
	}

	for c.height < 7 {
		c.run()
		if c.height == 4 { // the root epoch
			for _, ev := range rootSim.EmissionValues {
				mustEqual(t, fmt.Sprintf("emission value of %d", ev[0]), c.state().EmissionValue(uint16(ev[0])), ev[1])
			}
		}
	}
	st := c.state()
	if es := st.SubnetEmission(1); es.LastStepBlock != 7 {
		t.Fatalf("no epoch at block 7: %+v", es)
	}
	var payouts []loadedEmission
	for uid, want := range sim.Neurons {
		n, _ := st.Neuron(1, uint16(uid))
		got := SimNeuronOf(st, 1, uint16(uid), &n)
		want.ServerEmission, want.ValidatorEmission = 0, 0
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("uid %d: chain %+v\nsimulated %+v", uid, got, want)
		}
		if se, ve := sim.Neurons[uid].ServerEmission, sim.Neurons[uid].ValidatorEmission; se+ve > 0 {
			payouts = append(payouts, loadedEmission{n.Hotkey, se, ve})
		}
	}
	if fmt.Sprint(st.LoadedEmission(1)) != fmt.Sprint(payouts) || len(payouts) != 3 {
		t.Errorf("loaded %+v, simulated %+v", st.LoadedEmission(1), payouts)
	}
}

// SimNeuronOf is a neuron's stored epoch results in the simulator's form
// (emissions split into server and validator parts are not stored).
func SimNeuronOf(st *State, netuid, uid uint16, n *neuron) yuma.SimNeuronResult {
	bonds := [][2]uint16{}
	for _, p := range st.Bonds(netuid, uid) {
		bonds = append(bonds, p)
	}
	return yuma.SimNeuronResult{Active: n.Active, Rank: n.Rank, Trust: n.Trust, Consensus: n.Consensus, Incentive: n.Incentive,
		Dividends: n.Dividends, ValidatorTrust: n.ValidatorTrust, PruningScore: n.PruningScore, Emission: n.Emission,
		ValidatorPermit: n.ValidatorPermit, Bonds: bonds}
}

func TestEmissionQueries(t *testing.T) {
	c := newEmissionChain(t, nil)
	c.run()
	c.run()
	info := c.emission()
	if info.Height != 2 || info.TotalIssuance != held(c.state()) || info.BlockEmission != 1_000_000_000 || len(info.Subnets) != 2 {
		t.Fatalf("%+v", info)
	}
	root, sn := subnetOf(info, 0), subnetOf(info, 1)
	if root.Tempo != 2 || root.NextEpochBlock != 4 || root.EmissionValue != 0 || root.PendingEmission != 0 {
		t.Errorf("root %+v", root)
	}
	if sn.Tempo != 4 || sn.NextEpochBlock != 7 || sn.LastStepBlock != 2 || sn.EmissionValue != 1_000_000_000 || len(sn.Loaded) != 1 ||
		sn.Loaded[0].Hotkey != id(t, "//v") || sn.Loaded[0].Validator != 2*820_004_577 {
		t.Errorf("subnet 1 %+v", sn)
	}
	for _, tt := range []struct {
		path string
		want *types.Error
	}{
		{types.QueryEpochInput + "/9", types.ErrNetworkDoesNotExist},
		{types.QueryEpochInput + "/x", types.ErrQuery},
		{types.QueryEpochInput, types.ErrQuery},
	} {
		if _, err := c.rawQuery(tt.path, 0); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %s", tt.path, err, tt.want.Name)
		}
	}
	// At an earlier height: the input of the epoch after it.
	raw, err := c.rawQuery(types.QueryEpochInput+"/1", 1)
	if err != nil {
		t.Fatal(err)
	}
	in, err := yuma.DecodeSimInput(bytes.NewReader(raw))
	if err != nil || in.Block != 2 || in.Emission != 2*820_004_577 {
		t.Errorf("input after block 1: %+v, %v", in, err)
	}
}
