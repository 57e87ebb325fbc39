package economics

import (
	"fmt"
	"math"
	"math/bits"
)

// LockCost returns the RAO a coldkey must lock to register a subnet at block
// (the reference's get_network_lock_cost, pallets/subtensor/src/root.rs): the
// last lock paid, doubled (not doubled while lastRegistered is 0, i.e. before
// the first registration), minus lastLock/interval for each block since
// lastRegistered, and never below minLock. All u64 arithmetic saturates and
// the division truncates, as in the reference. An interval of 0, where the
// reference panics, returns ErrInvalidParameter.
func LockCost(lastLock, minLock, lastRegistered, block, interval uint64) (uint64, error) {
	if interval == 0 {
		return 0, fmt.Errorf("%w: lock reduction interval is 0", ErrInvalidParameter)
	}
	mult := uint64(2)
	if lastRegistered == 0 {
		mult = 1
	}
	cost := satSub(satMul(lastLock, mult), satMul(lastLock/interval, satSub(block, lastRegistered)))
	return max(cost, minLock), nil
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func satSub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}
