package prompting

import (
	"context"
	"os"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/backend"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
)

// RunValidator is the text subnet's validator program: each round it draws
// a prompt and a sampling seed, computes its own reference answer with its
// model, sends the request to the sampled miners and rewards each answer
// with Score. Miners must run the same model as the validator (by default
// both run the built-in one). args are neuron.ValidatorConfig's flags, the
// model flags of package backend, and --text.answer_tokens.
func RunValidator(ctx context.Context, args []string) error {
	cfg := neuron.DefaultValidatorConfig("text-validator")
	fs := pflag.NewFlagSet("text-validator", pflag.ContinueOnError)
	cfg.AddFlags(fs)
	var mf backend.Flags
	mf.Register(fs)
	neuron.SetUsage(fs, `The text subnet's validator: each round it sends the sampled miners a
prompt and a sampling seed, scores their answers against its own model's
answer (word n-gram overlap) and their latency, keeps a moving average of
the scores and sets weights from it every --neuron.epoch_length blocks.`)
	answerTokens := fs.Int("text.answer_tokens", text.DefaultAnswerTokens, "Length of the answers asked for, in tokens")
	if err := neuron.ParseFlags(fs, args); err != nil {
		return err
	}
	model, err := mf.New(os.Getenv)
	if err != nil {
		return &neuron.FlagError{Err: err}
	}
	prompts, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{AnswerTokens: *answerTokens})
	if err != nil {
		return &neuron.FlagError{Err: err}
	}
	v, err := neuron.NewValidator(ctx, cfg)
	if err != nil {
		return err
	}
	v.Logger().Info("model ready", "model", model.Name())
	return v.Run(ctx, Query(model, prompts, text.Scorer{}))
}

// Query is the validator's round: a request drawn from prompts with a new
// seed, the reference answer from model, the request sent to the round's
// miners, each answer rewarded with Score.
func Query(model text.Model, prompts *text.PromptGenerator, scorer text.Scorer) neuron.QueryFunc {
	return func(ctx context.Context, r *neuron.Round) ([]float64, error) {
		req := prompts.Request(r.Rand.Uint64())
		ref, err := model.Complete(ctx, req)
		if err != nil {
			return nil, err
		}
		answers := dendrite.Forward(ctx, r.Dendrite, r.Axons(), NewPrompting(req), r.Timeout)
		rewards := make([]float64, len(answers))
		for i, a := range answers {
			rewards[i] = Score(scorer, ref.Text, a)
		}
		return rewards, nil
	}
}
