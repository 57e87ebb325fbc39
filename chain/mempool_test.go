package chain

import (
	"context"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// TestMempoolLimitPerSigner: CheckTx accepts at most MaxPendingPerSigner
// transactions of one signer until blocks include them, refusing more with
// PoolLimit; other signers are not affected, and rechecks after a block are
// never refused.
func TestMempoolLimitPerSigner(t *testing.T) {
	c := newTestChainWith(t, devGenesis(t, 1000*tao, "//Alice", "//Bob"), Options{MaxPendingPerSigner: 3})
	alice, bob, charlie := key(t, "//Alice"), key(t, "//Bob"), key(t, "//Charlie")
	to := &types.Transfer{Dest: types.AccountID(charlie.PublicKey()), Value: tao}
	check := func(raw []byte, kind abci.CheckTxType) *abci.ResponseCheckTx {
		t.Helper()
		resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: kind})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var sent [][]byte
	for n := range uint64(3) {
		raw := c.tx(alice, n, to)
		if r := check(raw, abci.CheckTxType_New); r.Code != 0 {
			t.Fatalf("nonce %d: %s", n, r.Log)
		}
		sent = append(sent, raw)
	}
	r := check(c.tx(alice, 3, to), abci.CheckTxType_New)
	if r.Code != types.ErrTooManyInPool.Code || !strings.Contains(r.Log, "3 transactions waiting") {
		t.Fatalf("a fourth transaction: code %d %q, want PoolLimit", r.Code, r.Log)
	}
	if r := check(c.tx(bob, 0, to), abci.CheckTxType_New); r.Code != 0 {
		t.Fatalf("bob is not limited by alice's transactions: %s", r.Log)
	}

	// A block includes two; the third is rechecked (and stays), and two
	// more fit.
	c.block(sent[:2]...)
	if r := check(sent[2], abci.CheckTxType_Recheck); r.Code != 0 {
		t.Fatalf("recheck: %s", r.Log)
	}
	for n := uint64(3); n < 5; n++ {
		if r := check(c.tx(alice, n, to), abci.CheckTxType_New); r.Code != 0 {
			t.Fatalf("nonce %d after the block: %s", n, r.Log)
		}
	}
	if r := check(c.tx(alice, 5, to), abci.CheckTxType_New); r.Code != types.ErrTooManyInPool.Code {
		t.Fatalf("nonce 5 after the block: code %d %q, want PoolLimit", r.Code, r.Log)
	}
}

// TestMempoolLimitDefaults: the default limit applies when none is given,
// and a negative limit removes it.
func TestMempoolLimitDefaults(t *testing.T) {
	for _, tt := range []struct {
		limit, accepted int
	}{{0, DefaultMaxPendingPerSigner}, {-1, DefaultMaxPendingPerSigner + 5}} {
		c := newTestChainWith(t, devGenesis(t, 1000*tao, "//Alice"), Options{MaxPendingPerSigner: tt.limit})
		alice := key(t, "//Alice")
		to := &types.Transfer{Dest: types.AccountID(key(t, "//Bob").PublicKey()), Value: tao}
		accepted := 0
		for n := range uint64(DefaultMaxPendingPerSigner + 5) {
			resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: c.tx(alice, n, to)})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Code != 0 {
				if resp.Code != types.ErrTooManyInPool.Code {
					t.Fatalf("nonce %d: %s", n, resp.Log)
				}
				break
			}
			accepted++
		}
		if accepted != tt.accepted {
			t.Errorf("limit option %d: %d accepted, want %d", tt.limit, accepted, tt.accepted)
		}
	}
}
