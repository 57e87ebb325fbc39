package economics

import (
	"fmt"
	"math"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// AdjustmentTargets says which registration prices change at the end of an
// adjustment interval, from the registrations in the interval (all, PoW and
// burned) and the target, as the reference's block_step.rs
// (adjust_registration_terms_for_networks) decides: with more registrations than
// the target, the price of the kind used more rises (both on a tie); with at
// most the target, the other kind's price is adjusted: the burn when PoW
// registrations dominated, the difficulty when burns dominated (both on a
// tie). The adjusted prices then follow AdjustedPrice.
func AdjustmentTargets(registrations, pow, burned, target uint16) (difficulty, burn bool) {
	switch {
	case registrations > target && pow > burned: // A
		return true, false
	case registrations > target && pow < burned: // B
		return false, true
	case registrations > target: // F
		return true, true
	case pow > burned: // C
		return false, true
	case pow < burned: // D
		return true, false
	}
	return true, true // E
}

// AdjustedPrice returns the next difficulty or burn (current, in its units)
// after an interval with the given registrations and target:
//
//	next = α·current + (1-α)·current·(registrations+target)/(2·target)
//
// in I110F18, with α = alpha/u64::MAX (so any alpha below 2^46 is 0), then
// clamped: at least max gives max, at most min gives min, otherwise the value
// floored. registrations+target and 2·target wrap as u16, as in the
// reference; a target of 0 or 32768 makes 2·target zero, where the reference
// panics, and returns ErrInvalidParameter.
func AdjustedPrice(current uint64, registrations, target uint16, alpha, min, max uint64) (uint64, error) {
	sum, double := registrations+target, target+target
	if double == 0 {
		return 0, fmt.Errorf("%w: target registrations per interval %d makes 2·target zero", ErrInvalidParameter, target)
	}
	cur := fixed.I110F18FromUint64(current)
	updated := cur.Mul(fixed.I110F18FromUint64(uint64(sum))).Div(fixed.I110F18FromUint64(uint64(double)))
	a := fixed.I110F18FromUint64(alpha).Div(fixed.I110F18FromUint64(math.MaxUint64))
	next := a.Mul(cur).Add(fixed.NewI110F18(1).Sub(a).Mul(updated))
	switch {
	case next.Cmp(fixed.I110F18FromUint64(max)) >= 0:
		return max, nil
	case next.Cmp(fixed.I110F18FromUint64(min)) <= 0:
		return min, nil
	}
	return next.ToU64(), nil
}
