package ngram

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the current model")

// defaultModel is the built-in model, trained once for the package's tests.
var defaultModel = sync.OnceValues(Default)

func mustDefault(t testing.TB) *Model {
	t.Helper()
	m, err := defaultModel()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return m
}

// smallText is the first chapters of Tom Sawyer: big enough for all four
// counts of counts at every order, small enough to sum over its vocabulary.
func smallText() string {
	s := corpus.Documents()[0].Text
	return s[:60000]
}

func TestProbMatchesNaive(t *testing.T) {
	s := smallText()
	toks := text.Tokenize(s)
	probes := [][]string{
		{}, {"Tom"}, {"the"}, {"Aunt", "Polly"}, {"said", "the"}, {"in", "the", "morning"},
		{"unseenword", "the"}, {"the", "unseenword"}, {",", "and", "then"}, {"zzz", "yyy", "xxx"},
	}
	for i := 0; i < 40; i++ { // histories taken from the text itself
		j := 3 + i*997%(len(toks)-3)
		probes = append(probes, toks[j-3:j])
	}
	words := []string{"the", "Tom", ",", "said", "Polly", "Sawyer", "boy", "unseenword", toks[100], toks[5000]}
	for order := 1; order <= MaxOrder; order++ {
		m, err := Train(s, Options{Order: order})
		if err != nil {
			t.Fatal(err)
		}
		nk := newNaiveKN(s, order)
		for _, h := range probes {
			for _, w := range words {
				got, want := m.Prob(h, w), nk.prob(h, w)
				if math.Abs(got-want) > 1e-9+want*1e-7 {
					t.Errorf("order %d: P(%q | %q) = %.12g, naive %.12g", order, w, h, got, want)
				}
			}
		}
	}
}

func TestProbSumsToOne(t *testing.T) {
	s := smallText()
	for order := 1; order <= MaxOrder; order++ {
		m, err := Train(s, Options{Order: order})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range [][]string{{}, {"Tom"}, {"the"}, {"said", "the"}, {"Aunt", "Polly", "said"}, {"unseenword"}} {
			hist := m.ids2(h)
			var sum uint64 // in Q62, exactly
			for w := range m.vocab {
				sum += m.prob(hist, uint32(w))
			}
			// Fixed point rounds terms down: the sum may fall short of one by
			// a relative 1e-11 or so, never exceed it.
			if short := one62 - sum; sum > one62 || short > one62>>36 {
				t.Errorf("order %d: Σ_w P(w | %q) = 1 − %d·2^-62, want 1 (short by at most 2^-36)", order, h, int64(short))
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	var many strings.Builder
	for i := range 70000 {
		fmt.Fprintf(&many, "w%d ", i)
	}
	tests := []struct {
		name  string
		text  string
		order int
		want  string
	}{
		{"order too high", "a b c d e f", 5, "order 5 is outside 1..4"},
		{"negative order", "a b c d e f", -1, "order -1 is outside 1..4"},
		{"too short", "a b", 3, "training text has 2 tokens"},
		{"empty", "", 1, "training text has 0 tokens"},
		{"vocabulary too big for order 4", many.String(), 4, "order 4 needs a vocabulary of at most 65536 tokens"},
	}
	for _, tt := range tests {
		_, err := Train(tt.text, Options{Order: tt.order})
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Train error = %v, want ErrOptions containing %q", tt.name, err, tt.want)
		}
	}
	if m, err := Train(many.String(), Options{Order: 3}); err != nil || m.VocabularySize() != 70000 {
		t.Errorf("order 3 over 70000 distinct words: %v (vocabulary %d)", err, m.VocabularySize())
	}
}

func TestDefaultModel(t *testing.T) {
	m := mustDefault(t)
	if m.Order() != DefaultOrder {
		t.Errorf("Order() = %d, want %d", m.Order(), DefaultOrder)
	}
	if !strings.HasPrefix(m.Name(), "ngram3-") || len(m.Name()) != len("ngram3-")+8 {
		t.Errorf("Name() = %q, want ngram3-<8 hex digits>", m.Name())
	}
	if v := m.VocabularySize(); v < 10000 || v > 14000 {
		t.Errorf("VocabularySize() = %d, want about 12,000 for the built-in corpus", v)
	}
	// The fingerprint follows the text and the order.
	other, err := Train(corpus.Text()+" extra", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if other.Name() == m.Name() {
		t.Errorf("a different training text gave the same name %q", m.Name())
	}
}

// TestSampleExact checks the temperature-1 sampler against Prob: the
// frequencies of 100,000 draws after a history must match P within five
// standard deviations, for a known history and one that backs off to the
// lowest order.
func TestSampleExact(t *testing.T) {
	m := mustDefault(t)
	for _, h := range [][]string{{"Aunt", "Polly"}, {"of", "the"}, {"unseenword"}} {
		hist := m.ids2(h)
		rng := rand.NewPCG(7, 7)
		const n = 100000
		counts := map[uint32]int{}
		var ci [MaxOrder]int32
		top := m.contexts(hist, &ci)
		for range n {
			counts[m.sampleExact(&ci, top, rng)]++
		}
		checkFrequencies(t, fmt.Sprintf("T=1 after %q", h), counts, n, func(w uint32) float64 { return m.Prob(h, m.vocab[w]) })
	}
}

// TestSampleTempered checks the general sampler (candidates plus the
// lowest-order tail) against P^(1/T) normalised over the vocabulary.
func TestSampleTempered(t *testing.T) {
	m, err := Train(smallText(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h  []string
		tq int64
	}{
		{[]string{"Aunt", "Polly"}, 1000},
		{[]string{"of", "the"}, 700},
		{[]string{"said"}, 1500},
		{[]string{"unseenword"}, 2000},
		{[]string{"Tom", "unseenword"}, 300},
	} {
		hist := m.ids2(tc.h)
		var z float64
		tempered := make([]float64, len(m.vocab))
		for w := range m.vocab {
			tempered[w] = math.Pow(float64(m.prob(hist, uint32(w)))/float64(one62), 1000/float64(tc.tq))
			z += tempered[w]
		}
		rng := rand.NewPCG(8, 8)
		sc := m.scratch.Get().(*scratch)
		tt := m.temps.get(m, tc.tq)
		var ci [MaxOrder]int32
		top := m.contexts(hist, &ci)
		const n = 40000
		counts := map[uint32]int{}
		for range n {
			counts[m.sampleFull(&ci, top, tc.tq, tt, rng, sc)]++
		}
		m.scratch.Put(sc)
		checkFrequencies(t, fmt.Sprintf("T=%v after %q", float64(tc.tq)/1000, tc.h), counts, n,
			func(w uint32) float64 { return tempered[w] / z })
	}
}

// checkFrequencies compares draw counts with probabilities p: every word
// with p·n ≥ 20 and every word drawn is checked, and the words drawn that
// p says are rarer together must not be over-represented.
func checkFrequencies(t *testing.T, what string, counts map[uint32]int, n int, p func(uint32) float64) {
	t.Helper()
	seen := 0
	for w, c := range counts {
		pw := p(w)
		if pw == 0 {
			t.Errorf("%s: drew word %d (%d times) of probability 0", what, w, c)
			continue
		}
		if pw*float64(n) < 20 {
			continue
		}
		seen++
		sd := math.Sqrt(pw * (1 - pw) / float64(n))
		if f := float64(c) / float64(n); math.Abs(f-pw) > 5*sd+1e-4 {
			t.Errorf("%s: word %d drawn with frequency %.5f, P = %.5f (sd %.5f)", what, w, f, pw, sd)
		}
	}
	if seen == 0 {
		t.Errorf("%s: no frequent word to check", what)
	}
}

func TestGreedyIsArgmax(t *testing.T) {
	m := mustDefault(t)
	for _, h := range [][]string{{}, {"Aunt", "Polly"}, {"of", "the"}, {"said"}, {"unseenword"}, {"Tom", "unseenword"}} {
		hist := m.ids2(h)
		best, bestP := uint32(0), uint64(0)
		for w := range m.vocab {
			if p := m.prob(hist, uint32(w)); p > bestP {
				best, bestP = uint32(w), p
			}
		}
		sc := m.scratch.Get().(*scratch)
		var ci [MaxOrder]int32
		top := m.contexts(hist, &ci)
		got := m.sampleFull(&ci, top, 0, nil, nil, sc)
		m.scratch.Put(sc)
		if got != best {
			t.Errorf("greedy after %q = %q (P %v), argmax is %q (P %v)", h, m.vocab[got],
				m.Prob(h, m.vocab[got]), m.vocab[best], float64(bestP)/float64(one62))
		}
	}
}

// ids2 maps tokens to ids for the internal samplers.
func (m *Model) ids2(toks []string) []uint32 {
	ids := make([]uint32, len(toks))
	for i, t := range toks {
		ids[i] = m.id(t)
	}
	return ids
}

func TestCompleteDeterministic(t *testing.T) {
	m := mustDefault(t)
	ctx := context.Background()
	for _, temp := range []float64{0, 0.5, 1, 1.7} {
		req := text.Request{Prompt: "The boys went down to the river", MaxTokens: 40, Temperature: temp, Seed: 99}
		a, err := m.Complete(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Complete(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("T=%v: two calls differ:\n%+v\n%+v", temp, a, b)
		}
		if a.Tokens != 40 || len(text.Tokenize(a.Text)) != 40 || a.PromptTokens != 7 ||
			a.FinishReason != text.FinishLength || a.Model != m.Name() {
			t.Errorf("T=%v: response %+v, want 40 tokens (%d in text), 7 prompt tokens, finish length, model %s",
				temp, a, len(text.Tokenize(a.Text)), m.Name())
		}
		req.Seed = 100
		c, err := m.Complete(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if temp == 0 && c.Text != a.Text {
			t.Errorf("T=0: the seed changed the greedy answer")
		}
		if temp != 0 && c.Text == a.Text {
			t.Errorf("T=%v: seeds 99 and 100 gave the same answer %q", temp, a.Text)
		}
	}
}

// TestGolden pins answers of the built-in model: a validator and a miner on
// different builds must compute the same text. If a change to the model is
// intended, bump version in ngram.go and run go test -run Golden -update.
func TestGolden(t *testing.T) {
	m := mustDefault(t)
	type golden struct {
		Prompt      string  `json:"prompt"`
		MaxTokens   int     `json:"max_tokens"`
		Temperature float64 `json:"temperature"`
		Seed        uint64  `json:"seed"`
		Model       string  `json:"model"`
		Text        string  `json:"text"`
	}
	var cases []golden
	if *update {
		for i, p := range []string{"", "Tom", "Aunt Polly looked", "the Rays of Light", "Zyzzyva quux"} {
			for j, temp := range []float64{0, 0.7, 1, 1.3} {
				cases = append(cases, golden{Prompt: p, MaxTokens: 24, Temperature: temp, Seed: uint64(1000*i + j)})
			}
		}
	} else {
		data, err := os.ReadFile("testdata/golden.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cases {
		resp, err := m.Complete(context.Background(), text.Request{Prompt: c.Prompt, MaxTokens: c.MaxTokens, Temperature: c.Temperature, Seed: c.Seed})
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			cases[i].Text, cases[i].Model = resp.Text, resp.Model
			continue
		}
		if resp.Text != c.Text || resp.Model != c.Model {
			t.Errorf("prompt %q T=%v seed %d:\n got %s: %q\nwant %s: %q", c.Prompt, c.Temperature, c.Seed, resp.Model, resp.Text, c.Model, c.Text)
		}
	}
	if *update {
		data, err := json.MarshalIndent(cases, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/golden.json", append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCompleteContinues checks that the answer continues the prompt: the
// prompt followed by the answer reads back as the prompt's tokens followed
// by the answer's, whatever the prompt ends with.
func TestCompleteContinues(t *testing.T) {
	m := mustDefault(t)
	for i, prompt := range []string{"", "Tom", `"Well, I never`, "(the Rays", "the boys--", "unseenword", "a, b"} {
		resp, err := m.Complete(context.Background(), text.Request{Prompt: prompt, MaxTokens: 30, Temperature: 1, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		want := append(text.Tokenize(prompt), text.Tokenize(resp.Text)...)
		if got := text.Tokenize(prompt + resp.Text); !slices.Equal(got, want) {
			t.Errorf("prompt %q + answer %q reads as %q, want %q", prompt, resp.Text, got, want)
		}
		pt := text.Tokenize(prompt)
		if len(pt) > 0 && text.IsWord(pt[len(pt)-1]) && text.IsWord(text.Tokenize(resp.Text)[0]) && !strings.HasPrefix(resp.Text, " ") {
			t.Errorf("prompt %q: answer %q starts with a word but no space", prompt, resp.Text)
		}
	}
}

func TestCompleteConcurrent(t *testing.T) {
	m := mustDefault(t)
	reqs := make([]text.Request, 32)
	want := make([]string, len(reqs))
	for i := range reqs {
		reqs[i] = text.Request{Prompt: "It was a", MaxTokens: 30, Temperature: []float64{0, 0.6, 1, 1.4}[i%4], Seed: uint64(i)}
		r, err := m.Complete(context.Background(), reqs[i])
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r.Text
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range reqs {
				j := (i + g*5) % len(reqs)
				r, err := m.Complete(context.Background(), reqs[j])
				if err != nil {
					t.Error(err)
					return
				}
				if r.Text != want[j] {
					t.Errorf("request %d under concurrency: %q, alone: %q", j, r.Text, want[j])
				}
			}
		})
	}
	wg.Wait()
}

func TestCompleteErrors(t *testing.T) {
	m := mustDefault(t)
	tests := []struct {
		name string
		req  text.Request
		want string
	}{
		{"no tokens", text.Request{Prompt: "x", MaxTokens: 0}, "max_tokens 0"},
		{"too many tokens", text.Request{Prompt: "x", MaxTokens: text.MaxTokens + 1}, "max_tokens 4097"},
		{"negative temperature", text.Request{MaxTokens: 5, Temperature: -0.1}, "temperature -0.1"},
		{"temperature too high", text.Request{MaxTokens: 5, Temperature: 2.5}, "temperature 2.5"},
		{"NaN temperature", text.Request{MaxTokens: 5, Temperature: math.NaN()}, "temperature NaN"},
		{"bad UTF-8", text.Request{Prompt: "a\xffb", MaxTokens: 5}, "not valid UTF-8"},
		{"long prompt", text.Request{Prompt: strings.Repeat("a ", text.MaxPromptBytes), MaxTokens: 5}, "prompt of 131072 bytes"},
	}
	for _, tt := range tests {
		_, err := m.Complete(context.Background(), tt.req)
		if !errors.Is(err, text.ErrInvalidRequest) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrInvalidRequest containing %q", tt.name, err, tt.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Complete(ctx, text.Request{Prompt: "x", MaxTokens: 5}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: error %v, want context.Canceled", err)
	}
}

func TestTemperatureSteps(t *testing.T) {
	tests := []struct {
		t    float64
		want int64
	}{
		{0, 0}, {0.0004, 0}, {0.0005, 1}, {0.7, 700}, {1, 1000}, {0.9999, 1000}, {2, 2000},
	}
	for _, tt := range tests {
		if got := temperatureQ(tt.t); got != tt.want {
			t.Errorf("temperatureQ(%v) = %d, want %d", tt.t, got, tt.want)
		}
	}
}
