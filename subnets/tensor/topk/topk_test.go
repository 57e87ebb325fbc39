package topk

import (
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/tensor"
)

// naiveTop sorts every position: the reference Solve is checked against.
func naiveTop(x []float32, k int) []int64 {
	idx := make([]int64, len(x))
	for i := range idx {
		idx[i] = int64(i)
	}
	slices.SortStableFunc(idx, func(a, b int64) int { return cmp.Compare(x[b], x[a]) })
	return idx[:k]
}

func TestSolveMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + rng.IntN(200)
		x := make([]float32, n)
		for i := range x {
			if trial%2 == 0 {
				x[i] = float32(rng.IntN(5)) // many ties
			} else {
				x[i] = float32(rng.NormFloat64())
			}
		}
		k := 1 + rng.IntN(n)
		in, _ := tensor.New(x)
		vals, idx, err := Solve(in, k)
		if err != nil {
			t.Fatal(err)
		}
		gotIdx, _, _ := tensor.Values[int64](idx)
		gotVals, _, _ := tensor.Values[float32](vals)
		want := naiveTop(x, k)
		if !slices.Equal(gotIdx, want) {
			t.Fatalf("n=%d k=%d: indices %v, want %v", n, k, gotIdx, want)
		}
		for i, j := range want {
			if gotVals[i] != x[j] {
				t.Fatalf("value %d = %v, want %v", i, gotVals[i], x[j])
			}
		}
	}
}

func TestSolveRefuses(t *testing.T) {
	f32 := func(x ...float32) tensor.Tensor { v, _ := tensor.New(x); return v }
	f64, _ := tensor.New([]float64{1, 2})
	twoD, _ := tensor.New([]float32{1, 2, 3, 4}, 2, 2)
	tests := []struct {
		name  string
		input tensor.Tensor
		k     int
		want  string
	}{
		{"k zero", f32(1, 2), 0, "k = 0"},
		{"k too big", f32(1, 2), 3, "k = 3"},
		{"float64", f64, 1, "dtype"},
		{"2-d", twoD, 1, "shape"},
		{"NaN", f32(1, float32(math.NaN())), 1, "input[1]"},
		{"infinite", f32(float32(math.Inf(-1))), 1, "input[0]"},
		{"broken buffer", tensor.Tensor{Buffer: "!!", Dtype: tensor.Float32, Shape: []int{2}}, 1, "input"},
		{"no shape", tensor.Tensor{Dtype: tensor.Float32}, 1, "shape"},
	}
	for _, tc := range tests {
		_, _, err := Solve(tc.input, tc.k)
		if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrBadRequest naming %q", tc.name, err, tc.want)
		}
	}
}

func answer(vals []float32, idx []int64) *Topk {
	v, _ := tensor.New(vals)
	i, _ := tensor.New(idx)
	a := &Topk{Values: &v, Indices: &i}
	a.Dendrite.StatusCode = synapse.Ptr(200)
	return a
}

func TestCheck(t *testing.T) {
	c, err := ChallengeFor([]float32{3, 9, 9, 1, 7}, 3)
	if err != nil {
		t.Fatal(err)
	}
	f64, _ := tensor.New([]float64{9, 9, 7})
	idx, _ := tensor.New([]int64{1, 2, 4})
	tests := []struct {
		name   string
		answer *Topk
		want   string // "" = correct
	}{
		{"right", answer([]float32{9, 9, 7}, []int64{1, 2, 4}), ""},
		{"ties the other way round", answer([]float32{9, 9, 7}, []int64{2, 1, 4}), ""},
		{"not sorted", answer([]float32{7, 9, 9}, []int64{4, 1, 2}), "value 0 is 7, want 9"},
		{"smallest instead", answer([]float32{1, 3, 7}, []int64{3, 0, 4}), "want 9"},
		{"index twice", answer([]float32{9, 9, 7}, []int64{1, 1, 4}), "given twice"},
		{"index out of range", answer([]float32{9, 9, 7}, []int64{1, 2, 5}), "out of range"},
		{"negative index", answer([]float32{9, 9, 7}, []int64{-1, 2, 4}), "out of range"},
		{"value not at its index", answer([]float32{9, 9, 7}, []int64{1, 2, 0}), "input[0] is 3"},
		{"too short", answer([]float32{9, 9}, []int64{1, 2}), "shapes"},
		{"no values", &Topk{Indices: &idx}, "no values"},
		{"float64 values", &Topk{Values: &f64, Indices: &idx}, "values"},
		{"lying shape", &Topk{Values: &tensor.Tensor{Buffer: "", Dtype: tensor.Float32, Shape: []int{3}}, Indices: &idx}, "values"},
		{"nil answer", nil, "no values"},
	}
	for _, tc := range tests {
		err := c.Check(tc.answer)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want it accepted", tc.name, err)
		case tc.want != "" && (!errors.Is(err, ErrWrongAnswer) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want ErrWrongAnswer saying %q", tc.name, err, tc.want)
		}
	}
}

func TestScore(t *testing.T) {
	c, _ := ChallengeFor([]float32{3, 9, 9, 1, 7}, 2)
	right := func(seconds float64, code int) *Topk {
		a := answer([]float32{9, 9}, []int64{1, 2})
		a.Dendrite.StatusCode = synapse.Ptr(code)
		a.Dendrite.ProcessTime = synapse.Ptr(seconds)
		return a
	}
	tests := []struct {
		name string
		a    *Topk
		want float64
	}{
		{"instant", right(0, 200), 1},
		{"half the timeout", right(1, 200), 0.75},
		{"the whole timeout", right(2, 200), 0.5},
		{"beyond it", right(5, 200), 0.5},
		{"no time", func() *Topk { a := right(0, 200); a.Dendrite.ProcessTime = nil; return a }(), 0.5},
		{"timed out", right(0, 408), 0},
		{"refused", right(0, 403), 0},
		{"wrong", answer([]float32{9, 7}, []int64{1, 4}), 0},
	}
	for _, tc := range tests {
		if got := c.Score(tc.a, 2*time.Second); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLieIsWrong(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		c, err := NewChallenge(rng, 64, 8)
		if err != nil {
			t.Fatal(err)
		}
		v, i := lie(c.Synapse().Input, c.K())
		a := &Topk{Values: &v, Indices: &i}
		if c.Check(a) == nil {
			t.Fatalf("the wrong answer passed for k=%d", c.K())
		}
		v, i, _ = Solve(c.Synapse().Input, c.K())
		if err := c.Check(&Topk{Values: &v, Indices: &i}); err != nil {
			t.Fatalf("the right answer failed: %v", err)
		}
	}
}

// FuzzCheck feeds answers of any shape to Check: they must be judged,
// never crash the validator.
func FuzzCheck(f *testing.F) {
	c, _ := ChallengeFor([]float32{3, 9, 9, 1, 7}, 2)
	v, i, _ := Solve(c.Synapse().Input, 2)
	good, _ := json.Marshal(Topk{Values: &v, Indices: &i})
	f.Add(good)
	f.Add([]byte(`{"values":{"buffer":"","dtype":"torch.float32","shape":[2]},"indices":{"buffer":"AA==","dtype":"torch.int64","shape":"[2]"}}`))
	f.Add([]byte(`{"values":null,"indices":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var a Topk
		if json.Unmarshal(b, &a) != nil {
			return
		}
		_ = c.Check(&a)
		_ = c.Score(&a, time.Second)
	})
}
