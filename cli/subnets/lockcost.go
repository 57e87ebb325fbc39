package subnets

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// LockCostOptions are the options of `subnets lock_cost`.
type LockCostOptions struct {
	Factory   *cmdutil.Factory
	Subtensor cmdutil.SubtensorFlags
	JSON      bool
}

// NewCmdLockCost returns `subnets lock_cost`.
func NewCmdLockCost(f *cmdutil.Factory, runF func(*LockCostOptions) error) *cobra.Command {
	opts := &LockCostOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "lock_cost",
		Short: "Show what creating a subnet costs now",
		Long: `Show the TAO that creating a subnet (btcli subnets create) would lock now.
The lock returns to the owner when the subnet is removed. The cost doubles
with each registration and decays back over the lock reduction interval.

With --json the answer is the chain's, amounts in RAO.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return lockCostRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func lockCostRun(ctx context.Context, opts *LockCostOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	q, err := c.GetLockCost(ctx, 0)
	if err != nil {
		return cmdutil.QueryError("lock cost", err)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, q)
	}
	fmt.Fprintf(f.IOStreams.Out, "Subnet lock cost: %s\n", balance.Balance(q.LockCost))
	if q.NextAllowedBlock > q.Height+1 {
		fmt.Fprintf(f.IOStreams.ErrOut, "The next subnet may be created at block %d (now %d).\n", q.NextAllowedBlock, q.Height)
	}
	return nil
}
