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
// open interval", in uid order, so it is all the zeros (while the interval's
// lower end is still minus infinity) or none of them, plus the explicit
// entries inside the interval. We keep those entries, in row order, and a
// flag for the zeros. The element at a given position is then found by
// binary search: the number of zeros before an entry is its row minus its
// rank among the column's explicit entries. Stake sums are exact integer
// sums, so the zeros' stake is the total minus the explicit entries' stake.
// The result is the reference's result, bit for bit, at a cost linear in
// the column's entries.

import (
	"sort"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// entry is one explicit, positive score in a column: the validator's
// position among the validators with positive stake, its rank among the
// column's explicit entries, and its score.
type entry struct {
	row   int32
	rank  int32
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
	maxCol := int32(0)
	for j := range n {
		maxCol = max(maxCol, start[j+1])
		start[j+1] += start[j]
	}
	entries := make([]entry, start[n])
	if int64(len(stake))*int64(n) <= 4*int64(start[n]) {
		gatherColumns(w, pos, entries)
	} else {
		scatterColumns(w, pos, start, entries)
	}

	m := medianSearch{stake: stake, minority: minority, sigma: sigma, part: make([]entry, 0, maxCol), upper: make([]entry, maxCol)}
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

// scatterColumns writes the positive entries of the rows with pos >= 0 into
// entries, column by column (start gives each column's offset), in row
// order: one pass over the rows, scattered writes.
func scatterColumns(w *csr, pos []int32, start []int32, entries []entry) {
	fill := make([]int32, len(pos))
	for i := range pos {
		if pos[i] < 0 {
			continue
		}
		cols, vals := w.row(i)
		for k, j := range cols {
			if vals[k].Sign() > 0 {
				entries[start[j]+fill[j]] = entry{row: pos[i], rank: fill[j], score: vals[k]}
				fill[j]++
			}
		}
	}
}

// gatherColumns produces the same layout as scatterColumns by walking the
// columns in order and, for each, the rows with pos >= 0 through a cursor
// per row: sequential writes and reads, at a cost of (rows × columns) steps,
// which the caller only accepts when the rows are dense enough.
func gatherColumns(w *csr, pos []int32, entries []entry) {
	var rows []int32 // uids with positive stake, in order
	for i, p := range pos {
		if p >= 0 {
			rows = append(rows, int32(i))
		}
	}
	cursor := make([]int32, len(rows))
	end := make([]int32, len(rows))
	for r, i := range rows {
		cursor[r], end[r] = w.start[i], w.start[i+1]
	}
	out := 0
	for j := range pos {
		rank := int32(0)
		for r := range rows {
			k := cursor[r]
			// Skip non-positive entries (kept in w as zeros) of this column.
			for k < end[r] && int(w.col[k]) == j {
				if v := w.val[k]; v.Sign() > 0 {
					entries[out] = entry{row: int32(r), rank: rank, score: v}
					out++
					rank++
				}
				k++
			}
			cursor[r] = k
		}
	}
}

// medianSearch holds what is shared by all columns, and scratch space.
type medianSearch struct {
	stake    []fixed.I32F32 // per validator position
	minority fixed.I32F32
	sigma    fixed.I32F32
	part     []entry // the current partition's explicit entries
	upper    []entry // scratch for the upper side of a split
}

// column runs the reference's weighted median on one column whose explicit
// positive entries are col (sorted by row) and whose other len(stake)-len(col)
// scores are zero.
func (m *medianSearch) column(col []entry) fixed.I32F32 {
	zeroCount := len(m.stake) - len(col)
	zeroStake := m.sigma
	for _, e := range col {
		zeroStake = zeroStake.Sub(m.stake[e.row])
	}
	part := append(m.part[:0], col...)
	withZeros := zeroCount > 0
	lo, hi := zero, m.sigma
	for {
		size := len(part)
		if withZeros {
			size += zeroCount
		}
		if size == 0 {
			return zero
		}
		// The pivot is the score at position size/2 of the partition.
		p := size / 2
		var pivot fixed.I32F32
		if !withZeros {
			pivot = part[p].score
		} else {
			// Entry i sits at position (zeros before it) + i.
			at := func(i int) int { return int(part[i].row-part[i].rank) + i }
			i := sort.Search(len(part), func(i int) bool { return at(i) >= p })
			if i < len(part) && at(i) == p {
				pivot = part[i].score
			}
		}
		if size == 1 {
			return pivot
		}

		// One pass splits the explicit entries into lower (kept at the front
		// of part) and upper (in m.upper), in order, and sums their stakes;
		// it is written without data-dependent branches.
		pv := pivot.Bits()
		upper := m.upper[:len(part)]
		var loSum, hiSum int64
		nl, nu := 0, 0
		for _, e := range part {
			s, st := e.score.Bits(), m.stake[e.row].Bits()
			lt, gt := b2i(s < pv), b2i(s > pv)
			part[nl] = e
			upper[nu] = e
			loSum += st * int64(lt)
			hiSum += st * int64(gt)
			nl += lt
			nu += gt
		}
		loStake, hiStake := fixed.I32F32FromBits(loSum), fixed.I32F32FromBits(hiSum)
		nLower := nl
		if withZeros && pivot.Sign() > 0 {
			loStake, nLower = loStake.Add(zeroStake), nLower+zeroCount
		}
		loEdge, hiEdge := lo.Add(loStake), hi.Sub(hiStake)
		switch {
		case loEdge.Cmp(m.minority) <= 0 && m.minority.Cmp(hiEdge) < 0:
			return pivot
		case m.minority.Cmp(loEdge) < 0 && nLower > 0:
			hi = loEdge // the zeros, if any, stay (pivot > 0)
			part = part[:nl]
		case hiEdge.Cmp(m.minority) <= 0 && nu > 0:
			lo, withZeros = hiEdge, false
			part = append(part[:0], upper[:nu]...)
		default:
			return pivot
		}
	}
}

// b2i converts a bool to 0 or 1 (compiled without a branch).
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}
