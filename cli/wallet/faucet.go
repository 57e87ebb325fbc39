package wallet

import (
	"context"
	"fmt"
	"runtime"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// FaucetOptions are the options of `wallet faucet` (and `legacy faucet`).
type FaucetOptions struct {
	Factory         *cmdutil.Factory
	Wallet          cmdutil.WalletFlags
	Subtensor       cmdutil.SubtensorFlags
	Processes       int
	UpdateInterval  uint64
	NoOutputInPlace bool
	Verbose         bool
	CUDA            bool
	JSON            bool
}

// NewCmdFaucet returns `faucet`, shared by the wallet and legacy groups.
func NewCmdFaucet(f *cmdutil.Factory, runF func(*FaucetOptions) error) *cobra.Command {
	opts := &FaucetOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "faucet",
		Short: "Get test TAO for the coldkey by proof of work (networks with a faucet)",
		Long: `Earn the network's faucet amount (100 TAO on a dev chain) for the wallet's
coldkey by solving a proof of work over its public key, as on Bittensor's
test networks. The search uses every core and shows its hash rate; it
restarts on a fresh block when its block grows too old.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.CUDA {
				return cmdutil.FlagErrorf("--cuda: this build solves on the CPU only")
			}
			if opts.Processes < 0 {
				return cmdutil.FlagErrorf("--faucet.num_processes must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return faucetRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	fs := cmd.Flags()
	fs.IntVarP(&opts.Processes, "faucet.num_processes", "n", runtime.NumCPU(), "Number of solver threads")
	fs.Uint64VarP(&opts.UpdateInterval, "faucet.update_interval", "u", 50_000, "Nonces tried between checks for a new block")
	fs.BoolVar(&opts.NoOutputInPlace, "faucet.no_output_in_place", false, "Print progress as new lines instead of rewriting one line")
	fs.BoolVar(&opts.Verbose, "faucet.verbose", false, "Print more while solving")
	fs.BoolVar(&opts.CUDA, "faucet.cuda.use_cuda", false, "Solve on a CUDA device (not supported in this build)")
	for _, alias := range []struct{ name, target string }{
		{"faucet.cuda.update_interval", "faucet.update_interval"}, {"cuda.update_interval", "faucet.update_interval"},
		{"no_output_in_place", "faucet.no_output_in_place"}, {"cuda", "faucet.cuda.use_cuda"}, {"cuda.use_cuda", "faucet.cuda.use_cuda"},
	} {
		cmdutil.AliasFlag(cmd, alias.name, alias.target)
	}
	// The CUDA device flags are accepted and unused; --no_cuda is the default.
	cmdutil.AcceptFlags(cmd, "faucet.cuda.dev_id", "cuda.dev_id", "faucet.cuda.tpb", "cuda.tpb",
		"faucet.cuda.no_cuda=bool", "no_cuda=bool", "cuda.no_cuda=bool")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

type faucetResult struct {
	Coldkey types.AccountID `json:"coldkey"`
	Amount  uint64          `json:"amount"` // RAO
	Block   uint64          `json:"block"`
	Tx      string          `json:"tx"`
	Balance uint64          `json:"balance"` // RAO after
}

func faucetRun(ctx context.Context, opts *FaucetOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	kp, err := w.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	p, err := c.Params(ctx)
	if err != nil {
		return err
	}
	who := types.AccountID(kp.PublicKey())
	before, err := c.GetBalance(ctx, who, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Faucet for %s:%s: difficulty %d, %d threads\n", w.Name, who, p.Faucet.Difficulty, opts.Processes)
	line := cmdutil.NewProgressLine(f.IOStreams, !opts.NoOutputInPlace)
	res, err := c.Faucet(ctx, kp, subtensor.PowOptions{
		Workers:  opts.Processes,
		Batch:    opts.UpdateInterval,
		Progress: func(pp subtensor.PowProgress) { line.Update(cmdutil.FormatPowProgress(pp)) },
	})
	line.Done()
	if err != nil {
		return cmdutil.TxError("faucet", res, err)
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "Faucet", res); err != nil {
		return err
	}
	after, err := c.GetBalance(ctx, who, res.Height)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, faucetResult{Coldkey: who, Amount: after.RAO() - before.RAO(), Block: res.Height, Tx: res.Hash, Balance: after.RAO()})
	}
	fmt.Fprintf(f.IOStreams.Out, "Balance: %s ➡ %s\n", before, after)
	return nil
}
