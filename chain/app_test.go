package chain

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

const testChainID = "test-chain"

// testChain drives an App in-process through real ABCI calls over a real
// IAVL tree in memory.
type testChain struct {
	t      testing.TB
	app    *App
	height int64
	keys   map[string]*wallet.Keypair
}

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTestChain(t testing.TB, g Genesis) *testChain {
	t.Helper()
	return newTestChainWith(t, g, Options{})
}

func newTestChainWith(t testing.TB, g Genesis, opts Options) *testChain {
	t.Helper()
	app, err := NewApp(iavldb.NewMemDB(), opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, AppStateBytes: b}); err != nil {
		t.Fatal(err)
	}
	return &testChain{t: t, app: app}
}

func devGenesis(t *testing.T, free uint64, uris ...string) Genesis {
	g := DefaultGenesis()
	for _, u := range uris {
		g.Balances = append(g.Balances, GenesisBalance{Address: types.AccountID(key(t, u).PublicKey()), Free: free})
	}
	return g
}

// block finalizes and commits one block with the given txs.
func (c *testChain) block(txs ...[]byte) []*abci.ExecTxResult {
	c.t.Helper()
	c.height++
	hash := make([]byte, 32)
	hash[0], hash[31] = byte(c.height), 0xbb
	resp, err := c.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: c.height, Txs: txs, Hash: hash})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		c.t.Fatal(err)
	}
	return resp.TxResults
}

func (c *testChain) tx(k *wallet.Keypair, nonce uint64, args types.CallArgs) []byte {
	c.t.Helper()
	tx, err := types.NewTx(testChainID, types.AccountID(k.PublicKey()), nonce, 0, args)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := types.DefaultParams().SetFee(tx); err != nil {
		c.t.Fatal(err)
	}
	if err := tx.Sign(k); err != nil {
		c.t.Fatal(err)
	}
	raw, err := tx.Encode()
	if err != nil {
		c.t.Fatal(err)
	}
	return raw
}

func (c *testChain) account(k *wallet.Keypair) types.AccountInfo {
	c.t.Helper()
	var info types.AccountInfo
	c.query(types.QueryAccount+"/"+k.SS58Address(), 0, &info)
	return info
}

func (c *testChain) query(path string, height int64, v any) {
	c.t.Helper()
	resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: path, Height: height})
	if err != nil || resp.Code != 0 {
		c.t.Fatalf("query %s: %v %s", path, err, resp.Log)
	}
	if err := json.Unmarshal(resp.Value, v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testChain) issuance() uint64 {
	var is types.Issuance
	c.query(types.QueryTotalIssuance, 0, &is)
	return is.TotalIssuance
}

func resultErr(r *abci.ExecTxResult) error {
	if r.Code == 0 {
		return nil
	}
	return types.NewChainError(r.Code, r.Codespace, r.Log)
}

func TestTransfer(t *testing.T) {
	const tao = 1_000_000_000
	c := newTestChain(t, devGenesis(t, 1000*tao, "//Alice", "//Bob"))
	alice, bob, charlie := key(t, "//Alice"), key(t, "//Bob"), key(t, "//Charlie")
	start := c.issuance()

	raw := c.tx(alice, 0, &types.Transfer{Dest: types.AccountID(charlie.PublicKey()), Value: 5 * tao})
	res := c.block(raw)
	if err := resultErr(res[0]); err != nil {
		t.Fatal(err)
	}
	tx, _ := types.DecodeTx(raw)
	if got := c.account(charlie).Free; got != 5*tao {
		t.Errorf("charlie has %d", got)
	}
	a := c.account(alice)
	if a.Free != 995*tao-tx.Fee || a.Nonce != 1 {
		t.Errorf("alice = %+v, fee %d", a, tx.Fee)
	}
	if got := c.issuance(); got != start-tx.Fee {
		t.Errorf("issuance %d, want %d (fee burned)", got, start-tx.Fee)
	}
	if c.account(bob).Free != 1000*tao {
		t.Error("bob changed")
	}
	// The state before the transfer is still readable at height 0 of the
	// chain's history: block 1 committed the transfer, so ask about the
	// genesis-funded balance at height 1 vs latest after another block.
	c.block()
	var old types.AccountInfo
	c.query(types.QueryAccount+"/"+charlie.SS58Address(), 1, &old)
	if old.Free != 5*tao || old.Height != 1 {
		t.Errorf("charlie at height 1 = %+v", old)
	}
}

func TestTransferFailuresChargeOnlyFeeAndNonce(t *testing.T) {
	const tao = 1_000_000_000
	c := newTestChain(t, devGenesis(t, 10*tao, "//Alice"))
	alice, dave := key(t, "//Alice"), key(t, "//Dave")
	daveID := types.AccountID(dave.PublicKey())
	tests := []struct {
		name string
		args types.CallArgs
		want *types.Error
	}{
		{"overspend", &types.Transfer{Dest: daveID, Value: 11 * tao}, types.ErrInsufficientBalance},
		{"below ED", &types.Transfer{Dest: daveID, Value: 499}, types.ErrExistentialDeposit},
		{"zero", &types.Transfer{Dest: daveID, Value: 0}, types.ErrZeroTransfer},
		{"self", &types.Transfer{Dest: types.AccountID(alice.PublicKey()), Value: 1}, types.ErrSelfTransfer},
	}
	nonce := uint64(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := c.account(alice)
			is := c.issuance()
			raw := c.tx(alice, nonce, tt.args)
			res := c.block(raw)
			nonce++
			err := resultErr(res[0])
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			tx, _ := types.DecodeTx(raw)
			after := c.account(alice)
			if after.Nonce != before.Nonce+1 || after.Free != before.Free-tx.Fee {
				t.Errorf("after failure alice = %+v, before %+v, fee %d", after, before, tx.Fee)
			}
			if c.account(dave).Free != 0 || c.issuance() != is-tx.Fee {
				t.Error("failed transfer changed more than fee and nonce")
			}
		})
	}
}

func TestKeepAliveAndDust(t *testing.T) {
	const tao = 1_000_000_000
	c := newTestChain(t, devGenesis(t, 1*tao, "//Alice", "//Bob"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	bobID := types.AccountID(bob.PublicKey())

	raw := c.tx(alice, 0, &types.TransferKeepAlive{Dest: bobID, Value: tao})
	tx, _ := types.DecodeTx(raw)
	// Alice holds 1 TAO; after the fee she cannot send 1 TAO and stay alive.
	res := c.block(raw)
	if err := resultErr(res[0]); !errors.Is(err, types.ErrInsufficientBalance) {
		t.Fatalf("keep-alive overspend: %v", err)
	}
	left := c.account(alice).Free
	// Send all but 100 RAO with keep-alive: refused (100 < ED).
	raw = c.tx(alice, 1, &types.TransferKeepAlive{Dest: bobID, Value: left - tx.Fee - 100})
	res = c.block(raw)
	if err := resultErr(res[0]); !errors.Is(err, types.ErrKeepAlive) {
		t.Fatalf("keep-alive below ED: %v", err)
	}
	// The same with plain transfer: allowed; the 100-RAO dust is burned.
	left = c.account(alice).Free
	is := c.issuance()
	raw = c.tx(alice, 2, &types.Transfer{Dest: bobID, Value: left - tx.Fee - 100})
	tx2, _ := types.DecodeTx(raw)
	res = c.block(raw)
	if err := resultErr(res[0]); err != nil {
		t.Fatal(err)
	}
	a := c.account(alice)
	if a.Free != 0 || a.Nonce != 3 {
		t.Errorf("alice after reaping = %+v", a)
	}
	dust := left - tx2.Fee - (left - tx.Fee - 100)
	if got, want := c.issuance(), is-tx2.Fee-dust; got != want {
		t.Errorf("issuance %d, want %d (fee and dust burned)", got, want)
	}
	// The reaped account keeps its nonce: its old transactions cannot replay.
	res = c.block(raw)
	if err := resultErr(res[0]); !errors.Is(err, types.ErrStaleNonce) {
		t.Errorf("replay after reaping: %v", err)
	}
}

func TestEnvelopeRejections(t *testing.T) {
	c := newTestChain(t, devGenesis(t, 1_000_000_000_000, "//Alice"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	bobID := types.AccountID(bob.PublicKey())
	good := c.tx(alice, 0, &types.Transfer{Dest: bobID, Value: 1_000_000})

	wrongChain, _ := types.NewTx("other-chain", types.AccountID(alice.PublicKey()), 0, 1_000_000, &types.Transfer{Dest: bobID, Value: 1})
	_ = wrongChain.Sign(alice)
	wrongChainRaw, _ := wrongChain.Encode()

	forged, _ := types.DecodeTx(good)
	forged.Call.Args, _ = types.Marshal(&types.Transfer{Dest: bobID, Value: 999_000_000})
	forgedRaw, _ := forged.Encode()

	cheap, _ := types.NewTx(testChainID, types.AccountID(alice.PublicKey()), 0, 1, &types.Transfer{Dest: bobID, Value: 1_000_000})
	_ = cheap.Sign(alice)
	cheapRaw, _ := cheap.Encode()

	future := c.tx(alice, 5, &types.Transfer{Dest: bobID, Value: 1_000_000})

	unknown := types.Tx{ChainID: testChainID, Signer: types.AccountID(alice.PublicKey()), Fee: 1_000_000, Call: types.Call{Name: "Nope.nope", Args: []byte{0xa0}}}
	_ = unknown.Sign(alice)
	unknownRaw, _ := unknown.Encode()

	poor := c.tx(bob, 0, &types.Transfer{Dest: types.AccountID(alice.PublicKey()), Value: 1_000_000})

	tests := []struct {
		name string
		raw  []byte
		want *types.Error
	}{
		{"garbage", []byte{0xff, 0x00, 0x13}, types.ErrTxDecode},
		{"empty", nil, types.ErrTxDecode},
		{"wrong chain", wrongChainRaw, types.ErrWrongChain},
		{"forged args", forgedRaw, types.ErrBadSignature},
		{"fee too low", cheapRaw, types.ErrFeeTooLow},
		{"future nonce", future, types.ErrFutureNonce},
		{"unknown call", unknownRaw, types.ErrUnknownCall},
		{"cannot pay fee", poor, types.ErrCannotPayFee},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tt.raw})
			if err != nil {
				t.Fatal(err)
			}
			got := types.NewChainError(resp.Code, resp.Codespace, resp.Log)
			if resp.Code == 0 || !errors.Is(got, tt.want) {
				t.Errorf("CheckTx = %d %q, want %s", resp.Code, resp.Log, tt.want.Name)
			}
		})
	}
	// Nothing above changed Alice.
	if a := c.account(alice); a.Nonce != 0 || a.Free != 1_000_000_000_000 {
		t.Errorf("alice = %+v", a)
	}
	// The good one passes CheckTx once; the same bytes again are a replay.
	for i, want := range []uint32{0, types.ErrStaleNonce.Code} {
		resp, _ := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: good})
		if resp.Code != want {
			t.Errorf("CheckTx #%d = %d %s, want %d", i, resp.Code, resp.Log, want)
		}
	}
	// The mempool view counts it: the next nonce is 1.
	var ni types.NonceInfo
	c.query(types.QueryNextNonce+"/"+alice.SS58Address(), 0, &ni)
	if ni.NextNonce != 1 {
		t.Errorf("next nonce %d", ni.NextNonce)
	}
}

func TestDeterministicAppHash(t *testing.T) {
	// Two independent apps fed the same blocks compute the same app hashes.
	g := devGenesis(t, 1_000_000_000_000, "//Alice", "//Bob", "//Charlie")
	c1, c2 := newTestChain(t, g), newTestChain(t, g)
	alice := key(t, "//Alice")
	var txs [][]byte
	for i := 0; i < 20; i++ {
		dest := key(t, "//Dest"+string(rune('A'+i)))
		txs = append(txs, c1.tx(alice, uint64(i), &types.Transfer{Dest: types.AccountID(dest.PublicKey()), Value: 1_000_000}))
	}
	c1.block(txs...)
	c2.block(txs...)
	i1, _ := c1.app.Info(context.Background(), &abci.RequestInfo{})
	i2, _ := c2.app.Info(context.Background(), &abci.RequestInfo{})
	if string(i1.LastBlockAppHash) != string(i2.LastBlockAppHash) || len(i1.LastBlockAppHash) != 32 {
		t.Errorf("app hashes differ: %x vs %x", i1.LastBlockAppHash, i2.LastBlockAppHash)
	}
}
