package text

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults of Scorer's zero fields.
const (
	// DefaultBudget is the latency an answer may take at no cost.
	DefaultBudget = time.Second
	// DefaultSlack is how far beyond the budget the latency factor halves.
	DefaultSlack = 2 * time.Second
	// DefaultMaxN is the longest n-gram compared.
	DefaultMaxN = 4
	// DefaultMaxAnswerBytes is the longest answer read; longer ones score 0.
	DefaultMaxAnswerBytes = 64 << 10
)

// Scorer scores a miner's answer against the validator's reference answer
// and the time the miner took. The zero value uses the defaults above; a
// Scorer is a value, safe for concurrent use, and its scores are a pure
// function of its fields and arguments.
//
// The score is Quality × LatencyFactor, in [0, 1].
//
// Quality compares tokens (Tokenize, then lower-cased) with a BLEU-like
// clipped n-gram overlap that also counts recall: for n = 1..N, where N is
// MaxN or the reference's length if shorter, let m_n be the number of
// answer n-grams that match a reference n-gram (each reference n-gram
// matching at most as many times as it occurs), p_n = m_n / (answer
// n-grams) and r_n = m_n / (reference n-grams), with add-one smoothing
// ((m+1)/(x+1)) for n ≥ 2 as in Lin and Och's smoothed BLEU; F_n is their
// harmonic mean, and Quality is the geometric mean of F_1 … F_N. So:
//
//   - the reference itself scores 1; a near match (a word changed) loses
//     only the few n-grams that word is in;
//   - an empty answer, an answer not in UTF-8, an answer longer than
//     MaxAnswerBytes, and an answer sharing no word with the reference score
//     0 (F_1 is not smoothed);
//   - a bag of frequent words ("the , . and") matches unigrams but almost no
//     longer n-grams, and scores near 0;
//   - padding (the prompt repeated, the answer twice, junk appended) lowers
//     precision, and a truncated answer lowers recall, in proportion.
//
// Unlike BLEU, recall is measured directly instead of through a brevity
// penalty, because the reference has a known length (Request.MaxTokens) and
// an overlong answer must cost as much as a short one.
type Scorer struct {
	// Budget is the latency with no penalty; 0 means DefaultBudget.
	Budget time.Duration
	// Slack is the latency beyond Budget at which the factor is one half;
	// 0 means DefaultSlack.
	Slack time.Duration
	// MaxN is the longest n-gram compared, 1..4; 0 (or out of range) means
	// DefaultMaxN.
	MaxN int
	// MaxAnswerBytes caps the answer's length in bytes; 0 means
	// DefaultMaxAnswerBytes.
	MaxAnswerBytes int
}

// Score returns Quality(reference, answer) × LatencyFactor(latency), in
// [0, 1].
func (s Scorer) Score(reference, answer string, latency time.Duration) float64 {
	q := s.Quality(reference, answer)
	if q == 0 {
		return 0
	}
	return q * s.LatencyFactor(latency)
}

// LatencyFactor returns 1 for a latency up to Budget and 2^(−x²) beyond it,
// with x = (latency − Budget)/Slack: smooth at the budget (no step a miner
// could sit on), one half at Budget+Slack, 1/16 at Budget+2·Slack, and
// practically 0 at Budget+4·Slack. A negative latency counts as 0.
func (s Scorer) LatencyFactor(latency time.Duration) float64 {
	budget, slack := s.Budget, s.Slack
	if budget <= 0 {
		budget = DefaultBudget
	}
	if slack <= 0 {
		slack = DefaultSlack
	}
	if latency <= budget {
		return 1
	}
	x := float64(latency-budget) / float64(slack)
	return math.Exp2(-x * x)
}

// Quality returns the overlap of answer with reference in [0, 1], as
// described on Scorer. An empty reference gives 0 for any answer: there is
// nothing to score against.
func (s Scorer) Quality(reference, answer string) float64 {
	maxBytes := s.MaxAnswerBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxAnswerBytes
	}
	if len(answer) > maxBytes || !utf8.ValidString(answer) {
		return 0
	}
	ref, ans := Tokenize(reference), Tokenize(answer)
	if len(ref) == 0 || len(ans) == 0 {
		return 0
	}
	// Ids of the reference's (lower-cased) tokens; answer tokens outside the
	// reference get -1 and can match nothing.
	ids := make(map[string]int32, len(ref))
	refIDs := make([]int32, len(ref))
	for i, t := range ref {
		t = strings.ToLower(t)
		id, ok := ids[t]
		if !ok {
			id = int32(len(ids))
			ids[t] = id
		}
		refIDs[i] = id
	}
	ansIDs := make([]int32, len(ans))
	for i, t := range ans {
		if id, ok := ids[strings.ToLower(t)]; ok {
			ansIDs[i] = id
		} else {
			ansIDs[i] = -1
		}
	}
	maxN := s.MaxN
	if maxN < 1 || maxN > 4 {
		maxN = DefaultMaxN
	}
	maxN = min(maxN, len(ref))
	logSum := 0.0
	for n := 1; n <= maxN; n++ {
		f := overlapF(refIDs, ansIDs, n)
		if f == 0 {
			return 0
		}
		logSum += math.Log(f)
	}
	return min(1, math.Exp(logSum/float64(maxN)))
}

// overlapF returns F_n, the harmonic mean of the clipped n-gram precision and
// recall of ans against ref (smoothed for n ≥ 2).
func overlapF(ref, ans []int32, n int) float64 {
	refGrams := max(0, len(ref)-n+1)
	ansGrams := max(0, len(ans)-n+1)
	avail := make(map[[4]int32]int, refGrams)
	for i := 0; i+n <= len(ref); i++ {
		avail[gramKey(ref[i:i+n])]++
	}
	matches := 0
	for i := 0; i+n <= len(ans); i++ {
		g := ans[i : i+n]
		if containsNeg(g) {
			continue
		}
		k := gramKey(g)
		if avail[k] > 0 {
			avail[k]--
			matches++
		}
	}
	var p, r float64
	if n == 1 {
		if matches == 0 {
			return 0
		}
		p, r = float64(matches)/float64(ansGrams), float64(matches)/float64(refGrams)
	} else {
		p, r = float64(matches+1)/float64(ansGrams+1), float64(matches+1)/float64(refGrams+1)
	}
	return 2 * p * r / (p + r)
}

// gramKey packs up to four ids into a map key.
func gramKey(g []int32) [4]int32 {
	var k [4]int32
	copy(k[:], g)
	return k
}

func containsNeg(g []int32) bool {
	for _, id := range g {
		if id < 0 {
			return true
		}
	}
	return false
}
