package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
)

// On a real dev node, through the client: three dev accounts put hotkeys on
// the root network (and so in the senate), a root validator sets root
// weights, and the dev triumvirate's proposals are approved (applied),
// approved but failing (reported, nothing applied) and rejected.
func TestDevNodeGovernance(t *testing.T) {
	_, rpc := startDev(t, t.TempDir())
	c := connect(t, rpc)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	waitHeight(t, c, 2)
	alice, bob := mustKey(t, "//Alice"), mustKey(t, "//Bob")

	tri, err := c.Triumvirate(ctx, 0)
	if err != nil || len(tri.Members) != 3 || tri.MaxMembers != 3 {
		t.Fatalf("dev triumvirate %+v, %v", tri, err)
	}
	netuid, _, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	type senator struct {
		cold, hot string
	}
	senators := []senator{{"//Dave", "//Dave//root"}, {"//Eve", "//Eve//root"}, {"//Ferdie", "//Ferdie//root"}}
	for i, s := range senators {
		uid, _, err := c.RootRegister(ctx, mustKey(t, s.cold), id(t, s.hot), subtensor.WaitInclusion)
		if err != nil || uid != uint16(i) {
			t.Fatalf("root register %s: uid %d, %v", s.hot, uid, err)
		}
	}
	rn, err := c.RootNeurons(ctx, 0)
	if err != nil || len(rn.Neurons) != 3 || !rn.Neurons[2].Senator {
		t.Fatalf("root neurons %+v, %v", rn, err)
	}
	if ok, err := c.IsSenateMember(ctx, id(t, "//Eve//root"), 0); !ok || err != nil {
		t.Errorf("Eve's root hotkey in the senate: %v %v", ok, err)
	}
	// Root weights: 1 on root, 3 on the subnet, max-upscaled.
	if _, err := c.RootSetWeights(ctx, mustKey(t, "//Dave//root"), []uint16{0, netuid}, []float64{1, 3}, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RootSetWeights(ctx, mustKey(t, "//Dave//root"), []uint16{9}, []float64{1}, subtensor.WaitInclusion); !errors.Is(err, types.ErrInvalidUID) {
		t.Errorf("root weights on a missing subnet: %v", err)
	}
	rw, err := c.GetRootWeights(ctx, 0)
	if err != nil || len(rw.Rows) != 3 || len(rw.Rows[0].Weights) != 2 || rw.Rows[0].Weights[1] != [2]uint16{netuid, 65535} || rw.Rows[0].Weights[0] != [2]uint16{0, 21845} {
		t.Errorf("root weights %+v, %v", rw, err)
	}

	vote := func(p subtensor.ProposalRef, approve bool, who ...int) {
		t.Helper()
		for _, i := range who {
			if _, err := c.Vote(ctx, mustKey(t, senators[i].cold), id(t, senators[i].hot), p, approve, subtensor.WaitInclusion); err != nil {
				t.Fatalf("vote: %v", err)
			}
		}
	}
	// Approved: the tempo changes.
	setTempo, _ := types.NewSudoSet(types.CallSudoSetTempo, netuid, 33)
	p, res, err := c.Propose(ctx, bob, setTempo, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Proposal(ctx, p.Hash, 0)
	if err != nil || info.Index != p.Index || info.Threshold != 2 || info.End != res.Height+node.DevMotionDuration {
		t.Fatalf("proposal %+v, %v", info, err)
	}
	if _, err := c.Vote(ctx, bob, id(t, "//Dave//root"), p, true, subtensor.WaitInclusion); !errors.Is(err, types.ErrNonAssociatedColdKey) {
		t.Errorf("vote for someone else's hotkey: %v", err)
	}
	vote(p, true, 0, 1)
	out, _, err := c.CloseProposal(ctx, alice, p, subtensor.WaitInclusion)
	if err != nil || !out.Approved || out.Err != nil || out.Yes != 2 {
		t.Fatalf("close: %+v, %v", out, err)
	}
	if hp, _ := c.GetHyperparameters(ctx, netuid, 0); hp.Tempo != 33 {
		t.Errorf("tempo %d after an approved proposal", hp.Tempo)
	}
	if _, err := c.Proposal(ctx, p.Hash, 0); !errors.Is(err, types.ErrNotFound) {
		t.Errorf("closed proposal: %v", err)
	}

	// Approved but failing: a subnet that does not exist.
	setMissing, _ := types.NewSudoSet(types.CallSudoSetTempo, 77, 5)
	p, _, err = c.Propose(ctx, alice, setMissing, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	vote(p, true, 1, 2)
	out, _, err = c.CloseProposal(ctx, bob, p, subtensor.WaitInclusion)
	if err != nil || !out.Approved || !errors.Is(out.Err, types.ErrAdminNetworkDoesNotExist) {
		t.Errorf("failing proposal: %+v, %v", out, err)
	}

	// Rejected: two nays.
	setTempo.Value = 44
	p, _, err = c.Propose(ctx, alice, setTempo, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	vote(p, false, 0, 2)
	before, _ := c.GetBalance(ctx, id(t, "//Charlie"), 0)
	out, _, err = c.CloseProposal(ctx, mustKey(t, "//Charlie"), p, subtensor.WaitInclusion)
	if err != nil || out.Approved || out.No != 2 {
		t.Errorf("rejected proposal: %+v, %v", out, err)
	}
	if after, _ := c.GetBalance(ctx, id(t, "//Charlie"), 0); after != before {
		t.Errorf("close cost %s", balance.Balance(before-after))
	}
	if hp, _ := c.GetHyperparameters(ctx, netuid, 0); hp.Tempo != 33 {
		t.Errorf("tempo %d after a rejected proposal", hp.Tempo)
	}
	ps, err := c.Proposals(ctx, 0)
	if err != nil || len(ps.Proposals) != 0 || ps.SenateSize != 3 {
		t.Errorf("proposals %+v, %v", ps, err)
	}
}

func id(t *testing.T, uri string) types.AccountID {
	t.Helper()
	return types.AccountID(mustKey(t, uri).PublicKey())
}
