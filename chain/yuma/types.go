package yuma

import (
	"errors"
	"fmt"
)

// ErrInvalidInput is returned (wrapped, with the neuron and field named) when
// an epoch's input is inconsistent: slices of different lengths, a uid out of
// range, rows not sorted by uid or with duplicates, or totals too large for
// the reference's fixed-point types.
var ErrInvalidInput = errors.New("yuma: invalid input")

// Pair is one entry of a sparse row: a target uid (a netuid in root weights)
// and a u16 value.
type Pair struct {
	// UID is the target neuron's uid (or the subnet's netuid for root weights).
	UID uint16
	// Value is the stored u16: a max-upscaled weight (largest entry 65535) or
	// a column-max-upscaled bond.
	Value uint16
}

// Input is everything the epoch of one subnet reads, as the chain stores it.
// Per-neuron slices are indexed by uid and all have length n = len(Stake);
// Weights and Bonds may be nil, meaning every row is empty. Input is only
// read by Epoch.
type Input struct {
	// Block is the current block number.
	Block uint64
	// Emission is the RAO to distribute in this epoch (the subnet's drained
	// PendingEmission).
	Emission uint64
	// Kappa is the consensus majority as a u16 proportion (32767 ≈ 0.5).
	Kappa uint16
	// ActivityCutoff is the number of blocks after its last weight update
	// that a neuron still counts as active.
	ActivityCutoff uint16
	// MaxAllowedValidators is the number of validator permits (top stakes).
	MaxAllowedValidators uint16
	// BondsMovingAverage is the bonds EMA factor in millionths (900_000 keeps
	// 90% of the old bonds each epoch).
	BondsMovingAverage uint64

	// Stake is each uid's hotkey stake in RAO (TotalHotkeyStake). The total
	// must stay below 2^63 RAO.
	Stake []uint64
	// LastUpdate is the block of each uid's last weight update (the
	// registration block for a neuron that never set weights).
	LastUpdate []uint64
	// RegisteredAt is the block each uid was last registered at
	// (BlockAtRegistration; 0 for a uid without a hotkey).
	RegisteredAt []uint64
	// ValidatorPermit is each uid's permit as the previous epoch left it.
	ValidatorPermit []bool
	// Weights[i] is uid i's stored weight row: raw max-upscaled u16 values,
	// sorted by uid without duplicates.
	Weights [][]Pair
	// Bonds[i] is uid i's stored bond row: column-max-upscaled u16 values,
	// sorted by uid without duplicates.
	Bonds [][]Pair
}

// Output is what one epoch produces, indexed by uid like the input. The
// chain stores every vector, the new permits and the bond rows marked in
// BondsChanged, and pays ServerEmission and ValidatorEmission to each uid's
// hotkey. All u16 values are proportions (65535 = 1.0).
type Output struct {
	// Active reports whether the uid updated its weights within the
	// activity cutoff.
	Active []bool
	// Rank is the normalised stake-weighted sum of clipped weights received.
	Rank []uint16
	// Trust is the share of a uid's rank that survived consensus clipping.
	Trust []uint16
	// Consensus is the stake-weighted median weight the uid received.
	Consensus []uint16
	// Incentive is the uid's share of the server half of the emission.
	Incentive []uint16
	// Dividends is the uid's share of the validator half of the emission.
	Dividends []uint16
	// ValidatorTrust is the sum of the uid's weights after clipping.
	ValidatorTrust []uint16
	// PruningScore is the combined emission share, max-upscaled so that the
	// largest is 65535.
	PruningScore []uint16
	// Emission is the uid's combined emission in RAO, as stored on chain; it
	// can differ from ServerEmission+ValidatorEmission by rounding.
	Emission []uint64
	// ServerEmission is the RAO the uid earns as a server (from incentive).
	ServerEmission []uint64
	// ValidatorEmission is the RAO the uid earns as a validator (from
	// dividends, or from stake when no weights count).
	ValidatorEmission []uint64
	// ValidatorPermit is the uid's new permit (top MaxAllowedValidators
	// stakes); it takes effect in the next epoch.
	ValidatorPermit []bool
	// BondsChanged reports whether the uid's bond row must be overwritten
	// with Bonds[i]: true for uids with a new or an old permit. Other rows
	// stay as stored.
	BondsChanged []bool
	// Bonds[i] is the uid's new bond row when BondsChanged[i] (empty for a
	// uid that lost its permit), nil otherwise. Rows are sorted by uid.
	Bonds [][]Pair
}

// maxNeurons is the largest subnet size: uids are u16 and SubnetworkN is u16.
const maxNeurons = 1<<16 - 1

// validate checks the input's shape and returns an error naming the first
// offending neuron and field.
func (in *Input) validate() error {
	n := len(in.Stake)
	if n > maxNeurons {
		return fmt.Errorf("%w: %d neurons, at most %d", ErrInvalidInput, n, maxNeurons)
	}
	for _, l := range []struct {
		name string
		len  int
		opt  bool
	}{
		{"LastUpdate", len(in.LastUpdate), false},
		{"RegisteredAt", len(in.RegisteredAt), false},
		{"ValidatorPermit", len(in.ValidatorPermit), false},
		{"Weights", len(in.Weights), in.Weights == nil},
		{"Bonds", len(in.Bonds), in.Bonds == nil},
	} {
		if l.len != n && !l.opt {
			return fmt.Errorf("%w: %s has %d entries, want one per neuron (%d)", ErrInvalidInput, l.name, l.len, n)
		}
	}
	var total uint64
	for i, s := range in.Stake {
		total += s
		if total < s || total >= 1<<63 {
			return fmt.Errorf("%w: neuron %d: stake: total stake exceeds 2^63-1 RAO", ErrInvalidInput, i)
		}
	}
	for i := range in.Weights {
		if err := checkRow(in.Weights[i], n, i, "weights"); err != nil {
			return err
		}
	}
	for i := range in.Bonds {
		if err := checkRow(in.Bonds[i], n, i, "bonds"); err != nil {
			return err
		}
	}
	return nil
}

// checkRow checks that a sparse row's uids are below n and strictly
// increasing.
func checkRow(row []Pair, n, i int, field string) error {
	for k, p := range row {
		if int(p.UID) >= n {
			return fmt.Errorf("%w: neuron %d: %s[%d]: uid %d out of range (%d neurons)", ErrInvalidInput, i, field, k, p.UID, n)
		}
		if k > 0 && p.UID <= row[k-1].UID {
			if p.UID == row[k-1].UID {
				return fmt.Errorf("%w: neuron %d: %s[%d]: duplicate uid %d", ErrInvalidInput, i, field, k, p.UID)
			}
			return fmt.Errorf("%w: neuron %d: %s[%d]: uid %d after uid %d (rows must be sorted by uid)", ErrInvalidInput, i, field, k, p.UID, row[k-1].UID)
		}
	}
	return nil
}
