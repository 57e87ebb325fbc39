package stake

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// planRun is a planned series of stake moves, one per target, that stake add
// and stake remove carry out the same way.
type planRun struct {
	factory  *cmdutil.Factory
	client   subtensor.Chain
	wallet   *wallet.Wallet
	coldkey  types.AccountID
	free     balance.Balance // the coldkey's free balance before
	json     bool
	question string // the confirmation, listing the plan (applyPlan adds the fees)
	targets  []target
	amounts  []balance.Balance                    // per target; 0 skips it
	what     func(target) string                  // "stake on name:5…", for errors
	done     func(balance.Balance, target) string // "Staked τ1 on name:5…", for the report
	send     func(ctx context.Context, coldkey subtensor.Signer, hotkey types.AccountID, amount balance.Balance, wait subtensor.Wait) (*subtensor.TxResult, error)
}

// applyPlan asks the chain about every move (cmdutil.Preflight: its
// refusal comes before any question), confirms the plan with its fees,
// unlocks the coldkey and sends each move, waiting for its block and
// reporting the stake it left; it stops at the first failure (the moves
// before it stand).
func applyPlan(ctx context.Context, p planRun) error {
	f, c := p.factory, p.client
	checked := make([]*cmdutil.Checked, len(p.targets))
	var fees balance.Balance
	for i, t := range p.targets {
		a := p.amounts[i]
		if a == 0 {
			continue
		}
		ch, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: p.what(t), Signer: p.coldkey,
			Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
				return p.send(ctx, s, t.Hotkey, a, wait)
			}})
		if err != nil {
			return err
		}
		checked[i] = ch
		fees += ch.Fee
	}
	if err := cmdutil.ConfirmAction(f, fmt.Sprintf("%s\n%s[y/n]: ", p.question, cmdutil.FeeClause("  fees: %s\n", fees))); err != nil {
		return err
	}
	kp, err := p.wallet.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	out := stakeResult{Coldkey: p.coldkey, Steps: []stakeStep{}, BalanceBefore: p.free.RAO()}
	for i, t := range p.targets {
		a := p.amounts[i]
		if a == 0 {
			continue
		}
		res, err := checked[i].Send(ctx, kp)
		if err != nil {
			return err
		}
		now, err := c.GetStake(ctx, p.coldkey, t.Hotkey, res.Height)
		if err != nil {
			return err
		}
		out.Steps = append(out.Steps, stakeStep{Hotkey: t.Hotkey, Name: t.Name, Amount: a.RAO(), Stake: now.RAO(), Block: res.Height, Tx: res.Hash})
		if !p.json {
			fmt.Fprintf(f.IOStreams.Out, "%s (block %d): stake now %s\n", p.done(a, t), res.Height, now)
		}
	}
	after, err := c.GetBalance(ctx, p.coldkey, 0)
	if err != nil {
		return err
	}
	out.BalanceAfter = after.RAO()
	if p.json {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\n", p.free, after)
	return nil
}
