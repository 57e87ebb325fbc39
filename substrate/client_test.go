package substrate_test

import (
	"cmp"
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/wallet"
)

var chain = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(chain.Run(m)) }

func dial(t *testing.T) *substrate.Client {
	t.Helper()
	ch := chain.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := substrate.Dial(ctx, ch.URL, substrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// chopsticks cannot dry-run on its genesis block (it fails to apply the
	// inherents of a block after it): start from block 1.
	if h, err := c.Head(ctx); err == nil && h.Number == 0 {
		if _, err := ch.NewBlocks(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// accountInfo is a view of System.Account (frame_system::AccountInfo).
type accountInfo struct {
	Nonce uint64
	Data  struct {
		Free     uint64
		Reserved uint64
	}
}

func account(t *testing.T, c *substrate.Client, at substrate.Hash, who [32]byte) accountInfo {
	t.Helper()
	var a accountInfo
	if _, err := c.Storage(context.Background(), at, &a, "System", "Account", who); err != nil {
		t.Fatal(err)
	}
	return a
}

// multiAddress is MultiAddress::Id(account), as calls take a destination.
func multiAddress(who [32]byte) scale.Value {
	return scale.NewVariant("Id", scale.NamedValue{Value: scale.NewBytes(who[:])})
}

func TestDialDescribesTheRuntime(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	rt, err := c.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Version != 15 || rt.SpecName != "node-subtensor" || rt.SpecVersion != 218 {
		t.Errorf("runtime metadata V%d %s %d, want V15 node-subtensor 218", rt.Version, rt.SpecName, rt.SpecVersion)
	}
	if c.Genesis().IsZero() || c.ChainName() == "" {
		t.Errorf("genesis %s, chain %q", c.Genesis(), c.ChainName())
	}
	var ed uint64
	if err := c.Constant(ctx, &ed, "Balances", "ExistentialDeposit"); err != nil || ed != 500 {
		t.Errorf("existential deposit %d, %v; want 500", ed, err)
	}
	var missing uint64
	if err := c.Constant(ctx, &missing, "Balances", "NoSuchConstant"); !errors.Is(err, metadata.ErrNotFound) {
		t.Errorf("a missing constant: %v, want metadata.ErrNotFound", err)
	}
}

// A transfer: fee quoted before, dry run, signed, submitted, watched into a
// block; its events, its fee and the balances agree, the old balance stays
// readable at the block before, and polkadot-js reads the same.
func TestTransferWithFeesEventsAndHistory(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	alice := substratetest.Alice(t)
	dest := substratetest.Keypair(t, "//Transfer//Dest")
	aliceID, destID := alice.PublicKey(), dest.PublicKey()
	rt, err := c.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	const amount = 5_000_000_000
	call, err := rt.EncodeCall("Balances", "transfer_keep_alive", multiAddress(destID), scale.NewUint(amount))
	if err != nil {
		t.Fatal(err)
	}
	before := account(t, c, substrate.Hash{}, aliceID)
	head, err := c.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}

	fx, err := c.FeeExtrinsic(ctx, call, aliceID, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	quote, err := c.EstimateFee(ctx, fx)
	if err != nil {
		t.Fatal(err)
	}
	if quote.PartialFee == 0 || quote.Class != "Normal" {
		t.Errorf("fee quote %+v", quote)
	}

	x, err := c.Sign(ctx, call, alice, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dry, err := c.DryRun(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if !dry.OK() || !dry.Dispatched {
		t.Errorf("dry run of a good transfer: %+v", dry)
	}
	if a := account(t, c, substrate.Hash{}, aliceID); a.Nonce != before.Nonce {
		t.Errorf("the dry run moved the nonce: %d → %d", before.Nonce, a.Nonce)
	}

	r, err := c.Submit(ctx, x, substrate.InBlock)
	if err != nil {
		t.Fatal(err)
	}
	if r.Err != nil {
		t.Fatalf("transfer failed in its block: %v", r.Err)
	}
	ev, ok := r.Event("Balances", "Transfer")
	if !ok {
		t.Fatalf("no Balances.Transfer among %v", r.Events)
	}
	if got, _ := ev.Fields.Get("amount"); got.String() != "5000000000" {
		t.Errorf("transfer event amount %s", got)
	}
	if r.Fee != quote.PartialFee {
		t.Errorf("charged %d, quoted %d", r.Fee, quote.PartialFee)
	}
	after := account(t, c, r.Block.Hash, aliceID)
	if after.Nonce != before.Nonce+1 || after.Data.Free != before.Data.Free-amount-r.Fee {
		t.Errorf("alice before %+v after %+v, fee %d", before, after, r.Fee)
	}
	if got := account(t, c, r.Block.Hash, destID); got.Data.Free != amount {
		t.Errorf("destination holds %d, want %d", got.Data.Free, amount)
	}
	// The state before the transfer is still readable at its block.
	if old := account(t, c, head.Hash, aliceID); old.Data.Free != before.Data.Free {
		t.Errorf("alice at block %d: %d, want %d", head.Number, old.Data.Free, before.Data.Free)
	}

	// A second client, polkadot-js, reads the same balance.
	var pj struct {
		Free string `json:"free"`
	}
	err = chain.Chain(t).PolkadotJS(ctx, `
		const api = await env.api();
		const a = await api.query.system.account(env.args.who);
		return { free: a.data.free.toString() };`, map[string]string{"who": wallet.SS58Encode(destID[:], 42)}, &pj)
	if err != nil {
		t.Fatal(err)
	}
	if pj.Free != "5000000000" {
		t.Errorf("polkadot-js reads %s for the destination", pj.Free)
	}
}

// The chain's refusals arrive named: before the pool (an unfunded signer
// cannot pay: *InvalidError Payment, nothing charged) and in the block (a
// transfer beyond the balance: a module error with its documentation).
func TestRefusalsAreNamed(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	rt, err := c.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	pauper := substratetest.Keypair(t, "//Pauper")
	call, err := rt.EncodeCall("Balances", "transfer_keep_alive", multiAddress(substratetest.Alice(t).PublicKey()), scale.NewUint(1))
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.Sign(ctx, call, pauper, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dry, err := c.DryRun(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Invalid == nil || dry.Invalid.Kind != "Payment" {
		t.Errorf("dry run by an unfunded signer: %+v, want Invalid Payment", dry)
	}
	_, err = c.Submit(ctx, x, substrate.InBlock)
	var inv *substrate.InvalidError
	if !errors.As(err, &inv) || inv.Kind != "Payment" {
		t.Errorf("submit by an unfunded signer: %v, want an InvalidError Payment", err)
	}

	// A call the runtime refuses in the block: a module error, named with
	// its documentation, and the fee charged.
	alice := substratetest.Alice(t)
	call, err = rt.EncodeCall("SubtensorModule", "burned_register", uint16(999), pauper.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	x, err = c.Sign(ctx, call, alice, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dry, err = c.DryRun(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Err == nil || dry.Err.Module == nil || dry.Err.Module.Pallet != "SubtensorModule" {
		t.Errorf("dry run of a registration on a missing subnet: %+v, want a SubtensorModule error", dry)
	}
	r, err := c.Submit(ctx, x, substrate.InBlock)
	if err != nil {
		t.Fatal(err)
	}
	if r.Err == nil || r.Err.Module == nil || r.Err.Name() != dry.Err.Name() || r.Err.Module.Doc() == "" {
		t.Errorf("registration failed with %v, the dry run said %v", r.Err, dry.Err)
	}
	if _, ok := r.Event("TransactionPayment", "TransactionFeePaid"); !ok {
		t.Errorf("no TransactionFeePaid among %v (burned_register pays no fee, but says so)", r.Events)
	}
	if _, ok := r.Event("System", "ExtrinsicFailed"); !ok {
		t.Errorf("no ExtrinsicFailed among %v", r.Events)
	}

	// Other dispatch errors are named too: an overdraft underflows.
	bal := account(t, c, substrate.Hash{}, alice.PublicKey())
	call, err = rt.EncodeCall("Balances", "transfer_keep_alive", multiAddress(pauper.PublicKey()), scale.NewUint(bal.Data.Free*2))
	if err != nil {
		t.Fatal(err)
	}
	x, err = c.Sign(ctx, call, alice, substrate.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if dry, err = c.DryRun(ctx, x); err != nil {
		t.Fatal(err)
	}
	c.ReleaseNonce(alice.PublicKey(), x.Nonce)
	if dry.Err == nil || dry.Err.Kind != "Arithmetic" || dry.Err.Error() != "Arithmetic.Underflow" {
		t.Errorf("dry run of an overdraft: %+v, want Arithmetic.Underflow", dry)
	}
}

// Concurrent senders through one client never share a nonce: every
// transfer lands.
func TestConcurrentSendersNonces(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	rt, err := c.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	alice := substratetest.Alice(t)
	dest := substratetest.Keypair(t, "//Concurrent//Dest").PublicKey()
	const n = 6
	// Sign concurrently: every extrinsic gets its own nonce.
	xs := make([]*substrate.Extrinsic, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call, err := rt.EncodeCall("Balances", "transfer_keep_alive", multiAddress(dest), scale.NewUint(1_000_000_000))
			if err == nil {
				xs[i], err = c.Sign(ctx, call, alice, substrate.SignOptions{})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(xs, func(a, b *substrate.Extrinsic) int { return cmp.Compare(a.Nonce, b.Nonce) })
	for i := 1; i < n; i++ {
		if xs[i].Nonce != xs[0].Nonce+uint64(i) {
			t.Fatalf("nonces %d, %d, … are not distinct and consecutive", xs[0].Nonce, xs[i].Nonce)
		}
	}
	// Send them in nonce order (chopsticks' pool drops a nonce from the future).
	for _, x := range xs {
		r, err := c.Submit(ctx, x, substrate.InBlock)
		if err == nil && r.Err != nil {
			err = r.Err
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := account(t, c, substrate.Hash{}, dest); got.Data.Free != n*1_000_000_000 {
		t.Errorf("destination holds %d after %d transfers", got.Data.Free, n)
	}
}

// Runtime APIs answer through state_call, and maps read page by page.
func TestRuntimeAPIAndMaps(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	var cost uint64
	if _, err := c.CallAPI(ctx, substrate.Hash{}, &cost, "SubnetRegistrationRuntimeApi", "get_network_registration_cost"); err != nil {
		t.Fatal(err)
	}
	if cost == 0 {
		t.Error("network registration cost 0")
	}
	var raw []byte
	if _, err := c.CallAPI(ctx, substrate.Hash{}, &raw, "NeuronInfoRuntimeApi", "get_neurons_lite", uint16(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallAPI(ctx, substrate.Hash{}, &raw, "NoSuchApi", "get"); !errors.Is(err, metadata.ErrNotFound) {
		t.Errorf("a missing runtime API: %v", err)
	}
	// Every account of System.Account, read in pages of 2.
	seen := 0
	err := c.IterateStorage(ctx, substrate.Hash{}, 2, func(rt *metadata.Runtime, e *metadata.StorageEntry, entry substrate.StorageEntry) error {
		var a accountInfo
		if err := rt.Types.Decode(e.Value, entry.Value, &a); err != nil {
			return err
		}
		if _, ok := entry.Keys[0].Value.Bytes(); !ok {
			t.Errorf("account key %v not decoded", entry.Keys[0].Value)
		}
		seen++
		return nil
	}, "System", "Account")
	if err != nil {
		t.Fatal(err)
	}
	if seen < 1 {
		t.Errorf("iterated %d accounts", seen)
	}
}

func TestMortalEraExpires(t *testing.T) {
	c := dial(t)
	ctx := context.Background()
	ch := chain.Chain(t)
	rt, err := c.Runtime(ctx, substrate.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	alice := substratetest.Alice(t)
	call, err := rt.EncodeCall("System", "remark", []byte("late"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.Sign(ctx, call, alice, substrate.SignOptions{EraPeriod: 4})
	if err != nil {
		t.Fatal(err)
	}
	c.ReleaseNonce(alice.PublicKey(), x.Nonce)
	if _, err := ch.NewBlocks(ctx, 8); err != nil {
		t.Fatal(err)
	}
	_, err = c.Submit(ctx, x, substrate.InBlock)
	var inv *substrate.InvalidError
	// Past its era the runtime reckons the era's birth in a later window, so
	// the signed block hash no longer matches: BadProof (AncientBirthBlock
	// only when that block's hash is no longer kept).
	if !errors.As(err, &inv) || (inv.Kind != "BadProof" && inv.Kind != "AncientBirthBlock") {
		t.Errorf("an expired extrinsic: %v, want BadProof or AncientBirthBlock", err)
	}
}

// BenchmarkDial connects to the chain: the websocket, the runtime version,
// the genesis hash and the runtime's metadata (read and parsed). With
// $SUBSTRATE_BENCH_URL it connects to that node instead of starting one (to
// measure beside another client against the same node).
func BenchmarkDial(b *testing.B) {
	url := os.Getenv("SUBSTRATE_BENCH_URL")
	if url == "" {
		url = chain.Chain(b).URL
	}
	ctx := context.Background()
	for b.Loop() {
		c, err := substrate.Dial(ctx, url, substrate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
