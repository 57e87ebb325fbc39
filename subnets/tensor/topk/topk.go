// Package topk is the tensor reference subnet. A validator sends a random
// vector of float32 values and a number k; a miner answers the k largest
// values, largest first, with their positions; the validator checks the
// answer exactly against its own and scores correctness and latency.
//
// The work is deliberately simple and exactly checkable, so that the subnet
// shows the whole Bittensor loop (query, verify, score, weights, Yuma) with
// nothing left to taste: an honest miner scores about 1, a wrong one 0.
//
// This file holds what both sides share: the Topk synapse, Solve (the
// miner's work) and Challenge (the validator's question and its check).
// miner.go and validator.go are the two programs.
package topk

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/tensor"
)

// Limits every miner applies to a request.
const (
	// MaxInput is the longest input vector a miner accepts, in elements.
	MaxInput = 1 << 20
	// MaxK is the largest k a miner accepts.
	MaxK = 4096
)

// Topk is the subnet's synapse, on the wire as "Topk". The validator fills
// Input and K; the miner fills Values and Indices.
type Topk struct {
	synapse.Synapse
	// Input is a 1-d float32 tensor of finite values.
	Input tensor.Tensor `json:"input" bt:"required,hash"`
	// K is how many of the largest values to return, 1..min(len(Input), MaxK).
	K int `json:"k" bt:"required,hash"`
	// Values are the K largest values of Input, largest first (float32,
	// shape [K]).
	Values *tensor.Tensor `json:"values"`
	// Indices are the positions of Values in Input (int64, shape [K]). Among
	// equal values any positions are right, each used once.
	Indices *tensor.Tensor `json:"indices"`
}

// ErrBadRequest is returned (wrapped) by Solve for a request a miner
// refuses; the message names what is wrong.
var ErrBadRequest = errors.New("topk: bad request")

// ErrWrongAnswer is returned (wrapped) by Challenge.Check for an answer that
// is not the top k of the input; the message says why.
var ErrWrongAnswer = errors.New("topk: wrong answer")

// Solve returns the k largest values of input, largest first (ties by
// position), and their positions: the miner's work. It refuses inputs that
// are not 1-d float32 tensors of finite values, or k out of range, with an
// error wrapping ErrBadRequest.
func Solve(input tensor.Tensor, k int) (values, indices tensor.Tensor, err error) {
	x, err := decodeInput(input)
	if err != nil {
		return tensor.Tensor{}, tensor.Tensor{}, err
	}
	if k < 1 || k > len(x) || k > MaxK {
		return tensor.Tensor{}, tensor.Tensor{}, fmt.Errorf("%w: k = %d, want 1..%d", ErrBadRequest, k, min(len(x), MaxK))
	}
	idx := topIndices(x, k)
	vals := make([]float32, k)
	for i, j := range idx {
		vals[i] = x[j]
	}
	if values, err = tensor.New(vals); err != nil {
		return tensor.Tensor{}, tensor.Tensor{}, err
	}
	if indices, err = tensor.New(idx); err != nil {
		return tensor.Tensor{}, tensor.Tensor{}, err
	}
	return values, indices, nil
}

// decodeInput reads a request's input vector and checks it.
func decodeInput(input tensor.Tensor) ([]float32, error) {
	if input.Dtype != tensor.Float32 {
		return nil, fmt.Errorf("%w: input dtype %q, want %s", ErrBadRequest, input.Dtype, tensor.Float32)
	}
	if len(input.Shape) != 1 || input.Shape[0] < 1 || input.Shape[0] > MaxInput {
		return nil, fmt.Errorf("%w: input shape %v, want [n] with n in 1..%d", ErrBadRequest, input.Shape, MaxInput)
	}
	x, _, err := tensor.Values[float32](input)
	if err != nil {
		return nil, fmt.Errorf("%w: input: %v", ErrBadRequest, err)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("%w: input[%d] is %v", ErrBadRequest, i, v)
		}
	}
	return x, nil
}

// topIndices returns the positions of the k largest values of x, largest
// first, equal values by position. It keeps the best k in a sorted window,
// so it costs O(n log k) comparisons plus O(k) moves per insertion.
func topIndices(x []float32, k int) []int64 {
	better := func(a, b int64) int { // negative when a ranks before b
		if c := cmp.Compare(x[b], x[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	best := make([]int64, 0, k+1)
	for i := range x {
		j := int64(i)
		if len(best) == k && better(j, best[k-1]) > 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, j, better)
		best = slices.Insert(best, at, j)
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}

// Challenge is one question of a validator: the input, k, and the right
// values to check answers against. It is immutable once made and safe for
// concurrent use.
type Challenge struct {
	input []float32
	k     int
	want  []float32 // the k largest values, largest first
	syn   Topk
}

// NewChallenge draws a challenge: n values from a standard normal
// distribution and k uniform in 1..maxK (at most n), from rng.
func NewChallenge(rng *rand.Rand, n, maxK int) (*Challenge, error) {
	if n < 1 || n > MaxInput {
		return nil, fmt.Errorf("topk: challenge size %d, want 1..%d", n, MaxInput)
	}
	if maxK < 1 {
		return nil, fmt.Errorf("topk: challenge max k %d, want at least 1", maxK)
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return ChallengeFor(x, 1+rng.IntN(min(maxK, n, MaxK)))
}

// ChallengeFor makes the challenge of a given input and k.
func ChallengeFor(x []float32, k int) (*Challenge, error) {
	in, err := tensor.New(x)
	if err != nil {
		return nil, err
	}
	vals, _, err := Solve(in, k)
	if err != nil {
		return nil, err
	}
	want, _, err := tensor.Values[float32](vals)
	if err != nil {
		return nil, err
	}
	return &Challenge{input: x, k: k, want: want, syn: Topk{Input: in, K: k}}, nil
}

// Synapse returns a new synapse carrying the challenge, for the dendrite.
func (c *Challenge) Synapse() *Topk {
	s := c.syn
	return &s
}

// K is the challenge's k.
func (c *Challenge) K() int { return c.k }

// Check reports whether answer holds the top k of the input: k distinct
// positions in range whose input values are the returned values, which must
// be the k largest values, largest first. Any answer is safe to check: a
// malformed one is an error wrapping ErrWrongAnswer, never a panic.
func (c *Challenge) Check(answer *Topk) error {
	if answer == nil {
		return fmt.Errorf("%w: no values or indices (no answer)", ErrWrongAnswer)
	}
	return c.check(answer.Values, answer.Indices)
}

// check is Check of an answer's two tensors, however they came.
func (c *Challenge) check(values, indices *tensor.Tensor) error {
	if values == nil || indices == nil {
		return fmt.Errorf("%w: no values or indices", ErrWrongAnswer)
	}
	if !shapeIs(values, c.k) || !shapeIs(indices, c.k) {
		return fmt.Errorf("%w: shapes %v and %v, want [%d]", ErrWrongAnswer, values.Shape, indices.Shape, c.k)
	}
	vals, _, err := tensor.Values[float32](*values)
	if err != nil {
		return fmt.Errorf("%w: values: %v", ErrWrongAnswer, err)
	}
	idx, _, err := tensor.Values[int64](*indices)
	if err != nil {
		return fmt.Errorf("%w: indices: %v", ErrWrongAnswer, err)
	}
	if len(vals) != c.k || len(idx) != c.k {
		return fmt.Errorf("%w: %d values and %d indices, want %d", ErrWrongAnswer, len(vals), len(idx), c.k)
	}
	seen := make(map[int64]bool, c.k)
	for i, j := range idx {
		switch {
		case j < 0 || j >= int64(len(c.input)):
			return fmt.Errorf("%w: index %d out of range", ErrWrongAnswer, j)
		case seen[j]:
			return fmt.Errorf("%w: index %d given twice", ErrWrongAnswer, j)
		case math.Float32bits(c.input[j]) != math.Float32bits(vals[i]):
			return fmt.Errorf("%w: value %d is %v but input[%d] is %v", ErrWrongAnswer, i, vals[i], j, c.input[j])
		case vals[i] != c.want[i]:
			return fmt.Errorf("%w: value %d is %v, want %v", ErrWrongAnswer, i, vals[i], c.want[i])
		}
		seen[j] = true
	}
	return nil
}

func shapeIs(t *tensor.Tensor, k int) bool { return len(t.Shape) == 1 && t.Shape[0] == k }

// Score returns a miner's reward for answer in [0, 1]: 0 unless the call
// succeeded and Check passes; otherwise 1 for an instant answer, falling
// linearly to 1/2 for one that took the whole timeout. Correctness thus
// dominates and speed breaks ties among correct miners.
func (c *Challenge) Score(answer *Topk, timeout time.Duration) float64 {
	if answer == nil || !answer.IsSuccess() || c.Check(answer) != nil {
		return 0
	}
	return 1 - 0.5*latencyShare(answer.Dendrite.ProcessTime, timeout)
}

// latencyShare is the fraction of the timeout an answer took, in [0, 1]
// (1 when unknown).
func latencyShare(processTime *float64, timeout time.Duration) float64 {
	if processTime == nil || timeout <= 0 || math.IsNaN(*processTime) {
		return 1
	}
	return min(1, max(0, *processTime/timeout.Seconds()))
}
