package cmdutil

// Helpers for commands on a dynamic-TAO chain (Bittensor's Substrate
// networks), where stake is per subnet in the subnet's alpha.

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Dynamic returns the chain's dynamic-TAO extras when it has them (a
// Substrate chain); a go-bittensor chain has one global stake in TAO.
func Dynamic(c subtensor.Chain) (subtensor.DynamicStaking, bool) {
	d, ok := c.(subtensor.DynamicStaking)
	return d, ok
}

// Alpha formats an amount of a subnet's alpha (RAO units) as
// "α1.500000000".
func Alpha(v uint64) string {
	return strings.Replace(balance.Balance(v).String(), "τ", "α", 1)
}

// Price formats a pool price in RAO per alpha as "τ0.012345678/α".
// A price past what a u64 holds (an emptied pool) reads "more than".
func Price(rao uint64) string {
	if rao == ^uint64(0) {
		return "more than " + balance.Balance(rao).String() + "/α"
	}
	return balance.Balance(rao).String() + "/α"
}

// Percent formats a fraction as a percentage with two decimals.
func Percent(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }

// PoolsByNetuid indexes pools by netuid.
func PoolsByNetuid(pools []subtensor.SubnetPool) map[uint16]subtensor.SubnetPool {
	m := make(map[uint16]subtensor.SubnetPool, len(pools))
	for _, p := range pools {
		m[p.Netuid] = p
	}
	return m
}

// NotOnThisChain is the error of a command or flag that needs something
// the connected chain lacks, naming it.
func NotOnThisChain(what string, c subtensor.Chain) error {
	return fmt.Errorf("%s is not available on %s (%s): %w", what, c.Network(), c.Endpoint(), subtensor.ErrNotSupported)
}

// SubnetStake is a coldkey's stake on a hotkey in one subnet with its
// value at the subnet's price: what btcli shows on a dynamic-TAO chain.
type SubnetStake struct {
	Hotkey types.AccountID `json:"hotkey"`
	Name   string          `json:"name,omitempty"` // the wallet's name for its own hotkey
	Netuid uint16          `json:"netuid"`
	Alpha  uint64          `json:"alpha"` // the subnet's alpha (RAO units)
	Price  uint64          `json:"price"` // RAO per alpha
	// Value is Alpha at Price, without slippage (RAO); Swap is what
	// unstaking it all would pay now, after slippage.
	Value      uint64 `json:"tao_value"`
	Swap       uint64 `json:"swap_value"`
	Emission   uint64 `json:"emission"` // the hotkey's dividends in the subnet's last epoch (alpha)
	Registered bool   `json:"registered"`
}

// StakeTotals are the sums of a coldkey's stake values, RAO.
type StakeTotals struct {
	// Value is at the pools' prices; Swap is what unstaking each stake
	// now would pay (after slippage, each on its own).
	Value, Swap uint64
}

// SubnetStakes reads a coldkey's stakes on a dynamic-TAO chain at a block
// with their values, and their totals.
func SubnetStakes(ctx context.Context, d subtensor.DynamicStaking, coldkey types.AccountID, block uint64) ([]SubnetStake, StakeTotals, error) {
	var total StakeTotals
	stakes, err := d.AlphaStakes(ctx, coldkey, block)
	if err != nil || len(stakes) == 0 {
		return []SubnetStake{}, total, err
	}
	pools, err := d.SubnetPools(ctx, block)
	if err != nil {
		return nil, total, err
	}
	byNetuid := PoolsByNetuid(pools)
	out := make([]SubnetStake, 0, len(stakes))
	for _, s := range stakes {
		p := byNetuid[s.Netuid]
		v := SubnetStake{Hotkey: s.Hotkey, Netuid: s.Netuid, Alpha: s.Alpha, Price: p.PriceRAO(), Value: p.TaoValue(s.Alpha),
			Swap: p.SwapAlphaForTao(s.Alpha), Emission: s.Emission, Registered: s.Registered}
		total.Value += v.Value
		total.Swap += v.Swap
		out = append(out, v)
	}
	return out, total, nil
}
