package chain

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The identity registry (Bittensor's Registry pallet, with subtensor's
// AllowIdentityReg): an account's display name, web site, contact and so on,
// shown by wallets and explorers.
//
// Rules:
//   - Who may set an identity (canRegister): a coldkey its own when it owns
//     a subnet; a hotkey's, the coldkey that owns the hotkey when the hotkey
//     is registered on the root network.
//   - Each text field is UTF-8 of at most 64 bytes, a PGP fingerprint 20
//     bytes, at most MaxAdditionalFields additional fields.
//   - An identity holds a deposit (InitialDeposit + FieldDeposit per
//     additional field) out of the free balance of the account that set it,
//     which must keep the existential deposit. Setting it again adjusts the
//     deposit; a different setter is paid back the old deposit in full and
//     holds the new one. Clearing returns the deposit to whoever holds it.
//
// Deviations from the reference, whose clear_identity lets any signed
// account remove any identity and refunds the deposit from the remover's
// own holds: clearing needs an account that may set the identity, or the
// depositor, and the deposit goes back to the depositor.

// identity is an identity as stored.
type identity struct {
	Info      types.IdentityInfo `cbor:"1,keyasint"`
	Deposit   uint64             `cbor:"2,keyasint"`
	Depositor types.AccountID    `cbor:"3,keyasint"`
}

// Identity returns the identity of who, if it has one.
func (s *State) Identity(who types.AccountID) (identity, bool) {
	var id identity
	v := s.kv.Get(accountKeyP(prefixIdentity, who))
	if v == nil {
		return id, false
	}
	mustDecode(v, &id, "identity")
	return id, true
}

func (s *State) setIdentity(who types.AccountID, id *identity) {
	s.kv.Set(accountKeyP(prefixIdentity, who), mustEncode(id))
}

func (s *State) deleteIdentity(who types.AccountID) {
	s.kv.Delete(accountKeyP(prefixIdentity, who))
}

// IdentityDeposits is the RAO held by every identity's deposit.
func (s *State) IdentityDeposits() uint64 {
	var sum uint64
	start := []byte{prefixIdentity}
	s.kv.Iterate(start, prefixEnd(start), func(_, v []byte) bool {
		var id identity
		mustDecode(v, &id, "identity")
		sum += id.Deposit
		return true
	})
	return sum
}

// canRegister is subtensor's AllowIdentityReg: who may set (or clear) the
// identity of identified.
func canRegister(st *State, who, identified types.AccountID) bool {
	if who != identified {
		owner, ok := st.Owner(identified)
		if !ok || owner != who {
			return false
		}
		_, onRoot := st.UID(RootNetuid, identified)
		return onRoot
	}
	for _, netuid := range st.Netuids() {
		if sn, ok := st.Subnet(netuid); ok && sn.Owner == who {
			return true
		}
	}
	return false
}

// setIdentityCall is Registry.set_identity.
func setIdentityCall(ctx *Context, a *types.SetIdentity) error {
	st, p := ctx.State, ctx.Params.Registry
	if !canRegister(st, ctx.Signer, a.Identified) {
		if ctx.Signer == a.Identified {
			return types.Errorf(types.ErrCannotRegister, "%s owns no subnet: a coldkey may name itself only as a subnet's owner", ctx.Signer)
		}
		return types.Errorf(types.ErrCannotRegister, "%s may not name %s: only the coldkey that owns a hotkey registered on the root network may", ctx.Signer, a.Identified)
	}
	if err := a.Info.Check(p.MaxAdditionalFields); err != nil {
		return err
	}
	deposit := p.Deposit(len(a.Info.Additional))
	old, had := st.Identity(a.Identified)
	held := uint64(0) // what the signer already holds for this identity
	if had {
		if old.Depositor == ctx.Signer {
			held = old.Deposit
		} else if err := release(ctx, old.Depositor, old.Deposit); err != nil {
			return err
		}
	}
	switch {
	case deposit > held:
		if err := hold(ctx, ctx.Signer, deposit-held); err != nil {
			return err
		}
	case deposit < held:
		if err := release(ctx, ctx.Signer, held-deposit); err != nil {
			return err
		}
	}
	st.setIdentity(a.Identified, &identity{Info: a.Info, Deposit: deposit, Depositor: ctx.Signer})
	ctx.Emit("IdentitySet", "who", a.Identified.String(), "deposit", strconv.FormatUint(deposit, 10))
	return nil
}

// clearIdentityCall is Registry.clear_identity.
func clearIdentityCall(ctx *Context, a *types.ClearIdentity) error {
	st := ctx.State
	old, ok := st.Identity(a.Identified)
	if !ok {
		return types.Errorf(types.ErrIdentityNotRegistered, "%s has no identity", a.Identified)
	}
	if ctx.Signer != old.Depositor && !canRegister(st, ctx.Signer, a.Identified) {
		return types.Errorf(types.ErrCannotRegister, "%s may not clear the identity of %s", ctx.Signer, a.Identified)
	}
	if err := release(ctx, old.Depositor, old.Deposit); err != nil {
		return err
	}
	st.deleteIdentity(a.Identified)
	ctx.Emit("IdentityDissolved", "who", a.Identified.String(), "returned", strconv.FormatUint(old.Deposit, 10))
	return nil
}

// hold moves amount of who's free balance into a deposit; who must keep the
// existential deposit.
func hold(ctx *Context, who types.AccountID, amount uint64) error {
	acc := ctx.State.Account(who)
	if acc.Free < amount || acc.Free-amount < ctx.Params.ExistentialDeposit {
		return types.Errorf(types.ErrInsufficientBalance, "%s has %d RAO free; the identity's deposit of %d must leave the existential deposit of %d",
			who, acc.Free, amount, ctx.Params.ExistentialDeposit)
	}
	acc.Free -= amount
	ctx.State.SetAccount(who, acc)
	return nil
}

// release returns amount of a deposit to who's free balance.
func release(ctx *Context, who types.AccountID, amount uint64) error {
	if amount == 0 {
		return nil
	}
	acc := ctx.State.Account(who)
	if acc.Free+amount < acc.Free {
		return types.Errorf(types.ErrBalanceOverflow, "%s", who)
	}
	acc.Free += amount
	ctx.State.SetAccount(who, acc)
	return nil
}
