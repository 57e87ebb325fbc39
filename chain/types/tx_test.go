package types

import (
	"bytes"
	"errors"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

func testTx(t *testing.T) (*Tx, *wallet.Keypair) {
	t.Helper()
	alice, err := wallet.KeypairFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	bob := MustParseAccountID("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty")
	tx, err := NewTx("dev", AccountID(alice.PublicKey()), 7, 100, &Transfer{Dest: bob, Value: 42})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Sign(alice); err != nil {
		t.Fatal(err)
	}
	return tx, alice
}

func TestTxRoundTrip(t *testing.T) {
	tx, _ := testTx(t)
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTx(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !got.VerifySignature() {
		t.Fatal("decoded tx does not verify")
	}
	args, err := got.Call.DecodeArgs()
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := args.(*Transfer)
	if !ok || tr.Value != 42 || tr.Dest.String() != "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty" {
		t.Fatalf("args = %#v", args)
	}
	again, _ := got.Encode()
	if !bytes.Equal(again, raw) {
		t.Error("re-encoding changed the bytes")
	}
}

func TestTxSignatureCoversEveryField(t *testing.T) {
	mutations := map[string]func(*Tx){
		"chain":  func(tx *Tx) { tx.ChainID = "other" },
		"nonce":  func(tx *Tx) { tx.Nonce++ },
		"fee":    func(tx *Tx) { tx.Fee-- },
		"signer": func(tx *Tx) { tx.Signer[0] ^= 1 },
		"call":   func(tx *Tx) { tx.Call.Name = CallTransferKeepAlive },
		"args":   func(tx *Tx) { tx.Call.Args, _ = Marshal(&Transfer{Value: 43}) },
	}
	for name, mutate := range mutations {
		tx, _ := testTx(t)
		mutate(tx)
		if tx.VerifySignature() {
			t.Errorf("signature still verifies after changing %s", name)
		}
	}
}

func TestDecodeRejectsNonCanonical(t *testing.T) {
	tx, _ := testTx(t)
	raw, _ := tx.Encode()
	// Appending a byte, or re-encoding an integer non-minimally, must fail.
	if _, err := DecodeTx(append(append([]byte(nil), raw...), 0)); !errors.Is(err, ErrTxDecode) {
		t.Errorf("trailing byte: %v", err)
	}
	// Key 3 (nonce 7) is encoded as 0x03 0x07; re-encode 7 as 0x18 0x07.
	i := bytes.Index(raw, []byte{0x03, 0x07})
	if i < 0 {
		t.Fatal("nonce not found in encoding")
	}
	bad := append(append(append([]byte(nil), raw[:i+1]...), 0x18, 0x07), raw[i+2:]...)
	if _, err := DecodeTx(bad); !errors.Is(err, ErrTxDecode) {
		t.Errorf("non-minimal integer accepted: %v", err)
	}
	if _, err := DecodeTx(make([]byte, MaxTxBytes+1)); !errors.Is(err, ErrTxTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}

func TestChainErrorMatchesSentinel(t *testing.T) {
	err := Errorf(ErrInsufficientBalance, "needs %d", 5)
	if CodeOf(err) != ErrInsufficientBalance {
		t.Fatal("CodeOf")
	}
	ce := NewChainError(ErrInsufficientBalance.Code, "balances", err.Error())
	if !errors.Is(ce, ErrInsufficientBalance) || errors.Is(ce, ErrKeepAlive) {
		t.Errorf("ChainError.Is wrong: %v", ce)
	}
	if ce.Name != "InsufficientBalance" || ce.Error() != "chain: InsufficientBalance: needs 5" {
		t.Errorf("ChainError = %+v %q", ce, ce.Error())
	}
}

func TestSetFeeSettles(t *testing.T) {
	p := DefaultParams()
	tx, _ := testTx(t)
	tx.Fee = 0
	if err := p.SetFee(tx); err != nil {
		t.Fatal(err)
	}
	tx.Signature = make([]byte, 64)
	b, _ := tx.Encode()
	if tx.Fee != p.Fee(CallTransfer, len(b)) {
		t.Errorf("fee %d for size %d", tx.Fee, len(b))
	}
}

func FuzzDecodeTx(f *testing.F) {
	tx, _ := testTx(&testing.T{})
	raw, _ := tx.Encode()
	f.Add(raw)
	f.Add([]byte{0xa0})
	f.Add([]byte{0xbf, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := DecodeTx(b)
		if err != nil {
			if !errors.Is(err, ErrTxDecode) && !errors.Is(err, ErrTxTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// Whatever decodes re-encodes to the same bytes and never panics
		// when checked.
		again, err := tx.Encode()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("decoded tx re-encodes differently")
		}
		tx.VerifySignature()
		tx.Call.DecodeArgs()
	})
}

// VerifySignature answers from its cache of parsed signer keys exactly as
// wallet.Verify does: for signers asked in turns, for signers sharing a
// slot of the cache, and for a signer that is not a valid key.
func TestVerifySignatureKeyCache(t *testing.T) {
	tx, _ := testTx(t)
	bob, err := wallet.KeypairFromURI("//Bob")
	if err != nil {
		t.Fatal(err)
	}
	bobTx := *tx
	bobTx.Signer = AccountID(bob.PublicKey())
	if err := bobTx.Sign(bob); err != nil {
		t.Fatal(err)
	}
	// Alice's key with Bob's first two bytes: the same slot as Bob, and
	// (almost surely) not a point on the curve.
	odd := *tx
	copy(odd.Signer[:2], bobTx.Signer[:2])
	forged := bobTx
	forged.Signature = append([]byte(nil), bobTx.Signature...)
	forged.Signature[3] ^= 1
	for round := range 3 {
		for _, c := range []struct {
			name string
			tx   *Tx
		}{{"alice", tx}, {"bob", &bobTx}, {"same slot", &odd}, {"forged", &forged}, {"bob again", &bobTx}} {
			msg, err := c.tx.SignBytes()
			if err != nil {
				t.Fatal(err)
			}
			want := wallet.Verify(c.tx.Signer, msg, c.tx.Signature)
			if got := c.tx.VerifySignature(); got != want {
				t.Errorf("round %d, %s: VerifySignature %v, wallet.Verify %v", round, c.name, got, want)
			}
		}
	}
	if !tx.VerifySignature() || !bobTx.VerifySignature() || forged.VerifySignature() {
		t.Error("a verdict is wrong")
	}
}
