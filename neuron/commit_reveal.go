package neuron

// Weights on a subnet with commit-reveal (Bittensor's Substrate runtimes):
// the validator commits the hash of its weights, keeps the weights and salt
// in its state directory (weight-commits/, 0600 files written atomically)
// and reveals them when the chain's reveal window opens, also after a
// restart. It commits anew only when nothing waits for a reveal.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

// commitDir is the folder of pending commits in the state directory.
const commitDir = "weight-commits"

// commitStore opens the store of pending commits once.
func (v *Validator) commitStore() (*subtensor.CommitStore, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.commits != nil {
		return v.commits, nil
	}
	st, err := subtensor.OpenCommitStore(filepath.Join(v.cfg.StateDir(), commitDir))
	if err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	v.commits = st
	return st, nil
}

// Supervisor returns the validator's weight-setting supervisor.
func (v *Validator) Supervisor() *WeightsSupervisor { return v.super }

// pending returns this validator's commits that may still be revealed
// (subtensor.Reconcile): on chain, or still in flight (CommitBlock 0).
func (v *Validator) pending(ctx context.Context, c subtensor.CommitRevealChain) ([]*subtensor.PendingCommit, *subtensor.CommitStore, error) {
	st, err := v.commitStore()
	if err != nil {
		return nil, nil, err
	}
	p, err := subtensor.Reconcile(ctx, c, st, v.cfg.Netuid, types.AccountID(v.hotkey.PublicKey()))
	return p, st, err
}

// onChain are the commits of p the chain holds.
func onChain(p []*subtensor.PendingCommit) []*subtensor.PendingCommit {
	var out []*subtensor.PendingCommit
	for _, c := range p {
		if c.CommitBlock != 0 {
			out = append(out, c)
		}
	}
	return out
}

// commitWeights commits u, w unless an earlier commit still waits for its
// reveal (then the new weights wait for the next epoch of the validator).
func (v *Validator) commitWeights(ctx context.Context, c subtensor.CommitRevealChain, u, w []uint16) error {
	all, st, err := v.pending(ctx, c)
	if err != nil {
		return err
	}
	if waiting := onChain(all); len(waiting) > 0 {
		v.log.Debug("a commit waits for its reveal: not committing again", "first_reveal", waiting[0].FirstReveal)
		return nil
	}
	hash := subtensor.CommitHash(types.AccountID(v.hotkey.PublicKey()), v.cfg.Netuid, u, w, nil, v.cfg.VersionKey)
	if _, err := c.CommitWeights(ctx, v.hotkey, v.cfg.Netuid, hash, subtensor.DryRun); err != nil {
		v.super.Failed("commit", err)
		return err
	}
	p, res, err := subtensor.CommitToStore(ctx, c, st, v.hotkey, v.cfg.Netuid, u, w, v.cfg.VersionKey, subtensor.WaitInclusion)
	if err != nil {
		v.super.Failed("commit", err)
		return err
	}
	v.super.Accepted("commit", res.Height)
	v.log.Info("weights committed", "block", res.Height, "uids", u, "weights", w, "reveal_from", p.FirstReveal, "reveal_until", p.LastReveal)
	return nil
}

// revealDue reveals every waiting commit whose window the next block is in.
func (v *Validator) revealDue(ctx context.Context, height uint64) {
	c, ok := v.client.(subtensor.CommitRevealChain)
	if !ok {
		return
	}
	all, st, err := v.pending(ctx, c)
	if err != nil {
		v.log.Warn("pending weight commits not read", "err", err)
		return
	}
	for _, p := range onChain(all) {
		if p.FirstReveal > height+1 {
			continue
		}
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := subtensor.RevealFromStore(tctx, c, st, v.hotkey, p, subtensor.WaitInclusion)
		cancel()
		switch {
		case err == nil:
			v.super.Accepted("reveal", res.Height)
			v.log.Info("weights revealed", "block", res.Height, "committed_at", p.CommitBlock, "uids", p.UIDs, "weights", p.Weights)
			v.mu.Lock()
			v.weightsBlock = res.Height
			v.mu.Unlock()
		case errors.Is(err, subtensor.ErrRevealTooEarly), ctx.Err() != nil:
		default:
			v.super.Failed("reveal", err)
		}
	}
}

// supervise gives the supervisor the chain's view at height.
func (v *Validator) supervise(ctx context.Context, height uint64) {
	s := v.Snapshot()
	if s == nil {
		return
	}
	self, ok := s.Lookup(v.self)
	if !ok {
		return
	}
	var (
		cr          bool
		waiting     int
		firstReveal uint64
	)
	if c, ok := v.client.(subtensor.CommitRevealChain); ok {
		if all, _, err := v.pending(ctx, c); err == nil {
			if p := onChain(all); len(p) > 0 {
				cr, waiting, firstReveal = true, len(p), p[0].FirstReveal
			}
		}
	}
	hp := s.Hyperparams
	v.super.Observe(height, self.LastUpdate, uint64(hp.Tempo), hp.WeightsSetRateLimit, cr, waiting, firstReveal)
}

// serveMetrics serves reg on addr at /metrics until the returned stop is
// called.
func serveMetrics(addr string, reg *prometheus.Registry, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: --neuron.metrics_addr %s: %v", ErrConfig, addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("metrics server stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
