package wallet

import (
	"context"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/spf13/cobra"
)

// BalanceOptions are the options of `wallet balance`.
type BalanceOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	All       bool
	SS58      []string
	JSON      bool
	Block     uint64
}

// NewCmdBalance returns `wallet balance`.
func NewCmdBalance(f *cmdutil.Factory, runF func(*BalanceOptions) error) *cobra.Command {
	opts := &BalanceOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "balance",
		Short: "Show the wallet's balance",
		Long: `Show the free, staked and total balance of the wallet's coldkey, of every
wallet under --wallet.path with --all, or of any addresses with --ss58.
With --block the balances are read as they were after that block.

On a dynamic-TAO chain (Bittensor's networks) stake is per subnet in the
subnet's alpha: Staked Balance is what unstaking each stake now would pay
(its value at the pool's price less the slippage, which is all but the
whole value in a shallow pool); --json lists each stake (alpha, price, its
value at the price and what unstaking pays).`,
		Example: `  btcli wallet balance --wallet.name alice
  btcli wallet balance --all --json
  btcli wallet balance --ss58 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range opts.SS58 {
				if _, err := types.ParseAccountID(a); err != nil {
					return cmdutil.FlagErrorf("--ss58 %q: %v", a, err)
				}
			}
			if opts.All && len(opts.SS58) > 0 {
				return cmdutil.FlagErrorf("--all and --ss58 cannot be used together")
			}
			if runF != nil {
				return runF(opts)
			}
			return balanceRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmd.Flags().BoolVar(&opts.All, "all", false, "Show every wallet under --wallet.path")
	cmd.Flags().StringSliceVar(&opts.SS58, "ss58", nil, "Show these addresses instead of a wallet (repeatable or comma-separated)")
	cmd.Flags().Uint64Var(&opts.Block, "block", 0, "Read balances at this block (default: latest)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// balanceRow is one line of the balance table and of its JSON.
type balanceRow struct {
	Wallet  string          `json:"wallet,omitempty"`
	Address types.AccountID `json:"address"`
	Free    uint64          `json:"free"`   // RAO
	Staked  uint64          `json:"staked"` // RAO
	Total   uint64          `json:"total"`  // RAO
	// Stakes are the stakes of a dynamic-TAO chain, per hotkey and
	// subnet; Staked is their value.
	Stakes []cmdutil.SubnetStake `json:"stakes,omitempty"`
}

func balanceRun(ctx context.Context, opts *BalanceOptions) error {
	f := opts.Factory
	type target struct {
		name string
		addr types.AccountID
	}
	var targets []target
	if len(opts.SS58) > 0 {
		for _, a := range opts.SS58 {
			id, _ := types.ParseAccountID(a)
			targets = append(targets, target{addr: id})
		}
	} else {
		wallets, err := cmdutil.SelectWallets(f, &opts.Wallet, opts.All)
		if err != nil {
			return err
		}
		for _, w := range wallets {
			targets = append(targets, target{w.Name, w.Coldkey})
		}
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	block := opts.Block // every row at one block
	if block == 0 {
		if block, err = c.GetCurrentBlock(ctx); err != nil {
			return err
		}
	}
	rows := make([]balanceRow, 0, len(targets))
	var sum balanceRow
	for _, t := range targets {
		free, err := c.GetBalance(ctx, t.addr, block)
		if err != nil {
			return cmdutil.QueryError("balance", err)
		}
		var r balanceRow
		if d, ok := cmdutil.Dynamic(c); ok {
			stakes, total, err := cmdutil.SubnetStakes(ctx, d, t.addr, block)
			if err != nil {
				return cmdutil.QueryError("balance", err)
			}
			r = balanceRow{Wallet: t.name, Address: t.addr, Free: free.RAO(), Staked: total.Swap, Total: free.RAO() + total.Swap, Stakes: stakes}
		} else {
			staked, err := c.GetColdkeyStake(ctx, t.addr, block)
			if err != nil {
				return cmdutil.QueryError("balance", err)
			}
			r = balanceRow{Wallet: t.name, Address: t.addr, Free: free.RAO(), Staked: staked.TotalStake, Total: free.RAO() + staked.TotalStake}
		}
		rows = append(rows, r)
		sum.Free, sum.Staked, sum.Total = sum.Free+r.Free, sum.Staked+r.Staked, sum.Total+r.Total
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, rows)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "Wallet Name", "Coldkey Address", "Free Balance", "Staked Balance", "Total Balance")
	for _, r := range rows {
		tp.AddRow(r.Wallet, r.Address.String(), balance.Balance(r.Free).String(), balance.Balance(r.Staked).String(), balance.Balance(r.Total).String())
	}
	if len(rows) > 1 {
		tp.AddRow("Total", "", balance.Balance(sum.Free).String(), balance.Balance(sum.Staked).String(), balance.Balance(sum.Total).String())
	}
	return tp.Render()
}
