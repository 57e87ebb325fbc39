package weights

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// NewCmdCommit returns `weights commit`: `weights set` that always commits
// (the subnet must have commit-reveal on).
func NewCmdCommit(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	cmd := newCmdSet(f, runF, true)
	cmd.Use = "commit --netuid <netuid> --uids <uids> --weights <weights>"
	cmd.Short = "Commit the hash of the wallet hotkey's weights on a commit-reveal subnet"
	cmd.Long = `Commit the hash of the wallet hotkey's weights on a subnet with commit-reveal
of weights: the weights and a random salt are kept in --weights.commit_dir
(files readable by you only) until btcli weights reveal sends them, in the
reveal window the chain gives (one reveal period of epochs after the commit).`
	cmd.Example = `  btcli weights commit --netuid 3 --uids 0,1,2 --weights 0.5,0.3,0.2
  btcli weights reveal --netuid 3 --wait`
	return cmd
}

// commitResult is the --json output of a commit.
type commitResult struct {
	Netuid      uint16          `json:"netuid"`
	Hotkey      types.AccountID `json:"hotkey"`
	UIDs        []uint16        `json:"uids"`
	Weights     []uint16        `json:"weights"`
	Hash        string          `json:"hash"`
	Block       uint64          `json:"block"`
	FirstReveal uint64          `json:"first_reveal"`
	LastReveal  uint64          `json:"last_reveal"`
	File        string          `json:"commit_dir"`
}

// commitRun commits the weights with a fresh salt kept on disk and says
// when to reveal them.
func commitRun(ctx context.Context, opts *SetOptions, w *wallet.Wallet, c subtensor.CommitRevealChain, info subtensor.CommitRevealInfo,
	uids, ws []uint16) error {
	f := opts.Factory
	if !info.Enabled {
		return fmt.Errorf("subnet %d does not have commit-reveal of weights on: use btcli weights set", opts.Netuid.Value)
	}
	hpub, err := w.HotkeyPub()
	if err != nil {
		return err
	}
	hot := types.AccountID(hpub.PublicKey())
	netuid := info.Netuid
	checked, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: "weights commit", Signer: hot,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.CommitWeights(ctx, s, netuid, subtensor.CommitHash(hot, netuid, uids, ws, nil, opts.VersionKey), wait)
		}})
	if err != nil {
		return err
	}
	store, err := subtensor.OpenCommitStore(opts.CommitDir)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Subnet %d has commit-reveal of weights on. Do you want to commit weights from %s:%s:\n  %s\n%s[y/n]: ",
		netuid, w.Name, w.HotkeyName, describeWeights(uids, ws), cmdutil.FeeClause("  fee: %s\n", checked.Fee))
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	kp, err := w.Hotkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	p, res, err := subtensor.CommitToStore(ctx, c, store, kp, netuid, uids, ws, opts.VersionKey, subtensor.WaitInclusion)
	if err != nil {
		return fmt.Errorf("weights commit: %w", err)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, commitResult{Netuid: netuid, Hotkey: hot, UIDs: uids, Weights: ws, Hash: p.Hash,
			Block: res.Height, FirstReveal: p.FirstReveal, LastReveal: p.LastReveal, File: store.Dir()})
	}
	fmt.Fprintf(f.IOStreams.Out, "Committed weights on subnet %d in block %d (hash %s).\n", netuid, res.Height, p.Hash)
	fmt.Fprintf(f.IOStreams.Out, "Reveal them in blocks %d to %d: btcli weights reveal --netuid %d --wait\n", p.FirstReveal, p.LastReveal, netuid)
	fmt.Fprintf(f.IOStreams.ErrOut, "The salt is kept in %s until the reveal.\n", store.Dir())
	return nil
}

// RevealOptions are the options of `weights reveal`.
type RevealOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Netuid    cmdutil.NetuidFlag
	CommitDir string
	Wait      bool
	JSON      bool
}

// NewCmdReveal returns `weights reveal`.
func NewCmdReveal(f *cmdutil.Factory, runF func(*RevealOptions) error) *cobra.Command {
	opts := &RevealOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "reveal --netuid <netuid>",
		Short: "Reveal the wallet hotkey's committed weights",
		Long: `Reveal the weights the wallet hotkey committed on a commit-reveal subnet
(btcli weights set or commit), with the salts kept in --weights.commit_dir.

The chain takes a reveal only in its window: the epoch one reveal period
after the commit's. Before sending, btcli asks the chain where the commit
stands: too early, it says from which block (or waits for it with --wait);
too late, it says so and forgets the commit, which can never be revealed.`,
		Example: `  btcli weights reveal --netuid 3
  btcli weights reveal --netuid 3 --wait`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return revealRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	cmd.Flags().StringVar(&opts.CommitDir, "weights.commit_dir", subtensor.DefaultCommitDir, "Where the salts of commits are kept")
	cmd.Flags().BoolVar(&opts.Wait, "wait", false, "Wait for a commit's reveal window to open instead of stopping")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

type revealResult struct {
	Hash  string `json:"hash"`
	Block uint64 `json:"block,omitempty"`
	Error string `json:"error,omitempty"`
}

func revealRun(ctx context.Context, opts *RevealOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	netuid, err := opts.Netuid.Resolve(f, 1)
	if err != nil {
		return err
	}
	ch, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	c, ok := ch.(subtensor.CommitRevealChain)
	if !ok {
		return fmt.Errorf("%w: weights reveal on %s", subtensor.ErrNotSupported, ch.Endpoint())
	}
	store, err := subtensor.OpenCommitStore(opts.CommitDir)
	if err != nil {
		return err
	}
	hpub, err := w.HotkeyPub()
	if err != nil {
		return err
	}
	hot := types.AccountID(hpub.PublicKey())
	pending, err := store.Pending(c.ChainID(), netuid, hot.String())
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return fmt.Errorf("no commits of hotkey %s on subnet %d are waiting in %s", hot, netuid, store.Dir())
	}
	kp, err := w.Hotkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	var out []revealResult
	var failed error
	for _, p := range pending {
		res, err := revealOne(ctx, f, c, store, kp, p, opts.Wait)
		r := revealResult{Hash: p.Hash}
		if err != nil {
			r.Error = err.Error()
			failed = errors.Join(failed, err)
			if !opts.JSON {
				fmt.Fprintf(f.IOStreams.ErrOut, "Commit %s: %v\n", p.Hash, err)
			}
		} else {
			r.Block = res.Height
			if !opts.JSON {
				fmt.Fprintf(f.IOStreams.Out, "Revealed weights of commit %s on subnet %d in block %d\n", p.Hash, netuid, res.Height)
			}
		}
		out = append(out, r)
	}
	if opts.JSON {
		if err := cmdutil.PrintJSON(f.IOStreams.Out, out); err != nil {
			return err
		}
	}
	return failed
}

// revealOne reveals p, waiting for its window when wait is set.
func revealOne(ctx context.Context, f *cmdutil.Factory, c subtensor.CommitRevealChain, store *subtensor.CommitStore, kp subtensor.Signer,
	p *subtensor.PendingCommit, wait bool) (*subtensor.TxResult, error) {
	for {
		res, err := subtensor.RevealFromStore(ctx, c, store, kp, p, subtensor.WaitInclusion)
		if !wait || !errors.Is(err, subtensor.ErrRevealTooEarly) {
			return res, err
		}
		head, herr := c.GetCurrentBlock(ctx)
		if herr != nil {
			return nil, herr
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "Waiting for block %d to reveal commit %s (now %d)\n", p.FirstReveal, p.Hash, head)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(6 * time.Second): // Bittensor's block time
		}
	}
}
