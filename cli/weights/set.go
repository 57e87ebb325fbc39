package weights

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/spf13/cobra"
)

// SetOptions are the options of `weights set`.
type SetOptions struct {
	Factory    *cmdutil.Factory
	Wallet     cmdutil.WalletFlags
	Subtensor  cmdutil.SubtensorFlags
	Netuid     cmdutil.NetuidFlag
	UIDs       []string
	Weights    []string
	VersionKey uint64
	JSON       bool
	// CommitDir keeps the salts of commits until they are revealed.
	CommitDir string

	commit bool // `weights commit`: commit even where set_weights is allowed

	uids    []uint16
	weights []float64
}

// NewCmdSet returns `weights set`.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	return newCmdSet(f, runF, false)
}

func newCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error, commit bool) *cobra.Command {
	opts := &SetOptions{Factory: f, commit: commit}
	cmd := &cobra.Command{
		Use:   "set --netuid <netuid> --uids <uids> --weights <weights>",
		Short: "Set the wallet hotkey's weights on a subnet",
		Long: `Set the wallet hotkey's weights on a subnet: --weights[k] on --uids[k].

Weights are non-negative numbers in any scale. As Bittensor's SDK does, they
are divided by the largest and scaled to 65535, rounded, and zeros dropped;
the chain stores them so. The normalised weights (summing to 1) are shown
and confirmed before anything is sent.

Before asking anything, btcli asks the chain to check the weights (a dry run
of the transaction): the hotkey is registered, the subnet's weights rate
limit has passed, the hotkey holds a validator permit (or sets one weight,
on its own uid), the version key is high enough, the uids exist and there
are at least the subnet's minimum weights. A refusal is the chain's, in its
words, and nothing is sent.

On a subnet with commit-reveal of weights (Bittensor's Substrate networks),
set commits the hash of the weights instead, keeps the weights and their
salt in --weights.commit_dir, and says from which block to reveal them with
btcli weights reveal.`,
		Example: `  btcli weights set --netuid 1 --uids 0,1,2 --weights 0.5,0.3,0.2
  btcli wt set --netuid 1 --uids 4 --weights 1 --wallet.hotkey validator`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if opts.Netuid.Given() && opts.Netuid.Value == 0 {
				return cmdutil.FlagErrorf("--netuid 0 is the root network: use btcli root weights")
			}
			if len(opts.UIDs) > 0 || len(opts.Weights) > 0 {
				if err := opts.parse(); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	fs := cmd.Flags()
	fs.StringSliceVar(&opts.UIDs, "uids", nil, "The uids to weigh, e.g. 0,1,2 (asked for when not given)")
	fs.StringSliceVar(&opts.Weights, "weights", nil, "Their weights, e.g. 0.5,0.3,0.2 (asked for when not given)")
	fs.Uint64Var(&opts.VersionKey, "version_key", synapse.DefaultVersion, "Version key sent with the weights (at least the subnet's weights_version_key)")
	fs.StringVar(&opts.CommitDir, "weights.commit_dir", subtensor.DefaultCommitDir, "Where the salts of commits are kept until revealed (commit-reveal subnets)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// parse checks --uids and --weights: numbers, as many of each, no uid
// twice, weights finite and not negative, not all zero.
func (o *SetOptions) parse() error {
	uids, ws := splitList(o.UIDs), splitList(o.Weights)
	switch {
	case len(uids) == 0:
		return cmdutil.FlagErrorf("--uids is required")
	case len(ws) == 0:
		return cmdutil.FlagErrorf("--weights is required")
	case len(uids) != len(ws):
		return cmdutil.FlagErrorf("%d uids but %d weights: give one weight per uid", len(uids), len(ws))
	}
	o.uids, o.weights = make([]uint16, len(uids)), make([]float64, len(ws))
	seen := map[uint16]bool{}
	for k, s := range uids {
		v, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return cmdutil.FlagErrorf("--uids: %q is not a uid (a number from 0 to 65535)", s)
		}
		if seen[uint16(v)] {
			return cmdutil.FlagErrorf("--uids: uid %d is named twice", v)
		}
		seen[uint16(v)] = true
		o.uids[k] = uint16(v)
	}
	var total float64
	for k, s := range ws {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return cmdutil.FlagErrorf("--weights: %q is not a weight (a number, 0 or more)", s)
		}
		o.weights[k] = v
		total += v
	}
	if total == 0 {
		return cmdutil.FlagErrorf("--weights are all zero: nothing to set")
	}
	return nil
}

// splitList reads a list given as repeated flags, commas or spaces, with
// optional brackets ("[0, 1, 2]").
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.Trim(strings.TrimSpace(s), "[]")
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			out = append(out, strings.TrimSpace(f))
		}
	}
	return out
}

// setResult is the --json output.
type setResult struct {
	Netuid  uint16          `json:"netuid"`
	Hotkey  types.AccountID `json:"hotkey"`
	UID     uint16          `json:"uid"`
	UIDs    []uint16        `json:"uids"`
	Weights []uint16        `json:"weights"` // as sent: max-upscaled to 65535
	Block   uint64          `json:"block"`
	Tx      string          `json:"tx"`
}

func setRun(ctx context.Context, opts *SetOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	netuid, err := opts.Netuid.Resolve(f, 1)
	if err != nil {
		return err
	}
	if netuid == 0 {
		return cmdutil.FlagErrorf("--netuid 0 is the root network: use btcli root weights")
	}
	if opts.uids == nil {
		if err := opts.ask(); err != nil {
			return err
		}
	}
	hpub, err := w.HotkeyPub()
	if err != nil {
		return err
	}
	hot := types.AccountID(hpub.PublicKey())
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	if _, err := cmdutil.RequireSubnet(ctx, c, netuid); err != nil {
		return err
	}
	uids, ws, err := subtensor.ConvertWeights(opts.uids, opts.weights)
	if err != nil {
		return cmdutil.FlagErrorf("--weights: %v", err)
	}
	if cr, ok := c.(subtensor.CommitRevealChain); ok {
		info, err := cr.CommitReveal(ctx, netuid, 0)
		if err != nil {
			return err
		}
		if info.Enabled || opts.commit {
			return commitRun(ctx, opts, w, cr, info, uids, ws)
		}
	} else if opts.commit {
		return fmt.Errorf("%w: weights commit on %s", subtensor.ErrNotSupported, c.Endpoint())
	}
	// The chain checks the weights (registration, rate limit, permit,
	// version key, uids) before anything is asked.
	checked, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: "weights", Signer: hot,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.SetWeights(ctx, s, netuid, uids, ws, opts.VersionKey, wait)
		}})
	if err != nil {
		return err
	}
	uid, _, err := c.UIDForHotkey(ctx, netuid, hot, 0)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Do you want to set weights on subnet %d from %s:%s (uid %d):\n  %s\n%s[y/n]: ",
		netuid, w.Name, w.HotkeyName, uid, describeWeights(uids, ws), cmdutil.FeeClause("  fee: %s\n", checked.Fee))
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	kp, err := w.Hotkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	res, err := checked.Send(ctx, kp)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, setResult{Netuid: netuid, Hotkey: hot, UID: uid, UIDs: uids, Weights: ws, Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", res.Height, res.Hash)
	fmt.Fprintf(f.IOStreams.Out, "Set weights on subnet %d for %d uids (uid %d, block %d)\n", netuid, len(uids), uid, res.Height)
	return nil
}

// ask prompts for the uids and weights (Bittensor's wording).
func (o *SetOptions) ask() error {
	if !o.Factory.CanPrompt() {
		return cmdutil.FlagErrorf("--uids and --weights are required")
	}
	p := o.Factory.Prompter()
	u, err := p.Input("Enter uids (e.g. 0, 1, 2 ...)", "")
	if err != nil {
		return err
	}
	ws, err := p.Input("Enter weights (e.g. 0.09, 0.09, 0.08 ...)", "")
	if err != nil {
		return err
	}
	o.UIDs, o.Weights = []string{u}, []string{ws}
	return o.parse()
}

// describeWeights lists weights as "uid: share" with the shares normalized
// to sum to 1, as the confirmations show them.
func describeWeights(uids, ws []uint16) string {
	var sum float64
	for _, v := range ws {
		sum += float64(v)
	}
	shown := make([]string, len(uids))
	for k := range uids {
		shown[k] = fmt.Sprintf("%d: %.4f", uids[k], float64(ws[k])/sum)
	}
	return strings.Join(shown, ", ")
}
