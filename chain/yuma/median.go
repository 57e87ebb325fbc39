package yuma

// This file computes consensus, the stake-weighted median of each column of
// the weight matrix (spec/chain.md §4.3 step 7), without following the
// reference's steps: what the reference returns is determined by the
// multiset of (score, stake) pairs of the column alone.
//
// The reference lists, for each column, the score of every validator with
// positive active stake (0 where the validator has no entry) with the
// validators' renormalised stakes, of total σ, and runs wmed with
// minority = σ - κ, lo = 0, hi = σ: pick the score at the middle position
// as pivot; split the list into the scores below and above it (with stake
// sums lo_s, hi_s); return the pivot if lo+lo_s <= minority < hi-hi_s,
// else recurse into the lower part (hi = lo+lo_s) if minority < lo+lo_s,
// else into the upper part (lo = hi-hi_s), returning the pivot when the
// part to recurse into is empty.
//
// Claim: with cum(v) the stake of the scores <= v, wmed returns
//   - the smallest score v with cum(v) > minority, if 0 <= minority < σ;
//   - the smallest score, if minority < 0;
//   - the largest score, if minority >= σ (κ = 0).
//
// Proof. Each call works on the scores in an open interval (L, H), with
// lo = cum(L) (the stake below the interval) and hi = σ - stake(>= H), so
// lo+lo_s = stake(< pivot) and hi-hi_s = cum(pivot). If 0 <= minority < σ,
// then lo <= minority < hi holds at the first call and is kept by both
// recursions (hi becomes stake(< pivot) > minority, or lo becomes
// cum(pivot) <= minority), so the quantile v* = min{v : cum(v) > minority}
// lies in (L, H) and is a score of the current list. The pivot is returned
// exactly when stake(< pivot) <= minority < cum(pivot), i.e. when it is v*;
// otherwise the search recurses into the side holding v*, which is not
// empty, and a list of one score holds v* itself. If minority < 0 the first
// condition never holds and the second always does, so the search descends
// while a lower part exists and returns the smallest score; if minority >= σ
// it ascends to the largest. All stake sums are exact integers below 2^33.
//
// So the order of the scores does not matter, the zeros of a column (the
// validators without an entry there) can be merged into one entry holding
// their total stake, and any selection of that quantile gives the
// reference's result bit for bit. Below, the non-zero entries of a block of
// columns are gathered from the rows into a buffer that stays in cache, and
// a quickselect weighted by stake finds each column's quantile in time
// linear in the column's entries.

import "github.com/go-bittensor/bittensor/chain/fixed"

// medianBlock is the number of entries gathered per block of columns: 512
// KB of entries, which stay in the second-level cache while their columns'
// medians are selected.
const medianBlock = 1 << 15

// entry is one non-zero score of a column (or the merged zeros) and the
// stake of the validators holding it, as fixed-point bits.
type entry struct {
	score, stake int64
}

// medianScratch is the median's part of a Workspace.
type medianScratch struct {
	// block is the number of entries per block of columns; zero means
	// medianBlock (tests set it small to exercise block boundaries).
	block int
	// count[j] is the number of non-zero entries of column j of W in rows
	// with positive active stake; buildWeights fills it.
	count  []int32
	rows   []int32        // uids with positive active stake
	stake  []fixed.I32F32 // their stakes, renormalised
	cursor []int          // per row: its first entry not yet gathered
	seg    []int          // per column of the block: start of its segment in buf
	fill   []int          // per column of the block: end of its segment so far
	buf    []entry        // the block's segments, each with a slot for the zeros
	tmp    []entry        // scratch for the selection
}

// weightedMedianCols sets c[j] to the consensus of column j of W, weighting
// each row with positive active stake by its renormalised stake; kappa is
// the majority. c must be zero on entry.
func (ws *Workspace) weightedMedianCols(in *Input, active []fixed.I32F32, kappa fixed.I32F32, c []fixed.I32F32) {
	m := &ws.med
	m.rows, m.stake = m.rows[:0], m.stake[:0]
	for i, a := range active {
		if a.Sign() > 0 {
			m.rows = append(m.rows, int32(i))
			m.stake = append(m.stake, a)
		}
	}
	if len(m.rows) == 0 {
		return // no validator: every consensus is zero
	}
	normalize(m.stake)
	sigma := fixed.SumI32F32(m.stake).Bits()
	minority := sigma - kappa.Bits()
	cursor := zeroed(&m.cursor, len(m.rows))

	block := medianBlock
	if m.block > 0 {
		block = m.block
	}
	n := len(c)
	for j0 := 0; j0 < n; {
		// The block: columns j0..j1-1, as many as fit in block entries (at
		// least one), each with one more slot for its zeros.
		size, j1 := 0, j0
		for j1 < n && (j1 == j0 || size+int(m.count[j1])+1 <= block) {
			size += int(m.count[j1]) + 1
			j1++
		}
		seg := sized(&m.seg, j1-j0)
		fill := sized(&m.fill, j1-j0)
		at := 0
		for j := j0; j < j1; j++ {
			seg[j-j0], fill[j-j0] = at, at
			at += int(m.count[j]) + 1
		}
		buf := sized(&m.buf, at)

		// Gather: each row's entries in the block's columns, from where the
		// previous block stopped.
		for r, i := range m.rows {
			row, vals := ws.weightRow(in, int(i))
			st := m.stake[r].Bits()
			k := cursor[r]
			for ; k < len(row) && int(row[k].UID) < j1; k++ {
				if v := vals[k].Bits(); v != 0 {
					f := &fill[int(row[k].UID)-j0]
					buf[*f] = entry{score: v, stake: st}
					*f++
				}
			}
			cursor[r] = k
		}

		for j := j0; j < j1; j++ {
			col := buf[seg[j-j0]:fill[j-j0]]
			if len(col) == 0 {
				continue // every score is zero
			}
			if zeros := len(m.rows) - len(col); zeros > 0 {
				zeroStake := sigma
				for _, e := range col {
					zeroStake -= e.stake
				}
				col = col[:len(col)+1]
				col[len(col)-1] = entry{score: 0, stake: zeroStake}
			}
			c[j] = fixed.I32F32FromBits(weightedQuantile(col, sized(&m.tmp, len(col)), minority, sigma))
		}
		j0 = j1
	}
}

// weightedQuantile returns what the reference's weighted median returns for
// the entries of col, whose stakes total sigma (see the file comment): the
// smallest score v such that the entries with scores <= v hold more than
// minority, the smallest score if minority < 0, the largest if
// minority >= sigma. col must not be empty; its order is lost. tmp is
// scratch space of the same length.
func weightedQuantile(col, tmp []entry, minority, sigma int64) int64 {
	switch {
	case minority < 0:
		lo := col[0].score
		for _, e := range col {
			lo = min(lo, e.score)
		}
		return lo
	case minority >= sigma:
		hi := col[0].score
		for _, e := range col {
			hi = max(hi, e.score)
		}
		return hi
	}
	// Quickselect. Invariant: the answer is a score in a, the entries
	// below every score in a hold below <= minority, and below plus a's
	// stake exceeds minority.
	a, b := col, tmp
	below := int64(0)
	for len(a) > 1 {
		pivot := a[len(a)/2].score
		// One pass splits a into the scores below the pivot (kept at the
		// front of a) and above it (written to b), in order, and sums the
		// stakes below and at the pivot; it is written without
		// data-dependent branches, which would mispredict on half of the
		// entries.
		var ltStake, eqStake int64
		nl, nu := 0, 0
		for _, e := range a {
			lt, gt := b2i(e.score < pivot), b2i(e.score > pivot)
			a[nl], b[nu] = e, e
			ltStake += e.stake & -int64(lt)
			eqStake += e.stake & (int64(lt|gt) - 1)
			nl += lt
			nu += gt
		}
		switch {
		case below+ltStake > minority:
			a = a[:nl]
		case below+ltStake+eqStake > minority:
			return pivot
		default:
			below += ltStake + eqStake
			a, b = b[:nu], a
		}
	}
	return a[0].score
}
