package subnets

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// PowRegisterOptions are the options of `subnets pow_register`.
type PowRegisterOptions struct {
	Factory         *cmdutil.Factory
	Wallet          cmdutil.WalletFlags
	Subtensor       cmdutil.SubtensorFlags
	Netuid          cmdutil.NetuidFlag
	Processes       int
	UpdateInterval  uint64
	NoOutputInPlace bool
	Verbose         bool
	CUDA            bool
	MaxAttempts     int
	JSON            bool
}

// NewCmdPowRegister returns `subnets pow_register`.
func NewCmdPowRegister(f *cmdutil.Factory, runF func(*PowRegisterOptions) error) *cobra.Command {
	opts := &PowRegisterOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "pow_register --netuid <netuid>",
		Short: "Register the wallet's hotkey on a subnet by proof of work",
		Long: `Register the wallet's hotkey on a subnet by solving a proof of work over a
recent block's hash and the hotkey, at the subnet's difficulty. The search
runs on --pow_register.num_processes cores (default: all) and shows its hash
rate, the best seal so far and the block it works on. It moves to a newer
block when its block grows too old, and stops if the hotkey becomes
registered meanwhile. The hotkey signs the registration; it costs no TAO.`,
		Example: `  btcli subnets pow_register --netuid 1 --wallet.name alice --wallet.hotkey miner2 -n 2`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if opts.CUDA {
				return cmdutil.FlagErrorf("--cuda: this build solves on the CPU only")
			}
			if opts.Processes <= 0 {
				return cmdutil.FlagErrorf("--pow_register.num_processes must be at least 1")
			}
			if opts.UpdateInterval == 0 {
				return cmdutil.FlagErrorf("--pow_register.update_interval must be at least 1")
			}
			if opts.MaxAttempts <= 0 {
				return cmdutil.FlagErrorf("--max_allowed_attempts must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return powRegisterRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	fs := cmd.Flags()
	fs.IntVarP(&opts.Processes, "pow_register.num_processes", "n", runtime.NumCPU(), "Number of solver threads")
	fs.Uint64VarP(&opts.UpdateInterval, "pow_register.update_interval", "u", 50_000, "Nonces a thread tries between checks for a new block")
	fs.BoolVar(&opts.NoOutputInPlace, "pow_register.no_output_in_place", false, "Print progress as new lines instead of rewriting one line")
	fs.BoolVar(&opts.Verbose, "pow_register.verbose", false, "Print more while solving")
	fs.BoolVar(&opts.CUDA, "pow_register.cuda.use_cuda", false, "Solve on a CUDA device (not supported in this build)")
	var devIDs []int
	var tpb int
	fs.IntSliceVar(&devIDs, "pow_register.cuda.dev_id", []int{0}, "CUDA device ids (accepted for compatibility; unused)")
	fs.IntVar(&tpb, "pow_register.cuda.tpb", 256, "CUDA threads per block (accepted for compatibility; unused)")
	fs.IntVar(&opts.MaxAttempts, "max_allowed_attempts", 3, "Solutions to submit before giving up when the chain refuses them")
	for _, alias := range []struct{ name, target string }{
		{"pow_register.cuda.update_interval", "pow_register.update_interval"}, {"cuda.update_interval", "pow_register.update_interval"},
		{"no_output_in_place", "pow_register.no_output_in_place"},
		{"cuda", "pow_register.cuda.use_cuda"}, {"cuda.use_cuda", "pow_register.cuda.use_cuda"},
		{"cuda.dev_id", "pow_register.cuda.dev_id"}, {"cuda.tpb", "pow_register.cuda.tpb"},
	} {
		cmdutil.AliasFlag(cmd, alias.name, alias.target)
	}
	// --pow_register.cuda.no_cuda and its aliases turn CUDA off: the default.
	var noCUDA bool
	fs.BoolVar(&noCUDA, "pow_register.cuda.no_cuda", false, "Solve on the CPU (the default)")
	cmdutil.AliasFlag(cmd, "no_cuda", "pow_register.cuda.no_cuda")
	cmdutil.AliasFlag(cmd, "cuda.no_cuda", "pow_register.cuda.no_cuda")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func powRegisterRun(ctx context.Context, opts *PowRegisterOptions) error {
	f := opts.Factory
	r, err := prepareRegistration(ctx, f, &opts.Wallet, &opts.Subtensor, &opts.Netuid)
	if err != nil {
		return err
	}
	if r.out.AlreadyRegistered {
		return reportRegistered(f, opts.JSON, r.out)
	}
	w, c, info, netuid, cold, hot, out := r.wallet, r.client, r.info, r.out.Netuid, r.out.Coldkey, r.out.Hotkey, r.out
	h := info.Hyperparameters
	q := fmt.Sprintf("Continue Registration?\n  hotkey:     %s\n  coldkey:    %s\n  network:    %s\n  difficulty: %d\n[y/n]: ",
		hot, cold, c.Network(), h.Difficulty)
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	kp, err := w.Hotkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Registering %s:%s on subnet %d: difficulty %d, %d threads\n", w.Name, w.HotkeyName, netuid, h.Difficulty, opts.Processes)
	line := cmdutil.NewProgressLine(f.IOStreams, !opts.NoOutputInPlace)
	uid, res, err := c.Register(ctx, kp, cold, netuid, subtensor.RegisterOptions{
		Attempts: opts.MaxAttempts,
		Pow: subtensor.PowOptions{
			Workers: opts.Processes,
			Batch:   opts.UpdateInterval,
			Progress: func(p subtensor.PowProgress) {
				s := cmdutil.FormatPowProgress(p)
				if opts.Verbose {
					s += fmt.Sprintf(", %d seals tried", p.Hashes)
				}
				line.Update(s)
			},
		},
	})
	line.Done()
	if errors.Is(err, types.ErrAlreadyRegistered) {
		// Registered meanwhile (another process, or an earlier attempt).
		if uid, ok, err := c.UIDForHotkey(ctx, netuid, hot, 0); err == nil && ok {
			out.UID, out.AlreadyRegistered = uid, true
			return reportRegistered(f, opts.JSON, out)
		}
	}
	if err != nil {
		return cmdutil.TxError("proof-of-work registration", res, err)
	}
	out.UID, out.Block, out.Tx = uid, res.Height, res.Hash
	return reportRegistered(f, opts.JSON, out)
}
