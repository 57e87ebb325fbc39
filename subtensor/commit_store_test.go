package subtensor_test

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

// commitChain is an in-memory chain of commits for the store's rules: what
// the chain holds is set by the test.
type commitChain struct {
	head    uint64
	commits []subtensor.ChainCommit
}

func (c *commitChain) ChainID() string                                 { return "test 0x01" }
func (c *commitChain) GetCurrentBlock(context.Context) (uint64, error) { return c.head, nil }
func (c *commitChain) CommitReveal(context.Context, uint16, uint64) (subtensor.CommitRevealInfo, error) {
	return subtensor.CommitRevealInfo{Enabled: true}, nil
}
func (c *commitChain) CommitWeights(context.Context, subtensor.Signer, uint16, [32]byte, subtensor.Wait) (*subtensor.TxResult, error) {
	return &subtensor.TxResult{Height: c.head + 1}, nil
}
func (c *commitChain) RevealWeights(context.Context, subtensor.Signer, uint16, []uint16, []uint16, []uint16, uint64, subtensor.Wait) (*subtensor.TxResult, error) {
	return &subtensor.TxResult{Height: c.head + 1}, nil
}
func (c *commitChain) WeightCommits(context.Context, uint16, types.AccountID, uint64) ([]subtensor.ChainCommit, error) {
	return c.commits, nil
}

func hashOf(t *testing.T, p *subtensor.PendingCommit) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(p.Hash, "0x"))
	if err != nil || len(b) != 32 {
		t.Fatalf("hash %q", p.Hash)
	}
	return [32]byte(b)
}

// TestReconcile: the store keeps what may still be revealed (on chain, or
// in flight) and drops the rest, and learns the window of a commit whose
// sender stopped before recording it.
func TestReconcile(t *testing.T) {
	ctx := context.Background()
	hot := key(t, "//Alice")
	who := id(hot)
	store, err := subtensor.OpenCommitStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := &commitChain{head: 1000}
	mk := func(w uint16, sent uint64) *subtensor.PendingCommit {
		h := subtensor.CommitHash(who, 1, []uint16{0}, []uint16{w}, []uint16{w}, 0)
		p := &subtensor.PendingCommit{Chain: c.ChainID(), Netuid: 1, Hotkey: who.String(), UIDs: []uint16{0}, Weights: []uint16{w},
			Salt: []uint16{w}, Hash: "0x" + hex.EncodeToString(h[:]), SentBlock: sent}
		if err := store.Put(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	onChain := mk(1, 990)                          // the sender stopped before recording its block
	expired := mk(2, 950)                          // on chain, window over
	inFlight := mk(3, 999)                         // sent, not on chain yet
	lost := mk(4, 1000-subtensor.InFlightBlocks-1) // sent long ago, never taken
	revealed := mk(5, 980)                         // landed, then revealed: gone from the chain
	revealed.CommitBlock, revealed.FirstReveal, revealed.LastReveal = 981, 990, 1010
	if err := store.Put(revealed); err != nil {
		t.Fatal(err)
	}
	other := mk(6, 999)
	other.Chain = "another chain"
	if err := store.Put(other); err != nil { // another chain's file, same netuid and hotkey
		t.Fatal(err)
	}
	c.commits = []subtensor.ChainCommit{
		{Hash: hashOf(t, expired), CommitBlock: 951, FirstReveal: 960, LastReveal: 970},
		{Hash: hashOf(t, onChain), CommitBlock: 991, FirstReveal: 1001, LastReveal: 1011},
	}
	live, err := subtensor.Reconcile(ctx, c, store, 1, who)
	if err != nil {
		t.Fatal(err)
	}
	byHash := map[string]*subtensor.PendingCommit{}
	for _, p := range live {
		byHash[p.Hash] = p
	}
	if p := byHash[onChain.Hash]; len(live) != 2 || byHash[inFlight.Hash] == nil || p == nil || p.CommitBlock != 991 || p.FirstReveal != 1001 || p.LastReveal != 1011 {
		t.Fatalf("%d live commits; want the in-flight one and the one on chain with its window (%+v)", len(live), p)
	}
	left, err := store.Pending(c.ChainID(), 1, who.String())
	if err != nil || len(left) != 2 {
		t.Errorf("store holds %d commits of this chain after reconciling, %v; want 2", len(left), err)
	}
	for _, p := range left {
		if p.Hash == onChain.Hash && p.CommitBlock != 991 {
			t.Errorf("the learnt commit block is not on disk: %+v", p)
		}
	}
	if again, _ := store.Pending("another chain", 1, who.String()); len(again) != 1 {
		t.Errorf("another chain's commit was touched: %v", again)
	}
	if byHash[lost.Hash] != nil || byHash[expired.Hash] != nil || byHash[revealed.Hash] != nil {
		t.Error("a commit that can no longer be revealed is still live")
	}

	// Files are 0600 and a damaged one is an error naming it.
	names, _ := filepath.Glob(filepath.Join(store.Dir(), "*.json"))
	for _, n := range names {
		if fi, err := os.Stat(n); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v", n, fi.Mode(), err)
		}
	}
	bad := filepath.Join(store.Dir(), "netuid-1-"+who.String()+"-ffff.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pending(c.ChainID(), 1, who.String()); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a damaged commit file: %v", err)
	}
}
