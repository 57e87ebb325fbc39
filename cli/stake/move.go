package stake

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// MoveOptions are the options of `stake move`.
type MoveOptions struct {
	Factory    *cmdutil.Factory
	Wallet     cmdutil.WalletFlags
	Subtensor  cmdutil.SubtensorFlags
	FromNetuid int
	ToNetuid   int
	ToHotkey   string // SS58 or the wallet's hotkey name; default: the same hotkey
	Amount     string // alpha
	All        bool
	Safety     SafetyFlags
	JSON       bool

	amount balance.Balance
}

// NewCmdMove returns `stake move`.
func NewCmdMove(f *cmdutil.Factory, runF func(*MoveOptions) error) *cobra.Command {
	opts := &MoveOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "move --origin_netuid <n> --dest_netuid <n> (--amount <alpha> | --all)",
		Short: "Move stake between subnets or hotkeys (dynamic-TAO chains)",
		Long: `Move the wallet coldkey's stake on its hotkey (--wallet.hotkey) in
--origin_netuid to --dest_hotkey (default: the same hotkey) in --dest_netuid:
the alpha is sold in the first subnet's pool and the TAO it pays buys alpha
in the second (move_stake). --amount is in the origin subnet's alpha.

Both swaps are quoted first and the move is refused when either moves its
pool's price beyond --tolerance; move_stake takes no price limit, so the
chain cannot enforce it.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Safety.check(); err != nil {
				return err
			}
			for _, n := range []struct {
				flag string
				v    int
			}{{"--origin_netuid", opts.FromNetuid}, {"--dest_netuid", opts.ToNetuid}} {
				if n.v < 0 || n.v > 65535 {
					return cmdutil.FlagErrorf("%s is required: a netuid from 0 to 65535", n.flag)
				}
			}
			if (opts.Amount != "") == opts.All {
				return cmdutil.FlagErrorf("give one of --amount and --all")
			}
			if opts.Amount != "" {
				var err error
				if opts.amount, err = parseAmount("--amount", opts.Amount); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return moveRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	fs := cmd.Flags()
	fs.IntVar(&opts.FromNetuid, "origin_netuid", -1, "The subnet the stake is on")
	fs.IntVar(&opts.ToNetuid, "dest_netuid", -1, "The subnet to move it to")
	fs.StringVar(&opts.ToHotkey, "dest_hotkey", "", "The hotkey to move it to: SS58 or the wallet's hotkey name (default: the same hotkey)")
	fs.StringVar(&opts.Amount, "amount", "", "Alpha of the origin subnet to move")
	fs.BoolVar(&opts.All, "all", false, "Move all of it")
	addSafetyFlags(cmd, &opts.Safety)
	cmdutil.AliasFlag(cmd, "origin-netuid", "origin_netuid")
	cmdutil.AliasFlag(cmd, "dest-netuid", "dest_netuid")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// moveResult is `stake move --json`.
type moveResult struct {
	FromHotkey types.AccountID      `json:"origin_hotkey"`
	ToHotkey   types.AccountID      `json:"dest_hotkey"`
	FromNetuid uint16               `json:"origin_netuid"`
	ToNetuid   uint16               `json:"dest_netuid"`
	Alpha      uint64               `json:"alpha"` // moved, of the origin subnet
	Sell       subtensor.StakeQuote `json:"sell"`
	Buy        subtensor.StakeQuote `json:"buy"`
	FromAfter  uint64               `json:"origin_stake_after"`
	ToAfter    uint64               `json:"dest_stake_after"`
	Block      uint64               `json:"block"`
	Tx         string               `json:"tx"`
}

func moveRun(ctx context.Context, opts *MoveOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	cold := types.AccountID(pub.PublicKey())
	hk, err := w.HotkeyPub()
	if err != nil {
		return err
	}
	from := types.AccountID(hk.PublicKey())
	to := from
	if opts.ToHotkey != "" {
		if to, err = hotkeyByEither(w, opts.ToHotkey); err != nil {
			return err
		}
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	d, ok := cmdutil.Dynamic(c)
	if !ok {
		return cmdutil.NotOnThisChain("stake move (stake per subnet)", c)
	}
	fromNet, toNet := uint16(opts.FromNetuid), uint16(opts.ToNetuid)
	var pools [2]subtensor.SubnetPool
	for i, n := range []uint16{fromNet, toNet} {
		if pools[i], err = d.SubnetPool(ctx, n, 0); err != nil {
			return fmt.Errorf("subnet %d: %w", n, cmdutil.QueryError("stake move", err))
		}
	}
	have, err := alphaOf(ctx, d, cold, from, fromNet, 0)
	if err != nil {
		return err
	}
	amount := opts.amount.RAO()
	if opts.All {
		amount = have
	}
	if amount == 0 || amount > have {
		return fmt.Errorf("%s has %s staked by %s on subnet %d; cannot move %s; nothing was sent", from, cmdutil.Alpha(have), w.Name, fromNet, cmdutil.Alpha(amount))
	}
	sell := pools[0].QuoteUnstake(amount)
	buyPool := pools[1]
	if fromNet == toNet {
		// The same pool: the sale moves it first.
		buyPool.AlphaIn += sell.In
		buyPool.TaoIn -= min(sell.Out, buyPool.TaoIn)
	}
	buy := buyPool.QuoteStake(sell.Out)
	if !opts.Safety.Unsafe {
		if l := subtensor.LimitFor(sell.PriceBefore, opts.Safety.Tolerance, false); sell.PriceAfter < l {
			return fmt.Errorf("moving %s out of subnet %d would move its price from %s to %s, beyond --tolerance %s; nothing was sent",
				cmdutil.Alpha(amount), fromNet, cmdutil.Price(sell.PriceBefore), cmdutil.Price(sell.PriceAfter), cmdutil.Percent(opts.Safety.Tolerance))
		}
		if l := subtensor.LimitFor(buy.PriceBefore, opts.Safety.Tolerance, true); buy.PriceAfter > l {
			return fmt.Errorf("moving %s into subnet %d would move its price from %s to %s, beyond --tolerance %s; nothing was sent",
				balance.Balance(buy.In), toNet, cmdutil.Price(buy.PriceBefore), cmdutil.Price(buy.PriceAfter), cmdutil.Percent(opts.Safety.Tolerance))
		}
	}
	ch, err := cmdutil.Preflight(ctx, cmdutil.Tx{What: fmt.Sprintf("move stake from subnet %d to %d", fromNet, toNet), Signer: cold,
		Call: func(ctx context.Context, s subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return d.MoveStake(ctx, s, from, to, fromNet, toNet, amount, wait)
		}})
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Move %s of %s's stake on %s in subnet %d (about %s) to %s in subnet %d (about %s)?\n"+
		"  Quoted at the pools' prices now; move_stake takes no price limit, so the chain cannot enforce --tolerance.\n%s[y/n]: ",
		cmdutil.Alpha(amount), w.Name, from, fromNet, balance.Balance(sell.Out), to, toNet, cmdutil.Alpha(buy.Out), cmdutil.FeeClause("  fee: %s\n", ch.Fee))
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
	out := moveResult{FromHotkey: from, ToHotkey: to, FromNetuid: fromNet, ToNetuid: toNet, Alpha: amount, Sell: sell, Buy: buy, Block: res.Height, Tx: res.Hash}
	if out.FromAfter, err = alphaOf(ctx, d, cold, from, fromNet, res.Height); err != nil {
		return err
	}
	if out.ToAfter, err = alphaOf(ctx, d, cold, to, toNet, res.Height); err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	fmt.Fprintf(f.IOStreams.Out, "Moved %s from subnet %d to subnet %d (block %d): stake now %s on subnet %d, %s on subnet %d\n",
		cmdutil.Alpha(amount), fromNet, toNet, res.Height, cmdutil.Alpha(out.FromAfter), fromNet, cmdutil.Alpha(out.ToAfter), toNet)
	return nil
}
