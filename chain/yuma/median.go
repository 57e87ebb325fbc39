package yuma

// This file computes consensus, the stake-weighted median of each column of
// the weight matrix (the reference's weighted_median_col_sparse, math.rs),
// without following the
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
// each column's quantile is selected in time linear in its entries: a
// histogram of stake over the top bits of the scores finds the range that
// holds it, and a quickselect weighted by stake finds it there.
//
// An entry is packed into one uint64 key, score<<16 | r, where r is the
// validator's position among those with positive stake (the merged zeros
// take position len(rows)), and the stake is looked up by r. This is exact
// because every score of W lies in [0, 2^48): a stored u16 times 2^32,
// divided by an integer row sum of at least one, or left as it is (see
// buildWeights), and r < 2^16. Keys are unique and ordered by score first,
// and the smallest key whose cumulative stake exceeds minority has the
// score v* (the keys with smaller scores hold at most minority, and the
// largest key with score v* holds more), so the selection works on keys.

import (
	"math/bits"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// medianBlock is the number of keys gathered per block of columns: 512 KB,
// which stay in the second-level cache while their columns' medians are
// selected.
const medianBlock = 1 << 16

// medianScratch is the median's part of a Workspace.
type medianScratch struct {
	// block is the number of keys per block of columns; zero means
	// medianBlock (tests set it small to exercise block boundaries).
	block int
	// count[j] is the number of non-zero entries of column j of W in rows
	// with positive active stake; buildWeights fills it.
	count  []int32
	rows   []int32        // uids with positive active stake
	norm   []fixed.I32F32 // their stakes, renormalised
	stake  []int64        // the same as bits, and a last slot for a column's zeros
	cursor []int          // per row: its first entry not yet gathered
	seg    []int          // per column of the block: start of its segment in buf
	fill   []int          // per column of the block: end of its segment so far
	buf    []uint64       // the block's segments of keys, each with a slot for the zeros
	tmp    []uint64       // scratch for the selection
}

// weightedMedianCols sets c[j] to the consensus of column j of W, weighting
// each row with positive active stake by its renormalised stake; kappa is
// the majority. c must be zero on entry.
func (ws *Workspace) weightedMedianCols(in *Input, active []fixed.I32F32, kappa fixed.I32F32, c []fixed.I32F32) {
	m := &ws.med
	m.rows, m.norm = m.rows[:0], m.norm[:0]
	for i, a := range active {
		if a.Sign() > 0 {
			m.rows = append(m.rows, int32(i))
			m.norm = append(m.norm, a)
		}
	}
	if len(m.rows) == 0 {
		return // no validator: every consensus is zero
	}
	normalize(m.norm)
	zeroSlot := len(m.rows)
	stake := sized(&m.stake, zeroSlot+1)
	for r, s := range m.norm {
		stake[r] = s.Bits()
	}
	sigma := fixed.SumI32F32(m.norm).Bits()
	minority := sigma - kappa.Bits()
	cursor := zeroed(&m.cursor, len(m.rows))

	block := medianBlock
	if m.block > 0 {
		block = m.block
	}
	n := len(c)
	for j0 := 0; j0 < n; {
		// The block: columns j0..j1-1, as many as fit in block keys (at
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
			cursor[r] = gather(row, vals, cursor[r], j0, j1, uint64(r), fill, buf)
		}

		for j := j0; j < j1; j++ {
			col := buf[seg[j-j0]:fill[j-j0]]
			if len(col) == 0 {
				continue // every score is zero
			}
			if len(col) < len(m.rows) {
				zeroStake := sigma
				for _, key := range col {
					zeroStake -= stake[key&0xffff]
				}
				stake[zeroSlot] = zeroStake
				col = col[:len(col)+1]
				col[len(col)-1] = uint64(zeroSlot)
			}
			c[j] = fixed.I32F32FromBits(weightedQuantile(col, sized(&m.tmp, len(col)), stake, minority, sigma))
		}
		j0 = j1
	}
}

// gather appends the keys of a row's non-zero entries in columns j0..j1-1,
// from its k-th entry on, to their columns' segments in buf (fill holds
// each segment's end), and returns the index of the row's first entry
// beyond the block.
func gather(row []Pair, vals []fixed.I32F32, k, j0, j1 int, r uint64, fill []int, buf []uint64) int {
	vals = vals[:len(row)]
	for ; k < len(row) && int(row[k].UID) < j1; k++ {
		if v := vals[k].Bits(); v != 0 {
			f := &fill[int(row[k].UID)-j0]
			buf[*f] = uint64(v)<<16 | r
			*f++
		}
	}
	return k
}

// weightedQuantile returns what the reference's weighted median returns for
// a column whose entries are the keys in col (score<<16 | r, unique) with
// stakes stake[r] totalling sigma (see the file comment): the smallest
// score v such that the entries with scores <= v hold more than minority,
// the smallest score if minority < 0 and the largest if minority >= sigma.
// col must not be empty; its order is lost. tmp is scratch space of the same
// length.
func weightedQuantile(col, tmp []uint64, stake []int64, minority, sigma int64) int64 {
	switch {
	case minority < 0:
		lo := col[0]
		for _, k := range col {
			lo = min(lo, k)
		}
		return int64(lo >> 16)
	case minority >= sigma:
		hi := col[0]
		for _, k := range col {
			hi = max(hi, k)
		}
		return int64(hi >> 16)
	}
	// A histogram of the keys' stake over 256 buckets of their top bits
	// finds the bucket holding the answer: the keys of the buckets below it
	// hold below <= minority, and with it more. For scores spread over
	// their range (as weights are), it holds a few keys, and only those go
	// through the quickselect.
	top := col[0]
	for _, k := range col {
		top = max(top, k)
	}
	shift := uint(max(bits.Len64(top), 8) - 8)
	var hist [256]int64
	for _, k := range col {
		hist[k>>shift] += stake[k&0xffff]
	}
	below, bucket := int64(0), uint64(0)
	for ; below+hist[bucket] <= minority; bucket++ {
		below += hist[bucket]
	}
	n := 0
	for _, k := range col {
		tmp[n] = k
		n += b2i(k>>shift == bucket)
	}
	return quickselect(tmp[:n], col, stake, minority, below)
}

// quickselect is weightedQuantile's selection of the smallest key of a
// whose cumulative stake, added to below, exceeds minority (the keys below
// every key of a hold below <= minority, and below plus a's stake exceeds
// minority). It reorders a and uses b, at least as long, as scratch.
func quickselect(a, b []uint64, stake []int64, minority, below int64) int64 {
	// Invariant: the answer is a key in a, the keys below every key in a
	// hold below <= minority, and below plus a's stake exceeds minority.
	for len(a) > 1 {
		pivot := a[len(a)/2]
		// One pass splits a into the keys below the pivot (kept at the
		// front of a) and above it (written to b) and sums the stake below;
		// it is written without data-dependent branches, which would
		// mispredict on half of the keys.
		var lt int64
		nl, nu := 0, 0
		for _, k := range a {
			l, g := b2i(k < pivot), b2i(k > pivot)
			a[nl], b[nu] = k, k
			lt += stake[k&0xffff] & -int64(l)
			nl += l
			nu += g
		}
		at := stake[pivot&0xffff]
		switch {
		case below+lt > minority:
			a = a[:nl]
		case below+lt+at > minority:
			return int64(pivot >> 16)
		default:
			below += lt + at
			a, b = b[:nu], a
		}
	}
	return int64(a[0] >> 16)
}
