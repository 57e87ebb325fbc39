package neuron

// The weight-setting supervisor. Validators lose rewards to weights that
// silently stop reaching the chain (a rate limit, a lost permit, a version
// key bump, a commit never revealed): the subnet's epoch then sees their
// last update grow old, and past the activity cutoff their bonds and
// dividends go. The supervisor watches what the chain says (the validator's
// last_update on the subnet) beside what the validator did, logs it, exports
// it as Prometheus metrics and warns when the last update is older than a
// number of tempos.

import (
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// WeightsStatus is the state of a validator's weights at a block.
type WeightsStatus struct {
	// Block is the block observed.
	Block uint64
	// LastUpdate is the chain's last update of the validator's weights on
	// the subnet (a set_weights, a commit or a reveal).
	LastUpdate uint64
	// LastAccepted is the block of the last weights call of this process
	// the chain took (0: none yet).
	LastAccepted uint64
	// NextAllowed is the first block at which the chain takes the next
	// weights: the last update plus the subnet's weights rate limit, or on
	// a commit-reveal subnet with a commit waiting, its first reveal block.
	NextAllowed uint64
	// SinceUpdate is Block − LastUpdate.
	SinceUpdate uint64
	// Tempo is the subnet's tempo; Stale reports SinceUpdate above the
	// supervisor's limit of tempos.
	Tempo uint64
	Stale bool
	// CommitReveal says the subnet takes weights by commit-reveal;
	// PendingReveals how many commits wait for their reveal.
	CommitReveal   bool
	PendingReveals int
}

// WeightsSupervisor watches a validator's weights; see the file comment.
// Its methods are safe for concurrent use.
type WeightsSupervisor struct {
	log         *slog.Logger
	staleTempos uint64
	reg         *prometheus.Registry

	lastAccepted, nextAllowed, sinceUpdate, lastUpdate, stale, pending prometheus.Gauge
	failures                                                           *prometheus.CounterVec
	accepted                                                           *prometheus.CounterVec

	mu         sync.Mutex
	status     WeightsStatus
	warnedAt   uint64
	lastFailed string
}

// NewWeightsSupervisor returns a supervisor that warns when the last update
// is more than staleTempos tempos old (0: never), logging to log, with its
// metrics in a registry of its own (Registry) labelled with the subnet and
// hotkey.
func NewWeightsSupervisor(log *slog.Logger, netuid uint16, hotkey string, staleTempos uint64) *WeightsSupervisor {
	labels := prometheus.Labels{"netuid": itoa(uint64(netuid)), "hotkey": hotkey}
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "bittensor", Subsystem: "validator_weights", Name: name, Help: help, ConstLabels: labels})
	}
	s := &WeightsSupervisor{
		log: log, staleTempos: staleTempos, reg: prometheus.NewRegistry(),
		lastAccepted: g("last_accepted_block", "Block of the last weights call (set, commit or reveal) the chain took from this validator."),
		nextAllowed:  g("next_allowed_block", "First block at which the chain takes this validator's next weights."),
		sinceUpdate:  g("blocks_since_last_update", "Blocks since the chain's last update of this validator's weights on the subnet."),
		lastUpdate:   g("last_update_block", "The chain's last update of this validator's weights on the subnet."),
		stale:        g("stale", "1 when the last update is older than the configured number of tempos."),
		pending:      g("pending_reveals", "Commits waiting for their reveal (commit-reveal subnets)."),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "bittensor", Subsystem: "validator_weights", Name: "failures_total",
			Help: "Weights calls the chain refused or that failed, by kind (set, commit, reveal).", ConstLabels: labels}, []string{"kind"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "bittensor", Subsystem: "validator_weights", Name: "accepted_total",
			Help: "Weights calls the chain took, by kind (set, commit, reveal).", ConstLabels: labels}, []string{"kind"}),
	}
	s.reg.MustRegister(s.lastAccepted, s.nextAllowed, s.sinceUpdate, s.lastUpdate, s.stale, s.pending, s.failures, s.accepted)
	return s
}

// Registry is the registry of the supervisor's metrics (serve it with
// promhttp.HandlerFor, or gather it into another).
func (s *WeightsSupervisor) Registry() *prometheus.Registry { return s.reg }

// Status returns the last status observed.
func (s *WeightsSupervisor) Status() WeightsStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Accepted records a weights call (kind "set", "commit" or "reveal") the
// chain took in block.
func (s *WeightsSupervisor) Accepted(kind string, block uint64) {
	s.accepted.WithLabelValues(kind).Inc()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastFailed = ""
	s.status.LastAccepted = max(s.status.LastAccepted, block)
	s.status.LastUpdate = max(s.status.LastUpdate, block)
	s.lastAccepted.Set(float64(s.status.LastAccepted))
	s.log.Info("weights accepted", "kind", kind, "block", block)
}

// Failed records a weights call that failed; the same error twice in a
// row is logged once.
func (s *WeightsSupervisor) Failed(kind string, err error) {
	s.failures.WithLabelValues(kind).Inc()
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg := kind + ": " + err.Error(); msg != s.lastFailed {
		s.lastFailed = msg
		s.log.Warn("weights not accepted", "kind", kind, "err", err)
	}
}

// Observe records the chain's view at block: the validator's last update,
// the subnet's tempo and weights rate limit, whether it commits and
// reveals, and the first reveal block of its oldest waiting commit (0:
// none). It warns when the last update is older than the limit, once per
// tempo while it stays so.
func (s *WeightsSupervisor) Observe(block, lastUpdate, tempo, rateLimit uint64, commitReveal bool, pendingReveals int, firstReveal uint64) WeightsStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.status
	st.Block, st.Tempo, st.CommitReveal, st.PendingReveals = block, tempo, commitReveal, pendingReveals
	st.LastUpdate = max(st.LastUpdate, lastUpdate)
	st.SinceUpdate = 0
	if block > st.LastUpdate {
		st.SinceUpdate = block - st.LastUpdate
	}
	st.NextAllowed = st.LastUpdate + rateLimit
	if commitReveal && pendingReveals > 0 && firstReveal > 0 {
		st.NextAllowed = firstReveal
	}
	limit := s.staleTempos * max(tempo, 1)
	st.Stale = s.staleTempos > 0 && st.SinceUpdate > limit
	s.lastUpdate.Set(float64(st.LastUpdate))
	s.sinceUpdate.Set(float64(st.SinceUpdate))
	s.nextAllowed.Set(float64(st.NextAllowed))
	s.pending.Set(float64(pendingReveals))
	if st.Stale {
		s.stale.Set(1)
		if s.warnedAt == 0 || block >= s.warnedAt+max(tempo, 1) {
			s.warnedAt = block
			s.log.Warn("this validator's weights on chain are stale: the subnet will stop counting them",
				"last_update", st.LastUpdate, "blocks_since", st.SinceUpdate, "limit_blocks", limit,
				"tempos", s.staleTempos, "next_allowed", st.NextAllowed, "last_error", s.lastFailed)
		}
	} else {
		s.stale.Set(0)
		s.warnedAt = 0
	}
	return *st
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
