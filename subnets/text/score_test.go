package text

import (
	"math"
	"strings"
	"testing"
	"time"
)

// reference is a 64-token answer of the built-in model's kind.
const reference = `Tom said nothing, but he looked at the fence and the boys, and then he went on whitewashing. ` +
	`Ben watched every stroke and got more and more interested, till at last he said: "Tom, let me whitewash a little."`

func TestQuality(t *testing.T) {
	refToks := Tokenize(reference)
	half := Detokenize(refToks[:len(refToks)/2])
	swapped := strings.Replace(reference, "fence", "river", 1)
	shuffled := Detokenize(append(append([]string{}, refToks[len(refToks)/2:]...), refToks[:len(refToks)/2]...))
	reversed := make([]string, len(refToks))
	for i, tok := range refToks {
		reversed[len(refToks)-1-i] = tok
	}
	tests := []struct {
		name     string
		answer   string
		min, max float64
	}{
		{"exact", reference, 1, 1},
		{"exact, other case and spacing", strings.ToUpper(strings.ReplaceAll(reference, " ", "\n  ")), 1, 1},
		{"one word changed", swapped, 0.85, 0.99},
		{"first half", half, 0.45, 0.75},
		{"halves swapped", shuffled, 0.75, 0.99},
		{"words reversed", Detokenize(reversed), 0.05, 0.30},
		{"answer twice", reference + " " + reference, 0.6, 0.7},
		{"prompt echoed before the answer", "The boys were painting the fence. " + reference, 0.85, 0.95},
		{"unrelated sentence (the prompt)", "Aunt Polly looked under the bed and found only the cat.", 0.0, 0.1},
		{"bag of frequent words", "the the the , , , . . and and and he he a", 0.0, 0.1},
		{"the reference's words, sorted", strings.Join(sortedCopy(refToks), " "), 0.0, 0.25},
		{"one right word", "Tom", 0.0, 0.05},
		{"reference padded with 5000 junk words", reference + strings.Repeat(" lorem", 5000), 0.0, 0.05},
		{"reference repeated 50 times", strings.Repeat(reference+" ", 50), 0.0, 0.15},
		{"empty", "", 0, 0},
		{"white space", " \n\t ", 0, 0},
		{"invalid UTF-8", reference + "\xff", 0, 0},
		{"unicode junk", "\uFFFD\u200b🙂🙂 日本語 \u0000\u0007 ∑∑∑", 0, 0},
		{"longer than MaxAnswerBytes", reference + strings.Repeat(" ", DefaultMaxAnswerBytes), 0, 0},
	}
	var s Scorer
	for _, tt := range tests {
		got := s.Quality(reference, tt.answer)
		if got < tt.min || got > tt.max || math.IsNaN(got) {
			t.Errorf("%s: Quality = %.4f, want in [%v, %v]", tt.name, got, tt.min, tt.max)
		}
	}
	if got := s.Quality("", reference); got != 0 {
		t.Errorf("empty reference: Quality = %v, want 0", got)
	}
	if got := s.Quality("Yes.", "Yes."); got != 1 {
		t.Errorf("two-token reference, exact: Quality = %v, want 1", got)
	}
	if got := s.Quality("Yes.", "Yes"); got < 0.3 || got > 0.8 {
		t.Errorf("two-token reference, one matched: Quality = %v, want partial credit", got)
	}
}

func sortedCopy(toks []string) []string {
	c := append([]string(nil), toks...)
	for i := range c { // insertion sort: the test must not depend on package sort's stability
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

func TestQualityMaxN(t *testing.T) {
	shuffled := "the fence Tom said nothing"
	ref := "Tom said nothing the fence"
	uni := Scorer{MaxN: 1}.Quality(ref, shuffled)
	four := Scorer{MaxN: 4}.Quality(ref, shuffled)
	if uni != 1 || four >= 0.8 {
		t.Errorf("reordered words: Quality with MaxN 1 = %v (want 1), with MaxN 4 = %v (want below 0.8)", uni, four)
	}
	if got := (Scorer{MaxN: 9}).Quality(ref, shuffled); got != four {
		t.Errorf("MaxN out of range: Quality = %v, want the default's %v", got, four)
	}
	if got := (Scorer{MaxAnswerBytes: 10}).Quality(ref, ref); got != 0 {
		t.Errorf("answer over MaxAnswerBytes: Quality = %v, want 0", got)
	}
}

func TestLatencyFactor(t *testing.T) {
	tests := []struct {
		s       Scorer
		latency time.Duration
		want    float64
	}{
		{Scorer{}, 0, 1},
		{Scorer{}, -time.Second, 1},
		{Scorer{}, DefaultBudget, 1},
		{Scorer{}, DefaultBudget + DefaultSlack, 0.5},
		{Scorer{}, DefaultBudget + 2*DefaultSlack, 1.0 / 16},
		{Scorer{}, DefaultBudget + 4*DefaultSlack, 1.0 / 65536},
		{Scorer{Budget: 100 * time.Millisecond, Slack: 50 * time.Millisecond}, 150 * time.Millisecond, 0.5},
		{Scorer{Budget: 100 * time.Millisecond, Slack: 50 * time.Millisecond}, 90 * time.Millisecond, 1},
	}
	for _, tt := range tests {
		if got := tt.s.LatencyFactor(tt.latency); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%+v.LatencyFactor(%v) = %v, want %v", tt.s, tt.latency, got, tt.want)
		}
	}
	// Smooth and decreasing past the budget.
	var s Scorer
	prev := 1.0
	for l := DefaultBudget; l < DefaultBudget+6*DefaultSlack; l += 10 * time.Millisecond {
		f := s.LatencyFactor(l)
		if f > prev || prev-f > 0.01 {
			t.Fatalf("LatencyFactor(%v) = %v after %v: not a smooth decrease", l, f, prev)
		}
		prev = f
	}
}

func TestScore(t *testing.T) {
	var s Scorer
	if got := s.Score(reference, reference, 0); got != 1 {
		t.Errorf("exact and fast: %v, want 1", got)
	}
	if got := s.Score(reference, reference, DefaultBudget+DefaultSlack); got != 0.5 {
		t.Errorf("exact at budget+slack: %v, want 0.5", got)
	}
	if got := s.Score(reference, "", 0); got != 0 {
		t.Errorf("empty and fast: %v, want 0", got)
	}
	q := s.Quality(reference, Detokenize(Tokenize(reference)[:30]))
	if got := s.Score(reference, Detokenize(Tokenize(reference)[:30]), DefaultBudget+DefaultSlack); math.Abs(got-q/2) > 1e-12 {
		t.Errorf("half answer at budget+slack: %v, want %v", got, q/2)
	}
}

// FuzzQuality checks that any answer scores in [0, 1] and that the
// reference itself scores 1.
func FuzzQuality(f *testing.F) {
	f.Add(reference, reference)
	f.Add("a b c", "c b a")
	f.Add("x", "\xff")
	f.Add("Tom Tom Tom", "Tom")
	f.Fuzz(func(t *testing.T, ref, ans string) {
		var s Scorer
		q := s.Quality(ref, ans)
		if q < 0 || q > 1 || math.IsNaN(q) {
			t.Fatalf("Quality(%q, %q) = %v", ref, ans, q)
		}
		if len(Tokenize(ref)) > 0 && utf8Valid(ref) && len(ref) <= DefaultMaxAnswerBytes {
			if self := s.Quality(ref, ref); self != 1 {
				t.Fatalf("Quality(%q, itself) = %v, want 1", ref, self)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
