package economics

import (
	"fmt"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// DelegateSplit is how one payout to a delegate hotkey is shared.
type DelegateSplit struct {
	// Take is the delegate's take from the validator emission, in RAO.
	Take uint64
	// Nominators[k] is the RAO added to the k-th stake entry given to
	// SplitDelegateEmission (the owner's own entry included).
	Nominators []uint64
	// Remainder is the rounding dust the nominators' floored shares left of
	// the validator emission after the take, in RAO.
	Remainder uint64
	// Owner is the RAO added to the owner coldkey's stake on the hotkey after
	// the nominators are paid: Take + Remainder + the server emission, which
	// is never shared.
	Owner uint64
}

// SplitDelegateEmission splits the emission a delegate hotkey earned in an
// epoch, as the reference's emit_inflation_through_hotkey_account
// (block_step.rs) does:
//
//   - take = floor((take/65535)·validatorEmission), in I64F64;
//   - each stake entry, in the chain's storage order, gets
//     floor((stake/totalStake)·(validatorEmission - take)) (0 if totalStake
//     is 0), in I64F64;
//   - the owner gets take, the remainder and all of serverEmission.
//
// totalStake is TotalHotkeyStake read before any payout; stakes are the
// hotkey's Stake[hotkey][coldkey] entries. For a hotkey that is not a
// delegate the chain pays serverEmission+validatorEmission to the owner and
// does not call this. Amounts of 2^63 RAO or more, and stakes adding up to
// more than totalStake, are refused with ErrInvalidParameter.
func SplitDelegateEmission(take uint16, totalStake uint64, stakes []uint64, serverEmission, validatorEmission uint64) (*DelegateSplit, error) {
	const limit = 1 << 63
	if totalStake >= limit || validatorEmission >= limit {
		return nil, fmt.Errorf("%w: total stake %d or validator emission %d RAO is 2^63 or more", ErrInvalidParameter, totalStake, validatorEmission)
	}
	proportion := fixed.NewI64F64(int64(take)).Div(fixed.NewI64F64(65535))
	s := &DelegateSplit{
		Take:       proportion.Mul(fixed.I64F64FromUint64(validatorEmission)).ToU64(),
		Nominators: make([]uint64, len(stakes)),
	}
	rest := validatorEmission - s.Take
	remaining := rest
	total := fixed.I64F64FromUint64(totalStake)
	for k, st := range stakes {
		if st >= limit {
			return nil, fmt.Errorf("%w: stake entry %d: %d RAO is 2^63 or more", ErrInvalidParameter, k, st)
		}
		if totalStake == 0 {
			continue
		}
		share := fixed.I64F64FromUint64(rest).Mul(fixed.I64F64FromUint64(st).Div(total)).ToU64()
		if share > remaining {
			return nil, fmt.Errorf("%w: stake entries add up to more than the total stake %d RAO", ErrInvalidParameter, totalStake)
		}
		s.Nominators[k] = share
		remaining -= share
	}
	s.Remainder = remaining
	s.Owner = s.Take + s.Remainder + serverEmission
	return s, nil
}
