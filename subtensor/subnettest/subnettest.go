// Package subnettest makes subnets on a real Bittensor runtime under
// chopsticks (package substrate/substratetest) for tests: a funded owner,
// a subnet registered through the runtime's own register_network, its
// hyperparameters set by the sudo key (//Alice), hotkeys registered by
// burn. Everything goes through the real client and the real runtime.
package subnettest

import (
	"context"
	"strconv"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/scale"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// Param is a hyperparameter to set with the sudo key: a name of
// types.ParamSetters, or "commit_reveal_weights_enabled" and
// "commit_reveal_period" (AdminUtils' commit-reveal setters).
type Param struct {
	Name  string
	Value uint64
}

// Fast are hyperparameters for a subnet that a test drives through epochs:
// a short tempo, weights at any block, registrations without limits and a
// cheap burn.
var Fast = []Param{
	{"tempo", 10}, {"weights_set_rate_limit", 0}, {"target_registrations_per_interval", 1000},
	{"max_registrations_per_block", 1000}, {"min_burn", 1_000_000}, {"max_burn", 100_000_000_000},
	{"activity_cutoff", 5000}, {"immunity_period", 1000},
}

// Net is a subnet made for a test.
type Net struct {
	C      *subtensor.SubstrateClient
	Chain  *substratetest.Chain
	Netuid uint16
	// Owner is the owner's coldkey; OwnerHot its hotkey (uid 0).
	Owner, OwnerHot *wallet.Keypair
}

// Fund gives an account rao of free balance at once (no block).
func Fund(t testing.TB, ctx context.Context, ch *substratetest.Chain, k *wallet.Keypair, rao uint64) {
	t.Helper()
	if err := ch.Fund(ctx, k.SS58Address(), rao); err != nil {
		t.Fatal(err)
	}
}

// New registers a subnet owned by a fresh coldkey named by seed (a URI
// path such as "//Metagraph") and sets params with the sudo key.
func New(t testing.TB, ctx context.Context, c *subtensor.SubstrateClient, ch *substratetest.Chain, seed string, params []Param) *Net {
	t.Helper()
	owner, hot := substratetest.Keypair(t, seed), substratetest.Keypair(t, seed+"//hot")
	Fund(t, ctx, ch, owner, balance.FromTAO(100_000).RAO())
	// Subnet registration is rate limited by blocks: move the chain on.
	lc, err := c.GetLockCost(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err := c.GetCurrentBlock(ctx); err != nil {
		t.Fatal(err)
	} else if cur < lc.NextAllowedBlock+1 {
		if _, err := ch.NewBlocks(ctx, int(lc.NextAllowedBlock-cur)+1); err != nil {
			t.Fatal(err)
		}
	}
	netuid, _, err := c.RegisterNetwork(ctx, owner, types.AccountID(hot.PublicKey()), 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	n := &Net{C: c, Chain: ch, Netuid: netuid, Owner: owner, OwnerHot: hot}
	for _, p := range params {
		n.Set(t, ctx, p)
	}
	return n
}

// Set sets one hyperparameter with the sudo key (//Alice).
func (n *Net) Set(t testing.TB, ctx context.Context, p Param) {
	t.Helper()
	alice := substratetest.Alice(t)
	var err error
	switch p.Name {
	case "commit_reveal_weights_enabled":
		_, err = n.C.SetCommitReveal(ctx, alice, n.Netuid, p.Value != 0, subtensor.WaitInclusion)
	case "commit_reveal_period":
		_, err = n.C.SetRevealPeriod(ctx, alice, n.Netuid, p.Value, subtensor.WaitInclusion)
	default:
		_, err = n.C.SetHyperparameter(ctx, alice, n.Netuid, p.Name, p.Value, subtensor.WaitInclusion)
	}
	if err != nil {
		t.Fatalf("subnet %d: set %s to %d: %v", n.Netuid, p.Name, p.Value, err)
	}
}

// Register registers hotkey on the subnet by burn, paid by coldkey (funded
// here), and returns its uid.
func (n *Net) Register(t testing.TB, ctx context.Context, coldkey, hotkey *wallet.Keypair) uint16 {
	t.Helper()
	if b, err := n.C.GetBalance(ctx, types.AccountID(coldkey.PublicKey()), 0); err != nil {
		t.Fatal(err)
	} else if b < balance.FromTAO(1000) {
		Fund(t, ctx, n.Chain, coldkey, balance.FromTAO(10_000).RAO())
	}
	uid, _, err := n.C.BurnedRegister(ctx, coldkey, n.Netuid, types.AccountID(hotkey.PublicKey()), 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatalf("subnet %d: register %s: %v", n.Netuid, hotkey.SS58Address(), err)
	}
	return uid
}

// SeedPool sets the subnet's pool reserves to tao RAO of TAO and alpha
// RAO of alpha, in place (dev_setStorage; no block). A subnet of the spec-218
// runtime starts with 1 RAO on each side and its coinbase never adds alpha
// to a pool whose price is that high, so stake would buy no alpha; a test
// that stakes seeds a pool first.
func (n *Net) SeedPool(t testing.TB, ctx context.Context, tao, alpha uint64) {
	t.Helper()
	storage := map[string]any{"SubtensorModule": map[string]any{
		"SubnetTAO":     []any{[]any{[]any{n.Netuid}, strconv.FormatUint(tao, 10)}},
		"SubnetAlphaIn": []any{[]any{[]any{n.Netuid}, strconv.FormatUint(alpha, 10)}},
	}}
	if err := n.Chain.Call(ctx, nil, "dev_setStorage", storage); err != nil {
		t.Fatal(err)
	}
}

// Stake stakes amount of coldkey's TAO on hotkey on the subnet, bought
// through the subnet's pool into alpha (add_stake(hotkey, netuid, amount)
// of dynamic-TAO runtimes), and waits for its block. A new subnet's pool
// holds 1 RAO of each side until emission fills it: stake on it buys no
// alpha before some blocks have passed (Chain.NewBlocks).
func (n *Net) Stake(t testing.TB, ctx context.Context, coldkey, hotkey *wallet.Keypair, amount balance.Balance) {
	t.Helper()
	sc := n.C.Substrate()
	rt, err := sc.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	call, err := rt.EncodeCall("SubtensorModule", "add_stake", hotkey.PublicKey(), n.Netuid, amount.RAO())
	if err != nil {
		t.Fatal(err)
	}
	x, err := sc.Sign(ctx, call, coldkey, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := sc.Submit(ctx, x, substrate.InBlock)
	if err != nil {
		t.Fatal(err)
	}
	if r.Err != nil {
		t.Fatalf("stake %s on %s on subnet %d: %v", amount, hotkey.SS58Address(), n.Netuid, r.Err)
	}
}

// RegisterMany registers hotkeys on the subnet by burn, paid by coldkey, in
// Utility.batch_all extrinsics of up to per calls each (the subnet's
// registration limits must allow it: see Fast), and returns when all are
// in blocks.
func (n *Net) RegisterMany(t testing.TB, ctx context.Context, coldkey *wallet.Keypair, hotkeys [][32]byte, per int) {
	t.Helper()
	sc := n.C.Substrate()
	rt, err := sc.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	for len(hotkeys) > 0 {
		k := min(per, len(hotkeys))
		calls := make([]scale.Value, k)
		for i, h := range hotkeys[:k] {
			call, err := rt.EncodeCall("SubtensorModule", "burned_register", n.Netuid, h)
			if err != nil {
				t.Fatal(err)
			}
			if calls[i], err = rt.Types.DecodeValue(rt.Extrinsic.CallType, call); err != nil {
				t.Fatal(err)
			}
		}
		hotkeys = hotkeys[k:]
		batch, err := rt.EncodeCall("Utility", "batch_all", calls)
		if err != nil {
			t.Fatal(err)
		}
		x, err := sc.Sign(ctx, batch, coldkey, substrate.SignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := sc.Submit(ctx, x, substrate.InBlock)
		if err != nil {
			t.Fatal(err)
		}
		if r.Err != nil {
			t.Fatalf("subnet %d: batch of %d registrations: %v", n.Netuid, k, r.Err)
		}
	}
}
