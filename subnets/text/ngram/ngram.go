// Package ngram is the text subnet's built-in language model: a word-level
// n-gram model with interpolated modified Kneser–Ney smoothing, trained in a
// fraction of a second from text the binary carries (package corpus), so a
// miner or validator runs a real model with nothing to download.
//
// # Model
//
// Text is split into tokens by text.Tokenize (words and punctuation marks,
// case kept). The probability of word w after the history h = w_{i-n+1} …
// w_{i-1} is the interpolated Kneser–Ney estimate (Chen and Goodman, "An
// Empirical Study of Smoothing Techniques for Language Modeling", 1998, §3.6
// and §4.1.6):
//
//	P(w | h) = max(c(h w) − D(c(h w)), 0) / c(h) + γ(h) · P(w | h')
//	γ(h)     = (D1·N1(h·) + D2·N2(h·) + D3+·N3+(h·)) / c(h)
//
// where h' is h without its oldest word, c is the raw count at the highest
// order and the continuation count (the number of distinct words seen before
// the n-gram) at the lower orders, and the three discounts of each order come
// from that order's counts of counts n1…n4: Y = n1/(n1+2·n2), D1 = 1 − 2Y·n2/n1,
// D2 = 2 − 3Y·n3/n2, D3+ = 3 − 4Y·n4/n3. A history never seen is skipped
// (γ = 1). The lowest order interpolates with the uniform distribution over
// the vocabulary, so every known word has a probability above zero.
//
// Kneser–Ney rather than stupid backoff because sampling needs a normalised
// distribution: stupid backoff's scores do not sum to one, and its usual
// users (web-scale corpora) are not our case. Continuation counts also keep
// "Sawyer" from being proposed after any word just because "Tom Sawyer" is
// frequent. On a held-out tenth of the built-in corpus the trigram model's
// perplexity is 129, a quarter of a unigram model's 505 (BENCHMARKS.md).
//
// # Generation
//
// Complete tokenises the prompt, keeps its last n−1 tokens as history (words
// never seen in training end the usable history) and draws Request.MaxTokens
// tokens, which Detokenize joins:
//
//   - Temperature 0 takes the most probable word (ties: the smaller word id,
//     ids being in order of first appearance in the training text).
//   - Temperature 1 samples P(· | h) exactly, by walking down the orders: at
//     each order a draw picks one of the seen continuations (with weight
//     c − D) or falls through to the lower order (with weight γ·c(h)); the
//     lowest order falls through to a uniform word. This costs O(n log k) per
//     token.
//   - Any other temperature T samples from P(w | h)^(1/T), normalised over the
//     whole vocabulary: the words seen after some suffix of the history are
//     weighted one by one, the others together through a per-temperature
//     table of the lowest-order distribution. T is used in steps of 0.001.
//
// Every choice is made in integer arithmetic (see fixed.go) from a PCG stream
// seeded with Request.Seed, so an answer is a pure function of (training
// text, order, prompt, MaxTokens, Temperature, Seed), the same on every
// machine: a validator running the same model computes the miner's answer
// exactly. Across Go releases it stays the same as long as PCG and the
// Unicode tables behind Tokenize do for the characters involved;
// testdata/golden.json pins a set of answers. Model.Name carries a fingerprint of the training
// text, the order and the algorithm version, so two nodes can tell whether
// they run the same model.
package ngram

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"sync"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

const (
	// MaxOrder is the largest n supported. An n-gram is packed into one
	// uint64 key, n·b bits for word ids of b bits, so order 4 needs a
	// vocabulary of at most 65,536 tokens (the built-in corpus has about
	// 12,000) and order 3 allows MaxVocabulary.
	MaxOrder = 4
	// DefaultOrder is the order of the built-in model. On a held-out tenth of
	// the built-in corpus a 4-gram model is only 3% better than a trigram
	// model (perplexity 126 against 129, see BENCHMARKS.md) while it mostly
	// repeats the corpus word for word and takes longer to train.
	DefaultOrder = 3
	// MaxVocabulary is the largest vocabulary Train accepts (word ids of at
	// most 21 bits).
	MaxVocabulary = 1<<21 - 1

	noWord = ^uint32(0) // a prompt token outside the vocabulary

	// discountScale is the fixed-point unit of counts: a count c is stored as
	// c·discountScale, and a discount D as D·discountScale rounded up (see
	// discounts).
	discountScale = 1024

	// version enters the model's fingerprint; bump it whenever the same
	// (text, order, request) could give a different answer.
	version = "ngram/v1"

	// seedStream is the PCG stream (its second seed word) of sampling.
	seedStream = 0x6e6772616d2f7631 // "ngram/v1"
)

// ErrOptions is returned (wrapped) by Train for invalid Options or unusable
// training text.
var ErrOptions = errors.New("ngram: invalid options")

// Options configure Train.
type Options struct {
	// Order is n: each word is predicted from the n−1 tokens before it.
	// 1..MaxOrder; 0 means DefaultOrder. Order 1 is a unigram model (no
	// context), useful as a baseline.
	Order int
}

// Model is a trained n-gram model. It implements text.Model. A Model is
// immutable after Train and safe for concurrent use; Complete allocates its
// working memory per call (pooled).
type Model struct {
	order int
	bits  int // bits of a word id in a packed key
	name  string
	vocab []string          // id → token; ids in order of first appearance
	ids   map[string]uint32 // token → id
	// levels[k] holds the contexts of k tokens, k = 0..order−1; levels[0]
	// has the single empty context.
	levels []level
	// p0[w] is the lowest-order probability of w in Q62: levels[0]
	// interpolated with the uniform distribution.
	p0 []uint64
	// rank lists word ids by p0 descending, ties by id.
	rank []uint32

	temps   tempCache
	scratch sync.Pool // of *scratch
}

// level is one order of the model in flat arrays. Context i (key keys[i])
// owns entries start[i]..start[i+1]−1, sorted by weight descending then word
// id; the weight of entry j is cum[j] minus cum[j−1] (or cum[j] for the
// first entry of a context), in discountScale units.
type level struct {
	keys  []uint64 // packed contexts, ascending
	start []uint32 // len(keys)+1
	total []uint64 // c(h)·discountScale per context
	words []uint32 // per entry
	cum   []uint64 // per entry, cumulative within its context
}

// Default trains the built-in model: DefaultOrder on the embedded corpus.
// It takes about 0.11 s on one core, allocates 41 MB on the way and keeps
// 5.3 MB (BENCHMARKS.md).
func Default() (*Model, error) {
	return Train(corpus.Text(), Options{})
}

// Train builds a model of the given order from text, tokenised with
// text.Tokenize. The text must have more tokens than the order and at most
// MaxVocabulary distinct tokens.
func Train(s string, opts Options) (*Model, error) {
	order := opts.Order
	if order == 0 {
		order = DefaultOrder
	}
	if order < 1 || order > MaxOrder {
		return nil, fmt.Errorf("%w: order %d is outside 1..%d", ErrOptions, order, MaxOrder)
	}
	toks := text.Tokenize(s)
	if len(toks) <= order {
		return nil, fmt.Errorf("%w: training text has %d tokens, need more than the order %d", ErrOptions, len(toks), order)
	}
	m := &Model{order: order, ids: make(map[string]uint32)}
	seq := make([]uint32, len(toks))
	for i, t := range toks {
		id, ok := m.ids[t]
		if !ok {
			if len(m.vocab) == MaxVocabulary {
				return nil, fmt.Errorf("%w: training text has more than %d distinct tokens", ErrOptions, MaxVocabulary)
			}
			id = uint32(len(m.vocab))
			m.ids[t] = id
			m.vocab = append(m.vocab, t)
		}
		seq[i] = id
	}

	m.bits = max(1, bits.Len(uint(len(m.vocab)-1)))
	if order*m.bits > 64 {
		return nil, fmt.Errorf("%w: order %d needs a vocabulary of at most %d tokens, the text has %d",
			ErrOptions, order, 1<<(64/order), len(m.vocab))
	}

	// The highest order keeps raw counts; each lower order counts, for each
	// of its n-grams, the distinct tokens seen before it (its continuation
	// count), read off the distinct n-grams one order up.
	m.levels = make([]level, order)
	grams := countGrams(seq, order, m.bits)
	m.levels[order-1] = buildLevel(grams, m.bits)
	for n := order - 1; n >= 1; n-- {
		up := grams
		if n < order-1 {
			up = countGrams(seq, n+1, m.bits)
		}
		mask := uint64(1)<<(n*m.bits) - 1
		grams = make(map[uint64]uint32, len(up))
		for g := range up {
			grams[g&mask]++
		}
		m.levels[n-1] = buildLevel(grams, m.bits)
	}
	m.buildLowest()

	h := sha256.New()
	h.Write([]byte(version))
	h.Write([]byte{0, byte(order)})
	h.Write([]byte(s))
	m.name = "ngram" + strconv.Itoa(order) + "-" + fmt.Sprintf("%x", h.Sum(nil)[:4])
	m.init()
	return m, nil
}

// init prepares the per-call pools; Train and Load call it last.
func (m *Model) init() {
	v := len(m.vocab)
	m.scratch.New = func() any {
		return &scratch{acc: make([]uint64, v), stamp: make([]uint32, v)}
	}
	m.temps.tables = make(map[int64]*tempTable)
}

// countGrams counts the n-grams of seq, packed with b bits a word (oldest
// word in the high bits).
func countGrams(seq []uint32, n, b int) map[uint64]uint32 {
	counts := make(map[uint64]uint32, len(seq)/2)
	mask := uint64(1)<<(n*b) - 1
	if n*b == 64 {
		mask = ^uint64(0)
	}
	var k uint64
	for i, id := range seq {
		k = (k<<b | uint64(id)) & mask
		if i >= n-1 {
			counts[k]++
		}
	}
	return counts
}

// pack packs ids, oldest first, b bits each, into a key.
func pack(ids []uint32, b int) uint64 {
	var k uint64
	for _, id := range ids {
		k = k<<b | uint64(id)
	}
	return k
}

// buildLevel lays out one order from the counts (raw or continuation) of its
// n-grams, packed with b bits a word, and its modified Kneser–Ney discounts.
func buildLevel(counts map[uint64]uint32, b int) level {
	keys := make([]uint64, 0, len(counts))
	var coc [5]uint64 // counts of counts n1..n4
	for g, c := range counts {
		keys = append(keys, g)
		if c <= 4 {
			coc[c]++
		}
	}
	slices.Sort(keys) // by context, then word
	d := discounts(coc)
	wmask := uint64(1)<<b - 1
	lv := level{words: make([]uint32, len(keys)), cum: make([]uint64, len(keys))}
	type entry struct{ w, c uint32 }
	var group []entry
	for i := 0; i < len(keys); {
		ctx := keys[i] >> b
		j := i
		group = group[:0]
		for ; j < len(keys) && keys[j]>>b == ctx; j++ {
			group = append(group, entry{uint32(keys[j] & wmask), counts[keys[j]]})
		}
		slices.SortFunc(group, func(x, y entry) int {
			if c := cmp.Compare(y.c, x.c); c != 0 {
				return c
			}
			return cmp.Compare(x.w, y.w)
		})
		lv.keys = append(lv.keys, ctx)
		lv.start = append(lv.start, uint32(i))
		var total, cum uint64
		for k, e := range group {
			c := uint64(e.c)
			total += c * discountScale
			cum += c*discountScale - d[min(c, 3)]
			lv.words[i+k] = e.w
			lv.cum[i+k] = cum
		}
		lv.total = append(lv.total, total)
		i = j
	}
	lv.start = append(lv.start, uint32(len(keys)))
	return lv
}

// discounts returns D1, D2, D3+ (at indices 1..3) in discountScale units from
// the counts of counts n1..n4, by Chen and Goodman's estimates, each clamped
// to [0, c·discountScale − 1] so that every seen n-gram keeps a positive
// weight. Degenerate counts (some n_i zero, as in tiny texts) give 0.5, 1
// and 1.5.
func discounts(n [5]uint64) [4]uint64 {
	if n[1] == 0 || n[2] == 0 || n[3] == 0 || n[4] == 0 {
		return [4]uint64{0, discountScale / 2, discountScale, discountScale * 3 / 2}
	}
	den := n[1] + 2*n[2] // Y = n1/den
	// D_c = c − (c+1)·Y·n_{c+1}/n_c = c − (c+1)·n1·n_{c+1} / (den·n_c)
	var d [4]uint64
	for c := uint64(1); c <= 3; c++ {
		sub := mulDiv(n[1]*(c+1)*discountScale, n[c+1], den*n[c])
		full := c * discountScale
		switch {
		case sub >= full:
			d[c] = 0
		default:
			d[c] = min(full-sub, full-1)
		}
	}
	return d
}

// buildLowest computes p0 and rank from levels[0].
func (m *Model) buildLowest() {
	v := uint64(len(m.vocab))
	lv := &m.levels[0]
	total := lv.total[0]
	seen := lv.cum[lv.start[1]-1]
	uniform := mulDiv(total-seen, one62, total) / v
	m.p0 = make([]uint64, v)
	for i := range m.p0 {
		m.p0[i] = uniform
	}
	for j := lv.start[0]; j < lv.start[1]; j++ {
		m.p0[lv.words[j]] += mulDiv(lv.weight(j, 0), one62, total)
	}
	m.rank = make([]uint32, v)
	for i := range m.rank {
		m.rank[i] = uint32(i)
	}
	slices.SortStableFunc(m.rank, func(a, b uint32) int { return cmp.Compare(m.p0[b], m.p0[a]) })
}

// weight returns the weight of entry j of context ci.
func (lv *level) weight(j, ci uint32) uint64 {
	if j == lv.start[ci] {
		return lv.cum[j]
	}
	return lv.cum[j] - lv.cum[j-1]
}

// find returns the index of the context key in lv, or -1.
func (lv *level) find(key uint64) int32 {
	i, ok := slices.BinarySearch(lv.keys, key)
	if !ok {
		return -1
	}
	return int32(i)
}

// contexts fills ci[k] with the index in levels[k] of the last k ids of hist,
// or -1, for k = 0..order−1, and returns the largest k found.
func (m *Model) contexts(hist []uint32, ci *[MaxOrder]int32) int {
	ci[0] = 0
	top := 0
	for k := 1; k < m.order; k++ {
		ci[k] = -1
		if k > len(hist) || hist[len(hist)-k] == noWord {
			for k2 := k + 1; k2 < m.order; k2++ {
				ci[k2] = -1
			}
			break
		}
		if ci[k] = m.levels[k].find(pack(hist[len(hist)-k:], m.bits)); ci[k] >= 0 {
			top = k
		}
	}
	return top
}

// Name returns "ngram<order>-<fingerprint>", the fingerprint being the first
// four bytes of SHA-256 over the algorithm version, the order and the
// training text.
func (m *Model) Name() string { return m.name }

// Order returns n.
func (m *Model) Order() int { return m.order }

// VocabularySize returns the number of distinct tokens of the training text.
func (m *Model) VocabularySize() int { return len(m.vocab) }

// Complete implements text.Model: it continues req.Prompt with exactly
// req.MaxTokens tokens (FinishReason text.FinishLength), deterministically
// for a given request (see the package documentation). The answer is
// detokenised as the prompt's continuation: it starts with a space when
// Detokenize would put one there, so req.Prompt + Text reads as one text. It returns an error
// wrapping text.ErrInvalidRequest for a request outside text's limits, and
// ctx's error if ctx ends first.
func (m *Model) Complete(ctx context.Context, req text.Request) (text.Response, error) {
	if err := req.Validate(); err != nil {
		return text.Response{}, fmt.Errorf("ngram: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return text.Response{}, err
	}
	prompt := text.Tokenize(req.Prompt)
	keep := min(len(prompt), m.order-1)
	hist := make([]uint32, keep, keep+req.MaxTokens)
	for i, t := range prompt[len(prompt)-keep:] {
		hist[i] = m.id(t)
	}
	out, err := m.generate(ctx, hist, req.MaxTokens, temperatureQ(req.Temperature), req.Seed)
	if err != nil {
		return text.Response{}, err
	}
	// Detokenise after the prompt, so that the answer starts with the space
	// (or not) and the quotation state the prompt leaves: prompt + Text reads
	// as one text.
	toks := make([]string, len(prompt), len(prompt)+len(out))
	copy(toks, prompt)
	for _, id := range out {
		toks = append(toks, m.vocab[id])
	}
	answer := text.Detokenize(toks)[len(text.Detokenize(prompt)):]
	return text.Response{
		Text:         answer,
		Tokens:       len(out),
		PromptTokens: len(prompt),
		FinishReason: text.FinishLength,
		Model:        m.name,
	}, nil
}

// id returns the id of token t, or noWord.
func (m *Model) id(t string) uint32 {
	if id, ok := m.ids[t]; ok {
		return id
	}
	return noWord
}

// temperatureQ returns the temperature in thousandths, rounded to nearest.
func temperatureQ(t float64) int64 {
	return int64(t*1000 + 0.5)
}

// Prob returns P(word | context) under the model, using the last n−1 tokens
// of context (tokens of text.Tokenize). A word outside the vocabulary has
// probability 0. It is meant for evaluation (perplexity) and tests; the
// value is the one sampling uses, converted from fixed point.
func (m *Model) Prob(context []string, word string) float64 {
	w, ok := m.ids[word]
	if !ok {
		return 0
	}
	keep := min(len(context), m.order-1)
	hist := make([]uint32, keep)
	for i, t := range context[len(context)-keep:] {
		hist[i] = m.id(t)
	}
	return float64(m.prob(hist, w)) / float64(one62)
}

// prob returns P(w | hist) in Q62, by the same arithmetic as sampleFull.
func (m *Model) prob(hist []uint32, w uint32) uint64 {
	var ci [MaxOrder]int32
	top := m.contexts(hist, &ci)
	mult := one62
	var p uint64
	for k := top; k >= 1; k-- {
		if ci[k] < 0 {
			continue
		}
		lv := &m.levels[k]
		c := uint32(ci[k])
		total := lv.total[c]
		f := mult / total
		s, e := lv.start[c], lv.start[c+1]
		for j := s; j < e; j++ {
			if lv.words[j] == w {
				p += lv.weight(j, c) * f
				break
			}
		}
		mult = mulDiv(mult, total-lv.cum[e-1], total)
	}
	return p + mulQ62(mult, m.p0[w])
}
