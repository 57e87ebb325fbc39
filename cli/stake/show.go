package stake

import (
	"cmp"
	"context"
	"math/bits"
	"slices"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// ShowOptions are the options of `stake show`.
type ShowOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	All       bool
	Block     uint64
	JSON      bool
}

// NewCmdShow returns `stake show`.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the wallet's stake on each hotkey",
		Long: `Show the wallet coldkey's free balance and its stake on each hotkey: its own
hotkeys (by name) and the delegates it nominated (by address), with --all
for every wallet under --wallet.path.

Rate is what that stake earned in the last epoch of each subnet the hotkey
is registered on: the hotkey's emission times this coldkey's share of its
stake (before any delegate take), in TAO per epoch.

With --json the amounts are integers in RAO.

On a dynamic-TAO chain (Bittensor's networks) stake is per subnet: each
hotkey and subnet is a row with the stake in the subnet's alpha, the pool's
price, its value at that price and what unstaking it all would pay now
(after slippage), and the hotkey's dividends in the subnet's last epoch.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().BoolVar(&opts.All, "all", false, "Show every wallet under --wallet.path")
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read the stake at this block (default: latest)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// stakeRow is one hotkey a wallet stakes on, for --json.
type stakeRow struct {
	Hotkey types.AccountID `json:"hotkey"`
	Name   string          `json:"name,omitempty"` // the wallet's name for its own hotkey
	Owned  bool            `json:"owned"`          // the coldkey owns the hotkey (else: a delegate)
	Stake  uint64          `json:"stake"`          // RAO
	Rate   uint64          `json:"rate"`           // RAO earned in the last epochs
}

// walletStake is one wallet's stake, for --json.
type walletStake struct {
	Wallet  string          `json:"wallet"`
	Coldkey types.AccountID `json:"coldkey"`
	Balance uint64          `json:"balance"` // free, RAO
	Stake   uint64          `json:"stake"`   // total, RAO
	Rate    uint64          `json:"rate"`    // RAO
	Hotkeys []stakeRow      `json:"hotkeys"`
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	f := opts.Factory
	wallets, err := cmdutil.SelectWallets(f, &opts.Wallet, opts.All)
	if err != nil {
		return err
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	block := opts.Block
	if block == 0 {
		if block, err = c.GetCurrentBlock(ctx); err != nil {
			return err
		}
	}
	if d, ok := cmdutil.Dynamic(c); ok {
		return showDynamic(ctx, opts, c, d, wallets, block)
	}
	var out []walletStake
	for _, w := range wallets {
		ws, err := walletStakes(ctx, f, c, w, block)
		if err != nil {
			return cmdutil.QueryError("stake show", err)
		}
		out = append(out, ws)
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "Coldkey", "Balance", "Account", "Stake", "Rate")
	var tb, ts, tr uint64
	for _, w := range out {
		tp.AddRow(w.Wallet, balance.Balance(w.Balance).String(), "", "", "")
		for _, h := range w.Hotkeys {
			name := h.Name
			if name == "" {
				name = h.Hotkey.String()
			}
			tp.AddRow("", "", name, balance.Balance(h.Stake).String(), balance.Balance(h.Rate).String()+"/epoch")
		}
		tb, ts, tr = tb+w.Balance, ts+w.Stake, tr+w.Rate
	}
	tp.AddRow("Total", balance.Balance(tb).String(), "", balance.Balance(ts).String(), balance.Balance(tr).String()+"/epoch")
	return tp.Render()
}

// walletStakes reads a wallet's balance and stakes at block: its own
// hotkeys first (by name), then the delegates it stakes to.
func walletStakes(ctx context.Context, f *cmdutil.Factory, c subtensor.Chain, w cmdutil.OwnedWallet, block uint64) (walletStake, error) {
	out := walletStake{Wallet: w.Name, Coldkey: w.Coldkey, Hotkeys: []stakeRow{}}
	free, err := c.GetBalance(ctx, w.Coldkey, block)
	if err != nil {
		return out, err
	}
	out.Balance = free.RAO()
	cs, err := c.GetColdkeyStake(ctx, w.Coldkey, block)
	if err != nil {
		return out, err
	}
	keys, err := cmdutil.WalletHotkeys(f, w.Wallet)
	if err != nil {
		return out, err
	}
	names := map[types.AccountID]string{}
	for _, k := range keys {
		names[k.Key] = k.Name
	}
	owned := map[types.AccountID]bool{}
	for _, h := range cs.OwnedHotkeys {
		owned[h] = true
	}
	var own, delegated []stakeRow
	for _, s := range cs.Stakes {
		rate, err := Earned(ctx, c, s.Hotkey, s.Amount, block)
		if err != nil {
			return out, err
		}
		r := stakeRow{Hotkey: s.Hotkey, Name: names[s.Hotkey], Owned: owned[s.Hotkey], Stake: s.Amount, Rate: rate}
		out.Stake += s.Amount
		out.Rate += rate
		if r.Owned {
			own = append(own, r)
		} else {
			delegated = append(delegated, r)
		}
	}
	slices.SortStableFunc(own, func(a, b stakeRow) int { return cmp.Compare(a.Name, b.Name) })
	out.Hotkeys = append(append(out.Hotkeys, own...), delegated...)
	return out, nil
}

// Earned is what stake RAO of a hotkey's stake earned in the last epoch of
// every subnet the hotkey is registered on, at block: each neuron's
// emission times stake over the hotkey's total stake, in RAO (rounded
// down).
func Earned(ctx context.Context, c subtensor.Chain, hotkey types.AccountID, stake, block uint64) (uint64, error) {
	h, err := c.GetHotkey(ctx, hotkey, block)
	if err != nil || h.TotalStake == 0 {
		return 0, err
	}
	var sum uint64
	for _, r := range h.Registrations {
		n, err := c.Neuron(ctx, r.Netuid, r.UID, block)
		if err != nil {
			return 0, err
		}
		sum += mulDiv(n.Emission, stake, h.TotalStake)
	}
	return sum, nil
}

// mulDiv is a·min(b, c)/c without overflow (c > 0).
func mulDiv(a, b, c uint64) uint64 {
	b = min(b, c)
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}
