package stake

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
)

// dynamicWalletStake is one wallet's stake on a dynamic-TAO chain, for
// --json: each (hotkey, subnet) in alpha with its TAO value.
type dynamicWalletStake struct {
	Wallet  string                `json:"wallet"`
	Coldkey types.AccountID       `json:"coldkey"`
	Balance uint64                `json:"balance"` // free, RAO
	Value   uint64                `json:"stake"`   // the stakes' total value at the pools' prices, RAO
	Swap    uint64                `json:"swap"`    // what unstaking each now would pay, in all, RAO
	Stakes  []cmdutil.SubnetStake `json:"stakes"`
}

// showDynamic is stake show on a dynamic-TAO chain.
func showDynamic(ctx context.Context, opts *ShowOptions, c subtensor.Chain, d subtensor.DynamicStaking, wallets []cmdutil.OwnedWallet, block uint64) error {
	f := opts.Factory
	out := []dynamicWalletStake{}
	for _, w := range wallets {
		free, err := c.GetBalance(ctx, w.Coldkey, block)
		if err != nil {
			return cmdutil.QueryError("stake show", err)
		}
		stakes, total, err := cmdutil.SubnetStakes(ctx, d, w.Coldkey, block)
		if err != nil {
			return cmdutil.QueryError("stake show", err)
		}
		keys, err := cmdutil.WalletHotkeys(f, w.Wallet)
		if err != nil {
			return err
		}
		names := map[types.AccountID]string{}
		for _, k := range keys {
			names[k.Key] = k.Name
		}
		for i := range stakes {
			stakes[i].Name = names[stakes[i].Hotkey]
		}
		slices.SortStableFunc(stakes, func(a, b cmdutil.SubnetStake) int {
			if a.Netuid != b.Netuid {
				return cmp.Compare(a.Netuid, b.Netuid)
			}
			return cmp.Compare(a.Hotkey.String(), b.Hotkey.String())
		})
		out = append(out, dynamicWalletStake{Wallet: w.Name, Coldkey: w.Coldkey, Balance: free.RAO(), Value: total.Value, Swap: total.Swap, Stakes: stakes})
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, out)
	}
	tp := cmdutil.NewTablePrinter(f.IOStreams, "Coldkey", "Balance", "Hotkey", "Netuid", "Stake", "Price", "Value", "Swap value", "Emission")
	var tb, tv, tsw uint64
	for _, w := range out {
		tp.AddRow(w.Wallet, balance.Balance(w.Balance).String(), "", "", "", "", balance.Balance(w.Value).String(), balance.Balance(w.Swap).String(), "")
		for _, s := range w.Stakes {
			name := s.Name
			if name == "" {
				name = s.Hotkey.String()
			}
			tp.AddRow("", "", name, strconv.Itoa(int(s.Netuid)), cmdutil.Alpha(s.Alpha), cmdutil.Price(s.Price),
				balance.Balance(s.Value).String(), balance.Balance(s.Swap).String(), cmdutil.Alpha(s.Emission)+"/epoch")
		}
		tb, tv, tsw = tb+w.Balance, tv+w.Value, tsw+w.Swap
	}
	tp.AddRow("Total", balance.Balance(tb).String(), "", "", "", "", balance.Balance(tv).String(), balance.Balance(tsw).String(), "")
	return tp.Render()
}
