package stake

// Child hotkeys (Bittensor's Substrate networks): a hotkey lends
// proportions of its stake weight on a subnet to child hotkeys, which pay
// it a take of what they earn. The chain must offer them
// (subtensor.ChildKeys); go-bittensor's own chain does not.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// ChildOptions are the options of the `stake child` commands and of
// `stake childkey_take`.
type ChildOptions struct {
	Factory     *cmdutil.Factory
	Wallet      cmdutil.WalletFlags
	Subtensor   cmdutil.SubtensorFlags
	Netuid      cmdutil.NetuidFlag
	Hotkey      string   // the parent: an SS58 address (default: the wallet's hotkey)
	Children    []string // SS58 addresses or the wallet's hotkey names
	Proportions []float64
	Take        float64 // -1: not given
	JSON        bool

	cmd *cobra.Command
}

// NewCmdChild returns the `stake child` group.
func NewCmdChild(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "child <command>",
		Aliases: []string{"children"},
		Short:   "Show, set and revoke a hotkey's child hotkeys on a subnet",
		Long: `A hotkey can lend proportions of its stake weight on a subnet to child
hotkeys, which pay it a take of what they earn there. These commands need
a chain that has child hotkeys (Bittensor's networks).`,
		Args: cobra.ArbitraryArgs,
		RunE: cmdutil.GroupRunE,
	}
	cmd.AddCommand(newCmdChildGet(f, nil), newCmdChildSet(f, nil), newCmdChildRevoke(f, nil))
	return cmd
}

func newChildCmd(f *cmdutil.Factory, use, short, long string, run func(context.Context, *ChildOptions) error, runF func(*ChildOptions) error) (*cobra.Command, *ChildOptions) {
	opts := &ChildOptions{Factory: f, Take: -1}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if opts.Hotkey != "" {
				if _, err := types.ParseAccountID(opts.Hotkey); err != nil {
					return cmdutil.FlagErrorf("--hotkey %q: %v", opts.Hotkey, err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	opts.cmd = cmd
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	cmd.Flags().StringVar(&opts.Hotkey, "hotkey", "", "The parent hotkey's SS58 address (default: the wallet's hotkey)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd, opts
}

func newCmdChildGet(f *cmdutil.Factory, runF func(*ChildOptions) error) *cobra.Command {
	cmd, _ := newChildCmd(f, "get --netuid <netuid>", "Show a hotkey's children, parents and childkey take on a subnet",
		`Show the wallet hotkey's (or --hotkey's) child hotkeys on --netuid with the
proportion of its stake weight each gets, the hotkeys it is a child of, and
its take as a child.`, childGetRun, runF)
	return cmd
}

func newCmdChildSet(f *cmdutil.Factory, runF func(*ChildOptions) error) *cobra.Command {
	cmd, opts := newChildCmd(f, "set --netuid <netuid> --children <ss58,...> --proportions <p,...>",
		"Set a hotkey's child hotkeys on a subnet",
		`Replace the wallet hotkey's child hotkeys on --netuid: --children lists them
(SS58 addresses or names of the wallet's hotkeys), --proportions the share of
the parent's stake weight each gets (fractions, at most 1 in all). The
wallet's coldkey, which owns the hotkey, signs.`, childSetRun, runF)
	cmd.Flags().StringSliceVar(&opts.Children, "children", nil, "Child hotkeys: SS58 addresses or the wallet's hotkey names")
	cmd.Flags().Float64SliceVar(&opts.Proportions, "proportions", nil, "Each child's proportion, a fraction (0.25 is 25%)")
	cmdutil.AliasFlag(cmd, "child", "children")
	cmdutil.AliasFlag(cmd, "prop", "proportions")
	return cmd
}

func newCmdChildRevoke(f *cmdutil.Factory, runF func(*ChildOptions) error) *cobra.Command {
	cmd, _ := newChildCmd(f, "revoke --netuid <netuid>", "Revoke all of a hotkey's child hotkeys on a subnet",
		`Remove every child hotkey of the wallet hotkey on --netuid (set_children with
none). The wallet's coldkey signs.`, childRevokeRun, runF)
	return cmd
}

// NewCmdChildkeyTake returns `stake childkey_take`.
func NewCmdChildkeyTake(f *cmdutil.Factory, runF func(*ChildOptions) error) *cobra.Command {
	cmd, opts := newChildCmd(f, "childkey_take --netuid <netuid> [--take <fraction>]", "Show or set a hotkey's take as a child on a subnet",
		`Without --take, show the wallet hotkey's childkey take on --netuid. With
--take (a fraction: 0.09 is 9%), set it; the runtime bounds it and limits
how often it may change. The wallet's coldkey signs.`, childTakeRun, runF)
	cmd.Flags().Float64Var(&opts.Take, "take", -1, "The take, a fraction (0.09 is 9%)")
	return cmd
}

// childSetup connects and resolves the chain's child-key extras, the
// netuid and the parent hotkey.
func childSetup(ctx context.Context, opts *ChildOptions, what string) (subtensor.Chain, subtensor.ChildKeys, *wallet.Wallet, uint16, types.AccountID, error) {
	f := opts.Factory
	netuid, err := opts.Netuid.Resolve(f, 0)
	if err != nil {
		return nil, nil, nil, 0, types.AccountID{}, err
	}
	var w *wallet.Wallet
	var hot types.AccountID
	if opts.Hotkey != "" {
		hot, _ = types.ParseAccountID(opts.Hotkey)
	}
	if opts.Hotkey == "" || what != "get" {
		if w, err = opts.Wallet.Resolve(f, cmdutil.PromptName); err != nil {
			return nil, nil, nil, 0, hot, err
		}
		if opts.Hotkey == "" {
			kp, err := w.HotkeyPub()
			if err != nil {
				return nil, nil, nil, 0, hot, err
			}
			hot = types.AccountID(kp.PublicKey())
		}
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return nil, nil, nil, 0, hot, err
	}
	ck, ok := c.(subtensor.ChildKeys)
	if !ok {
		return nil, nil, nil, 0, hot, cmdutil.NotOnThisChain("child hotkeys ("+what+")", c)
	}
	if _, err := cmdutil.RequireSubnet(ctx, c, netuid); err != nil {
		return nil, nil, nil, 0, hot, err
	}
	return c, ck, w, netuid, hot, nil
}

// childInfo is `stake child get --json`.
type childInfo struct {
	Hotkey   types.AccountID   `json:"hotkey"`
	Netuid   uint16            `json:"netuid"`
	Children []subtensor.Child `json:"children"`
	Parents  []subtensor.Child `json:"parents"`
	Take     uint16            `json:"childkey_take"` // of 65535
}

func readChildInfo(ctx context.Context, ck subtensor.ChildKeys, hot types.AccountID, netuid uint16) (childInfo, error) {
	info := childInfo{Hotkey: hot, Netuid: netuid}
	var err error
	if info.Children, err = ck.Children(ctx, hot, netuid, 0); err != nil {
		return info, err
	}
	if info.Parents, err = ck.Parents(ctx, hot, netuid, 0); err != nil {
		return info, err
	}
	info.Take, err = ck.ChildkeyTake(ctx, hot, netuid, 0)
	return info, err
}

// proportion formats a child proportion (of 2^64-1) as a percentage.
func proportion(p uint64) string {
	return cmdutil.Percent(float64(p) / float64(subtensor.MaxProportion))
}

func printChildInfo(f *cmdutil.Factory, info childInfo, asJSON bool) error {
	if asJSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, info)
	}
	w := f.IOStreams.Out
	fmt.Fprintf(w, "Hotkey %s on subnet %d: childkey take %s\n", info.Hotkey, info.Netuid, cmdutil.Percent(float64(info.Take)/65535))
	tp := cmdutil.NewTablePrinter(f.IOStreams, "Relation", "Hotkey", "Proportion")
	for _, c := range info.Children {
		tp.AddRow("child", c.Hotkey.String(), proportion(c.Proportion))
	}
	for _, c := range info.Parents {
		tp.AddRow("parent", c.Hotkey.String(), proportion(c.Proportion))
	}
	if len(info.Children)+len(info.Parents) == 0 {
		fmt.Fprintln(w, "No children and no parents.")
		return nil
	}
	return tp.Render()
}

func childGetRun(ctx context.Context, opts *ChildOptions) error {
	_, ck, _, netuid, hot, err := childSetup(ctx, opts, "get")
	if err != nil {
		return err
	}
	info, err := readChildInfo(ctx, ck, hot, netuid)
	if err != nil {
		return cmdutil.QueryError("stake child get", err)
	}
	return printChildInfo(opts.Factory, info, opts.JSON)
}

// toProportion converts a fraction to the runtime's u64 proportion.
func toProportion(p float64) uint64 {
	if p >= 1 {
		return subtensor.MaxProportion
	}
	v, _ := new(big.Float).Mul(big.NewFloat(p), new(big.Float).SetUint64(subtensor.MaxProportion)).Uint64()
	return v
}

// sendChildren confirms and sends set_children.
func sendChildren(ctx context.Context, opts *ChildOptions, ck subtensor.ChildKeys, w *wallet.Wallet, hot types.AccountID, netuid uint16, kids []subtensor.Child, question string) error {
	f := opts.Factory
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	ch, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: fmt.Sprintf("set the children of %s on subnet %d", hot, netuid), Signer: types.AccountID(pub.PublicKey()),
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return ck.SetChildren(ctx, s, hot, netuid, kids, wait)
		}})
	if err != nil {
		return err
	}
	if err := cmdutil.ConfirmAction(f, question+cmdutil.FeeClause("  fee: %s\n", ch.Fee)+"[y/n]: "); err != nil {
		return err
	}
	kp, err := w.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	res, err := ch.Send(ctx, kp)
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "set_children", res); err != nil {
		return err
	}
	info, err := readChildInfo(ctx, ck, hot, netuid)
	if err != nil {
		return err
	}
	return printChildInfo(f, info, opts.JSON)
}

func childSetRun(ctx context.Context, opts *ChildOptions) error {
	if len(opts.Children) == 0 {
		return cmdutil.FlagErrorf("--children is required (to remove every child: btcli stake child revoke)")
	}
	if len(opts.Proportions) != len(opts.Children) {
		return cmdutil.FlagErrorf("give one --proportions value per child: %d children, %d proportions", len(opts.Children), len(opts.Proportions))
	}
	var sum float64
	for _, p := range opts.Proportions {
		if p <= 0 || p > 1 || math.IsNaN(p) {
			return cmdutil.FlagErrorf("--proportions %v: each is a fraction above 0 and at most 1", p)
		}
		sum += p
	}
	if sum > 1+1e-9 {
		return cmdutil.FlagErrorf("--proportions add up to %s, more than 100%%", strconv.FormatFloat(sum*100, 'f', 2, 64)+"%")
	}
	_, ck, w, netuid, hot, err := childSetup(ctx, opts, "set")
	if err != nil {
		return err
	}
	var kids []subtensor.Child
	var lines []string
	for i, c := range opts.Children {
		id, err := hotkeyByEither(w, c)
		if err != nil {
			return err
		}
		kids = append(kids, subtensor.Child{Proportion: toProportion(opts.Proportions[i]), Hotkey: id})
		lines = append(lines, fmt.Sprintf("    - %s: %s", id, cmdutil.Percent(opts.Proportions[i])))
	}
	q := fmt.Sprintf("Set the children of %s on subnet %d to:\n%s\n", hot, netuid, strings.Join(lines, "\n"))
	return sendChildren(ctx, opts, ck, w, hot, netuid, kids, q)
}

func childRevokeRun(ctx context.Context, opts *ChildOptions) error {
	_, ck, w, netuid, hot, err := childSetup(ctx, opts, "revoke")
	if err != nil {
		return err
	}
	return sendChildren(ctx, opts, ck, w, hot, netuid, []subtensor.Child{}, fmt.Sprintf("Revoke every child of %s on subnet %d?\n", hot, netuid))
}

func childTakeRun(ctx context.Context, opts *ChildOptions) error {
	f := opts.Factory
	if opts.Take >= 0 && opts.Take > 1 {
		return cmdutil.FlagErrorf("--take %v: a fraction from 0 to 1 (0.09 is 9%%)", opts.Take)
	}
	what := "childkey_take"
	if opts.Take < 0 {
		what = "get"
	}
	_, ck, w, netuid, hot, err := childSetup(ctx, opts, what)
	if err != nil {
		return err
	}
	if opts.Take < 0 {
		info, err := readChildInfo(ctx, ck, hot, netuid)
		if err != nil {
			return cmdutil.QueryError("stake childkey_take", err)
		}
		if opts.JSON {
			return cmdutil.PrintJSON(f.IOStreams.Out, map[string]any{"hotkey": hot, "netuid": netuid, "childkey_take": info.Take})
		}
		fmt.Fprintf(f.IOStreams.Out, "Childkey take of %s on subnet %d: %s\n", hot, netuid, cmdutil.Percent(float64(info.Take)/65535))
		return nil
	}
	take := uint16(math.Round(opts.Take * 65535))
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	ch, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: fmt.Sprintf("set the childkey take of %s on subnet %d", hot, netuid), Signer: types.AccountID(pub.PublicKey()),
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return ck.SetChildkeyTake(ctx, s, hot, netuid, take, wait)
		}})
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Set the childkey take of %s on subnet %d to %s?\n%s[y/n]: ", hot, netuid, cmdutil.Percent(float64(take)/65535), cmdutil.FeeClause("  fee: %s\n", ch.Fee))
	if err := cmdutil.ConfirmAction(f, q); err != nil {
		return err
	}
	kp, err := w.Coldkey(cmdutil.UnlockPassword(f))
	if err != nil {
		return err
	}
	res, err := ch.Send(ctx, kp)
	if err != nil {
		return err
	}
	if err := cmdutil.TxOutcome(f.IOStreams, "set_childkey_take", res); err != nil {
		return err
	}
	now, err := ck.ChildkeyTake(ctx, hot, netuid, 0)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, map[string]any{"hotkey": hot, "netuid": netuid, "childkey_take": now, "block": res.Height, "tx": res.Hash})
	}
	fmt.Fprintf(f.IOStreams.Out, "Childkey take of %s on subnet %d: %s\n", hot, netuid, cmdutil.Percent(float64(now)/65535))
	return nil
}

// hotkeyByEither is an SS58 address, or the key of a hotkey of w by name.
func hotkeyByEither(w *wallet.Wallet, s string) (types.AccountID, error) {
	if looksLikeAddress(s) {
		id, err := types.ParseAccountID(s)
		if err != nil {
			return id, cmdutil.FlagErrorf("%q: %v", s, err)
		}
		return id, nil
	}
	kp, err := wallet.New(w.Name, s, w.Path).HotkeyPub()
	if err != nil {
		return types.AccountID{}, fmt.Errorf("hotkey %q of wallet %s: %w", s, w.Name, err)
	}
	return types.AccountID(kp.PublicKey()), nil
}
