package chain

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// TestQueryNarrowRanges: a query walks the tree for ranges under one
// account's key (narrowRangeKey) and the fast index for wider ones; both
// must read exactly what the committed version holds. Every range that
// starts at a stored key's first narrowRangeKey bytes (or at the whole
// key), read through a query's budget, equals the same range read from the
// committed version directly, in full and when stopped after its first
// entry.
func TestQueryNarrowRanges(t *testing.T) {
	g := devGenesis(t, 1_000_000_000_000, "//Alice")
	neurons := make([]GenesisNeuron, 40)
	for i := range neurons {
		copy(neurons[i].Hotkey[:], fmt.Sprintf("narrow-hotkey-%04d", i))
		copy(neurons[i].Coldkey[:], fmt.Sprintf("narrow-coldkey-%04d", i%7))
		neurons[i].Stake = uint64(i+1) * 1_000_000_000
		neurons[i].ValidatorPermit = i < 4
	}
	g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: 1, Owner: g.Balances[0].Address, Lock: 1_000_000_000, Neurons: neurons})
	c := newTestChain(t, g)
	c.block()
	c.block()
	committed := versionKV{c.app.committed}
	queried := withBudget(context.Background(), NewState(committed), "test").kv

	type kv struct{ k, v string }
	read := func(src KV, start, end []byte, limit int) []kv {
		var out []kv
		src.Iterate(start, end, func(k, v []byte) bool {
			out = append(out, kv{string(k), string(v)})
			return limit == 0 || len(out) < limit
		})
		return out
	}
	var starts [][]byte
	committed.Iterate(nil, nil, func(k, _ []byte) bool {
		if len(k) >= narrowRangeKey {
			starts = append(starts, bytes.Clone(k[:narrowRangeKey]), bytes.Clone(k))
		}
		return true
	})
	if len(starts) < 80 {
		t.Fatalf("only %d keys under an account", len(starts)/2)
	}
	for _, start := range starts {
		for _, end := range [][]byte{prefixEnd(start), nil} {
			for _, limit := range []int{0, 1} {
				want, got := read(committed, start, end, limit), read(queried, start, end, limit)
				if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
					t.Fatalf("range [%x, %x) limit %d: query read %d entries, the committed version %d", start, end, limit, len(got), len(want))
				}
			}
		}
	}
	// And through the state's own reads: each hotkey's stake.
	st, qst := NewState(committed), withBudget(context.Background(), NewState(committed), "test")
	for _, n := range neurons {
		want, got := st.StakesOnHotkey(n.Hotkey), qst.StakesOnHotkey(n.Hotkey)
		if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 1 || want[0] != (types.StakeEntry{Coldkey: n.Coldkey, Amount: n.Stake}) {
			t.Fatalf("stakes on %x: query %v, committed %v", n.Hotkey, got, want)
		}
	}
}
