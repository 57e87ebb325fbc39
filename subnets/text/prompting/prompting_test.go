package prompting

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/neuron/neurontest"
	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
	"github.com/go-bittensor/bittensor/subnets/text/ngram"
	"github.com/go-bittensor/bittensor/synapse"
)

func model(t testing.TB) text.Model {
	t.Helper()
	m, err := ngram.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAnswerAndScore: an honest answer scores about 1, a scrambled one
// about 0, a failed call 0, a slow one less.
func TestAnswerAndScore(t *testing.T) {
	m := model(t)
	gen, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var scorer text.Scorer
	for seed := range uint64(20) {
		req := gen.Request(seed)
		ref, err := m.Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		syn := NewPrompting(req)
		if err := Answer(context.Background(), m, syn); err != nil {
			t.Fatal(err)
		}
		syn.Dendrite.StatusCode, syn.Dendrite.ProcessTime = synapse.Ptr(200), synapse.Ptr(0.001)
		if s := Score(scorer, ref.Text, syn); s != 1 {
			t.Errorf("seed %d: honest answer scores %v, want 1", seed, s)
		}
		slow := *syn
		slow.Dendrite.ProcessTime = synapse.Ptr(3.0)
		if s := Score(scorer, ref.Text, &slow); s > 0.6 || s < 0.4 {
			t.Errorf("seed %d: 3 s answer scores %v, want about 1/2", seed, s)
		}
		wrong := *syn
		wrong.Completion = scramble(syn.Completion)
		if s := Score(scorer, ref.Text, &wrong); s > 0.3 {
			t.Errorf("seed %d: scrambled answer scores %v, want near 0", seed, s)
		}
		failed := *syn
		failed.Dendrite.StatusCode = synapse.Ptr(408)
		if s := Score(scorer, ref.Text, &failed); s != 0 {
			t.Errorf("seed %d: timed-out answer scores %v", seed, s)
		}
	}
	if Score(scorer, "x", nil) != 0 {
		t.Error("nil answer scores above 0")
	}
}

func TestAnswerRefuses(t *testing.T) {
	m := model(t)
	for _, syn := range []*Prompting{
		{Prompt: "a", MaxTokens: 0},
		{Prompt: "a", MaxTokens: text.MaxTokens + 1},
		{Prompt: "a", MaxTokens: 4, Temperature: 9},
		{Prompt: strings.Repeat("a", text.MaxPromptBytes+1), MaxTokens: 4},
	} {
		if err := Answer(context.Background(), m, syn); !errors.Is(err, text.ErrInvalidRequest) {
			t.Errorf("%d tokens, temperature %v, %d bytes: %v, want ErrInvalidRequest", syn.MaxTokens, syn.Temperature, len(syn.Prompt), err)
		}
	}
}

// TestTextSubnet runs the text subnet's real programs on a real chain: a
// validator, two honest miners and one started with --miner.wrong; the
// validator's weights must go to the honest miners only.
func TestTextSubnet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and four neurons")
	}
	net := neurontest.Start(t,
		neurontest.Member{Name: "val", Stake: balance.FromTAO(100), Permit: true, Registered: true},
		neurontest.Member{Name: "honest1", Registered: true},
		neurontest.Member{Name: "honest2", Registered: true},
		neurontest.Member{Name: "wrong", Registered: true},
	)
	run := func(name string, prog func(context.Context, []string) error, args []string) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- prog(ctx, args) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	run("honest1", RunMiner, net.MinerArgs(t, "honest1"))
	run("honest2", RunMiner, net.MinerArgs(t, "honest2"))
	run("wrong", RunMiner, net.MinerArgs(t, "wrong", "--miner.wrong"))
	run("val", RunValidator, net.ValidatorArgs(t, "val", "--neuron.epoch_length", "3"))
	// A scrambled answer still shares words with the reference: it scores
	// about 0.07 on average (at most 0.28 over 2,000 prompts), an honest
	// one 1.
	net.WaitFor(t, "weights favouring the honest miners", func() bool {
		w := net.Weights(t, "val")
		return w[1] > 40000 && w[2] > 40000 && w[3] < 65535/4
	})
}
