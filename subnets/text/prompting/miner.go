package prompting

import (
	"context"
	"os"
	"slices"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/backend"
)

// RunMiner is the text subnet's miner program: it answers Prompting
// requests from registered validators with the model its flags select
// (the built-in n-gram model by default, or an OpenAI-compatible server)
// until ctx ends. args are neuron.MinerConfig's flags, the model flags of
// package backend, and --miner.wrong.
func RunMiner(ctx context.Context, args []string) error {
	cfg := neuron.DefaultMinerConfig("text-miner")
	fs := pflag.NewFlagSet("text-miner", pflag.ContinueOnError)
	cfg.AddFlags(fs)
	var mf backend.Flags
	mf.Register(fs)
	neuron.SetUsage(fs, `The text subnet's miner: it answers validators' prompts with a language
model, the built-in n-gram model by default (no download) or any
OpenAI-compatible server (--model openai). Validators score answers against
their own model's, so miners must run the model the validators run.`)
	wrong := fs.Bool("miner.wrong", false, "Answer wrongly on purpose (a test tool: the words of the answer in reverse order)")
	if err := neuron.ParseFlags(fs, args); err != nil {
		return err
	}
	model, err := mf.New(os.Getenv)
	if err != nil {
		return &neuron.FlagError{Err: err}
	}

	m, err := neuron.NewMiner(ctx, cfg)
	if err != nil {
		return err
	}
	m.Logger().Info("model ready", "model", model.Name())
	err = neuron.Attach(m, func(ctx context.Context, syn *Prompting) error {
		if err := Answer(ctx, model, syn); err != nil {
			return err
		}
		if *wrong {
			syn.Completion = scramble(syn.Completion)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return m.Run(ctx)
}

// scramble reverses the order of an answer's tokens: the same words, no
// longer the model's text.
func scramble(s string) string {
	toks := text.Tokenize(s)
	slices.Reverse(toks)
	return text.Detokenize(toks)
}
