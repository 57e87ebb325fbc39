package subtensor_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// On a chain with blocks faster than the progress interval the solver
// restarts on a new block several times a second; its progress must still
// be reported (about once a second over the whole search) and count every
// round's seals.
func TestSolvePoWProgressAcrossBlocks(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{BlockTime: 100 * time.Millisecond})
	c := dev.Client(t)
	var key types.AccountID
	copy(key[:], "pow-progress-hotkey")
	start := time.Now()
	var reports []subtensor.PowProgress
	_, err := c.SolvePoW(context.Background(), key, math.MaxUint64, subtensor.PowOptions{
		Workers:  1,
		Batch:    5_000,
		Progress: func(p subtensor.PowProgress) { reports = append(reports, p) },
		Stop:     func(context.Context) (bool, error) { return time.Since(start) > 1500*time.Millisecond, nil },
	})
	if err != subtensor.ErrPowStopped {
		t.Fatalf("search ended with %v", err)
	}
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	last := reports[len(reports)-1]
	first, _ := c.GetCurrentBlock(context.Background())
	if last.Hashes < 5_000 || last.HashRate <= 0 || last.Block == 0 || last.Block > first {
		t.Errorf("progress %+v (head %d)", last, first)
	}
}
