package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

func setIdentityCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdSetIdentity(f, nil) }
func getIdentityCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdGetIdentity(f, nil) }

// TestIdentityOnDevChain: a subnet owner names its coldkey and a root
// validator's owner its hotkey; get_identity reads them back; a coldkey
// that may not is refused before its password is asked for.
func TestIdentityOnDevChain(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	ctx := context.Background()
	h := newHarness(t, false, "")
	h.f.NoPrompt = true
	ep := []string{"--subtensor.chain_endpoint", dev.RPC}
	if err := h.run(regenColdCmd, "--wallet.name", "alice", "--uri", "//Alice", "--no_password"); err != nil {
		t.Fatal(err)
	}
	if err := h.run(regenHotCmd, "--wallet.name", "alice", "--wallet.hotkey", "root", "--uri", "//Alice//root", "--no_password"); err != nil {
		t.Fatal(err)
	}
	alice, _ := wallet.KeypairFromURI("//Alice")
	aliceID := types.AccountID(alice.PublicKey())
	rootHot, _ := wallet.KeypairFromURI("//Alice//root")
	rootID := types.AccountID(rootHot.PublicKey())

	// Alice owns no subnet yet: refused, nothing sent.
	err := h.run(setIdentityCmd, append(ep, "--wallet.name", "alice", "--identified", "coldkey", "--display", "Alice")...)
	if !errors.Is(err, types.ErrCannotRegister) || !strings.Contains(err.Error(), "identity not sent: CannotRegister") {
		t.Fatalf("identity without a subnet: %v", err)
	}
	if _, _, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, 0, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	before, _ := c.GetBalance(ctx, aliceID, 0)
	err = h.run(setIdentityCmd, append(ep, "--wallet.name", "alice", "--identified", "coldkey", "--display", "Alice's subnet",
		"--web", "https://alice.example", "--pgp_fingerprint", "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567", "--info", "since genesis", "--json")...)
	if err != nil {
		t.Fatalf("set_identity: %v (%s)", err, h.errOut)
	}
	var set identityResult
	if err := json.Unmarshal(h.out.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	p, _ := c.Params(ctx)
	after, _ := c.GetBalance(ctx, aliceID, 0)
	if set.Identified != aliceID || set.Info.Web != "https://alice.example" || set.Info.Additional[0].Value != "since genesis" ||
		set.Deposit != p.Registry.Deposit(1) || set.Depositor != aliceID || before.RAO()-after.RAO() < set.Deposit {
		t.Errorf("set_identity %+v; balance %s → %s", set, before, after)
	}

	// get_identity shows it, as a table and as the chain's JSON.
	if err := h.run(getIdentityCmd, append(ep, "--key", aliceID.String())...); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ITEM\tVALUE", "display\tAlice's subnet", "pgp_fingerprint\t0123456789abcdef0123456789abcdef01234567", "info\tsince genesis", "deposit\tτ0.200000000"} {
		if !strings.Contains(h.out.String(), want) {
			t.Errorf("get_identity lacks %q:\n%s", want, h.out)
		}
	}
	var byName types.IdentityRecord
	if err := h.run(getIdentityCmd, append(ep, "--wallet.name", "alice", "--json")...); err != nil || json.Unmarshal(h.out.Bytes(), &byName) != nil || byName.Identified != aliceID {
		t.Errorf("get_identity --wallet.name alice: %v %s", err, h.out)
	}
	if err := h.run(getIdentityCmd, append(ep, "--key", rootID.String(), "--json")...); err != nil || strings.TrimSpace(h.out.String()) != "null" {
		t.Errorf("get_identity of a key without one: %v %q", err, h.out)
	}

	// A root validator's hotkey, named by the coldkey that owns it.
	if _, _, err := c.RootRegister(ctx, alice, rootID, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	err = h.run(setIdentityCmd, append(ep, "--wallet.name", "alice", "--wallet.hotkey", "root", "--identified", "hotkey", "--display", "Alice's validator")...)
	if err != nil {
		t.Fatalf("hotkey identity: %v (%s)", err, h.errOut)
	}
	if rec, ok, err := c.Identity(ctx, rootID, 0); err != nil || !ok || rec.Info.Display != "Alice's validator" || rec.Depositor != aliceID {
		t.Errorf("hotkey identity %+v %v %v", rec, ok, err)
	}

	// Bob's encrypted coldkey owns nothing: refused before any password.
	t.Setenv("BT_COLD_PW_BOB", "bob's strong password 1")
	if err := h.run(regenColdCmd, "--wallet.name", "bob", "--uri", "//Bob"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BT_COLD_PW_BOB", "")
	err = h.run(setIdentityCmd, append(ep, "--wallet.name", "bob", "--identified", "coldkey", "--display", "Bob")...)
	if !errors.Is(err, types.ErrCannotRegister) || errors.Is(err, wallet.ErrPasswordRequired) {
		t.Errorf("bob's identity: %v", err)
	}
}
