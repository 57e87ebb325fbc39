package subnets

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// CreateOptions are the options of `subnets create`.
type CreateOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	JSON      bool
}

// NewCmdCreate returns `subnets create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a subnet owned by the wallet's coldkey",
		Long: `Create a subnet owned by the wallet's coldkey, locking the current lock cost
(btcli subnets lock_cost) from its free balance. The lock returns when the
subnet is removed. The cost is shown and confirmed before anything is sent;
if it rises before the transaction lands, nothing is locked.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

type createResult struct {
	Netuid uint16          `json:"netuid"`
	Owner  types.AccountID `json:"owner"`
	Lock   uint64          `json:"lock"` // RAO
	Block  uint64          `json:"block"`
	Tx     string          `json:"tx"`
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	owner := types.AccountID(pub.PublicKey())
	// The subnet's owner hotkey, where the chain asks for one (Bittensor's
	// Substrate runtime does; a go-bittensor node does not).
	var ownerHotkey types.AccountID
	if hp, err := w.HotkeyPub(); err == nil {
		ownerHotkey = types.AccountID(hp.PublicKey())
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	q, err := c.GetLockCost(ctx, 0)
	if err != nil {
		return cmdutil.QueryError("subnet creation", err)
	}
	cost := balance.Balance(q.LockCost)
	var netuid uint16
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "subnet creation", Signer: owner,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (res *subtensor.TxResult, err error) {
			netuid, res, err = c.RegisterNetwork(ctx, s, ownerHotkey, cost, wait)
			return res, err
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Do you want to register a subnet for %s%s? [y/n]: ", cost, cmdutil.FeeClause(" (and a fee of %s)", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, createResult{Netuid: netuid, Owner: owner, Lock: cost.RAO(), Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", res.Height, res.Hash)
	fmt.Fprintf(f.IOStreams.Out, "Registered subnetwork with netuid: %d\n", netuid)
	return nil
}
