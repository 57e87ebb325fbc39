package neuron

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/synapse"
)

// BenchmarkStepBookkeeping is the validator loop's own cost per round for
// a subnet of 256 serving miners, with a query that answers at once:
// sampling, the moving averages and writing the state file. A round's
// network time (see the subnets' BenchmarkValidatorRound) comes on top.
func BenchmarkStepBookkeeping(b *testing.B) {
	for _, n := range []int{16, 256} {
		b.Run("miners="+strconv.Itoa(n), func(b *testing.B) {
			var peers []Peer
			for i := range n {
				h := "hotkey" + strconv.Itoa(i)
				peers = append(peers, Peer{UID: uint16(i), Hotkey: h, Axon: synapse.AxonInfo{IP: "203.0.113.1", Port: 8091 + i, IPType: 4}})
			}
			s := NewSnapshot(1, 100, peers, types.Hyperparams{})
			cfg := DefaultValidatorConfig("bench")
			cfg.SampleSize = 0
			v := &Validator{
				Neuron: &Neuron{cfg: cfg.Config, log: slog.New(slog.DiscardHandler), self: "me", snap: s},
				cfg:    cfg, rng: rand.New(rand.NewPCG(1, 2)), path: filepath.Join(b.TempDir(), stateFile),
			}
			rewards := make([]float64, n)
			for i := range rewards {
				rewards[i] = float64(i%10) / 10
			}
			query := func(context.Context, *Round) ([]float64, error) { return rewards, nil }
			for b.Loop() {
				if err := v.Step(context.Background(), query); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
