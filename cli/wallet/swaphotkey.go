package wallet

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// SwapHotkeyOptions are the options of `wallet swap_hotkey`.
type SwapHotkeyOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	HotkeyB   string
	JSON      bool
}

// NewCmdSwapHotkey returns `wallet swap_hotkey`.
func NewCmdSwapHotkey(f *cmdutil.Factory, runF func(*SwapHotkeyOptions) error) *cobra.Command {
	opts := &SwapHotkeyOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "swap_hotkey --wallet.hotkey <old> --wallet.hotkey_b <new>",
		Short: "Move registrations to a new hotkey",
		Long: `Move everything of the wallet's hotkey (--wallet.hotkey) on chain to another
hotkey of the same wallet (--wallet.hotkey_b): its uids on every subnet, the
stake on it and its delegate status. The coldkey must own the old hotkey and
pays the chain's hotkey swap cost (burned); the new hotkey must never have
been used on chain.`,
		Example: `  btcli wallet swap_hotkey --wallet.name alice --wallet.hotkey old --wallet.hotkey_b new`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return swapHotkeyRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().StringVar(&opts.HotkeyB, "wallet.hotkey_b", "", "Name of the new hotkey in the wallet (asked for when not given)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

type swapResult struct {
	Coldkey   types.AccountID `json:"coldkey"`
	Hotkey    types.AccountID `json:"hotkey"`
	NewHotkey types.AccountID `json:"new_hotkey"`
	Cost      uint64          `json:"cost"` // RAO burned
	Block     uint64          `json:"block"`
	Tx        string          `json:"tx"`
}

func swapHotkeyRun(ctx context.Context, opts *SwapHotkeyOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	nameB := opts.HotkeyB
	if nameB == "" {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("--wallet.hotkey_b is required")
		}
		if nameB, err = f.Prompter().Input("Enter new hotkey name", ""); err != nil {
			return err
		}
	}
	if nameB == w.HotkeyName {
		return cmdutil.FlagErrorf("--wallet.hotkey_b is the same hotkey as --wallet.hotkey (%s)", nameB)
	}
	wb := wallet.New(w.Name, nameB, w.Path)
	cpub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	oldPub, err := w.HotkeyPub()
	if err != nil {
		return err
	}
	newPub, err := wb.HotkeyPub()
	if err != nil {
		return fmt.Errorf("--wallet.hotkey_b: %w", err)
	}
	cold, oldK, newK := types.AccountID(cpub.PublicKey()), types.AccountID(oldPub.PublicKey()), types.AccountID(newPub.PublicKey())
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	// The chain checks the swap (the coldkey owns the old hotkey, the new
	// one was never used, the cost can be paid) before anything is asked.
	checked, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: "hotkey swap", Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.SwapHotkey(ctx, s, oldK, newK, wait)
		}})
	if err != nil {
		return err
	}
	old, err := c.GetHotkey(ctx, oldK, 0)
	if err != nil {
		return err
	}
	p, err := c.Params(ctx)
	if err != nil {
		return err
	}
	cost := balance.Balance(p.Subtensor.HotkeySwapCost)
	q := fmt.Sprintf("Swap hotkey %s (%s) for %s (%s) on %d subnets, burning %s%s? [y/n]: ",
		w.HotkeyName, oldK, nameB, newK, len(old.Registrations), cost, cmdutil.FeeClause(", for a fee of %s", checked.Fee))
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	kp, err := w.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	res, err := checked.Send(ctx, kp)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, swapResult{Coldkey: cold, Hotkey: oldK, NewHotkey: newK, Cost: cost.RAO(), Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", res.Height, res.Hash)
	fmt.Fprintf(f.IOStreams.Out, "Swapped hotkey %s for %s\n", oldK, newK)
	return nil
}
