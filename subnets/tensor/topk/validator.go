package topk

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/signedhttp"
)

// RunValidator is the tensor subnet's validator program: each round it
// draws a Challenge, sends it to the sampled miners, and rewards each
// answer with Challenge.Score; the neuron package turns rewards into
// moving-average scores and weights. args are its command-line flags:
// neuron.ValidatorConfig's, plus --topk.size and --topk.max_k.
func RunValidator(ctx context.Context, args []string) error {
	cfg := neuron.DefaultValidatorConfig("tensor-validator")
	fs := pflag.NewFlagSet("tensor-validator", pflag.ContinueOnError)
	cfg.AddFlags(fs)
	neuron.SetUsage(fs, `The tensor subnet's validator: each round it sends the sampled miners a
random vector and k, checks their top-k answers exactly (a wrong answer
scores 0, a right one by its latency), keeps a moving average of the scores
and sets weights from it every --neuron.epoch_length blocks.`)
	size := fs.Int("topk.size", 1024, "Length of the vectors sent to miners")
	maxK := fs.Int("topk.max_k", 32, "Largest k asked for")
	if err := neuron.ParseFlags(fs, args); err != nil {
		return err
	}

	if *size < 1 || *size > MaxInput || *maxK < 1 {
		return &neuron.FlagError{Err: fmt.Errorf("--topk.size %d and --topk.max_k %d: want 1..%d and at least 1", *size, *maxK, MaxInput)}
	}
	v, err := neuron.NewValidator(ctx, cfg)
	if err != nil {
		return err
	}
	return v.Run(ctx, Query(*size, *maxK))
}

// Query is the validator's round: a new Challenge of size values and k up
// to maxK, sent to the round's miners in the round's protocol, each answer
// rewarded with Challenge.Score (a synapse) or Challenge.ScoreReply
// (signed HTTP).
func Query(size, maxK int) neuron.QueryFunc {
	return func(ctx context.Context, r *neuron.Round) ([]float64, error) {
		c, err := NewChallenge(r.Rand, size, maxK)
		if err != nil {
			return nil, err
		}
		rewards := make([]float64, len(r.Miners))
		if r.Protocol != neuron.ProtocolSynapse {
			replies := signedhttp.PostJSONAll[Response](ctx, r.Client, r.Endpoints(), Route, c.Request(), r.Timeout)
			for i, a := range replies {
				rewards[i] = c.ScoreReply(a, r.Timeout)
			}
			return rewards, nil
		}
		answers := dendrite.Forward(ctx, r.Dendrite, r.Axons(), c.Synapse(), r.Timeout)
		for i, a := range answers {
			rewards[i] = c.Score(a, r.Timeout)
		}
		return rewards, nil
	}
}
