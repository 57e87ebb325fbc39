package subtensor_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func devKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	kp, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// A dry run asks the node what a signed transaction would do: the fee and
// events of one that would succeed, the chain's named error for one that
// would not, and in neither case is anything sent, charged or counted.
// FeeOnly prices a call with no secret key at all.
func TestDryRunAndFeeOnly(t *testing.T) {
	ctx := context.Background()
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	alice, bob := devKey(t, "//Alice"), devKey(t, "//Bob")
	aliceID, bobID := types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())
	before, err := c.GetAccount(ctx, aliceID, 0)
	if err != nil {
		t.Fatal(err)
	}
	bobBefore, err := c.GetBalance(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}

	res, err := c.Transfer(ctx, alice, bobID, balance.FromTAO(1), true, subtensor.DryRun)
	if err != nil {
		t.Fatalf("dry run of a good transfer: %v", err)
	}
	if res.Fee == 0 || res.Nonce != before.Nonce {
		t.Errorf("dry run result %+v: want a fee and nonce %d", res, before.Nonce)
	}
	if to, ok := res.Event("transfer", "to"); !ok || to != bobID.String() {
		t.Errorf("dry run events %+v: want a transfer to %s", res.Events, bobID)
	}

	quote, err := c.Transfer(ctx, subtensor.Unsigned(aliceID), bobID, balance.FromTAO(1), true, subtensor.FeeOnly)
	if err != nil {
		t.Fatalf("fee only: %v", err)
	}
	if quote.Fee != res.Fee {
		t.Errorf("fee only quotes %s, the dry run charged %s", quote.Fee, res.Fee)
	}

	_, err = c.Transfer(ctx, alice, bobID, balance.Balance(before.Free+1), false, subtensor.DryRun)
	if !errors.Is(err, types.ErrInsufficientBalance) {
		t.Errorf("dry run of an overdraft: got %v, want ErrInsufficientBalance", err)
	}
	// The node checks an unsigned transaction too, all but its signature:
	// the verdict comes before the key is unlocked.
	unsignedRes, err := c.Transfer(ctx, subtensor.Unsigned(aliceID), bobID, balance.FromTAO(1), true, subtensor.DryRun)
	if err != nil || unsignedRes.Fee != res.Fee {
		t.Errorf("unsigned dry run: %+v, %v; want the signed run's fee %s", unsignedRes, err, res.Fee)
	}
	_, err = c.Transfer(ctx, subtensor.Unsigned(aliceID), bobID, balance.Balance(before.Free+1), false, subtensor.DryRun)
	if !errors.Is(err, types.ErrInsufficientBalance) {
		t.Errorf("unsigned dry run of an overdraft: got %v, want ErrInsufficientBalance", err)
	}
	// A bad signature is still refused.
	_, err = c.Transfer(ctx, impostor{as: aliceID, key: bob}, bobID, balance.FromTAO(1), true, subtensor.DryRun)
	if !errors.Is(err, types.ErrBadSignature) {
		t.Errorf("dry run signed by the wrong key: got %v, want ErrBadSignature", err)
	}
	_, err = c.Transfer(ctx, subtensor.Unsigned(aliceID), bobID, balance.FromTAO(1), true, subtensor.WaitInclusion)
	if !errors.Is(err, subtensor.ErrNoSecret) {
		t.Errorf("sending with a public key only: got %v, want ErrNoSecret", err)
	}

	after, err := c.GetAccount(ctx, aliceID, 0)
	if err != nil {
		t.Fatal(err)
	}
	bobAfter, err := c.GetBalance(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after != before || bobAfter != bobBefore {
		t.Errorf("dry runs changed state: alice %+v → %+v, bob %s → %s", before, after, bobBefore, bobAfter)
	}
	// The next real transaction uses the nonce the dry run quoted.
	sent, err := c.Transfer(ctx, alice, bobID, balance.FromTAO(1), true, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Nonce != res.Nonce || sent.Fee != res.Fee {
		t.Errorf("sent nonce %d fee %s, the dry run said nonce %d fee %s", sent.Nonce, sent.Fee, res.Nonce, res.Fee)
	}
}

// impostor claims one account and signs with another's key.
type impostor struct {
	as  types.AccountID
	key *wallet.Keypair
}

func (i impostor) PublicKey() [32]byte             { return i.as }
func (i impostor) Sign(msg []byte) ([]byte, error) { return i.key.Sign(msg) }
