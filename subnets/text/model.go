// Package text is the language-model layer of the text reference subnet: the
// validator sends prompts, miners answer them with a language model, and the
// validator scores each answer against its own reference answer and the time
// it took.
//
// The package holds what both sides share:
//
//   - Model, the small interface a miner answers with and a validator computes
//     its reference with, with Request and Response;
//   - Tokenize and Detokenize, the word-level tokeniser of the built-in model
//     and of scoring;
//   - Scorer, which turns (reference, answer, latency) into a score in [0, 1];
//   - PromptGenerator, which draws a validator's requests from a text,
//     deterministically from a seed.
//
// Implementations of Model live in subpackages: ngram (the built-in model,
// trained at start-up from the public-domain text in corpus, no download) and
// openai (a client for any OpenAI-compatible HTTP server such as llama.cpp,
// vLLM or Ollama, and a server that puts any Model behind that API). Package
// backend builds one of them from command-line flags.
//
// Nothing here depends on the chain or on the wire protocol; the miner and
// validator programs connect this layer to them.
package text

import (
	"context"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// Limits on a Request that every Model accepts.
const (
	// MaxPromptBytes is the largest prompt accepted, in bytes of UTF-8.
	MaxPromptBytes = 64 << 10
	// MaxTokens is the largest number of tokens a request may ask for.
	MaxTokens = 4096
	// MaxTemperature is the largest sampling temperature, as in OpenAI's API.
	MaxTemperature = 2.0
)

// Finish reasons of a Response, as in OpenAI's API.
const (
	// FinishLength means the answer stopped at Request.MaxTokens.
	FinishLength = "length"
	// FinishStop means the model ended the answer by itself.
	FinishStop = "stop"
)

// ErrInvalidRequest is returned (wrapped) by Request.Validate and by every
// Model for a request it refuses: a parameter out of range, a prompt too long
// or not UTF-8. Callers test it with errors.Is; the message names the field.
var ErrInvalidRequest = errors.New("text: invalid request")

// Model is a language model that continues a prompt.
//
// Complete returns the model's continuation of req.Prompt, at most
// req.MaxTokens tokens long. It returns an error wrapping ErrInvalidRequest
// for a request it refuses, ctx's error if ctx ends first, and other errors
// for a failing backend; it never returns a partial Response with an error.
// The built-in model is deterministic: it returns the same Text for the same
// (Prompt, MaxTokens, Temperature, Seed) on every call and every machine,
// which is what lets a validator recompute a miner's answer. A server behind
// the OpenAI backend may or may not honour the seed.
//
// Name identifies the model (and, for the built-in model, its training text),
// e.g. "ngram3-1f2e3d4c" or the model name sent to an OpenAI-compatible
// server.
//
// Implementations in this module are safe for concurrent use: a miner may
// call Complete from many goroutines at once on one Model.
type Model interface {
	Complete(ctx context.Context, req Request) (Response, error)
	Name() string
}

// Request is what a validator asks for.
type Request struct {
	// Prompt is the text to continue, UTF-8, at most MaxPromptBytes bytes.
	// It may be empty.
	Prompt string
	// MaxTokens is the length of the answer in the model's own tokens,
	// 1..MaxTokens. The built-in model always generates exactly this many
	// words and punctuation marks; other models may stop earlier.
	MaxTokens int
	// Temperature shapes sampling, 0..MaxTemperature: 0 picks the most likely
	// token at each step (greedy), 1 samples the model's distribution as it
	// is, lower values sharpen it and higher values flatten it.
	Temperature float64
	// Seed selects the random choices of sampling: the same seed gives the
	// same answer from a deterministic model. Unused when Temperature is 0.
	// The OpenAI backend sends Seed reduced to 31 bits, see openai.Client.
	Seed uint64
}

// Validate checks that r is within the limits every Model accepts. The error
// wraps ErrInvalidRequest and names the field.
func (r Request) Validate() error {
	switch {
	case r.MaxTokens < 1 || r.MaxTokens > MaxTokens:
		return fmt.Errorf("%w: max_tokens %d is outside 1..%d", ErrInvalidRequest, r.MaxTokens, MaxTokens)
	case math.IsNaN(r.Temperature) || r.Temperature < 0 || r.Temperature > MaxTemperature:
		return fmt.Errorf("%w: temperature %v is outside 0..%v", ErrInvalidRequest, r.Temperature, MaxTemperature)
	case len(r.Prompt) > MaxPromptBytes:
		return fmt.Errorf("%w: prompt of %d bytes is longer than %d", ErrInvalidRequest, len(r.Prompt), MaxPromptBytes)
	case !utf8.ValidString(r.Prompt):
		return fmt.Errorf("%w: prompt is not valid UTF-8", ErrInvalidRequest)
	}
	return nil
}

// Response is a model's answer.
type Response struct {
	// Text is the continuation, without the prompt.
	Text string
	// Tokens is the number of tokens in Text as the model counts them (for an
	// OpenAI-compatible server, its usage.completion_tokens; 0 if it did not
	// say).
	Tokens int
	// PromptTokens is the number of tokens in the prompt as the model counts
	// them (0 if unknown).
	PromptTokens int
	// FinishReason is FinishLength or FinishStop (or what a server reported).
	FinishReason string
	// Model is the name of the model that answered.
	Model string
}
