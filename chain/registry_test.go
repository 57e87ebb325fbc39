package chain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
)

// identityOf queries an account's identity.
func (c *subtensorChain) identityOf(who types.AccountID) (types.IdentityRecord, error) {
	c.t.Helper()
	resp := answer(c.state(), 0, types.QueryIdentity+"/"+who.String(), nil)
	if resp.Code != 0 {
		return types.IdentityRecord{}, types.NewChainError(resp.Code, resp.Codespace, resp.Log)
	}
	var rec types.IdentityRecord
	if err := json.Unmarshal(resp.Value, &rec); err != nil {
		c.t.Fatal(err)
	}
	return rec, nil
}

// TestIdentity: a subnet owner names its coldkey and the owner of a root
// validator its hotkey, each holding a deposit that follows the number of
// additional fields and comes back when the identity is cleared; everything
// else is refused, charging only the fee and nonce.
func TestIdentity(t *testing.T) {
	g := govGenesis(t)
	g.Balances = append(g.Balances, GenesisBalance{Address: id(t, "//Poor"), Free: tao / 20})
	c := newSubtensorChain(t, g)
	bob, charlie, poor := key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Poor")
	bobID, charlieHot := id(t, "//Bob"), id(t, "//Charlie/hot")
	p := g.Params.Registry
	c.createSubnet(bob)

	// The subnet's owner names its coldkey; the deposit is held.
	before := c.account(bob)
	info := types.IdentityInfo{Display: "Bob's subnet", Web: "https://bob.example", Twitter: "@bob",
		PGPFingerprint: make(types.PGPFingerprint, types.PGPFingerprintBytes)}
	evs := c.must(bob, &types.SetIdentity{Identified: bobID, Info: info})
	if got := eventInt(t, evs, "IdentitySet", "deposit"); got != p.InitialDeposit {
		t.Errorf("deposit event %d, want %d", got, p.InitialDeposit)
	}
	fee := before.Free - c.account(bob).Free - p.InitialDeposit
	rec, err := c.identityOf(bobID)
	if err != nil || rec.Info.Display != "Bob's subnet" || rec.Deposit != p.InitialDeposit || rec.Depositor != bobID || len(rec.Info.PGPFingerprint) != 20 {
		t.Fatalf("identity %+v, %v", rec, err)
	}

	// An additional field holds more; dropping it gives that back.
	before = c.account(bob)
	info.Additional = []types.IdentityField{{Key: "info", Value: "validating since block 1"}}
	c.must(bob, &types.SetIdentity{Identified: bobID, Info: info})
	if got := before.Free - c.account(bob).Free - p.FieldDeposit; got < g.Params.TxFeeBase || got > fee+1000 {
		t.Errorf("a second field cost its deposit %d and %d more, want about the fee %d", p.FieldDeposit, got, fee)
	}
	if rec, _ := c.identityOf(bobID); rec.Deposit != p.Deposit(1) || rec.Info.Additional[0].Value != "validating since block 1" {
		t.Errorf("after adding a field: %+v", rec)
	}
	before = c.account(bob)
	info.Additional = nil
	c.must(bob, &types.SetIdentity{Identified: bobID, Info: info})
	if got := c.account(bob).Free - before.Free; got > p.FieldDeposit-g.Params.TxFeeBase || got < p.FieldDeposit-fee-1000 {
		t.Errorf("dropping the field returned %d (less the fee), want %d less about %d", got, p.FieldDeposit, fee)
	}

	// Refusals change nothing but the signer's nonce and fee.
	long := strings.Repeat("x", types.MaxIdentityFieldBytes+1)
	for _, tt := range []struct {
		name   string
		signer string
		args   types.CallArgs
		want   *types.Error
		msg    string
	}{
		{"no subnet", "//Alice", &types.SetIdentity{Identified: id(t, "//Alice")}, types.ErrCannotRegister, "owns no subnet"},
		{"someone else's", "//Alice", &types.SetIdentity{Identified: bobID}, types.ErrCannotRegister, "may not name"},
		{"hotkey not on root", "//Charlie", &types.SetIdentity{Identified: charlieHot}, types.ErrCannotRegister, "root network"},
		{"too long", "//Bob", &types.SetIdentity{Identified: bobID, Info: types.IdentityInfo{Legal: long}}, types.ErrInvalidIdentityField, "legal is 65 bytes"},
		{"short fingerprint", "//Bob", &types.SetIdentity{Identified: bobID, Info: types.IdentityInfo{PGPFingerprint: make([]byte, 19)}}, types.ErrInvalidIdentityField, "pgp_fingerprint"},
		{"two fields", "//Bob", &types.SetIdentity{Identified: bobID, Info: types.IdentityInfo{Additional: make([]types.IdentityField, 2)}}, types.ErrTooManyFieldsInIdentityInfo, "at most 1"},
		{"clear nothing", "//Bob", &types.ClearIdentity{Identified: id(t, "//Alice")}, types.ErrIdentityNotRegistered, "no identity"},
		{"clear another's", "//Alice", &types.ClearIdentity{Identified: bobID}, types.ErrCannotRegister, "may not clear"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			defer func() { c.t = nil }()
			err := c.failsCleanly(key(t, tt.signer), tt.args, tt.want)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
	c.t = t

	// A root validator's owner names its hotkey.
	c.rootRegister(charlie, charlieHot)
	c.must(charlie, &types.SetIdentity{Identified: charlieHot, Info: types.IdentityInfo{Display: "Charlie's validator"}})
	if rec, err := c.identityOf(charlieHot); err != nil || rec.Depositor != id(t, "//Charlie") || rec.Info.Display != "Charlie's validator" {
		t.Errorf("hotkey identity %+v, %v", rec, err)
	}
	// Without the deposit and the existential deposit left, nothing changes.
	poorHot := id(t, "//Poor/hot")
	c.rootRegister(poor, poorHot)
	c.failsCleanly(poor, &types.SetIdentity{Identified: poorHot}, types.ErrInsufficientBalance)

	// Clearing returns the deposit, which was held, not burned: the
	// issuance falls by the fee alone.
	before, issuance := c.account(bob), c.issuance()
	evs = c.must(bob, &types.ClearIdentity{Identified: bobID})
	if got := eventInt(t, evs, "IdentityDissolved", "returned"); got != p.InitialDeposit {
		t.Errorf("returned %d, want %d", got, p.InitialDeposit)
	}
	clearFee := before.Free + p.InitialDeposit - c.account(bob).Free
	if clearFee > fee*2 || c.issuance() != issuance-clearFee {
		t.Errorf("clearing: fee %d (setting cost %d), issuance %d → %d", clearFee, fee, issuance, c.issuance())
	}
	if _, err := c.identityOf(bobID); !errors.Is(err, types.ErrNotFound) {
		t.Errorf("cleared identity: %v", err)
	}
	if held := c.state().IdentityDeposits(); held != p.InitialDeposit {
		t.Errorf("%d held in deposits, want Charlie's %d", held, p.InitialDeposit)
	}
}
