package subtensor_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// BenchmarkSolvePoWRate measures the proof-of-work solver's hash rate as
// registration runs it (Client.SolvePoW against a dev node: workers, batch
// checks for a new block and a stop, progress) with one worker and with one
// per core, over powWindow each at a difficulty never met. The baseline in
// the same run is SealWithInput in a plain loop on one core. Run it with
// -benchtime 1x: each op is one timed window; the figure is seals/s.
func BenchmarkSolvePoWRate(b *testing.B) {
	const powWindow = 3 * time.Second
	dev := nodetest.StartDev(b, nodetest.Options{})
	c := dev.Client(b)
	var key types.AccountID
	copy(key[:], "pow-bench-hotkey")
	for range 3 { // rounds, interleaved with the baseline
		powRound(b, c, key, powWindow)
	}
}

func powRound(b *testing.B, c *subtensor.CometBFTClient, key types.AccountID, powWindow time.Duration) {
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("SolvePoW/workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				var last subtensor.PowProgress
				_, err := c.SolvePoW(context.Background(), key, math.MaxUint64, subtensor.PowOptions{
					Workers:  workers,
					Progress: func(p subtensor.PowProgress) { last = p },
					Stop:     func(context.Context) (bool, error) { return time.Since(start) > powWindow, nil },
				})
				if err != subtensor.ErrPowStopped || last.Hashes == 0 {
					b.Fatalf("%v after %d seals", err, last.Hashes)
				}
				b.ReportMetric(last.HashRate, "seals/s")
			}
		})
	}
	b.Run("baseline/SealWithInput/1-core", func(b *testing.B) {
		input := types.SealInput([32]byte{1}, key)
		for b.Loop() {
			start := time.Now()
			var n uint64
			for time.Since(start) < powWindow {
				for range 10_000 {
					types.SealWithInput(input, n)
					n++
				}
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "seals/s")
		}
	})
}
