package topk

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/tensor"
)

// RunMiner is the tensor subnet's miner program: it answers Topk requests
// from registered validators with Solve until ctx ends, as a Topk synapse
// or at POST /topk over signed HTTP, as --neuron.protocol says. args are
// its command-line flags: neuron.MinerConfig's, plus --miner.wrong.
func RunMiner(ctx context.Context, args []string) error {
	cfg := neuron.DefaultMinerConfig("tensor-miner")
	fs := pflag.NewFlagSet("tensor-miner", pflag.ContinueOnError)
	cfg.AddFlags(fs)
	neuron.SetUsage(fs, `The tensor subnet's miner: it answers validators' Topk requests (the k
largest values of a vector and their positions) on its axon, which it
serves on chain, registering the hotkey first with --neuron.register.`)
	wrong := fs.Bool("miner.wrong", false, "Answer wrongly on purpose (a test tool: shows validators scoring a dishonest miner down)")
	if err := neuron.ParseFlags(fs, args); err != nil {
		return err
	}

	m, err := neuron.NewMiner(ctx, cfg)
	if err != nil {
		return err
	}
	answer, serve := Answer, Serve
	if *wrong {
		answer, serve = Lie, ServeLie
	}
	if err := neuron.Attach(m, answer); err != nil { // --neuron.protocol synapse
		return err
	}
	m.Handle("POST "+Route, signedhttp.JSON(serve)) // --neuron.protocol btauth or epistula
	return m.Run(ctx)
}

// Answer fills in the synapse's answer with Solve: an honest miner's
// forward function.
func Answer(_ context.Context, syn *Topk) error {
	values, indices, err := Solve(syn.Input, syn.K)
	if err != nil {
		return err
	}
	syn.Values, syn.Indices = &values, &indices
	return nil
}

// Lie answers well-formed but wrong: the forward function of
// --miner.wrong.
func Lie(_ context.Context, syn *Topk) error {
	if _, _, err := Solve(syn.Input, syn.K); err != nil {
		return err
	}
	values, indices := lie(syn.Input, syn.K)
	syn.Values, syn.Indices = &values, &indices
	return nil
}

// lie answers the k smallest values instead of the largest: well-formed,
// plausible, and wrong.
func lie(input tensor.Tensor, k int) (values, indices tensor.Tensor) {
	x, _, _ := tensor.Values[float32](input)
	neg := make([]float32, len(x))
	for i, v := range x {
		neg[i] = -v
	}
	idx := topIndices(neg, k)
	vals := make([]float32, k)
	for i, j := range idx {
		vals[i] = x[j]
	}
	values, _ = tensor.New(vals)
	indices, _ = tensor.New(idx)
	return values, indices
}
