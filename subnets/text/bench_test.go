package text_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

// benchPair returns a 64-token reference and an answer that differs in a
// few words, both cut from the corpus.
func benchPair(b *testing.B) (string, string) {
	toks := text.Tokenize(corpus.Text())[5000:5064]
	ref := text.Detokenize(toks)
	ans := append([]string(nil), toks...)
	ans[10], ans[30], ans[50] = "Sawyer", "Prism", "Light"
	return ref, text.Detokenize(ans)
}

// BenchmarkScore measures one score of a 64-token answer, comparing 1..4
// n-grams (the default) against unigrams only (token F1, the baseline),
// and the worst case: an answer of DefaultMaxAnswerBytes.
func BenchmarkScore(b *testing.B) {
	ref, ans := benchPair(b)
	long := strings.Repeat(ans+" ", text.DefaultMaxAnswerBytes/(len(ans)+1))
	for _, tc := range []struct {
		name   string
		s      text.Scorer
		answer string
	}{
		{"maxn=4", text.Scorer{}, ans},
		{"maxn=1", text.Scorer{MaxN: 1}, ans},
		{"maxn=4/answer=64KiB", text.Scorer{}, long},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.answer)))
			for b.Loop() {
				tc.s.Score(ref, tc.answer, 1500*time.Millisecond)
			}
		})
	}
}

// BenchmarkTokenize measures the tokeniser on the whole corpus (940 KB).
func BenchmarkTokenize(b *testing.B) {
	src := corpus.Text()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		text.Tokenize(src)
	}
}

// BenchmarkPromptGenerator measures drawing one request, and building the
// generator over the corpus.
func BenchmarkPromptGenerator(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			if _, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	g, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("request", func(b *testing.B) {
		seed := uint64(0)
		for b.Loop() {
			seed++
			_ = g.Request(seed)
		}
	})
}
