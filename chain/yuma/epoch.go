package yuma

// This file is the sparse epoch, spec/chain.md §4.3 step by step. Matrices
// are kept in compressed sparse rows (csr); every pass is over the stored
// entries, so the cost is O(n log n + entries). All sums are exact integer
// sums of fixed-point bits, so the order in which entries are visited never
// changes a result.

import (
	"cmp"
	"slices"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

// csr is a sparse n×n matrix in compressed sparse rows: row i's entries are
// col[start[i]:start[i+1]] and val[start[i]:start[i+1]], sorted by column.
type csr struct {
	start []int32
	col   []uint16
	val   []fixed.I32F32
}

func (m *csr) row(i int) (cols []uint16, vals []fixed.I32F32) {
	a, b := m.start[i], m.start[i+1]
	return m.col[a:b], m.val[a:b]
}

var (
	zero  = fixed.I32F32{}
	one   = fixed.NewI32F32(1)
	u16Mx = fixed.NewI32F32(65535)
)

// Epoch runs Yuma Consensus for one subnet and returns what the chain stores
// and pays. It returns an error wrapping ErrInvalidInput, naming the neuron
// and field, when the input is inconsistent; it never panics on any input.
// An empty subnet gives an empty output.
func Epoch(in *Input) (*Output, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	n := len(in.Stake)
	out := newOutput(n)
	if n == 0 {
		return out, nil
	}

	// 1. Activity.
	inactive := make([]bool, n)
	for i, lu := range in.LastUpdate {
		inactive[i] = lu+uint64(in.ActivityCutoff) < in.Block
		out.Active[i] = !inactive[i]
	}

	// 2. Stake, normalised in I64F64 and truncated to I32F32.
	stake := normalizedStake(in.Stake)

	// 3. New permits.
	isTopK(stake, int(in.MaxAllowedValidators), out.ValidatorPermit)

	// 4. Active stake: masked by activity and by the old permits.
	active := make([]fixed.I32F32, n)
	for i := range active {
		if !inactive[i] && in.ValidatorPermit[i] {
			active[i] = stake[i]
		}
	}
	normalize(active)

	// 5. Weights: permitted rows, no diagonal, no outdated entries,
	// row-normalised.
	w := buildMatrix(in, in.Weights, true)
	for i := range n {
		_, vals := w.row(i)
		if s := fixed.SumI32F32(vals); s.Sign() > 0 {
			for k := range vals {
				vals[k] = vals[k].Div(s)
			}
		}
	}

	// 6. Pre-ranks.
	preranks := matmul(&w, active, n)

	// 7. Consensus: stake-weighted median of each column.
	kappa := fixed.NewI32F32(int64(in.Kappa)).Div(u16Mx)
	consensus := weightedMedianCols(active, &w, n, kappa)

	// 8. Clip weights at consensus (dropping entries clipped to 0).
	clipColumns(&w, consensus)

	// 9. Validator trust.
	vtrust := make([]fixed.I32F32, n)
	for i := range n {
		_, vals := w.row(i)
		vtrust[i] = fixed.SumI32F32(vals)
	}

	// 10. Ranks, trust, incentive.
	ranks := matmul(&w, active, n)
	trust := make([]fixed.I32F32, n)
	for j := range n {
		if !preranks[j].IsZero() {
			trust[j] = ranks[j].Div(preranks[j])
		}
	}
	normalize(ranks)
	incentive := ranks

	// 11. Bonds: outdated entries dropped, column-normalised.
	colSum := make([]fixed.I32F32, n)
	bonds := buildMatrix(in, in.Bonds, false)
	colNormalize(&bonds, colSum)

	// 12. Bond deltas ΔB = W∘A, column-normalised (same shape as w).
	delta := csr{start: w.start, col: w.col, val: make([]fixed.I32F32, len(w.val))}
	for i := range n {
		a, b := w.start[i], w.start[i+1]
		for k := a; k < b; k++ {
			delta.val[k] = w.val[k].Mul(active[i])
		}
	}
	colNormalize(&delta, colSum)

	// 13. EMA of bonds, positive entries kept, column-normalised.
	bma := fixed.I64F64FromUint64(in.BondsMovingAverage).Div(fixed.NewI64F64(1_000_000))
	alpha := one.Sub(bma.ToI32F32())
	ema := emaBonds(&delta, &bonds, alpha, n)
	colNormalize(&ema, colSum)

	// 14. Dividends.
	dividends := make([]fixed.I32F32, n)
	for i := range n {
		cols, vals := ema.row(i)
		var d fixed.I32F32
		for k, j := range cols {
			d = d.Add(incentive[j].Mul(vals[k]))
		}
		dividends[i] = d
	}
	normalize(dividends)

	// 15. Emission shares.
	combined := make([]fixed.I32F32, n)
	for i := range n {
		combined[i] = incentive[i].Add(dividends[i])
	}
	sum := fixed.SumI32F32(combined)
	server := make([]fixed.I32F32, n)
	validator := make([]fixed.I32F32, n)
	copy(server, incentive)
	copy(validator, dividends)
	if !sum.IsZero() {
		for i := range n {
			server[i] = server[i].Div(sum)
			validator[i] = validator[i].Div(sum)
			combined[i] = combined[i].Div(sum)
		}
	} else {
		// No weight counted: validators are paid by active stake, or by raw
		// stake if no stake is active.
		fallback := active
		if fixed.SumI32F32(active).IsZero() {
			fallback = stake
		}
		copy(validator, fallback)
		copy(combined, fallback)
	}

	// 16. RAO amounts, floored.
	e := fixed.I96F32FromUint64(in.Emission)
	for i := range n {
		out.ServerEmission[i] = server[i].ToI96F32().Mul(e).ToU64()
		out.ValidatorEmission[i] = validator[i].ToI96F32().Mul(e).ToU64()
		out.Emission[i] = combined[i].ToI96F32().Mul(e).ToU64()
	}

	// 17. Stored vectors.
	for i := range n {
		out.Rank[i] = u16Prop(ranks[i])
		out.Trust[i] = u16Prop(trust[i])
		out.Consensus[i] = u16Prop(consensus[i])
		out.Incentive[i] = u16Prop(incentive[i])
		out.Dividends[i] = u16Prop(dividends[i])
		out.ValidatorTrust[i] = u16Prop(vtrust[i])
	}
	maxUpscaleInto(combined, out.PruningScore)

	// 18. Bonds: column-max-upscaled EMA for uids with a new permit, an
	// empty row for uids that lost theirs.
	colMaxUpscale(&ema, colSum)
	pairs := make([]Pair, 0, len(ema.val))
	for i := range n {
		switch {
		case out.ValidatorPermit[i]:
			cols, vals := ema.row(i)
			start := len(pairs)
			for k, j := range cols {
				pairs = append(pairs, Pair{UID: j, Value: u16Prop(vals[k])})
			}
			out.Bonds[i] = pairs[start:len(pairs):len(pairs)]
			out.BondsChanged[i] = true
		case in.ValidatorPermit[i]:
			out.Bonds[i] = []Pair{}
			out.BondsChanged[i] = true
		}
	}
	return out, nil
}

func newOutput(n int) *Output {
	u16s := make([]uint16, 8*n)
	u64s := make([]uint64, 3*n)
	bools := make([]bool, 3*n)
	return &Output{
		Active:            bools[0:n:n],
		ValidatorPermit:   bools[n : 2*n : 2*n],
		BondsChanged:      bools[2*n:],
		Rank:              u16s[0:n:n],
		Trust:             u16s[n : 2*n : 2*n],
		Consensus:         u16s[2*n : 3*n : 3*n],
		Incentive:         u16s[3*n : 4*n : 4*n],
		Dividends:         u16s[4*n : 5*n : 5*n],
		ValidatorTrust:    u16s[5*n : 6*n : 6*n],
		PruningScore:      u16s[6*n : 7*n : 7*n],
		Emission:          u64s[0:n:n],
		ServerEmission:    u64s[n : 2*n : 2*n],
		ValidatorEmission: u64s[2*n:],
		Bonds:             make([][]Pair, n),
	}
}

// normalizedStake returns stake_i / Σstake computed in I64F64 and truncated
// to I32F32 (all zero when the total is zero). The caller has checked that
// the total is below 2^63.
func normalizedStake(stakes []uint64) []fixed.I32F32 {
	var total fixed.I64F64
	for _, s := range stakes {
		total = total.Add(fixed.I64F64FromUint64(s))
	}
	out := make([]fixed.I32F32, len(stakes))
	if total.IsZero() {
		return out
	}
	for i, s := range stakes {
		out[i] = fixed.I64F64FromUint64(s).Div(total).ToI32F32()
	}
	return out
}

// isTopK marks the k largest values of v in permit. Values are stable-sorted
// ascending and the first n-k lose, so among equal values the higher uids
// win. If n < k every uid wins.
func isTopK(v []fixed.I32F32, k int, permit []bool) {
	n := len(v)
	for i := range permit {
		permit[i] = true
	}
	if n < k {
		return
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return v[a].Cmp(v[b]) })
	for _, i := range idx[:n-k] {
		permit[i] = false
	}
}

// normalize divides v by its sum in place, unless the sum is zero.
func normalize(v []fixed.I32F32) {
	s := fixed.SumI32F32(v)
	if s.IsZero() {
		return
	}
	for i := range v {
		v[i] = v[i].Div(s)
	}
}

// buildMatrix converts stored u16 rows to I32F32 (raw integer values, not
// divided by 65535). It drops the entries (i, j) that are outdated
// (lastUpdate[i] <= registeredAt[j]) and, if forWeights, whole rows without
// an old permit and the diagonal.
func buildMatrix(in *Input, rows [][]Pair, forWeights bool) csr {
	n := len(in.Stake)
	total := 0
	for _, r := range rows {
		total += len(r)
	}
	m := csr{start: make([]int32, n+1), col: make([]uint16, total), val: make([]fixed.I32F32, total)}
	w := int32(0)
	for i := range n {
		if i < len(rows) && (!forWeights || in.ValidatorPermit[i]) {
			lu := in.LastUpdate[i]
			for _, p := range rows[i] {
				keep := lu > in.RegisteredAt[p.UID] && (!forWeights || int(p.UID) != i)
				m.col[w], m.val[w] = p.UID, fixed.NewI32F32(int64(p.Value))
				w += int32(b2i(keep))
			}
		}
		m.start[i+1] = w
	}
	m.col, m.val = m.col[:w], m.val[:w]
	return m
}

// matmul returns r_j = Σ_i v_i·m_ij, each product floored.
func matmul(m *csr, v []fixed.I32F32, n int) []fixed.I32F32 {
	r := make([]fixed.I32F32, n)
	for i := range n {
		cols, vals := m.row(i)
		for k, j := range cols {
			r[j] = r[j].Add(v[i].Mul(vals[k]))
		}
	}
	return r
}

// clipColumns replaces every entry above its column's consensus by the
// consensus, dropping it when the consensus is zero, and compacts m. The
// loop has no data-dependent branches: consensus clips about half of the
// entries, which a branch would mispredict.
func clipColumns(m *csr, c []fixed.I32F32) {
	w := int32(0)
	a := int32(0)
	for i := 0; i+1 < len(m.start); i++ {
		b := m.start[i+1]
		for k := a; k < b; k++ {
			j, v := m.col[k], m.val[k].Bits()
			cj := c[j].Bits()
			clipped := cj < v
			if clipped {
				v = cj
			}
			m.col[w], m.val[w] = j, fixed.I32F32FromBits(v)
			w += int32(b2i(!clipped || cj > 0))
		}
		a = b
		m.start[i+1] = w
	}
	m.col, m.val = m.col[:w], m.val[:w]
}

// colNormalize divides each entry by its column's sum, unless the sum is
// zero. sum is scratch space of length n.
func colNormalize(m *csr, sum []fixed.I32F32) {
	clear(sum)
	for k, j := range m.col {
		sum[j] = sum[j].Add(m.val[k])
	}
	for k, j := range m.col {
		if !sum[j].IsZero() {
			m.val[k] = m.val[k].Div(sum[j])
		}
	}
}

// colMaxUpscale divides each entry by its column's maximum, unless the
// maximum is zero. max is scratch space of length n.
func colMaxUpscale(m *csr, max []fixed.I32F32) {
	clear(max)
	for k, j := range m.col {
		if max[j].Cmp(m.val[k]) < 0 {
			max[j] = m.val[k]
		}
	}
	for k, j := range m.col {
		if !max[j].IsZero() {
			m.val[k] = m.val[k].Div(max[j])
		}
	}
}

// emaBonds returns α·ΔB + (1-α)·B entry by entry (each product floored),
// keeping the positive entries. Rows of both inputs are sorted by column,
// so each output row is a merge.
func emaBonds(delta, bonds *csr, alpha fixed.I32F32, n int) csr {
	oneMinus := one.Sub(alpha)
	ema := csr{
		start: make([]int32, n+1),
		col:   make([]uint16, 0, len(delta.col)+len(bonds.col)),
		val:   make([]fixed.I32F32, 0, len(delta.col)+len(bonds.col)),
	}
	for i := range n {
		dc, dv := delta.row(i)
		bc, bv := bonds.row(i)
		p, q := 0, 0
		for p < len(dc) || q < len(bc) {
			var j uint16
			var v fixed.I32F32
			switch {
			case q == len(bc) || (p < len(dc) && dc[p] < bc[q]):
				j, v = dc[p], alpha.Mul(dv[p])
				p++
			case p == len(dc) || bc[q] < dc[p]:
				j, v = bc[q], oneMinus.Mul(bv[q])
				q++
			default:
				j, v = dc[p], alpha.Mul(dv[p]).Add(oneMinus.Mul(bv[q]))
				p++
				q++
			}
			if v.Sign() > 0 {
				ema.col = append(ema.col, j)
				ema.val = append(ema.val, v)
			}
		}
		ema.start[i+1] = int32(len(ema.col))
	}
	return ema
}

// u16Prop converts a proportion to u16: floor(x·65535), wrapping.
func u16Prop(x fixed.I32F32) uint16 { return x.Mul(u16Mx).ToU16() }

// compareUID orders pairs by uid.
func compareUID(a, b Pair) int { return cmp.Compare(a.UID, b.UID) }
