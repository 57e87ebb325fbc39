package cmdutil

// The one way a btcli command writes to the chain: ask the chain first.
//
// btcli restates no chain rule. Before it asks anything of the user (a
// confirmation, a password) it dry-runs the very transaction it means to
// send, signed by nobody: a go-bittensor node runs every check but the
// signature's and the call itself on its current state, and answers either
// the fee and events or its refusal, which btcli shows as the chain's
// sentence with what to do (ChainError and its hints). A chain that checks
// only signed transactions (Substrate) answers subtensor.ErrNoSecret; then
// btcli prices the transaction with FeeOnly for the confirmation and, once
// the key is unlocked, dry-runs the signed transaction before sending it.
// Either way nothing is sent that the chain would refuse at that moment, and
// on a go-bittensor node nothing is asked that it would refuse anyway.

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// TxCall sends one transaction through a subtensor.Chain write method,
// signed by signer, going as far as wait says; with subtensor.DryRun or
// FeeOnly it sends nothing. It is usually a closure over the command's
// arguments:
//
//	func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
//		return c.AddStake(ctx, s, hotkey, amount, wait)
//	}
//
// A closure that needs more of the method's results (a uid, a netuid)
// keeps those of its last call.
type TxCall func(ctx context.Context, signer subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error)

// Tx is one transaction a command means to send.
type Tx struct {
	// What names the action in messages ("stake on h1:5F…").
	What string
	// Signer is the account whose key will sign: a coldkey or a hotkey.
	Signer types.AccountID
	// Call sends it.
	Call TxCall
}

// Checked is a transaction the chain has looked at before any key was
// unlocked (Preflight). It is not safe for concurrent use.
type Checked struct {
	Tx
	// Fee is what the chain charges for the transaction, from the dry run
	// (or, when the chain checks only signed transactions, from FeeOnly).
	Fee balance.Balance
	// DryRun is the chain's answer to the unsigned dry run: the fee and the
	// events the transaction would have. It is nil when the chain checks
	// only signed transactions; then Send checks again once signed.
	DryRun *subtensor.TxResult
}

// Preflight asks the chain what tx would do now, signed by nobody
// (subtensor.Unsigned(tx.Signer)), before any key is unlocked. The chain's
// refusal is returned as a *ChainRefusal with NotSent set (the chain's
// sentence and what to do; it matches the chain's sentinel under
// errors.Is), and nothing was sent or charged. A chain that cannot check
// an unsigned transaction (subtensor.ErrNoSecret) is asked for the fee
// only, and Send then checks the signed transaction first. Other errors
// (the connection) are returned as they are.
func Preflight(ctx context.Context, tx Tx) (*Checked, error) {
	key := subtensor.Unsigned(tx.Signer)
	res, err := tx.Call(ctx, key, subtensor.DryRun)
	switch {
	case err == nil:
		return &Checked{Tx: tx, Fee: res.Fee, DryRun: res}, nil
	case !errors.Is(err, subtensor.ErrNoSecret):
		return nil, refusedInDryRun(tx.What, err)
	}
	res, err = tx.Call(ctx, key, subtensor.FeeOnly)
	if err != nil {
		return nil, refusedInDryRun(tx.What, err)
	}
	return &Checked{Tx: tx, Fee: res.Fee}, nil
}

// Send sends the checked transaction signed by key (the unlocked key of
// c.Signer) and waits for its block. When Preflight could not check the
// transaction unsigned, Send first dry-runs it signed, and sends nothing if
// the chain refuses (a *ChainRefusal with NotSent). A refusal of the sent
// transaction, or its failure in the block, is explained by TxError; the
// result is returned with it when there is one.
func (c *Checked) Send(ctx context.Context, key subtensor.Signer) (*subtensor.TxResult, error) {
	if types.AccountID(key.PublicKey()) != c.Signer {
		return nil, fmt.Errorf("%s: the key %s is not the checked signer %s", c.What, types.AccountID(key.PublicKey()), c.Signer)
	}
	if c.DryRun == nil {
		res, err := c.Call(ctx, key, subtensor.DryRun)
		if err != nil {
			return nil, refusedInDryRun(c.What, err)
		}
		c.DryRun, c.Fee = res, res.Fee
	}
	res, err := c.Call(ctx, key, subtensor.WaitInclusion)
	if err == nil && res != nil && res.Err != nil {
		err = res.Err
	}
	if err != nil {
		return res, TxError(c.What, res, err)
	}
	return res, nil
}

// Unlock returns the key that signs, reading its keyfile and asking for
// its password if it is encrypted (UnlockColdkey, UnlockHotkey).
type Unlock func() (subtensor.Signer, error)

// UnlockColdkey unlocks the wallet's coldkey, asking for its password with
// UnlockPassword.
func UnlockColdkey(f *Factory, w *wallet.Wallet) Unlock {
	return func() (subtensor.Signer, error) { return w.Coldkey(UnlockPassword(f)) }
}

// UnlockHotkey unlocks the wallet's hotkey, asking for its password with
// UnlockPassword.
func UnlockHotkey(f *Factory, w *wallet.Wallet) Unlock {
	return func() (subtensor.Signer, error) { return w.Hotkey(UnlockPassword(f)) }
}

// Write is the whole flow of a command that sends one transaction:
// Preflight (the chain's refusal comes before any question), the
// confirmation question(fee) with ConfirmAction (none when question is
// nil), unlock, and Checked.Send. It returns the sent transaction's result.
func Write(ctx context.Context, f *Factory, tx Tx, question func(fee balance.Balance) string, unlock Unlock) (*subtensor.TxResult, error) {
	c, err := Preflight(ctx, tx)
	if err != nil {
		return nil, err
	}
	if question != nil {
		if err := ConfirmAction(f, question(c.Fee)); err != nil {
			return nil, err
		}
	}
	key, err := unlock()
	if err != nil {
		return nil, err
	}
	return c.Send(ctx, key)
}

// refusedInDryRun explains the chain's refusal of a dry run: nothing was
// sent. Other errors pass through.
func refusedInDryRun(what string, err error) error {
	e := ChainError(what, err)
	if r, ok := e.(*ChainRefusal); ok && r != err {
		r.NotSent = true
	}
	return e
}
