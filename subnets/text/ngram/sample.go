package ngram

// Sampling: the three ways of choosing the next token described in the
// package documentation (greedy, exact at temperature 1, tempered), all in
// integer arithmetic.

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
)

// generate draws n tokens after hist (at most order−1 ids, noWord for unknown
// tokens) at temperature tq/1000 with the given seed.
func (m *Model) generate(ctx context.Context, hist []uint32, n int, tq int64, seed uint64) ([]uint32, error) {
	start := len(hist)
	rng := rand.NewPCG(seed, seedStream)
	var sc *scratch
	var tt *tempTable
	if tq != 1000 {
		sc = m.scratch.Get().(*scratch)
		defer m.scratch.Put(sc)
		if tq != 0 {
			tt = m.temps.get(m, tq)
		}
	}
	var ci [MaxOrder]int32
	for i := 0; i < n; i++ {
		if i&255 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		h := hist[max(0, len(hist)-(m.order-1)):]
		top := m.contexts(h, &ci)
		var w uint32
		if tq == 1000 {
			w = m.sampleExact(&ci, top, rng)
		} else {
			w = m.sampleFull(&ci, top, tq, tt, rng, sc)
		}
		hist = append(hist, w)
	}
	return hist[start:], nil
}

// sampleExact draws from P(· | h) at temperature 1 by walking down the
// orders: at each order with a known context, a draw below the seen weight
// picks a continuation and a draw above it (probability γ) falls through.
func (m *Model) sampleExact(ci *[MaxOrder]int32, top int, rng *rand.PCG) uint32 {
	for k := top; k >= 0; k-- {
		if ci[k] < 0 {
			continue
		}
		lv := &m.levels[k]
		c := uint32(ci[k])
		s, e := lv.start[c], lv.start[c+1]
		r := uintN(rng, lv.total[c])
		if r < lv.cum[e-1] {
			cum := lv.cum[s:e]
			return lv.words[int(s)+sort.Search(len(cum), func(i int) bool { return cum[i] > r })]
		}
	}
	return uint32(uintN(rng, uint64(len(m.vocab))))
}

// scratch is the per-call working memory of sampleFull: acc[w] holds P(w|h)
// (then its tempered weight) for the words of touched, which are those with
// stamp[w] == cur.
type scratch struct {
	acc     []uint64
	stamp   []uint32
	cur     uint32
	touched []uint32
}

// sampleFull draws from P(· | h)^(1/T), or takes its maximum when tq is 0.
// The words seen after some suffix of the history (the candidates) get their
// exact P; every other word w has P = mult·p0[w], with mult the product of
// the back-off weights, and is handled through the temperature table.
func (m *Model) sampleFull(ci *[MaxOrder]int32, top int, tq int64, tt *tempTable, rng *rand.PCG, sc *scratch) uint32 {
	sc.cur++
	if sc.cur == 0 {
		clear(sc.stamp)
		sc.cur = 1
	}
	sc.touched = sc.touched[:0]
	mult := one62
	for k := top; k >= 1; k-- {
		if ci[k] < 0 {
			continue
		}
		lv := &m.levels[k]
		c := uint32(ci[k])
		total := lv.total[c]
		f := mult / total
		s, e := lv.start[c], lv.start[c+1]
		prev := uint64(0)
		for j := s; j < e; j++ {
			w := lv.words[j]
			if sc.stamp[w] != sc.cur {
				sc.stamp[w] = sc.cur
				sc.acc[w] = 0
				sc.touched = append(sc.touched, w)
			}
			sc.acc[w] += (lv.cum[j] - prev) * f
			prev = lv.cum[j]
		}
		mult = mulDiv(mult, total-lv.cum[e-1], total)
	}
	for _, w := range sc.touched {
		sc.acc[w] += mulQ62(mult, m.p0[w])
	}

	if tq == 0 {
		return m.greedy(mult, sc)
	}

	var sum uint64 // tempered weight of the candidates
	rest := tt.cum[len(m.vocab)]
	for _, w := range sc.touched {
		q := powQ62(sc.acc[w], tq)
		sc.acc[w] = q
		sum += q
		rest -= tt.pow[w]
	}
	tail := mulQ40(powQ62(mult, tq), rest)
	if sum+tail == 0 {
		// Every weight underflowed (a temperature near 0): the limit is greedy.
		for _, w := range sc.touched {
			sc.acc[w] = 0
		}
		return m.greedy(mult, sc)
	}
	r := uintN(rng, sum+tail)
	if r < sum {
		for _, w := range sc.touched {
			if r < sc.acc[w] {
				return w
			}
			r -= sc.acc[w]
		}
	}
	// A word outside the candidates, drawn by its lowest-order tempered
	// weight: walk the gaps between the candidates in id order.
	r = uintN(rng, rest)
	slices.Sort(sc.touched)
	lo := uint32(0)
	for _, u := range append(sc.touched, uint32(len(m.vocab))) {
		seg := tt.cum[u] - tt.cum[lo]
		if r < seg {
			base := tt.cum[lo] + r
			cum := tt.cum[lo+1 : u+1]
			return lo + uint32(sort.Search(len(cum), func(i int) bool { return cum[i] > base }))
		}
		r -= seg
		lo = u + 1
	}
	panic("ngram: tempered tail draw out of range") // rest is the sum of the gaps
}

// greedy returns the most probable word: the best candidate in sc (acc holds
// P) or the most probable non-candidate, whose P is mult·p0[w]; ties go to
// the smaller id.
func (m *Model) greedy(mult uint64, sc *scratch) uint32 {
	best, bestP := noWord, uint64(0)
	for _, w := range sc.touched {
		if p := sc.acc[w]; best == noWord || p > bestP || (p == bestP && w < best) {
			best, bestP = w, p
		}
	}
	for _, w := range m.rank {
		if sc.stamp[w] == sc.cur {
			continue
		}
		if p := mulQ62(mult, m.p0[w]); best == noWord || p > bestP || (p == bestP && w < best) {
			best = w
		}
		break
	}
	return best
}

// mulQ40 returns a·b for a, b in Q40, rounded down.
func mulQ40(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi<<24 | lo>>40
}

// uintN returns a uniform integer in [0, n), n > 0, from rng, by Lemire's
// multiply-and-reject method. It is written out here rather than taken from
// math/rand/v2 so that the mapping from the PCG stream to draws is pinned by
// this module, not by the Go release.
func uintN(rng *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(rng.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(rng.Uint64(), n)
		}
	}
	return hi
}

// tempTable holds, for one temperature, the tempered lowest-order weights
// pow[w] = p0[w]^(1/T) in Q40 and their prefix sums cum[i] = Σ_{w<i} pow[w].
type tempTable struct {
	pow []uint64
	cum []uint64
}

// tempCache keeps the tempTables of the temperatures seen so far, up to
// maxTempTables of them (then it builds a table per call).
type tempCache struct {
	mu     sync.Mutex
	tables map[int64]*tempTable
}

const maxTempTables = 64

// get returns the table of temperature tq/1000, building it if needed
// (about 0.5 ms for the built-in model).
func (c *tempCache) get(m *Model, tq int64) *tempTable {
	c.mu.Lock()
	t, ok := c.tables[tq]
	c.mu.Unlock()
	if ok {
		return t
	}
	v := len(m.vocab)
	t = &tempTable{pow: make([]uint64, v), cum: make([]uint64, v+1)}
	for w, p := range m.p0 {
		t.pow[w] = powQ62(p, tq)
		t.cum[w+1] = t.cum[w] + t.pow[w]
	}
	c.mu.Lock()
	if len(c.tables) < maxTempTables {
		c.tables[tq] = t
	}
	c.mu.Unlock()
	return t
}
