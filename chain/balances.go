package chain

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The balances module: free balances, the existential deposit, transfers.
//
// Rules (Substrate's pallet_balances as Bittensor configures it):
//   - An account exists while its free balance is at least the existential
//     deposit (ED). A transfer may not create an account below the ED.
//   - transfer (AllowDeath) may take the sender below the ED; the sender's
//     remaining dust is then burned and the account reaped (its nonce kept).
//   - transfer_keep_alive refuses to take the sender below the ED.
//   - Every burn lowers the total issuance, so it stays the true supply.

// transfer moves value from the signer to dest.
func transfer(ctx *Context, dest types.AccountID, value uint64, keepAlive bool) error {
	if value == 0 {
		return types.Errorf(types.ErrZeroTransfer, "transfer of 0 RAO")
	}
	if dest == ctx.Signer {
		return types.Errorf(types.ErrSelfTransfer, "%s to itself", dest)
	}
	if err := withdraw(ctx, ctx.Signer, value, keepAlive); err != nil {
		return err
	}
	if err := deposit(ctx, dest, value); err != nil {
		return err
	}
	ctx.Emit("transfer", "from", ctx.Signer.String(), "to", dest.String(), "amount", strconv.FormatUint(value, 10))
	return nil
}

// withdraw takes amount from who's free balance. With keepAlive it fails
// rather than leave less than the existential deposit; without, a remainder
// below the deposit is burned and the balance set to zero.
func withdraw(ctx *Context, who types.AccountID, amount uint64, keepAlive bool) error {
	st := ctx.State
	acc := st.Account(who)
	if acc.Free < amount {
		return types.Errorf(types.ErrInsufficientBalance, "%s has %d RAO, needs %d", who, acc.Free, amount)
	}
	rest := acc.Free - amount
	ed := ctx.Params.ExistentialDeposit
	if rest < ed {
		if keepAlive {
			return types.Errorf(types.ErrKeepAlive, "%s would keep %d RAO, below the existential deposit of %d", who, rest, ed)
		}
		if rest > 0 {
			st.Burn(rest)
			ctx.Emit("dust_lost", "account", who.String(), "amount", strconv.FormatUint(rest, 10))
		}
		rest = 0
	}
	acc.Free = rest
	st.SetAccount(who, acc)
	return nil
}

// deposit adds amount to who's free balance. Creating an account below the
// existential deposit is refused.
func deposit(ctx *Context, who types.AccountID, amount uint64) error {
	st := ctx.State
	acc := st.Account(who)
	if acc.Free+amount < acc.Free {
		return types.Errorf(types.ErrBalanceOverflow, "%s", who)
	}
	if acc.Free+amount < ctx.Params.ExistentialDeposit {
		return types.Errorf(types.ErrExistentialDeposit, "%s would hold %d RAO, below the existential deposit of %d", who, acc.Free+amount, ctx.Params.ExistentialDeposit)
	}
	acc.Free += amount
	st.SetAccount(who, acc)
	return nil
}
