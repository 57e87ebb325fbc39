package yuma

// epochDense is the naive reference: the reference runtime's epoch_dense,
// over full n×n matrices, written independently of the sparse code (only
// the fixed-point primitives are shared). The sparse Epoch must give the
// same numbers; dense bond rows hold all n entries, zeros included.

import (
	"sort"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

type denseOutput struct {
	out       *Output
	bondsRows [][]uint16 // written rows (n entries) or nil
}

func denseNormalize(v []fixed.I32F32) {
	var s fixed.I32F32
	for _, x := range v {
		s = s.Add(x)
	}
	if s.IsZero() {
		return
	}
	for i := range v {
		v[i] = v[i].Div(s)
	}
}

func denseMatrix(n int) [][]fixed.I32F32 {
	m := make([][]fixed.I32F32, n)
	for i := range m {
		m[i] = make([]fixed.I32F32, n)
	}
	return m
}

func denseColNormalize(m [][]fixed.I32F32) {
	n := len(m)
	for j := range n {
		var s fixed.I32F32
		for i := range n {
			s = s.Add(m[i][j])
		}
		if s.IsZero() {
			continue
		}
		for i := range n {
			m[i][j] = m[i][j].Div(s)
		}
	}
}

// denseWeightedMedian is the reference's recursive weighted_median.
func denseWeightedMedian(stake, score []fixed.I32F32, part []int, minority, lo, hi fixed.I32F32) fixed.I32F32 {
	if len(part) == 0 {
		return fixed.I32F32{}
	}
	if len(part) == 1 {
		return score[part[0]]
	}
	pivot := score[part[len(part)/2]]
	var loStake, hiStake fixed.I32F32
	var lower, upper []int
	for _, idx := range part {
		switch score[idx].Cmp(pivot) {
		case -1:
			loStake = loStake.Add(stake[idx])
			lower = append(lower, idx)
		case 1:
			hiStake = hiStake.Add(stake[idx])
			upper = append(upper, idx)
		}
	}
	switch {
	case lo.Add(loStake).Cmp(minority) <= 0 && minority.Cmp(hi.Sub(hiStake)) < 0:
		return pivot
	case minority.Cmp(lo.Add(loStake)) < 0 && len(lower) > 0:
		return denseWeightedMedian(stake, score, lower, minority, lo, lo.Add(loStake))
	case hi.Sub(hiStake).Cmp(minority) <= 0 && len(upper) > 0:
		return denseWeightedMedian(stake, score, upper, minority, hi.Sub(hiStake), hi)
	}
	return pivot
}

// denseWeightedMedianCol is the reference's weighted_median_col.
func denseWeightedMedianCol(stake []fixed.I32F32, w [][]fixed.I32F32, majority fixed.I32F32) []fixed.I32F32 {
	n := len(stake)
	median := make([]fixed.I32F32, n)
	for c := range n {
		var useStake, useScore []fixed.I32F32
		for r := range n {
			if stake[r].Sign() > 0 {
				useStake = append(useStake, stake[r])
				useScore = append(useScore, w[r][c])
			}
		}
		if len(useStake) == 0 {
			continue
		}
		denseNormalize(useStake)
		var sum fixed.I32F32
		for _, s := range useStake {
			sum = sum.Add(s)
		}
		part := make([]int, len(useStake))
		for i := range part {
			part[i] = i
		}
		median[c] = denseWeightedMedian(useStake, useScore, part, sum.Sub(majority), fixed.I32F32{}, sum)
	}
	return median
}

func epochDense(in *Input) denseOutput {
	n := len(in.Stake)
	out := newOutput(n)
	u16max := fixed.NewI32F32(65535)
	prop := func(x fixed.I32F32) uint16 { return x.Mul(u16max).ToU16() }

	inactive := make([]bool, n)
	for i := range n {
		inactive[i] = in.LastUpdate[i]+uint64(in.ActivityCutoff) < in.Block
		out.Active[i] = !inactive[i]
	}
	outdated := func(i, j int) bool { return in.LastUpdate[i] <= in.RegisteredAt[j] }

	var total fixed.I64F64
	for _, s := range in.Stake {
		total = total.Add(fixed.I64F64FromUint64(s))
	}
	stake := make([]fixed.I32F32, n)
	for i, s := range in.Stake {
		x := fixed.I64F64FromUint64(s)
		if !total.IsZero() {
			x = x.Div(total)
		}
		stake[i] = x.ToI32F32()
	}

	// is_topk: stable ascending sort, the first n-k lose.
	k := int(in.MaxAllowedValidators)
	for i := range n {
		out.ValidatorPermit[i] = true
	}
	if n >= k {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return stake[idx[a]].Cmp(stake[idx[b]]) < 0 })
		for _, i := range idx[:n-k] {
			out.ValidatorPermit[i] = false
		}
	}

	active := make([]fixed.I32F32, n)
	copy(active, stake)
	for i := range n {
		if inactive[i] || !in.ValidatorPermit[i] {
			active[i] = fixed.I32F32{}
		}
	}
	denseNormalize(active)

	w := denseMatrix(n)
	if in.Weights != nil {
		for i, row := range in.Weights {
			for _, p := range row {
				w[i][p.UID] = fixed.NewI32F32(int64(p.Value))
			}
		}
	}
	for i := range n {
		for j := range n {
			if !in.ValidatorPermit[i] || i == j || outdated(i, j) {
				w[i][j] = fixed.I32F32{}
			}
		}
		var s fixed.I32F32
		for j := range n {
			s = s.Add(w[i][j])
		}
		if s.Sign() > 0 {
			for j := range n {
				w[i][j] = w[i][j].Div(s)
			}
		}
	}
	matmul := func(m [][]fixed.I32F32, v []fixed.I32F32) []fixed.I32F32 {
		r := make([]fixed.I32F32, n)
		for i := range n {
			for j := range n {
				r[j] = r[j].Add(v[i].Mul(m[i][j]))
			}
		}
		return r
	}
	preranks := matmul(w, active)
	kappa := fixed.NewI32F32(int64(in.Kappa)).Div(u16max)
	consensus := denseWeightedMedianCol(active, w, kappa)
	for i := range n {
		for j := range n {
			if w[i][j].Cmp(consensus[j]) > 0 {
				w[i][j] = consensus[j]
			}
		}
	}
	vtrust := make([]fixed.I32F32, n)
	for i := range n {
		for j := range n {
			vtrust[i] = vtrust[i].Add(w[i][j])
		}
	}
	ranks := matmul(w, active)
	trust := make([]fixed.I32F32, n)
	for j := range n {
		if !preranks[j].IsZero() {
			trust[j] = ranks[j].Div(preranks[j])
		}
	}
	denseNormalize(ranks)
	incentive := ranks

	b := denseMatrix(n)
	if in.Bonds != nil {
		for i, row := range in.Bonds {
			for _, p := range row {
				b[i][p.UID] = fixed.NewI32F32(int64(p.Value))
			}
		}
	}
	for i := range n {
		for j := range n {
			if outdated(i, j) {
				b[i][j] = fixed.I32F32{}
			}
		}
	}
	denseColNormalize(b)
	delta := denseMatrix(n)
	for i := range n {
		for j := range n {
			delta[i][j] = active[i].Mul(w[i][j])
		}
	}
	denseColNormalize(delta)
	bma := fixed.I64F64FromUint64(in.BondsMovingAverage).Div(fixed.NewI64F64(1_000_000))
	alpha := fixed.NewI32F32(1).Sub(bma.ToI32F32())
	oneMinus := fixed.NewI32F32(1).Sub(alpha)
	ema := denseMatrix(n)
	for i := range n {
		for j := range n {
			ema[i][j] = alpha.Mul(delta[i][j]).Add(oneMinus.Mul(b[i][j]))
		}
	}
	denseColNormalize(ema)
	dividends := make([]fixed.I32F32, n)
	for i := range n {
		for j := range n {
			dividends[i] = dividends[i].Add(incentive[j].Mul(ema[i][j]))
		}
	}
	denseNormalize(dividends)

	combined := make([]fixed.I32F32, n)
	var sum fixed.I32F32
	for i := range n {
		combined[i] = incentive[i].Add(dividends[i])
		sum = sum.Add(combined[i])
	}
	server := append([]fixed.I32F32(nil), incentive...)
	validator := append([]fixed.I32F32(nil), dividends...)
	if !sum.IsZero() {
		for i := range n {
			server[i] = server[i].Div(sum)
			validator[i] = validator[i].Div(sum)
		}
	}
	denseNormalize(combined)
	if sum.IsZero() {
		var as fixed.I32F32
		for _, a := range active {
			as = as.Add(a)
		}
		src := active
		if as.IsZero() {
			src = stake
		}
		copy(validator, src)
		copy(combined, src)
	}
	e := fixed.I96F32FromUint64(in.Emission)
	for i := range n {
		out.ServerEmission[i] = server[i].ToI96F32().Mul(e).ToU64()
		out.ValidatorEmission[i] = validator[i].ToI96F32().Mul(e).ToU64()
		out.Emission[i] = combined[i].ToI96F32().Mul(e).ToU64()
		out.Rank[i] = prop(ranks[i])
		out.Trust[i] = prop(trust[i])
		out.Consensus[i] = prop(consensus[i])
		out.Incentive[i] = prop(incentive[i])
		out.Dividends[i] = prop(dividends[i])
		out.ValidatorTrust[i] = prop(vtrust[i])
	}
	copy(out.PruningScore, MaxUpscaleU16(combined))

	// inplace_col_max_upscale, then full rows for new permits.
	for j := range n {
		var m fixed.I32F32
		for i := range n {
			if m.Cmp(ema[i][j]) < 0 {
				m = ema[i][j]
			}
		}
		if m.IsZero() {
			continue
		}
		for i := range n {
			ema[i][j] = ema[i][j].Div(m)
		}
	}
	rows := make([][]uint16, n)
	for i := range n {
		switch {
		case out.ValidatorPermit[i]:
			rows[i] = make([]uint16, n)
			for j := range n {
				rows[i][j] = prop(ema[i][j])
			}
			out.BondsChanged[i] = true
		case in.ValidatorPermit[i]:
			rows[i] = []uint16{}
			out.BondsChanged[i] = true
		}
	}
	return denseOutput{out: out, bondsRows: rows}
}
