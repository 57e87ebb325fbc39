package subtensor_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
)

func TestCommitHash(t *testing.T) {
	hot := id(key(t, "//Alice"))
	a := subtensor.CommitHash(hot, 1, []uint16{0, 1}, []uint16{1, 2}, []uint16{9, 9}, 3)
	for _, b := range [][32]byte{
		subtensor.CommitHash(hot, 2, []uint16{0, 1}, []uint16{1, 2}, []uint16{9, 9}, 3),
		subtensor.CommitHash(hot, 1, []uint16{0, 1}, []uint16{1, 2}, []uint16{9, 8}, 3),
		subtensor.CommitHash(hot, 1, []uint16{0, 1}, []uint16{1, 2}, []uint16{9, 9}, 4),
		subtensor.CommitHash(hot, 1, []uint16{0}, []uint16{1, 2}, []uint16{9, 9}, 3),
	} {
		if a == b {
			t.Errorf("different weights, same hash %x", a)
		}
	}
	info := subtensor.CommitRevealInfo{Netuid: 3, Tempo: 9, RevealPeriod: 1}
	// Epochs of 10 blocks, offset by netuid + 1 = 4: blocks 6…15 are
	// epoch 1, 16…25 epoch 2.
	for _, tc := range []struct{ commit, first, last uint64 }{{6, 16, 25}, {15, 16, 25}, {16, 26, 35}, {0, 6, 15}} {
		if f, l := info.RevealWindow(tc.commit); f != tc.first || l != tc.last {
			t.Errorf("commit at %d: reveal %d…%d, want %d…%d", tc.commit, f, l, tc.first, tc.last)
		}
	}
}

// TestSubstrateCommitReveal commits and reveals weights on a commit-reveal
// subnet of the real runtime, with the salt kept on disk, and checks the
// refusals of a plain set_weights and of a reveal too early or too late.
func TestSubstrateCommitReveal(t *testing.T) {
	c, ch := connectSubstrate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	params := append(append([]subnettest.Param{}, subnettest.Fast...), subnettest.Param{Name: "tempo", Value: 4},
		subnettest.Param{Name: "commit_reveal_weights_enabled", Value: 1}, subnettest.Param{Name: "commit_reveal_period", Value: 1})
	net := subnettest.New(t, ctx, c, ch, "//CommitReveal", params)
	info, err := c.CommitReveal(ctx, net.Netuid, 0)
	if err != nil || !info.Enabled || info.RevealPeriod != 1 || info.Tempo != 4 {
		t.Fatalf("commit-reveal settings %+v, %v", info, err)
	}
	v := net.OwnerHot
	_, err = c.SetWeights(ctx, v, net.Netuid, []uint16{0}, []uint16{65535}, 0, subtensor.WaitInclusion)
	var ce *types.ChainError
	if !errors.As(err, &ce) || ce.Name != "CommitRevealEnabled" {
		t.Errorf("set_weights on a commit-reveal subnet: %v, want CommitRevealEnabled", err)
	}

	store, err := subtensor.OpenCommitStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// The commit goes in at the first block of an epoch, so that a reveal
	// in the next block is too early whatever blocks the tests before
	// this one built on the shared chain.
	head, err := c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := head + 1
	for info.Epoch(next) == info.Epoch(next-1) {
		next++
	}
	if next > head+1 {
		if _, err := ch.NewBlocks(ctx, int(next-head-1)); err != nil {
			t.Fatal(err)
		}
	}
	p, res, err := subtensor.CommitToStore(ctx, c, store, v, net.Netuid, []uint16{0}, []uint16{65535}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if first, last := info.RevealWindow(res.Height); res.Height != next || p.CommitBlock != res.Height || p.FirstReveal != first || p.LastReveal != last {
		t.Errorf("commit %+v at block %d; want reveal window %d…%d", p, res.Height, first, last)
	}
	pending, err := store.Pending(c.ChainID(), net.Netuid, v.SS58Address())
	if err != nil || len(pending) != 1 || pending[0].Hash != p.Hash {
		t.Fatalf("pending commits %v, %v", pending, err)
	}
	if names, _ := os.ReadDir(store.Dir()); len(names) == 1 {
		if fi, err := names[0].Info(); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("commit file mode %v, %v", fi.Mode(), err)
		}
	}
	// polkadot-js hashes the same tuple to the same hash.
	var pjHash string
	err = ch.PolkadotJS(ctx, `const api = await env.api();
		const t = api.createType('(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)',
			[env.args.hotkey, env.args.netuid, [0], [65535], env.args.salt, 0]);
		return api.registry.hash(t.toU8a()).toHex();`,
		map[string]any{"hotkey": v.SS58Address(), "netuid": net.Netuid, "salt": p.Salt}, &pjHash)
	if err != nil {
		t.Fatal(err)
	}
	if pjHash != p.Hash {
		t.Errorf("polkadot-js hashes the commit to %s, we to %s", pjHash, p.Hash)
	}

	// Too early: nothing is sent, the commit stays.
	if _, err := subtensor.RevealFromStore(ctx, c, store, v, p, subtensor.WaitInclusion); !errors.Is(err, subtensor.ErrRevealTooEarly) {
		t.Fatalf("reveal at once: %v, want ErrRevealTooEarly", err)
	} else {
		t.Log(err)
	}
	head, _ = c.GetCurrentBlock(ctx)
	if _, err := ch.NewBlocks(ctx, int(p.FirstReveal-head-1)); err != nil {
		t.Fatal(err)
	}
	if _, err := subtensor.RevealFromStore(ctx, c, store, v, p, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if left, _ := store.Pending(c.ChainID(), net.Netuid, v.SS58Address()); len(left) != 0 {
		t.Errorf("revealed commit still stored: %v", left)
	}
	n, err := c.Neuron(ctx, net.Netuid, 0, 0)
	if err != nil || len(n.Weights) != 1 || n.Weights[0] != [2]uint16{0, 65535} {
		t.Errorf("weights after the reveal %v, %v", n.Weights, err)
	}

	// Too late: the window passes; the commit is dropped from the store.
	p2, _, err := subtensor.CommitToStore(ctx, c, store, v, net.Netuid, []uint16{0}, []uint16{100}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	head, _ = c.GetCurrentBlock(ctx)
	if _, err := ch.NewBlocks(ctx, int(p2.LastReveal-head)); err != nil {
		t.Fatal(err)
	}
	if _, err := subtensor.RevealFromStore(ctx, c, store, v, p2, subtensor.WaitInclusion); !errors.Is(err, subtensor.ErrRevealTooLate) {
		t.Errorf("reveal after the window: %v, want ErrRevealTooLate", err)
	} else {
		t.Log(err)
	}
	if left, _ := store.Pending(c.ChainID(), net.Netuid, v.SS58Address()); len(left) != 0 {
		t.Errorf("expired commit still stored: %v", left)
	}
}
