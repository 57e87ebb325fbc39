package yuma

// This file computes consensus, the stake-weighted median of each column of
// the weight matrix (spec/chain.md §4.3 step 7), without materialising the
// zeros of the column.
//
// The reference builds, for each column j, the dense list of scores of every
// validator with positive active stake (in uid order, 0 where a validator
// has no entry j) and runs a quickselect-like search: the pivot is the score
// at the middle position of the current partition, elements strictly below
// and strictly above the pivot form the two sub-partitions (keeping their
// order), and the search descends into one of them. Because the pivot is
// chosen by position, the zeros' positions matter, so they cannot simply be
// dropped.
//
// Every partition the search visits is "the elements whose score lies in an
// open interval (L, H)", in uid order. While L is still minus infinity the
// partition holds all implicit zeros plus the explicit entries below H; we
// call that phase A and represent it by H alone: the element at position p
// is found by skipping the explicit entries with score >= H, which are the
// only rows missing from 0..K-1. Once the search goes upward (L >= 0) the
// zeros are gone for good and the partition is an explicit list (phase B),
// handled like the reference. Stake sums are exact integer sums, so the
// zeros' stake is the total minus the explicit entries' stake. The result is
// the reference's result, bit for bit, at a cost linear in the column's
// entries per step.

import (
	"sort"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// entry is one explicit, positive score in a column: the validator's
// position among the validators with positive stake, and its score.
type entry struct {
	row   int32
	score fixed.I32F32
}

// weightedMedianCols returns the consensus of every column of w, weighting
// each row by its (positive) active stake; kappa is the majority.
func weightedMedianCols(active []fixed.I32F32, w *csr, n int, kappa fixed.I32F32) []fixed.I32F32 {
	median := make([]fixed.I32F32, n)

	// The stakes of the validators with positive stake, renormalised.
	pos := make([]int32, n)
	var stake []fixed.I32F32
	for i, a := range active {
		pos[i] = -1
		if a.Sign() > 0 {
			pos[i] = int32(len(stake))
			stake = append(stake, a)
		}
	}
	if len(stake) == 0 {
		return median
	}
	normalize(stake)
	sigma := fixed.SumI32F32(stake)
	minority := sigma.Sub(kappa)

	// Transpose the positive entries of those rows, column by column in
	// row order.
	start := make([]int32, n+1)
	for i := range n {
		if pos[i] < 0 {
			continue
		}
		cols, vals := w.row(i)
		for k, j := range cols {
			if vals[k].Sign() > 0 {
				start[j+1]++
			}
		}
	}
	for j := range n {
		start[j+1] += start[j]
	}
	entries := make([]entry, start[n])
	fill := make([]int32, n)
	copy(fill, start[:n])
	for i := range n {
		if pos[i] < 0 {
			continue
		}
		cols, vals := w.row(i)
		for k, j := range cols {
			if vals[k].Sign() > 0 {
				entries[fill[j]] = entry{row: pos[i], score: vals[k]}
				fill[j]++
			}
		}
	}

	m := medianSearch{stake: stake, minority: minority, sigma: sigma}
	for j := range n {
		col := entries[start[j]:start[j+1]]
		if len(col) == 0 {
			// All scores are zero: the median is zero.
			continue
		}
		median[j] = m.column(col)
	}
	return median
}

// medianSearch holds what is shared by all columns, and scratch space.
type medianSearch struct {
	stake    []fixed.I32F32 // per validator position
	minority fixed.I32F32
	sigma    fixed.I32F32
	part     []entry // scratch for phase B
}

// column runs the reference's weighted median on one column whose explicit
// positive entries are col (sorted by row) and whose other len(stake)-len(col)
// scores are zero.
func (m *medianSearch) column(col []entry) fixed.I32F32 {
	k := int32(len(m.stake))
	// Stake of the implicit zeros: total minus the explicit entries.
	zeroStake := m.sigma
	for _, e := range col {
		zeroStake = zeroStake.Sub(m.stake[e.row])
	}
	zeroCount := k - int32(len(col))

	// Phase A: all zeros plus the explicit entries below hiBound.
	lo, hi := zero, m.sigma
	hiBound, bounded := zero, false
	for {
		below := func(s fixed.I32F32) bool { return !bounded || s.Cmp(hiBound) < 0 }
		excluded := int32(0)
		for _, e := range col {
			if !below(e.score) {
				excluded++
			}
		}
		size := k - excluded
		if size == 0 {
			return zero
		}
		// The element at position size/2 (or the only one).
		idx := size / 2
		for _, e := range col {
			if below(e.score) {
				continue
			}
			if e.row > idx {
				break
			}
			idx++
		}
		pivot := zero
		if at := sort.Search(len(col), func(i int) bool { return col[i].row >= idx }); at < len(col) && col[at].row == idx {
			pivot = col[at].score
		}
		if size == 1 {
			return pivot
		}

		var loStake, hiStake fixed.I32F32
		nLower, nUpper := int32(0), int32(0)
		if pivot.Sign() > 0 {
			loStake, nLower = zeroStake, zeroCount
		}
		for _, e := range col {
			if !below(e.score) {
				continue
			}
			switch e.score.Cmp(pivot) {
			case -1:
				loStake = loStake.Add(m.stake[e.row])
				nLower++
			case 1:
				hiStake = hiStake.Add(m.stake[e.row])
				nUpper++
			}
		}
		loEdge, hiEdge := lo.Add(loStake), hi.Sub(hiStake)
		switch {
		case loEdge.Cmp(m.minority) <= 0 && m.minority.Cmp(hiEdge) < 0:
			return pivot
		case m.minority.Cmp(loEdge) < 0 && nLower > 0:
			// Still phase A, now below the pivot.
			hi = loEdge
			hiBound, bounded = pivot, true
		case hiEdge.Cmp(m.minority) <= 0 && nUpper > 0:
			// Phase B: the explicit entries strictly between pivot and the
			// bound, in row order.
			m.part = m.part[:0]
			for _, e := range col {
				if below(e.score) && e.score.Cmp(pivot) > 0 {
					m.part = append(m.part, e)
				}
			}
			return m.explicit(hiEdge, hi)
		default:
			return pivot
		}
	}
}

// explicit runs the reference's weighted median on m.part, which holds no
// implicit zeros, within the stake interval [lo, hi].
func (m *medianSearch) explicit(lo, hi fixed.I32F32) fixed.I32F32 {
	part := m.part
	for {
		switch len(part) {
		case 0:
			return zero
		case 1:
			return part[0].score
		}
		pivot := part[len(part)/2].score
		var loStake, hiStake fixed.I32F32
		nLower, nUpper := 0, 0
		for _, e := range part {
			switch e.score.Cmp(pivot) {
			case -1:
				loStake = loStake.Add(m.stake[e.row])
				nLower++
			case 1:
				hiStake = hiStake.Add(m.stake[e.row])
				nUpper++
			}
		}
		loEdge, hiEdge := lo.Add(loStake), hi.Sub(hiStake)
		var keep int // -1 lower, +1 upper
		switch {
		case loEdge.Cmp(m.minority) <= 0 && m.minority.Cmp(hiEdge) < 0:
			return pivot
		case m.minority.Cmp(loEdge) < 0 && nLower > 0:
			keep, hi = -1, loEdge
		case hiEdge.Cmp(m.minority) <= 0 && nUpper > 0:
			keep, lo = 1, hiEdge
		default:
			return pivot
		}
		// Keep one side in place, in order.
		w := 0
		for _, e := range part {
			if e.score.Cmp(pivot) == keep {
				part[w] = e
				w++
			}
		}
		part = part[:w]
	}
}
