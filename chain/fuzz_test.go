package chain

import (
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// FuzzCheckTx feeds arbitrary bytes to CheckTx: it must answer with a code,
// never panic, and accept nothing that is not a validly signed transaction
// of the right chain; and whatever it rejects leaves the mempool's view of
// state unchanged.
func FuzzCheckTx(f *testing.F) {
	t := &testing.T{}
	c := newTestChain(t, devGenesis(t, 1_000_000_000_000, "//Alice"))
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	good := c.tx(alice, 0, &types.Transfer{Dest: types.AccountID(bob.PublicKey()), Value: 1_000_000})
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{0xa5, 0x01, 0x60})
	f.Add(good[:len(good)/2])
	aliceID := types.AccountID(alice.PublicKey())
	f.Fuzz(func(t *testing.T, b []byte) {
		before := NewState(c.app.check).Account(aliceID)
		resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: b})
		if err != nil {
			t.Fatalf("CheckTx returned an error instead of a code: %v", err)
		}
		if resp.Code == 0 {
			tx, derr := types.DecodeTx(b)
			if derr != nil || !tx.VerifySignature() || tx.ChainID != testChainID {
				t.Fatalf("CheckTx accepted bytes that are not a valid transaction")
			}
			// Undo: accepted transactions advance the mempool view; start the
			// next input from committed state.
			c.app.check = newCache(c.app.check.parent)
			return
		}
		if after := NewState(c.app.check).Account(aliceID); after != before {
			t.Fatalf("rejected input changed state: %+v → %+v", before, after)
		}
	})
}

// FuzzParseGenesis: a genesis file's app state either parses and validates
// or is refused with an error; one that validates is applied by InitChain
// without a panic, and the state it makes holds the issuance it declares.
func FuzzParseGenesis(f *testing.F) {
	t := &testing.T{}
	for _, g := range []Genesis{DefaultGenesis(), devGenesis(t, 1_000_000_000_000, "//Alice", "//Bob"), weightsGenesis(t), subtensorGenesis(t, "//Alice")} {
		b, err := json.Marshal(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"balances": [{"address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "free": 18446744073709551615}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGenesis(b)
		if err != nil {
			return
		}
		kv := newCache(emptyKV{})
		g.apply(NewState(kv), testChainID)
		st := NewState(kv)
		if held(st) != st.TotalIssuance() {
			t.Fatalf("genesis declares issuance %d, holds %d", st.TotalIssuance(), held(st))
		}
	})
}
