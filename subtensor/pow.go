package subtensor

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
)

// PowProgress is a snapshot of a running proof-of-work search.
type PowProgress struct {
	Block      uint64        // block whose hash the work is over
	Difficulty uint64        // target difficulty
	Hashes     uint64        // seals tried so far (all blocks)
	HashRate   float64       // seals per second, over the whole search
	Best       [32]byte      // lowest seal seen for the current block
	Elapsed    time.Duration // since the search started
}

// String is a one-line progress report: block, hash rate, best seal so far
// (fewer leading zeros is worse) and elapsed time, for a status line.
func (p PowProgress) String() string {
	rate := p.HashRate
	unit := "H/s"
	for _, u := range []string{"kH/s", "MH/s", "GH/s"} {
		if rate < 1000 {
			break
		}
		rate, unit = rate/1000, u
	}
	return fmt.Sprintf("block %d · %.2f %s · best 0x%x… · difficulty %d · %s",
		p.Block, rate, unit, p.Best[:6], p.Difficulty, p.Elapsed.Round(100*time.Millisecond))
}

// PowSolution is a seal that meets the difficulty.
type PowSolution struct {
	Block uint64
	Nonce uint64
	Seal  [32]byte
}

// PowOptions tune a search.
type PowOptions struct {
	// Workers is the number of goroutines hashing (default: all cores).
	Workers int
	// Batch is how many nonces a worker tries between checks for a new
	// block or a stop (Bittensor's update_interval; default 50,000).
	Batch uint64
	// Progress, if set, is called about once a second.
	Progress func(PowProgress)
	// Stop, if set, is called between rounds; returning true ends the
	// search without a solution (e.g. the hotkey became registered).
	Stop func(ctx context.Context) (bool, error)
}

// ErrPowStopped is returned when PowOptions.Stop ended a search.
var ErrPowStopped = errors.New("subtensor: proof-of-work search stopped")

// powWorkWindow is how many blocks old work may be when it reaches the chain.
// The solver restarts on a fresh block once its block is this old minus one,
// leaving a block to get the solution included.
const powWorkWindow = 3

// SolvePoW searches for a nonce whose seal over the given block's hash and
// key meets difficulty, using every core. It follows the chain: when the
// block it works on grows too old to be accepted, it restarts on the newest
// block. It returns when a solution is found, Stop says so, or ctx ends.
func (c *CometBFTClient) SolvePoW(ctx context.Context, key types.AccountID, difficulty uint64, opts PowOptions) (*PowSolution, error) {
	return SolvePoW(ctx, c, key, difficulty, opts)
}

// SolvePoW is the proof-of-work search of Chain.SolvePoW over any chain's
// blocks: the seal is Bittensor's, so the same search serves both backends.
func SolvePoW(ctx context.Context, c Blocks, key types.AccountID, difficulty uint64, opts PowOptions) (*PowSolution, error) {
	if difficulty == 0 {
		return nil, errors.New("subtensor: difficulty 0")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.Batch == 0 {
		opts.Batch = 50_000
	}
	start := time.Now()
	var total atomic.Uint64
	// Progress is timed over the whole search: on a fast chain a block's
	// round is shorter than the reporting interval.
	var lastProg atomic.Int64
	lastProg.Store(start.UnixNano())
	for {
		block, err := c.GetCurrentBlock(ctx)
		if err != nil {
			return nil, err
		}
		hash, err := c.GetBlockHash(ctx, block)
		if err != nil {
			return nil, err
		}
		input := types.SealInput(hash, key)
		// Work on this block until a solution or the block is nearly stale.
		roundCtx, cancel := context.WithCancel(ctx)
		sol := searchBlock(roundCtx, input, difficulty, opts, &total, &lastProg, func() bool {
			if opts.Stop != nil {
				if stop, err := opts.Stop(ctx); err == nil && stop {
					return true
				}
			}
			cur, err := c.GetCurrentBlock(ctx)
			return err == nil && cur >= block+powWorkWindow-1
		}, func(best [32]byte) {
			if opts.Progress == nil {
				return
			}
			el := time.Since(start)
			opts.Progress(PowProgress{Block: block, Difficulty: difficulty, Hashes: total.Load(),
				HashRate: float64(total.Load()) / el.Seconds(), Best: best, Elapsed: el})
		})
		cancel()
		if sol != nil {
			sol.Block = block
			return sol, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opts.Stop != nil {
			if stop, err := opts.Stop(ctx); err != nil {
				return nil, err
			} else if stop {
				return nil, ErrPowStopped
			}
		}
	}
}

// searchBlock runs the workers over one seal input. roundOver is polled
// between batches (by one worker at a time, at most every 200ms); progress
// about once a second since lastProg (unix nanoseconds, shared by rounds).
func searchBlock(ctx context.Context, input [32]byte, difficulty uint64, opts PowOptions, total *atomic.Uint64,
	lastProg *atomic.Int64, roundOver func() bool, progress func([32]byte)) *PowSolution {
	var (
		mu       sync.Mutex
		sol      *PowSolution
		best     [32]byte
		done     atomic.Bool
		lastPoll atomic.Int64
		wg       sync.WaitGroup
	)
	for i := range best {
		best[i] = 0xff
	}
	lastPoll.Store(time.Now().UnixNano())
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var seed [8]byte
			rand.Read(seed[:])
			nonce := binary.LittleEndian.Uint64(seed[:])
			localBest := best
			for !done.Load() && ctx.Err() == nil {
				for i := uint64(0); i < opts.Batch; i++ {
					seal := types.SealWithInput(input, nonce)
					if bytes.Compare(seal[:], localBest[:]) < 0 {
						localBest = seal
					}
					if types.SealMeetsDifficulty(seal, difficulty) {
						mu.Lock()
						if sol == nil {
							sol = &PowSolution{Nonce: nonce, Seal: seal}
						}
						mu.Unlock()
						done.Store(true)
						total.Add(i + 1)
						return
					}
					nonce++
				}
				total.Add(opts.Batch)
				mu.Lock()
				if bytes.Compare(localBest[:], best[:]) < 0 {
					best = localBest
				}
				b := best
				mu.Unlock()
				t := time.Now().UnixNano()
				if p := lastProg.Load(); t-p >= int64(time.Second) && lastProg.CompareAndSwap(p, t) {
					progress(b)
				}
				if p := lastPoll.Load(); t-p >= int64(200*time.Millisecond) && lastPoll.CompareAndSwap(p, t) {
					if roundOver() {
						done.Store(true)
					}
				}
			}
		}()
	}
	wg.Wait()
	return sol
}

// Faucet earns the chain's faucet amount for the signer (a coldkey) with a
// proof of work over its key, as Bittensor's test networks allowed. It
// keeps solving until a solution is included.
func (c *CometBFTClient) Faucet(ctx context.Context, coldkey Signer, opts PowOptions) (*TxResult, error) {
	p, err := c.Params(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Faucet.Enabled {
		return nil, types.Errorf(types.ErrFaucetDisabled, "the network at %s has no faucet", c.endpoint)
	}
	who := types.AccountID(coldkey.PublicKey())
	for {
		sol, err := c.SolvePoW(ctx, who, p.Faucet.Difficulty, opts)
		if err != nil {
			return nil, err
		}
		res, err := c.Submit(ctx, coldkey, &types.Faucet{BlockNumber: sol.Block, Nonce: sol.Nonce, Work: sol.Seal}, WaitInclusion)
		if errors.Is(err, types.ErrInvalidWorkBlock) {
			continue // the chain moved on before the work was included: solve again
		}
		if err != nil {
			return nil, err
		}
		if res.Err != nil {
			return res, fmt.Errorf("subtensor: faucet: %w", res.Err)
		}
		return res, nil
	}
}
