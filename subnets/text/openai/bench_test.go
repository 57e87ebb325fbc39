package openai_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// BenchmarkRoundTrip measures one 64-token answer of the built-in model
// through Client → loopback HTTP → NewHandler, against the direct call (the
// baseline), sequentially and with every core busy.
func BenchmarkRoundTrip(b *testing.B) {
	m := mustBuiltin(b)
	srv := httptest.NewServer(openai.NewHandler(m, openai.HandlerOptions{}))
	defer srv.Close()
	client := newClient(b, openai.Config{BaseURL: srv.URL, Model: m.Name()})
	g, err := text.NewPromptGenerator(corpus.Text(), text.PromptConfig{Temperature: 1})
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]text.Request, 256)
	for i := range reqs {
		reqs[i] = g.Request(uint64(i))
		reqs[i].Seed &= 1<<31 - 1
	}
	for _, tc := range []struct {
		name  string
		model text.Model
	}{{"direct", m}, {"http", client}} {
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := tc.model.Complete(context.Background(), reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(tc.name+"/parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := tc.model.Complete(context.Background(), reqs[i%len(reqs)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}
