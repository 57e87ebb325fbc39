package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestPreflight runs transfers through Preflight and Send on a real dev
// node, once as the node is (it checks a transaction signed by nobody) and
// once as a chain that checks only signed transactions (Substrate): the
// calls made, in order, show when the chain is asked and that nothing the
// chain refuses is sent.
func TestPreflight(t *testing.T) {
	ctx := context.Background()
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	alice, err := wallet.KeypairFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := wallet.KeypairFromURI("//Bob")
	aliceID, bobID := types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())
	free, err := c.GetBalance(ctx, aliceID, 0)
	if err != nil {
		t.Fatal(err)
	}

	// transfer sends amount from alice to bob through c, logging each call
	// as "<wait> signed|unsigned". With signedOnly, a dry run signed by
	// nobody is answered as a Substrate chain answers it.
	var calls []string
	transfer := func(amount balance.Balance, signedOnly bool) Tx {
		return Tx{What: "transfer", Signer: aliceID, Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			signed := "signed"
			if _, err := s.Sign([]byte("probe")); errors.Is(err, subtensor.ErrNoSecret) {
				signed = "unsigned"
			}
			calls = append(calls, wait.String()+" "+signed)
			if signedOnly && wait == subtensor.DryRun && signed == "unsigned" {
				return nil, fmt.Errorf("this chain checks signed transactions only: %w", subtensor.ErrNoSecret)
			}
			return c.Transfer(ctx, s, bobID, amount, true, wait)
		}}
	}
	expectCalls := func(name string, want ...string) {
		t.Helper()
		if !reflect.DeepEqual(calls, want) {
			t.Errorf("%s: calls %q, want %q", name, calls, want)
		}
		calls = nil
	}
	account := func() types.AccountInfo {
		t.Helper()
		a, err := c.GetAccount(ctx, aliceID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	overdraft := balance.Balance(free.RAO() + 1)

	for _, signedOnly := range []bool{false, true} {
		name := map[bool]string{false: "a chain that checks unsigned transactions", true: "a chain that checks signed ones only"}[signedOnly]
		before := account()

		// A transfer the chain accepts: asked before the key, sent after.
		ch, err := Preflight(ctx, transfer(balance.FromTAO(1), signedOnly))
		if err != nil {
			t.Fatalf("%s: preflight: %v", name, err)
		}
		if ch.Fee == 0 || (ch.DryRun == nil) != signedOnly {
			t.Errorf("%s: checked %+v: want a fee, and a dry run's result unless the chain checks signed transactions only", name, ch)
		}
		if signedOnly {
			expectCalls(name+": preflight", "dry run unsigned", "fee only unsigned")
		} else {
			expectCalls(name+": preflight", "dry run unsigned")
		}
		if _, err := ch.Send(ctx, bob); err == nil {
			t.Errorf("%s: sent with another key than the checked signer", name)
		}
		expectCalls(name + ": the wrong key")
		res, err := ch.Send(ctx, alice)
		if err != nil {
			t.Fatalf("%s: send: %v", name, err)
		}
		if signedOnly {
			expectCalls(name+": send", "dry run signed", "wait for inclusion signed")
		} else {
			expectCalls(name+": send", "wait for inclusion signed")
		}
		after := account()
		if res.Fee != ch.Fee || after.Nonce != before.Nonce+1 || before.Free-after.Free != balance.FromTAO(1).RAO()+res.Fee.RAO() {
			t.Errorf("%s: sent %+v (checked fee %s): alice %+v → %+v", name, res, ch.Fee, before, after)
		}

		// An overdraft: refused by the chain's own check, never sent.
		ch, err = Preflight(ctx, transfer(overdraft, signedOnly))
		if !signedOnly {
			var r *ChainRefusal
			if !errors.As(err, &r) || !r.NotSent || !errors.Is(err, types.ErrInsufficientBalance) {
				t.Errorf("%s: preflight of an overdraft: %v", name, err)
			}
			expectCalls(name+": overdraft", "dry run unsigned")
			continue
		}
		if err != nil {
			t.Fatalf("%s: preflight of an overdraft (priced only): %v", name, err)
		}
		expectCalls(name+": overdraft", "dry run unsigned", "fee only unsigned")
		before = account()
		_, err = ch.Send(ctx, alice)
		var r *ChainRefusal
		if !errors.As(err, &r) || !r.NotSent || !errors.Is(err, types.ErrInsufficientBalance) {
			t.Errorf("%s: send of an overdraft: %v", name, err)
		}
		expectCalls(name+": overdraft sent", "dry run signed")
		if after := account(); after.Nonce != before.Nonce || after.Free != before.Free {
			t.Errorf("%s: a refused overdraft changed alice: %+v → %+v", name, before, after)
		}
	}

	// Write: the question shows the checked fee; a refusal comes before the
	// question and the key.
	ios, _, _, _ := Test()
	f := &Factory{IOStreams: ios, NoPrompt: true}
	var asked []balance.Balance
	unlocked := 0
	question := func(fee balance.Balance) string { asked = append(asked, fee); return "Send? [y/n]: " }
	unlock := func() (subtensor.Signer, error) { unlocked++; return alice, nil }
	if _, err := Write(ctx, f, transfer(overdraft, false), question, unlock); !errors.Is(err, types.ErrInsufficientBalance) || len(asked) != 0 || unlocked != 0 {
		t.Errorf("write of an overdraft: %v; asked %v, unlocked %d times", err, asked, unlocked)
	}
	calls = nil
	res, err := Write(ctx, f, transfer(balance.FromTAO(1), false), question, unlock)
	if err != nil || len(asked) != 1 || asked[0] != res.Fee || unlocked != 1 {
		t.Errorf("write: %+v, %v; asked with fees %v, unlocked %d times", res, err, asked, unlocked)
	}
	expectCalls("write", "dry run unsigned", "wait for inclusion signed")
}
