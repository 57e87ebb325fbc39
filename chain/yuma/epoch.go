package yuma

// This file is the sparse epoch. The steps are the reference's (epoch() in
// pallets/subtensor/src/epoch.rs, in its order: 1 activity, 2 normalised
// stake, 3 new permits, 4 active stake, 5 masked and row-normalised weights,
// 6 pre-ranks, 7 consensus, 8 clipped weights, 9 validator trust, 10 ranks,
// trust and incentive, 11 masked and column-normalised bonds, 12 ΔB,
// 13 bonds' moving average, 14 dividends, 15 emission shares, 16 RAO,
// 17 neuron writes, 18 bond writes), but instead of building one sparse
// matrix per step it makes a few passes over the stored entries, each doing
// the work of several steps:
//
//	A  weights: mask, row-normalise, pre-ranks, median column counts (5-6)
//	   bonds: column sums of the masked bonds (11)
//	M  consensus, the stake-weighted median of each column (7, median.go)
//	C  weights: clip, validator trust, ranks, ΔB = W∘A (8-10, 12)
//	D  rows of W and B merged: EMA of the column-normalised ΔB and B (13)
//	E  EMA: column-normalise, dividends, column maxima (13-14, 18)
//	F  new bond rows, column-max-upscaled (18)
//
// Three facts make this exact:
//
//   - All sums are exact (wrapping) integer sums of fixed-point bits, so the
//     order in which a pass visits the entries never changes a result.
//   - W is kept aligned with the stored weight rows: an entry the reference
//     drops (the diagonal, outdated entries) is kept as a zero. A zero entry
//     and a missing one are the same to every step: it adds nothing to a
//     sum or a product, stays zero when normalised, counts as the zero score
//     the reference's median gives a missing entry, stays zero when clipped
//     (kept if the consensus is >= 0, dropped like a missing entry if it is
//     negative, as the reference drops entries above a non-positive
//     consensus), and the EMA keeps only positive entries.
//   - The column sums of ΔB = W∘A (each product A_i·W_ij floored) are the
//     ranks before normalisation, which step 10 computes from the same
//     products.
//
// Column normalisations divide by each column's sum "unless it is zero";
// the passes divide by a copy of the sums with zeros replaced by one, which
// leaves a value unchanged exactly: trunc(x·2^32 / 2^32) = x.
//
// The inner loop of each pass (one row) is a function of its own, with the
// slices it needs as arguments: with the outer loop's variables out of the
// way, the compiler keeps the loop's values in registers instead of
// spilling them, which makes the epoch about 10% faster.

import (
	"cmp"
	"slices"

	"github.com/go-bittensor/bittensor/chain/fixed"
)

var (
	one   = fixed.NewI32F32(1)
	u16Mx = fixed.NewI32F32(65535)
)

// Workspace holds the scratch memory of the epoch, so that a caller running
// many epochs (the chain runs one per subnet per tempo) reuses it instead of
// allocating and zeroing tens of megabytes each time: for n = 4096 with a
// million weights and a million bonds it holds about 20 MB. The zero value
// is ready to use.
//
// A Workspace carries no state from one epoch to the next besides memory:
// the result of w.Epoch(in) depends only on in. The Output never shares
// memory with the Workspace, so it stays valid after later epochs. A
// Workspace must not be used by two goroutines at once; use one per
// goroutine.
type Workspace struct {
	// Per-neuron vectors, indexed by uid.
	inactive  []bool
	stake     []fixed.I32F32 // S: normalised stake
	active    []fixed.I32F32 // A: normalised active stake
	preranks  []fixed.I32F32
	consensus []fixed.I32F32
	vtrust    []fixed.I32F32
	deltaSum  []fixed.I32F32 // column sums of ΔB (the ranks before normalisation); zeros replaced by one
	ranks     []fixed.I32F32 // normalised: the incentive
	trust     []fixed.I32F32
	bondSum   []fixed.I32F32 // column sums of B; zeros replaced by one
	bondDiv   []u16Divisor   // their reciprocals
	emaSum    []fixed.I32F32 // column sums of the EMA; zeros replaced by one
	emaMax    []fixed.I32F32 // column maxima of the normalised EMA; zeros replaced by one
	emaMaxDiv []propDivisor  // their reciprocals
	dividends []fixed.I32F32
	combined  []fixed.I32F32
	server    []fixed.I32F32
	validator []fixed.I32F32
	order     []int32 // isTopK's sort

	// W, aligned with the stored weight rows: row i's values are
	// w[wstart[i]:wstart[i+1]], one per entry of Weights[i] (none for rows
	// without an old permit). Pass C leaves ΔB in it, and pass D α·ΔB
	// column-normalised.
	wstart []int
	w      []fixed.I32F32

	// The EMA of bonds, in compressed sparse rows: row i's entries are
	// ecol/eval[estart[i]:estart[i+1]], sorted by column.
	estart []int
	ecol   []uint16
	eval   []fixed.I32F32

	med medianScratch
}

// Epoch runs Yuma Consensus for one subnet and returns what the chain stores
// and pays. It returns an error wrapping ErrInvalidInput, naming the neuron
// and field, when the input is inconsistent; it never panics on any input.
// An empty subnet gives an empty output. Epoch allocates its scratch memory
// afresh; callers running many epochs should keep a Workspace.
func Epoch(in *Input) (*Output, error) {
	var ws Workspace
	return ws.Epoch(in)
}

// Epoch is the package's Epoch, computed in the Workspace's memory.
func (ws *Workspace) Epoch(in *Input) (*Output, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	n := len(in.Stake)
	out := newOutput(n)
	if n == 0 {
		return out, nil
	}

	// 1. Activity.
	inactive := sized(&ws.inactive, n)
	for i, lu := range in.LastUpdate {
		inactive[i] = lu+uint64(in.ActivityCutoff) < in.Block
		out.Active[i] = !inactive[i]
	}

	// 2. Stake, normalised in I64F64 and truncated to I32F32.
	stake := sized(&ws.stake, n)
	normalizedStake(stake, in.Stake)

	// 3. New permits.
	isTopK(stake, int(in.MaxAllowedValidators), out.ValidatorPermit, sized(&ws.order, n))

	// 4. Active stake: masked by activity and by the old permits.
	active := zeroed(&ws.active, n)
	for i := range active {
		if !inactive[i] && in.ValidatorPermit[i] {
			active[i] = stake[i]
		}
	}
	normalize(active)

	// Passes A and M: W, pre-ranks, bond column sums, consensus.
	preranks := ws.buildWeights(in, active)
	ws.bondColumnSums(in)
	kappa := fixed.NewI32F32(int64(in.Kappa)).Div(u16Mx)
	consensus := zeroed(&ws.consensus, n)
	ws.weightedMedianCols(in, active, kappa, consensus)

	// Pass C, then 10: trust from the ranks before normalisation,
	// incentive = normalised ranks.
	vtrust, deltaSum := ws.clipWeights(in, active, consensus)
	trust := zeroed(&ws.trust, n)
	ranks := sized(&ws.ranks, n)
	copy(ranks, deltaSum)
	for j := range n {
		if !preranks[j].IsZero() {
			trust[j] = ranks[j].Div(preranks[j])
		}
	}
	normalize(ranks)
	incentive := ranks
	oneForZero(deltaSum)

	// Passes D, E: EMA bonds and dividends.
	bma := fixed.I64F64FromUint64(in.BondsMovingAverage).Div(fixed.NewI64F64(1_000_000))
	alpha := one.Sub(bma.ToI32F32())
	ws.emaBonds(in, alpha, deltaSum)
	dividends := ws.normalizeEMA(incentive)
	normalize(dividends)

	// 15. Emission shares.
	combined := sized(&ws.combined, n)
	for i := range n {
		combined[i] = incentive[i].Add(dividends[i])
	}
	sum := fixed.SumI32F32(combined)
	server := sized(&ws.server, n)
	validator := sized(&ws.validator, n)
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

	// Pass F.
	ws.writeBonds(in, out)
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

// weightRow returns row i of W: the stored weight row and W's values for
// its entries, or nothing for a row that W drops.
func (ws *Workspace) weightRow(in *Input, i int) ([]Pair, []fixed.I32F32) {
	vals := ws.w[ws.wstart[i]:ws.wstart[i+1]]
	if len(vals) == 0 {
		return nil, nil
	}
	return in.Weights[i], vals
}

// buildWeights is pass A over the weights (steps 5 and 6): it fills W with
// the stored rows of uids with an old permit, the diagonal and outdated
// entries (lastUpdate[i] <= registeredAt[j]) set to zero, each row divided
// by its sum when the sum is positive. In the same sweep it returns the
// pre-ranks R⁰_j = Σ_i A_i·W_ij and counts, for the median, each column's
// non-zero entries in rows with positive active stake. Every value of W
// lies in [0, 2^48): a stored u16 times 2^32, divided by an integer row sum
// of at least one, or left as it is when the sum is not positive (it can
// wrap past 2^63 only in rows of more than 32768 entries); the median
// relies on this.
func (ws *Workspace) buildWeights(in *Input, active []fixed.I32F32) (preranks []fixed.I32F32) {
	n := len(in.Stake)
	wstart := sized(&ws.wstart, n+1)
	wstart[0] = 0
	for i := range n {
		l := 0
		if in.Weights != nil && in.ValidatorPermit[i] {
			l = len(in.Weights[i])
		}
		wstart[i+1] = wstart[i] + l
	}
	sized(&ws.w, wstart[n])
	preranks = zeroed(&ws.preranks, n)
	count := zeroed(&ws.med.count, n)
	for i := range n {
		row, vals := ws.weightRow(in, i)
		sum := maskWeights(row, vals, in.RegisteredAt, in.LastUpdate[i], i)
		normalizeWeights(row, vals, sum, active[i], preranks, count)
	}
	return preranks
}

// maskWeights sets vals to row i's stored values as I32F32 integers, zero
// on the diagonal and where outdated (lastUpdate lu <= registeredAt[j]),
// and returns their sum.
func maskWeights(row []Pair, vals []fixed.I32F32, reg []uint64, lu uint64, i int) fixed.I32F32 {
	vals = vals[:len(row)]
	var sum fixed.I32F32
	for k, p := range row {
		keep := b2i(lu > reg[p.UID]) & b2i(int(p.UID) != i)
		vals[k] = fixed.NewI32F32(int64(p.Value) * int64(keep))
		sum = sum.Add(vals[k])
	}
	return sum
}

// normalizeWeights divides a row of W by its sum when the sum is positive
// (a sum wrapped past 2^63 may not be), by a reciprocal since the entries
// and the sum are integers; adds a·W_ij to the pre-ranks; and, if a > 0,
// counts the non-zero entries per column.
func normalizeWeights(row []Pair, vals []fixed.I32F32, sum, a fixed.I32F32, preranks []fixed.I32F32, count []int32) {
	vals = vals[:len(row)]
	normalized := sum.Sign() > 0
	var d u16Divisor
	if normalized {
		d = newU16Divisor(sum)
	}
	counted := int32(b2i(a.Sign() > 0))
	for k, p := range row {
		v := vals[k]
		if normalized {
			v = d.div(uint16(v.Bits() >> 32))
		}
		vals[k] = v
		preranks[p.UID] = preranks[p.UID].Add(a.Mul(v))
		count[p.UID] += counted * int32(b2i(!v.IsZero()))
	}
}

// bondColumnSums is pass A over the bonds (step 11): it computes the column
// sums of the stored bonds with outdated entries dropped, zeros replaced by
// one, in ws.bondSum, and their reciprocals in ws.bondDiv. Bond rows are not
// masked by permit or activity.
func (ws *Workspace) bondColumnSums(in *Input) {
	sum := zeroed(&ws.bondSum, len(in.Stake))
	reg := in.RegisteredAt
	for i, row := range in.Bonds {
		lu := in.LastUpdate[i]
		for _, p := range row {
			keep := lu > reg[p.UID]
			sum[p.UID] = sum[p.UID].Add(fixed.NewI32F32(int64(p.Value) * int64(b2i(keep))))
		}
	}
	oneForZero(sum)
	div := sized(&ws.bondDiv, len(sum))
	for j, s := range sum {
		div[j] = newU16Divisor(s) // a non-zero sum of integers
	}
}

// clipWeights is pass C (steps 8-10 and 12): every entry of W above its
// column's consensus is clipped to it (to zero when the consensus is not
// positive, as the reference drops such entries); it returns each row's sum
// of clipped weights (validator trust) and the ranks R_j = Σ_i A_i·W_ij, and
// leaves ΔB_ij = W_ij·A_i in W. The ranks are ΔB's column sums.
func (ws *Workspace) clipWeights(in *Input, active, consensus []fixed.I32F32) (vtrust, ranks []fixed.I32F32) {
	n := len(in.Stake)
	vtrust = zeroed(&ws.vtrust, n)
	ranks = zeroed(&ws.deltaSum, n)
	for i := range n {
		row, vals := ws.weightRow(in, i)
		vtrust[i] = clipRow(row, vals, active[i], consensus, ranks)
	}
	return vtrust, ranks
}

// clipRow clips a row of W at the consensus, adds a·W_ij to the ranks,
// leaves ΔB_ij = W_ij·a in vals, and returns the row's sum of clipped
// weights.
func clipRow(row []Pair, vals []fixed.I32F32, a fixed.I32F32, consensus, ranks []fixed.I32F32) fixed.I32F32 {
	vals = vals[:len(row)]
	var vt fixed.I32F32
	for k, p := range row {
		// Consensus clips about half of the entries: the assignment
		// compiles to a conditional move, not a branch.
		v, c := vals[k].Bits(), consensus[p.UID].Bits()
		if c < v {
			v = max(c, 0)
		}
		w := fixed.I32F32FromBits(v)
		vt = vt.Add(w)
		d := a.Mul(w)
		ranks[p.UID] = ranks[p.UID].Add(d)
		vals[k] = d
	}
	return vt
}

// emaBonds is pass D (steps 11-13): it replaces ΔB (in W) by α·ΔB divided
// by its column sums (deltaSum, zeros replaced by one), then merges each
// row of it with the row of stored bonds, computing their terms (1-α)·B
// divided by their column sums (through ws.bondDiv) on the way, and keeps
// the positive entries of α·ΔB + (1-α)·B (each product floored) as the EMA,
// with its column sums in ws.emaSum. ΔB is divided in a loop of its own:
// its division has a fallback call, which inside the merge would make the
// compiler spill the merge's values.
func (ws *Workspace) emaBonds(in *Input, alpha fixed.I32F32, deltaSum []fixed.I32F32) {
	n := len(in.Stake)
	for i := range n {
		row, vals := ws.weightRow(in, i)
		deltaRow(row, vals, alpha, deltaSum)
	}

	bt := bondTerms{oneMinus: one.Sub(alpha), reg: in.RegisteredAt, div: ws.bondDiv}
	bonds := 0
	for _, row := range in.Bonds {
		bonds += len(row)
	}
	// The EMA has at most len(W)+bonds entries, and usually about as many
	// as the larger of the two (rows of W and B mostly share columns), so
	// its arrays start at that and grow if a row needs more.
	estart := sized(&ws.estart, n+1)
	ecol := ws.ecol[:cap(ws.ecol)]
	eval := ws.eval[:cap(ws.eval)]
	if want := max(len(ws.w), bonds) + n; len(ecol) < want {
		ecol, eval = make([]uint16, want), make([]fixed.I32F32, want)
	}
	sum := zeroed(&ws.emaSum, n)
	e := 0
	for i := range n {
		estart[i] = e
		wc, wv := ws.weightRow(in, i)
		var bc []Pair
		if in.Bonds != nil {
			bc = in.Bonds[i]
		}
		if need := e + len(wc) + len(bc); need > len(ecol) {
			size := max(need, 2*len(ecol))
			ecol = append(ecol[:e], make([]uint16, size-e)...)
			eval = append(eval[:e], make([]fixed.I32F32, size-e)...)
		}
		bt.lu = in.LastUpdate[i]
		e += mergeEMA(wc, wv, bc, &bt, ecol[e:], eval[e:], sum)
	}
	estart[n] = e
	ws.ecol, ws.eval = ecol[:e], eval[:e]
	oneForZero(sum)
}

// deltaRow replaces a row of ΔB by α·ΔB_ij/sum_j (each step floored).
func deltaRow(row []Pair, vals []fixed.I32F32, alpha fixed.I32F32, sum []fixed.I32F32) {
	vals = vals[:len(row)]
	for k, p := range row {
		x, ok := vals[k].QuickDiv(sum[p.UID])
		if !ok {
			x = vals[k].Div(sum[p.UID])
		}
		vals[k] = alpha.Mul(x)
	}
}

// bondTerms holds what the merge needs to compute (1-α)·B_ij for the
// stored bonds of row i: the stored value, zero if outdated
// (lastUpdate[i] <= registeredAt[j]), divided by its column's sum through
// its reciprocal, times 1-α (floored).
type bondTerms struct {
	oneMinus fixed.I32F32
	lu       uint64       // lastUpdate of the row
	reg      []uint64     // registeredAt, by uid
	div      []u16Divisor // reciprocals of the bonds' column sums
}

// mergeEMA merges a row of α·ΔB (columns wc, values wv) with a row of
// stored bonds bc (whose terms (1-α)·B it computes with bt), both sorted by
// column, writes the positive sums to ecol and eval, adds them to their
// columns' sums, and returns how many it wrote. Each step takes the smaller
// column from one row or the same column from both, without data-dependent
// branches; a row that has run out acts as column 2^16.
func mergeEMA(wc []Pair, wv []fixed.I32F32, bc []Pair, bt *bondTerms, ecol []uint16, eval []fixed.I32F32, sum []fixed.I32F32) int {
	wv = wv[:len(wc)]
	e, p, q := 0, 0, 0
	for p < len(wc) || q < len(bc) {
		jw, jb := 1<<16, 1<<16
		var w, b int64
		if p < len(wc) {
			jw, w = int(wc[p].UID), wv[p].Bits()
		}
		if q < len(bc) {
			pr := bc[q]
			keep := bt.lu > bt.reg[pr.UID]
			jb = int(pr.UID)
			b = bt.oneMinus.Mul(bt.div[pr.UID].div(pr.Value * uint16(b2i(keep)))).Bits()
		}
		fromW, fromB := b2i(jw <= jb), b2i(jb <= jw)
		j, v := uint16(min(jw, jb)), w&-int64(fromW)+b&-int64(fromB)
		p += fromW
		q += fromB

		positive := b2i(v > 0)
		ecol[e], eval[e] = j, fixed.I32F32FromBits(v)
		e += positive
		sum[j] = fixed.I32F32FromBits(sum[j].Bits() + v&-int64(positive))
	}
	return e
}

// normalizeEMA is pass E (steps 13-14 and 18): it divides the EMA by its
// column sums and returns the dividends D_i = Σ_j EMA_ij·I_j (before
// normalisation), leaving the column maxima in ws.emaMax (zeros replaced by
// one).
func (ws *Workspace) normalizeEMA(incentive []fixed.I32F32) []fixed.I32F32 {
	n := len(incentive)
	dividends := sized(&ws.dividends, n)
	maxima := zeroed(&ws.emaMax, n)
	estart, ecol, eval, sum := ws.estart, ws.ecol, ws.eval, ws.emaSum
	for i := range n {
		a, b := estart[i], estart[i+1]
		dividends[i] = normalizeEMARow(ecol[a:b], eval[a:b], sum, incentive, maxima)
	}
	oneForZero(maxima)
	return dividends
}

// normalizeEMARow divides a row of the EMA by its columns' sums, raises the
// columns' maxima to its values, and returns Σ_j EMA_ij·I_j.
func normalizeEMARow(cols []uint16, vals []fixed.I32F32, sum, incentive, maxima []fixed.I32F32) fixed.I32F32 {
	vals = vals[:len(cols)]
	var d fixed.I32F32
	for k, j := range cols {
		q, ok := vals[k].QuickDiv(sum[j])
		if !ok {
			q = vals[k].Div(sum[j])
		}
		vals[k] = q
		d = d.Add(incentive[j].Mul(q))
		maxima[j] = fixed.I32F32FromBits(max(maxima[j].Bits(), q.Bits()))
	}
	return d
}

// writeBonds is pass F (step 18): the EMA, column-max-upscaled, becomes the
// bond row of every uid with a new permit; uids that lost their permit get
// an empty row.
func (ws *Workspace) writeBonds(in *Input, out *Output) {
	n := len(in.Stake)
	div := sized(&ws.emaMaxDiv, n)
	for j, m := range ws.emaMax {
		div[j] = newPropDivisor(m)
	}
	estart, ecol, eval := ws.estart, ws.ecol, ws.eval
	total := 0
	for i := range n {
		if out.ValidatorPermit[i] {
			total += estart[i+1] - estart[i]
		}
	}
	pairs := make([]Pair, total)
	at := 0
	for i := range n {
		switch {
		case out.ValidatorPermit[i]:
			a, b := estart[i], estart[i+1]
			row := pairs[at : at+b-a : at+b-a]
			upscaleRow(ecol[a:b], eval[a:b], div, row)
			at += b - a
			out.Bonds[i] = row
			out.BondsChanged[i] = true
		case in.ValidatorPermit[i]:
			out.Bonds[i] = []Pair{}
			out.BondsChanged[i] = true
		}
	}
}

// upscaleRow writes a row of the EMA, column-max-upscaled to u16, as pairs.
func upscaleRow(cols []uint16, vals []fixed.I32F32, div []propDivisor, pairs []Pair) {
	vals, pairs = vals[:len(cols)], pairs[:len(cols)]
	for k, j := range cols {
		d := &div[j]
		u, ok := d.quickU16(vals[k])
		if !ok {
			u = d.u16(vals[k])
		}
		pairs[k] = Pair{UID: j, Value: u}
	}
}

// normalizedStake sets dst to stake_i / Σstake computed in I64F64 and
// truncated to I32F32 (all zero when the total is zero). The caller has
// checked that the total is below 2^63.
func normalizedStake(dst []fixed.I32F32, stakes []uint64) {
	var total fixed.I64F64
	for _, s := range stakes {
		total = total.Add(fixed.I64F64FromUint64(s))
	}
	clear(dst)
	if total.IsZero() {
		return
	}
	for i, s := range stakes {
		dst[i] = fixed.I64F64FromUint64(s).Div(total).ToI32F32()
	}
}

// isTopK marks the k largest values of v in permit. Values are stable-sorted
// ascending and the first n-k lose, so among equal values the higher uids
// win. If n < k every uid wins. order is scratch space of length n.
func isTopK(v []fixed.I32F32, k int, permit []bool, order []int32) {
	n := len(v)
	for i := range permit {
		permit[i] = true
	}
	if n < k {
		return
	}
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return v[a].Cmp(v[b]) })
	for _, i := range order[:n-k] {
		permit[i] = false
	}
}

// normalize divides v by its sum in place, unless the sum is zero.
func normalize(v []fixed.I32F32) {
	s := fixed.SumI32F32(v)
	if s.IsZero() {
		return
	}
	for i, x := range v {
		q, ok := x.QuickDiv(s)
		if !ok {
			q = x.Div(s)
		}
		v[i] = q
	}
}

// oneForZero replaces the zeros of a vector of divisors by one, so that
// dividing by it leaves a value unchanged where the sum was zero.
func oneForZero(v []fixed.I32F32) {
	for i, x := range v {
		if x.IsZero() {
			v[i] = one
		}
	}
}

// sized returns *s resized to n elements, reusing its memory when it is
// large enough. The contents are unspecified: callers write every element
// before reading it.
func sized[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// zeroed returns *s resized to n zero elements, reusing its memory.
func zeroed[T any](s *[]T, n int) []T {
	v := sized(s, n)
	clear(v)
	return v
}

// u16Prop converts a proportion to u16: floor(x·65535), wrapping.
func u16Prop(x fixed.I32F32) uint16 { return x.Mul(u16Mx).ToU16() }

// compareUID orders pairs by uid.
func compareUID(a, b Pair) int { return cmp.Compare(a.UID, b.UID) }

// b2i converts a bool to 0 or 1 (compiled without a branch).
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}
