// Package prompting is the text reference subnet on the wire: the
// Prompting synapse, the miner program (a language model answering
// prompts) and the validator program (the same prompts answered by its own
// model, each miner's answer scored against that reference and its
// latency). The models and the scorer are package text's; the chain and
// the protocol are package neuron's.
package prompting

import (
	"context"
	"time"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/synapse"
)

// Prompting is the subnet's synapse, on the wire as "Prompting". The
// validator fills the request fields; the miner fills Completion.
type Prompting struct {
	synapse.Synapse
	// Prompt is the text to continue.
	Prompt string `json:"prompt" bt:"required,hash"`
	// MaxTokens, Temperature and Seed are text.Request's: the answer's
	// length in the model's tokens, how to sample, and the sampling seed.
	MaxTokens   int     `json:"max_tokens" bt:"hash"`
	Temperature float64 `json:"temperature" bt:"hash"`
	Seed        uint64  `json:"seed" bt:"hash"`
	// Completion is the miner's continuation of Prompt.
	Completion string `json:"completion"`
}

// NewPrompting returns the synapse asking req.
func NewPrompting(req text.Request) *Prompting {
	return &Prompting{Prompt: req.Prompt, MaxTokens: req.MaxTokens, Temperature: req.Temperature, Seed: req.Seed}
}

// Request is the text.Request the synapse asks.
func (p *Prompting) Request() text.Request {
	return text.Request{Prompt: p.Prompt, MaxTokens: p.MaxTokens, Temperature: p.Temperature, Seed: p.Seed}
}

// Answer completes the synapse's request with model: the miner's work. A
// request the model refuses (text.ErrInvalidRequest) is an error, which the
// axon sends back as a 500.
func Answer(ctx context.Context, model text.Model, syn *Prompting) error {
	req := syn.Request()
	if err := req.Validate(); err != nil {
		return err
	}
	resp, err := model.Complete(ctx, req)
	if err != nil {
		return err
	}
	syn.Completion = resp.Text
	return nil
}

// Score rewards an answer in [0, 1]: 0 unless the call succeeded, else
// scorer's score of its Completion against reference at the latency the
// dendrite measured.
func Score(scorer text.Scorer, reference string, answer *Prompting) float64 {
	if answer == nil || !answer.IsSuccess() {
		return 0
	}
	latency := time.Duration(0)
	if pt := answer.Dendrite.ProcessTime; pt != nil && *pt > 0 && *pt < 1e6 {
		latency = time.Duration(*pt * float64(time.Second))
	}
	return scorer.Score(reference, answer.Completion, latency)
}
