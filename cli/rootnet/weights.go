package rootnet

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// WeightsOptions are the options of `root weights`.
type WeightsOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Netuids string
	Weights string

	netuids []uint16
	weights []float64
}

// NewCmdWeights returns `root weights`.
func NewCmdWeights(f *cmdutil.Factory, runF func(*WeightsOptions) error) *cobra.Command {
	opts := &WeightsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "weights --netuids <list> --weights <list>",
		Short: "Set the wallet's root weights on subnets",
		Long: `Set the root weights of the wallet's hotkey (a root validator): one weight per
subnet. The weights are shown normalised to a sum of 1 and confirmed before
they are sent; the chain stores them scaled so the largest is 65535. Subnets
left out get no weight.`,
		Example: `  btcli root weights --netuids 1,2 --weights 0.5,10`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return weightsRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().StringVar(&opts.Netuids, "netuids", "", `Subnets to weigh, e.g. "1,2" (required)`)
	cmd.Flags().StringVar(&opts.Weights, "weights", "", `Their weights, e.g. "0.5,10" (required)`)
	return cmd
}

func (o *WeightsOptions) parse() error {
	if o.Netuids == "" || o.Weights == "" {
		return cmdutil.FlagErrorf("--netuids and --weights are required")
	}
	var err error
	if o.netuids, err = parseUint16List("netuids", o.Netuids); err != nil {
		return err
	}
	if o.weights, err = parseFloatList("weights", o.Weights); err != nil {
		return err
	}
	if len(o.netuids) != len(o.weights) {
		return cmdutil.FlagErrorf("%d netuids but %d weights", len(o.netuids), len(o.weights))
	}
	seen := make(map[uint16]bool)
	for _, n := range o.netuids {
		if seen[n] {
			return cmdutil.FlagErrorf("--netuids: netuid %d twice", n)
		}
		seen[n] = true
	}
	return nil
}

func weightsRun(ctx context.Context, opts *WeightsOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptHotkey)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	return setRootWeights(ctx, f, c, w, opts.JSON, opts.netuids, opts.weights)
}

// weightsResult is the --json output of the commands that set root
// weights.
type weightsResult struct {
	Hotkey  types.AccountID `json:"hotkey"`
	Netuids []uint16        `json:"netuids"`
	// Weights are the weights normalised to a sum of 1; Values what was
	// sent (u16, the largest 65535).
	Weights []float64 `json:"weights"`
	Values  []uint16  `json:"values"`
	Block   uint64    `json:"block"`
	Tx      string    `json:"tx"`
}

// setRootWeights shows the weights normalised, asks, and sets them with the
// wallet's hotkey.
func setRootWeights(ctx context.Context, f *cmdutil.Factory, c subtensor.Chain, w *wallet.Wallet, asJSON bool, netuids []uint16, weights []float64) error {
	hk, err := hotkeyID(w)
	if err != nil {
		return err
	}
	uids, values, err := subtensor.ConvertWeights(netuids, weights)
	if err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	value := make(map[uint16]uint16, len(uids))
	for i, n := range uids {
		value[n] = values[i]
	}
	// The chain checks the weights before anything is shown or asked.
	checked, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: "root weights", Signer: hk,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.RootSetWeights(ctx, s, netuids, weights, wait)
		}})
	if err != nil {
		return err
	}
	sum := 0.0
	for _, x := range weights {
		sum += x
	}
	norm := make([]float64, len(weights))
	sent := make([]uint16, len(weights))
	preview := previewTable(f.IOStreams, "NETUID", "WEIGHT", "VALUE")
	preview.SetTitle("Root weights of " + hk.String())
	for i, x := range weights {
		if sum > 0 {
			norm[i] = x / sum
		}
		sent[i] = value[netuids[i]]
		preview.AddRow(strconv.Itoa(int(netuids[i])), strconv.FormatFloat(norm[i], 'f', 6, 64), strconv.Itoa(int(sent[i])))
	}
	if err := preview.Render(); err != nil {
		return err
	}
	if err := cmdutil.ConfirmAction(f, fmt.Sprintf("Do you want to set these root weights%s? [y/n]: ", cmdutil.FeeClause(", for a fee of %s", checked.Fee))); err != nil {
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
	if err := cmdutil.TxOutcome(f.IOStreams, "Root weights", res); err != nil {
		return err
	}
	if asJSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, weightsResult{Hotkey: hk, Netuids: netuids, Weights: norm, Values: sent, Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.Out, "Root weights set in block %d.\n", res.Height)
	return nil
}

// previewTable is a table printed on standard error: what a command is
// about to send, shown before it asks.
func previewTable(ios *cmdutil.IOStreams, headers ...string) *cmdutil.TablePrinter {
	onErr := *ios
	onErr.Out = ios.ErrOut
	onErr.SetStdoutTTY(ios.IsStderrTTY())
	return cmdutil.NewTablePrinter(&onErr, headers...)
}

// GetWeightsOptions are the options of `root get_weights`.
type GetWeightsOptions struct {
	Factory *cmdutil.Factory
	chainFlags
}

// NewCmdGetWeights returns `root get_weights`.
func NewCmdGetWeights(f *cmdutil.Factory, runF func(*GetWeightsOptions) error) *cobra.Command {
	opts := &GetWeightsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "get_weights",
		Short: "Show the root validators' weights on the subnets",
		Long: `Show every root validator's weights, one row per uid and one column per
subnet weighed, each weight as a percentage of the validator's row ("-" for
none).`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return getWeightsRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	return cmd
}

func getWeightsRun(ctx context.Context, opts *GetWeightsOptions) error {
	f := opts.Factory
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	rw, err := c.GetRootWeights(ctx, 0)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, rw)
	}
	var cols []uint16
	for _, r := range rw.Rows {
		for _, p := range r.Weights {
			if !slices.Contains(cols, p[0]) {
				cols = append(cols, p[0])
			}
		}
	}
	slices.Sort(cols)
	headers := []string{"UID"}
	for _, n := range cols {
		headers = append(headers, strconv.Itoa(int(n)))
	}
	t := cmdutil.NewTablePrinter(f.IOStreams, headers...)
	t.SetTitle(fmt.Sprintf("Root Network Weights (block %d)", rw.Height))
	for _, r := range rw.Rows {
		sum := 0.0
		for _, p := range r.Weights {
			sum += float64(p[1])
		}
		row := []string{strconv.Itoa(int(r.UID))}
		for _, n := range cols {
			cell := "-"
			for _, p := range r.Weights {
				if p[0] == n {
					cell = fmt.Sprintf("%.2f%%", 100*float64(p[1])/math.Max(sum, 1))
				}
			}
			row = append(row, cell)
		}
		t.AddRow(row...)
	}
	return t.Render()
}

// BoostOptions are the options of `root boost` and `root slash`.
type BoostOptions struct {
	Factory *cmdutil.Factory
	chainFlags
	Netuid int
	Amount float64
	// Slash is true for `root slash` (the amount is taken away).
	Slash bool
}

// NewCmdBoost returns `root boost`.
func NewCmdBoost(f *cmdutil.Factory, runF func(*BoostOptions) error) *cobra.Command {
	return newCmdBoostSlash(f, runF, false)
}

// NewCmdSlash returns `root slash`.
func NewCmdSlash(f *cmdutil.Factory, runF func(*BoostOptions) error) *cobra.Command {
	return newCmdBoostSlash(f, runF, true)
}

func newCmdBoostSlash(f *cmdutil.Factory, runF func(*BoostOptions) error, slash bool) *cobra.Command {
	opts := &BoostOptions{Factory: f, Slash: slash}
	use, flag, short, verb := "boost", "increase", "Raise the wallet's root weight on one subnet", "added to"
	if slash {
		use, flag, short, verb = "slash", "decrease", "Lower the wallet's root weight on one subnet", "taken from"
	}
	cmd := &cobra.Command{
		Use:   use + " --netuid <n> --" + flag + " <amount>",
		Short: short,
		Long: `Read the wallet hotkey's root weights normalised to a sum of 1 over every
subnet, ` + verb + ` the weight on --netuid (a weight does not go below 0),
and set them again (shown and confirmed first, as root weights).`,
		Example: `  btcli root ` + use + ` --netuid 1 --` + flag + ` 0.01`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Netuid < 0 || opts.Netuid > math.MaxUint16 {
				return cmdutil.FlagErrorf("--netuid is required (0 to 65535)")
			}
			if opts.Amount <= 0 || math.IsInf(opts.Amount, 0) || math.IsNaN(opts.Amount) {
				return cmdutil.FlagErrorf("--%s must be more than 0", flag)
			}
			if runF != nil {
				return runF(opts)
			}
			return boostRun(cmd.Context(), opts)
		},
	}
	addChainFlags(cmd, &opts.chainFlags)
	cmd.Flags().IntVar(&opts.Netuid, "netuid", -1, "The subnet whose weight changes (required)")
	cmd.Flags().Float64Var(&opts.Amount, flag, 0, "How much to "+flag+" the normalised weight by (required)")
	cmdutil.AliasFlag(cmd, "amount", flag)
	return cmd
}

func boostRun(ctx context.Context, opts *BoostOptions) error {
	f := opts.Factory
	w, hk, c, err := opts.openHotkey(ctx, f)
	if err != nil {
		return err
	}
	rw, err := c.GetRootWeights(ctx, 0)
	if err != nil {
		return err
	}
	// A subnet that does not exist, or a hotkey with no root weights (not
	// on the root network), is for the chain to refuse when asked.
	netuid, netuids := uint16(opts.Netuid), rw.Netuids
	if !slices.Contains(netuids, netuid) {
		netuids = append(slices.Clone(netuids), netuid)
	}
	var row types.Row
	for _, r := range rw.Rows {
		if r.Hotkey == hk {
			row = r.Weights
		}
	}
	sum := 0.0
	for _, p := range row {
		sum += float64(p[1])
	}
	weights := make([]float64, len(netuids))
	target := 0
	for i, n := range netuids {
		for _, p := range row {
			if p[0] == n && sum > 0 {
				weights[i] = float64(p[1]) / sum
			}
		}
		if n == netuid {
			target = i
		}
	}
	prev := weights[target]
	if opts.Slash {
		weights[target] = math.Max(prev-opts.Amount, 0)
	} else {
		weights[target] = prev + opts.Amount
	}
	verb := "Boosting"
	if opts.Slash {
		verb = "Slashing"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "%s the weight of subnet %d from %.6f to %.6f\n", verb, netuid, prev, weights[target])
	return setRootWeights(ctx, f, c, w, opts.JSON, netuids, weights)
}
