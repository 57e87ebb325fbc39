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

// TransferOptions are the options of `wallet transfer`.
type TransferOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Dest      string
	Amount    string
	KeepAlive bool
	JSON      bool

	dest   types.AccountID
	amount balance.Balance
}

// NewCmdTransfer returns `wallet transfer`.
func NewCmdTransfer(f *cmdutil.Factory, runF func(*TransferOptions) error) *cobra.Command {
	opts := &TransferOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "transfer --dest <ss58 or wallet> --amount <TAO>",
		Short: "Send TAO from the wallet's coldkey to another account",
		Long: `Send TAO from the wallet's coldkey to another account. The transfer fee is
shown and confirmed before anything is sent (unless --no_prompt), and the
command waits until the transfer is in a block.

--dest is an SS58 address or, as a convenience Bittensor's btcli does not
have, the name of a wallet under --wallet.path (its coldkey).

The sender may end below the existential deposit (500 RAO), which burns its
dust; --keep_alive refuses that instead.`,
		Example: `  btcli wallet transfer --wallet.name alice --dest 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --amount 1.5
  btcli wallet transfer --wallet.name alice --dest miner --amount 100`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return transferRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().StringVar(&opts.Dest, "dest", "", "Destination: an SS58 address or a wallet's name (required)")
	cmd.Flags().StringVar(&opts.Amount, "amount", "", "Amount of TAO to send, e.g. 1.5 (required)")
	cmd.Flags().BoolVar(&opts.KeepAlive, "keep_alive", false, "Refuse to take the sender below the existential deposit")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func (o *TransferOptions) parse() error {
	if o.Dest == "" {
		return cmdutil.FlagErrorf("--dest is required")
	}
	if o.Amount == "" {
		return cmdutil.FlagErrorf("--amount is required")
	}
	d, err := types.ParseAccountID(o.Dest)
	if err != nil {
		// Not an address: a wallet's name?
		pub, werr := wallet.New(o.Dest, wallet.DefaultHotkey, o.Wallet.Path).ColdkeyPub()
		if werr != nil {
			return cmdutil.FlagErrorf("--dest %q is neither an SS58 address (%v) nor a wallet with a coldkey under %s", o.Dest, err, o.Wallet.Path)
		}
		d = types.AccountID(pub.PublicKey())
	}
	a, err := balance.ParseTAO(o.Amount)
	if err != nil {
		return cmdutil.FlagErrorf("--amount: %v", err)
	}
	if a == 0 {
		return cmdutil.FlagErrorf("--amount must be more than 0")
	}
	o.dest, o.amount = d, a
	return nil
}

// transferResult is the --json output of a transfer.
type transferResult struct {
	From     types.AccountID `json:"from"`
	To       types.AccountID `json:"to"`
	Amount   uint64          `json:"amount"` // RAO
	Fee      uint64          `json:"fee"`    // RAO
	Block    uint64          `json:"block"`
	Tx       string          `json:"tx"`
	Balance  uint64          `json:"balance"` // sender's free balance after, RAO
	Previous uint64          `json:"previous_balance"`
}

func transferRun(ctx context.Context, opts *TransferOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	from := types.AccountID(pub.PublicKey())
	if from == opts.dest {
		return cmdutil.FlagErrorf("--dest is the wallet's own coldkey %s", from)
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	before, err := c.GetBalance(ctx, from, 0)
	if err != nil {
		return err
	}
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "transfer", Signer: from,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.Transfer(ctx, s, opts.dest, opts.amount, opts.KeepAlive, wait)
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Do you want to transfer:\n  amount: %s\n  from: %s:%s\n  to: %s\n  for fee: %s\n[y/n]: ", opts.amount, w.Name, from, opts.dest, fee)
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Transfer", res); err != nil {
		return err
	}
	after, err := c.GetBalance(ctx, from, res.Height)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, transferResult{From: from, To: opts.dest, Amount: opts.amount.RAO(), Fee: res.Fee.RAO(),
			Block: res.Height, Tx: res.Hash, Balance: after.RAO(), Previous: before.RAO()})
	}
	fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\n", before, after)
	return nil
}
