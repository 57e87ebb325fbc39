package ngram

import (
	"math"
	"strings"

	"github.com/go-bittensor/bittensor/subnets/text"
)

// naiveKN is a direct, slow transcription of interpolated modified
// Kneser–Ney in float64 over string n-grams, written from the formulas in
// the package documentation and sharing no code with Model. Tests check the
// fast fixed-point model against it.
type naiveKN struct {
	order  int
	vocab  map[string]bool
	counts []map[string]float64 // counts[n]["w1\x00…\x00wn"]: raw for n = order, continuation below
	ctxTot []map[string]float64 // ctxTot[n][context]: Σ counts of the context's n-grams
	ctxDis []map[string]float64 // ctxDis[n][context]: Σ discounts of the context's n-grams
	disc   [][4]float64         // disc[n][1..3]
}

func newNaiveKN(s string, order int) *naiveKN {
	toks := text.Tokenize(s)
	nk := &naiveKN{order: order, vocab: map[string]bool{}}
	for _, t := range toks {
		nk.vocab[t] = true
	}
	raw := make([]map[string]float64, order+1)
	for n := 1; n <= order; n++ {
		raw[n] = map[string]float64{}
		for i := n - 1; i < len(toks); i++ {
			raw[n][strings.Join(toks[i-n+1:i+1], "\x00")]++
		}
	}
	nk.counts = make([]map[string]float64, order+1)
	nk.counts[order] = raw[order]
	for n := order - 1; n >= 1; n-- {
		nk.counts[n] = map[string]float64{}
		for g := range raw[n+1] {
			nk.counts[n][g[strings.IndexByte(g, 0)+1:]]++ // drop the oldest word
		}
	}
	nk.ctxTot = make([]map[string]float64, order+1)
	nk.ctxDis = make([]map[string]float64, order+1)
	nk.disc = make([][4]float64, order+1)
	for n := 1; n <= order; n++ {
		var coc [5]float64
		for _, c := range nk.counts[n] {
			if c <= 4 {
				coc[int(c)]++
			}
		}
		// D_c = c − (c+1)·Y·n_{c+1}/n_c with Y = n1/(n1+2·n2), in the
		// model's fixed point: D·1024 rounded up, clamped to [0, c·1024−1].
		for c := 1; c <= 3; c++ {
			sub := float64(c+1) * coc[1] * coc[c+1] / ((coc[1] + 2*coc[2]) * coc[c])
			dq := float64(c*discountScale) - math.Floor(sub*discountScale)
			nk.disc[n][c] = math.Min(math.Max(dq, 0), float64(c*discountScale-1)) / discountScale
		}
		nk.ctxTot[n] = map[string]float64{}
		nk.ctxDis[n] = map[string]float64{}
		for g, c := range nk.counts[n] {
			ctx := ""
			if i := strings.LastIndexByte(g, 0); i >= 0 {
				ctx = g[:i]
			}
			nk.ctxTot[n][ctx] += c
			nk.ctxDis[n][ctx] += nk.disc[n][min(int(c), 3)]
		}
	}
	return nk
}

// prob returns P(w | the last order−1 tokens of hist).
func (nk *naiveKN) prob(hist []string, w string) float64 {
	if !nk.vocab[w] {
		return 0
	}
	hist = hist[max(0, len(hist)-(nk.order-1)):]
	// Tokens before an unknown one cannot be part of any known context.
	for i := len(hist) - 1; i >= 0; i-- {
		if !nk.vocab[hist[i]] {
			hist = hist[i+1:]
			break
		}
	}
	return nk.p(len(hist)+1, hist, w)
}

// p is the interpolated estimate at order n for history h (len n−1).
func (nk *naiveKN) p(n int, h []string, w string) float64 {
	if n == 0 {
		return 1 / float64(len(nk.vocab))
	}
	ctx := strings.Join(h, "\x00")
	lower := nk.p(n-1, h[min(1, len(h)):], w)
	tot := nk.ctxTot[n][ctx]
	if tot == 0 {
		return lower
	}
	key := w
	if n > 1 {
		key = ctx + "\x00" + w
	}
	c := nk.counts[n][key]
	a := 0.0
	if c > 0 {
		a = (c - nk.disc[n][min(int(c), 3)]) / tot
	}
	return a + nk.ctxDis[n][ctx]/tot*lower
}
