package chain

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

const tao = 1_000_000_000

// subtensorGenesis is the reference genesis with the rate limits off, a
// lock of 100 TAO, subnets open to burned and PoW registration (difficulty
// 1000, burn 1 TAO, 3 registrations per block) and //Alice as sudo. Every
// uri is funded with 10,000 TAO.
func subtensorGenesis(t testing.TB, uris ...string) Genesis {
	t.Helper()
	g := DefaultGenesis()
	p := &g.Params.Subtensor
	p.TxRateLimit = 0
	p.NetworkRateLimit = 0
	p.NetworkMinLockCost = 100 * tao
	p.NetworkLockReductionInterval = 100
	h := &p.SubnetDefaults
	h.NetworkPowRegistrationAllowed = true
	h.Difficulty, h.MinDifficulty, h.MaxDifficulty = 1000, 1, 1_000_000
	h.MaxRegistrationsPerBlock = 3
	h.TargetRegistrationsPerInterval = 2
	h.MinBurn = tao / 10
	h.WeightsSetRateLimit = 0
	h.ServingRateLimit = 0
	for _, u := range uris {
		g.Balances = append(g.Balances, GenesisBalance{Address: id(t, u), Free: 10_000 * tao})
	}
	alice := id(t, "//Alice")
	g.Sudo = &alice
	return g
}

func id(t testing.TB, uri string) types.AccountID {
	t.Helper()
	return types.AccountID(key(t, uri).PublicKey())
}

// subtensorChain is a testChain that remembers its genesis and blocks, so
// it can be replayed into a twin for checks that compare whole states.
type subtensorChain struct {
	*testChain
	genesis Genesis
	blocks  [][][]byte
	opts    Options // of the App, for twins
}

func newSubtensorChain(t testing.TB, g Genesis) *subtensorChain {
	t.Helper()
	return &subtensorChain{testChain: newTestChain(t, g), genesis: g}
}

// run finalizes and commits a block of txs, recording it.
func (c *subtensorChain) run(txs ...[]byte) []*abci.ExecTxResult {
	c.t.Helper()
	c.blocks = append(c.blocks, txs)
	return c.block(txs...)
}

// signed builds a transaction of k with its next committed nonce.
func (c *subtensorChain) signed(k *wallet.Keypair, args types.CallArgs) []byte {
	c.t.Helper()
	return c.tx(k, c.account(k).Nonce, args)
}

// call runs args signed by k in a block of its own and returns the call's
// outcome and events.
func (c *subtensorChain) call(k *wallet.Keypair, args types.CallArgs) (error, []abci.Event) {
	c.t.Helper()
	res := c.run(c.signed(k, args))
	return resultErr(res[0]), res[0].Events
}

// must runs args signed by k and fails the test if the call fails.
func (c *subtensorChain) must(k *wallet.Keypair, args types.CallArgs) []abci.Event {
	c.t.Helper()
	err, evs := c.call(k, args)
	if err != nil {
		c.t.Fatalf("%s: %v", args.CallName(), err)
	}
	return evs
}

// twin replays the genesis and every block into a new chain.
func (c *subtensorChain) twin() *subtensorChain {
	c.t.Helper()
	tw := newChainOn(c.t, c.genesis, iavldb.NewMemDB(), c.opts)
	for _, b := range c.blocks {
		tw.run(b...)
	}
	return tw
}

// dump returns every key and value of the latest committed state.
func (c *subtensorChain) dump() map[string]string {
	c.t.Helper()
	st, _, err := c.app.stateAt(0)
	if err != nil {
		c.t.Fatal(err)
	}
	out := make(map[string]string)
	st.kv.Iterate(nil, nil, func(k, v []byte) bool {
		out[string(k)] = string(v)
		return true
	})
	return out
}

// failsCleanly checks that args signed by k is refused by CheckTx with the
// named error, and that in a block it fails with the same error and changes
// nothing but the signer's nonce: the state equals that of a twin chain
// that ran an empty block instead. It returns the error for message checks.
func (c *subtensorChain) failsCleanly(k *wallet.Keypair, args types.CallArgs, want *types.Error) error {
	c.t.Helper()
	raw := c.signed(k, args)
	resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw})
	if err != nil {
		c.t.Fatal(err)
	}
	if got := types.NewChainError(resp.Code, resp.Codespace, resp.Log); !errors.Is(got, want) {
		c.t.Fatalf("%s: CheckTx = %d %q, want %s", args.CallName(), resp.Code, resp.Log, want.Name)
	}
	tw := c.twin()
	before := c.account(k)
	res := c.run(raw)
	got := resultErr(res[0])
	if !errors.Is(got, want) {
		c.t.Fatalf("%s: in block: %v, want %s", args.CallName(), got, want.Name)
	}
	tw.run()
	tx, _ := types.DecodeTx(raw)
	a, b := c.dump(), tw.dump()
	signer := string(accountKey(k.PublicKey()))
	for _, key := range diffKeys(a, b) {
		if key != signer && !(tx.Fee > 0 && key == string(singleKey(keyTotalIssuance))) {
			c.t.Errorf("%s failed with %v but changed key %x", args.CallName(), want.Name, key)
		}
	}
	if tx.Fee > 0 && bytesU64([]byte(a[string(singleKey(keyTotalIssuance))])) != bytesU64([]byte(b[string(singleKey(keyTotalIssuance))]))-tx.Fee {
		c.t.Errorf("%s: the issuance did not fall by exactly the fee %d", args.CallName(), tx.Fee)
	}
	if after := c.account(k); after.Nonce != before.Nonce+1 || after.Free != before.Free-tx.Fee {
		c.t.Errorf("%s: signer %+v → %+v (a failed call charges only the nonce and fee %d)", args.CallName(), before, after, tx.Fee)
	}
	return got
}

func diffKeys(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// state returns the latest committed state, read-only.
func (c *subtensorChain) state() *State {
	c.t.Helper()
	st, _, err := c.app.stateAt(0)
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// createSubnet registers a subnet owned by owner and returns its netuid.
func (c *subtensorChain) createSubnet(owner *wallet.Keypair) uint16 {
	c.t.Helper()
	evs := c.must(owner, &types.RegisterNetwork{})
	return uint16(eventInt(c.t, evs, "NetworkAdded", "netuid"))
}

// burnRegister registers hotkey on netuid for the burn, paid by coldkey,
// and returns its uid.
func (c *subtensorChain) burnRegister(coldkey *wallet.Keypair, netuid uint16, hotkey types.AccountID) uint16 {
	c.t.Helper()
	evs := c.must(coldkey, &types.BurnedRegister{Netuid: netuid, Hotkey: hotkey})
	return uint16(eventInt(c.t, evs, "NeuronRegistered", "uid"))
}

// setHyper sets a subnet hyperparameter with the sudo key (//Alice).
func (c *subtensorChain) setHyper(call string, netuid uint16, v uint64) {
	c.t.Helper()
	args, err := types.NewSudoSet(call, netuid, v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.must(key(c.t, "//Alice"), args)
}

func eventInt(t testing.TB, evs []abci.Event, kind, attr string) uint64 {
	t.Helper()
	for _, e := range evs {
		if e.Type != kind {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == attr {
				v, err := strconv.ParseUint(a.Value, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
		}
	}
	t.Fatalf("no %s.%s in events %v", kind, attr, evs)
	return 0
}

// blockHash is the hash the test chain gives block h.
func blockHash(h uint64) [32]byte {
	var b [32]byte
	b[0], b[31] = byte(h), 0xbb
	return b
}

// solve finds a seal over block's hash and hotkey meeting difficulty,
// starting at nonce from.
func solve(block uint64, hotkey types.AccountID, difficulty, from uint64) (uint64, [32]byte) {
	in := types.SealInput(blockHash(block), hotkey)
	for n := from; ; n++ {
		if s := types.SealWithInput(in, n); types.SealMeetsDifficulty(s, difficulty) {
			return n, s
		}
	}
}

// powRegister builds a PoW registration of hotkey k on netuid over the
// latest committed block.
func (c *subtensorChain) powArgs(k *wallet.Keypair, cold types.AccountID, netuid uint16, difficulty uint64) *types.Register {
	b := uint64(c.height)
	nonce, seal := solve(b, types.AccountID(k.PublicKey()), difficulty, 0)
	return &types.Register{Netuid: netuid, BlockNumber: b, Nonce: nonce, Work: seal, Hotkey: types.AccountID(k.PublicKey()), Coldkey: cold}
}

// ip4 is a dotted IPv4 address as the chain stores it.
func ip4(t *testing.T, s string) [16]byte {
	t.Helper()
	ip, typ, err := types.ParseIP(s)
	if err != nil || typ != 4 {
		t.Fatalf("ip4(%q): %v", s, err)
	}
	return ip
}

func mustEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func mustContain(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(p)) {
			t.Errorf("error %v does not say %q", err, p)
		}
	}
}
