package text

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Defaults of PromptConfig's zero fields.
const (
	// DefaultMinPromptTokens and DefaultMaxPromptTokens bound a prompt's
	// length in tokens.
	DefaultMinPromptTokens = 4
	DefaultMaxPromptTokens = 16
	// DefaultAnswerTokens is the Request.MaxTokens of generated requests.
	DefaultAnswerTokens = 64
	// DefaultTemperature is the Request.Temperature of generated requests.
	DefaultTemperature = 0.7
)

// ErrPromptConfig is returned (wrapped) by NewPromptGenerator for an
// unusable configuration or source text.
var ErrPromptConfig = errors.New("text: invalid prompt generator configuration")

// PromptConfig configures a PromptGenerator. Zero fields take the defaults
// above.
type PromptConfig struct {
	// MinPromptTokens and MaxPromptTokens bound the prompt's length in tokens
	// (Tokenize); each request draws a length uniformly in between.
	MinPromptTokens, MaxPromptTokens int
	// AnswerTokens is Request.MaxTokens, 1..MaxTokens.
	AnswerTokens int
	// Temperature is Request.Temperature. Zero means DefaultTemperature;
	// for greedy answers set Greedy.
	Temperature float64
	// Greedy sets Request.Temperature to 0.
	Greedy bool
}

// PromptGenerator draws a validator's requests from a source text (usually
// corpus.Text(), the text the built-in model was trained on, so that prompts
// read naturally to it).
//
// Request(seed) is a pure function of the source text, the configuration and
// the seed: it picks a start position uniformly among the word tokens of the
// text and a length uniformly in [MinPromptTokens, MaxPromptTokens], takes
// that run of tokens as the prompt (Detokenize), and derives the request's
// sampling seed from the same stream. The built-in corpus has about 170,000
// word positions, so there are about 2.2 million prompts, each of which can
// be asked with 2^64 sampling seeds: a miner cannot precompute answers, and
// it cannot reuse one either, since the seed changes the answer. A validator
// draws the seed itself (e.g. crypto/rand) per query.
//
// A PromptGenerator is immutable and safe for concurrent use.
type PromptGenerator struct {
	toks   []string
	starts []int32 // positions of word tokens with room for the longest prompt
	cfg    PromptConfig
}

// promptStream is the PCG stream (second seed word) of prompt generation.
const promptStream = 0x70726f6d70742f31 // "prompt/1"

// NewPromptGenerator prepares a generator over source with cfg (zero fields
// take the defaults). It returns an error wrapping ErrPromptConfig for
// bounds out of order or out of range, or a source with fewer than
// MaxPromptTokens tokens.
func NewPromptGenerator(source string, cfg PromptConfig) (*PromptGenerator, error) {
	if cfg.MinPromptTokens == 0 {
		cfg.MinPromptTokens = DefaultMinPromptTokens
	}
	if cfg.MaxPromptTokens == 0 {
		cfg.MaxPromptTokens = max(DefaultMaxPromptTokens, cfg.MinPromptTokens)
	}
	if cfg.AnswerTokens == 0 {
		cfg.AnswerTokens = DefaultAnswerTokens
	}
	if cfg.Temperature == 0 && !cfg.Greedy {
		cfg.Temperature = DefaultTemperature
	}
	if cfg.Greedy {
		cfg.Temperature = 0
	}
	switch {
	case cfg.MinPromptTokens < 1 || cfg.MaxPromptTokens < cfg.MinPromptTokens:
		return nil, fmt.Errorf("%w: prompt length %d..%d tokens", ErrPromptConfig, cfg.MinPromptTokens, cfg.MaxPromptTokens)
	case cfg.AnswerTokens < 1 || cfg.AnswerTokens > MaxTokens:
		return nil, fmt.Errorf("%w: answer length %d is outside 1..%d", ErrPromptConfig, cfg.AnswerTokens, MaxTokens)
	case math.IsNaN(cfg.Temperature) || cfg.Temperature < 0 || cfg.Temperature > MaxTemperature:
		return nil, fmt.Errorf("%w: temperature %v is outside 0..%v", ErrPromptConfig, cfg.Temperature, MaxTemperature)
	}
	toks := Tokenize(source)
	g := &PromptGenerator{toks: toks, cfg: cfg}
	for i := 0; i+cfg.MaxPromptTokens <= len(toks); i++ {
		if IsWord(toks[i]) {
			g.starts = append(g.starts, int32(i))
		}
	}
	if len(g.starts) == 0 {
		return nil, fmt.Errorf("%w: the source text has no word followed by %d tokens", ErrPromptConfig, cfg.MaxPromptTokens-1)
	}
	return g, nil
}

// Request returns the request for seed: a prompt drawn from the source text,
// the configured answer length and temperature, and a sampling seed derived
// from seed.
func (g *PromptGenerator) Request(seed uint64) Request {
	rng := rand.NewPCG(seed, promptStream)
	start := int(g.starts[drawN(rng, uint64(len(g.starts)))])
	n := g.cfg.MinPromptTokens + int(drawN(rng, uint64(g.cfg.MaxPromptTokens-g.cfg.MinPromptTokens+1)))
	return Request{
		Prompt:      Detokenize(g.toks[start : start+n]),
		MaxTokens:   g.cfg.AnswerTokens,
		Temperature: g.cfg.Temperature,
		Seed:        rng.Uint64(),
	}
}

// drawN returns a uniform integer in [0, n), n > 0, by Lemire's method,
// written out so that the prompts of a seed do not depend on the Go release.
func drawN(rng *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(rng.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(rng.Uint64(), n)
		}
	}
	return hi
}

// Prompts returns the number of distinct (start, length) pairs the
// generator draws from.
func (g *PromptGenerator) Prompts() int {
	return len(g.starts) * (g.cfg.MaxPromptTokens - g.cfg.MinPromptTokens + 1)
}
