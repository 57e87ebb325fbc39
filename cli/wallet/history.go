package wallet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// HistoryOptions are the options of `wallet history`.
type HistoryOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	SS58      string
	Limit     int
	JSON      bool
}

// NewCmdHistory returns `wallet history`.
func NewCmdHistory(f *cmdutil.Factory, runF func(*HistoryOptions) error) *cobra.Command {
	opts := &HistoryOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Show the coldkey's transfer history",
		Long: `Show the latest transfers to and from the wallet's coldkey (or --ss58), newest
first: block and time, sender, recipient, amount and transaction. They come
from the node's index of transaction events, which a subtensor node keeps
from its first block; Bittensor's btcli asks a public indexer instead.

With --json the amounts are integers in RAO.`,
		Example: `  btcli wallet history --wallet.name alice
  btcli wallet history --ss58 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY --limit 10 --json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.SS58 != "" {
				if _, err := types.ParseAccountID(opts.SS58); err != nil {
					return cmdutil.FlagErrorf("--ss58 %q: %v", opts.SS58, err)
				}
			}
			if opts.Limit < 1 || opts.Limit > 1000 {
				return cmdutil.FlagErrorf("--limit %d: from 1 to 1000", opts.Limit)
			}
			if runF != nil {
				return runF(opts)
			}
			return historyRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().StringVar(&opts.SS58, "ss58", "", "Show this address's transfers instead of the wallet's")
	cmd.Flags().IntVar(&opts.Limit, "limit", 100, "Most transfers to show")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func historyRun(ctx context.Context, opts *HistoryOptions) error {
	f := opts.Factory
	var who types.AccountID
	if opts.SS58 != "" {
		who, _ = types.ParseAccountID(opts.SS58)
	} else {
		w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
		if err != nil {
			return err
		}
		pub, err := w.ColdkeyPub()
		if err != nil {
			return err
		}
		who = types.AccountID(pub.PublicKey())
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	hc, ok := c.(interface {
		TransferHistory(ctx context.Context, who types.AccountID, limit int) ([]subtensor.Transfer, error)
	})
	if !ok {
		return fmt.Errorf("%w: a transfer history, on %s", subtensor.ErrNotSupported, c.Network())
	}
	transfers, err := hc.TransferHistory(ctx, who, opts.Limit)
	if errors.Is(err, subtensor.ErrNoTxIndex) {
		return fmt.Errorf("%w: this node cannot list transfers (its [tx_index] indexer is off); ask a node that indexes them", err)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		if transfers == nil {
			transfers = []subtensor.Transfer{}
		}
		return cmdutil.PrintJSON(f.IOStreams.Out, transfers)
	}
	if len(transfers) == 0 {
		fmt.Fprintf(f.IOStreams.Out, "No transfers to or from %s.\n", who)
		return nil
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "ID", "FROM", "TO", "AMOUNT(τ)", "TX", "BLOCK", "TIME")
	tp.SetTitle("Wallet Transfers of " + who.String())
	tp.SetDropOrder("TX", "ID", "TIME")
	tp.SetKeepStart("TX")
	for _, t := range transfers {
		tp.AddRow(fmt.Sprintf("%d-%d", t.Height, t.Index), t.From.String(), t.To.String(), t.Amount.TAOString(), t.Tx,
			strconv.FormatUint(t.Height, 10), t.Time.UTC().Format(time.DateTime))
	}
	return tp.Render()
}
