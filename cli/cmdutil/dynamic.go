package cmdutil

// Helpers for commands on a dynamic-TAO chain (Bittensor's Substrate
// networks), where stake is per subnet in the subnet's alpha.

import (
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
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
