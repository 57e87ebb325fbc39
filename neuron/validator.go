package neuron

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
)

// Round is one query of the validator loop: the miners to ask and what to
// ask them with.
type Round struct {
	// Step counts rounds since the validator first started (kept across
	// restarts); Block is the chain's head when the round began.
	Step, Block uint64
	// Miners are the neurons to query, sampled from the serving neurons
	// other than the validator itself.
	Miners []Peer
	// Protocol is the subnet's protocol (--neuron.protocol): with
	// ProtocolSynapse ask the miners with Dendrite and Axons, with the
	// signed-HTTP protocols with Client and Endpoints.
	Protocol string
	// Dendrite is the validator's synapse client; Timeout bounds each call.
	Dendrite *dendrite.Dendrite
	Timeout  time.Duration
	// Client signs requests with the validator's hotkey in Protocol
	// (signedhttp.PostJSONAll fans one out to Endpoints()); nil with the
	// synapse protocol.
	Client *signedhttp.Client
	// Snapshot is the subnet the miners were drawn from.
	Snapshot *Snapshot
	// Rand is a random source for the round's questions, seeded from the
	// operating system at start (use it from the round's goroutine only).
	Rand *rand.Rand

	endpoints []signedhttp.Endpoint
}

// Axons returns the axons of the round's miners, in order, for the
// dendrite.
func (r *Round) Axons() []synapse.AxonInfo {
	out := make([]synapse.AxonInfo, len(r.Miners))
	for i, p := range r.Miners {
		out[i] = p.Axon
	}
	return out
}

// Endpoints returns where the round's miners answer signed HTTP, in order
// (from the validator's EndpointSource); nil with the synapse protocol.
func (r *Round) Endpoints() []signedhttp.Endpoint { return r.endpoints }

// A QueryFunc asks a round's miners and returns one reward in [0, 1] per
// miner, in the order of r.Miners: what the subnet pays for. Rewards
// outside [0, 1] are clamped and NaN counts as 0. An error skips the
// round; so does a panic, which is logged with its stack.
type QueryFunc func(ctx context.Context, r *Round) ([]float64, error)

// ErrBadRewards is returned by Step when a QueryFunc returns a reward
// slice of the wrong length.
var ErrBadRewards = errors.New("neuron: rewards do not match the round's miners")

// ErrNoMiners is returned by Step when no neuron of the subnet (other than
// the validator) serves an axon: there is nobody to ask.
var ErrNoMiners = errors.New("neuron: no miner is serving")

// Validator is a Neuron that queries miners, keeps a moving average of
// their rewards, and sets weights from it. Make one with NewValidator and
// Run it with the subnet's QueryFunc.
type Validator struct {
	*Neuron
	cfg       ValidatorConfig
	dendrite  *dendrite.Dendrite
	signed    *signedhttp.Client // signed-HTTP protocols only
	endpoints EndpointSource     // signed-HTTP protocols only
	rng       *rand.Rand
	path      string // state file

	mu           sync.Mutex
	scores       []float64 // moving average by uid
	owners       []string  // hotkey each score was earned by
	step         uint64
	weightsBlock uint64 // block of the last weights set
	retryAt      uint64 // earliest block to try weights again after a failure

	super   *WeightsSupervisor
	commits *subtensor.CommitStore // commit-reveal subnets: salts until revealed
}

// NewValidator loads the hotkey, connects to the chain and makes the
// dendrite from cfg, and for a signed-HTTP protocol the signing client. A
// validator serves nothing: it needs no axon of its own.
func NewValidator(ctx context.Context, cfg ValidatorConfig) (*Validator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n, err := New(ctx, cfg.Config)
	if err != nil {
		return nil, err
	}
	d, err := dendrite.New(n.hotkey, dendrite.Options{ExternalIP: cfg.Axon.ExternalIP})
	if err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	v := &Validator{Neuron: n, cfg: cfg, dendrite: d, rng: rng, path: filepath.Join(cfg.StateDir(), stateFile),
		super: NewWeightsSupervisor(n.log.With("module", "weights"), cfg.Netuid, n.self, cfg.WeightsStaleTempos)}
	if _, ok := cfg.signedHTTP(); ok {
		v.signed = signedhttp.NewClient(cfg.requestSigner(n.hotkey), signedhttp.ClientOptions{})
	}
	v.SetEndpoints(nil)
	if cfg.Neuron.Endpoints == EndpointsCommitment {
		cm, err := n.commitments()
		if err != nil {
			return nil, err
		}
		v.SetEndpoints(&CommitmentEndpoints{Chain: cm, Fallback: v.endpoints, Logger: n.log})
	}
	return v, nil
}

// SetEndpoints replaces where the validator finds miners with a
// signed-HTTP protocol (AxonEndpoints by default; nil restores it). Call it
// before Run.
func (v *Validator) SetEndpoints(src EndpointSource) {
	if src == nil {
		src = AxonEndpoints{ExternalIP: v.cfg.Axon.ExternalIP}
	}
	v.endpoints = src
}

// refreshEndpoints lets an EndpointRefresher follow a new snapshot.
func (v *Validator) refreshEndpoints(ctx context.Context, s *Snapshot) {
	if r, ok := v.endpoints.(EndpointRefresher); ok {
		if err := r.Refresh(ctx, s); err != nil {
			v.log.Warn("miner endpoints not refreshed", "block", s.Block, "err", err)
		}
	}
}

// Dendrite returns the validator's dendrite.
func (v *Validator) Dendrite() *dendrite.Dendrite { return v.dendrite }

// StatePath is the file the validator keeps its scores in.
func (v *Validator) StatePath() string { return v.path }

// Scores returns a copy of the moving-average scores, by uid.
func (v *Validator) Scores() []float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.scores)
}

// Run is the validator loop. It registers the hotkey if needed, syncs the
// metagraph and restores the scores (from the state file, or else from the
// weights the validator has on chain), then at every block: syncs the
// metagraph every Neuron.SyncBlocks blocks, runs one round (Step), and sets
// weights when EpochLength blocks have passed since the last ones and the
// chain takes them (SetWeights asks it first). Failures of the chain or of miners
// are logged and retried; Run returns when ctx ends, or at start for a
// configuration or registration that cannot work.
func (v *Validator) Run(ctx context.Context, query QueryFunc) error {
	if _, err := v.EnsureRegistered(ctx); err != nil {
		return err
	}
	s, err := v.Sync(ctx)
	if err != nil {
		return err
	}
	v.restore(ctx, s)
	v.refreshEndpoints(ctx, s)
	if v.cfg.MetricsAddr != "" {
		stop, err := serveMetrics(v.cfg.MetricsAddr, v.super.Registry(), v.log)
		if err != nil {
			return err
		}
		defer stop()
	}
	v.log.Info("validator running", "netuid", v.cfg.Netuid, "hotkey", v.self, "protocol", v.cfg.Neuron.Protocol, "block", s.Block, "step", v.step, "state", v.path)
	lastSync := s.Block
	return v.blocks(ctx, func(height uint64) {
		if height >= lastSync+v.cfg.Neuron.SyncBlocks {
			if s, err := v.Sync(ctx); err != nil {
				v.log.Warn("metagraph sync failed", "err", err)
			} else {
				lastSync = height
				v.reconcile(s)
				v.refreshEndpoints(ctx, s)
				if _, ok := s.Lookup(v.self); !ok {
					v.log.Warn("hotkey is no longer registered", "block", s.Block)
					if _, err := v.EnsureRegistered(ctx); err != nil {
						v.log.Error("cannot register again", "err", err)
					}
				}
			}
		}
		switch err := v.Step(ctx, query); {
		case err == nil, ctx.Err() != nil:
		case errors.Is(err, ErrNoMiners):
			v.log.Debug("round skipped", "err", err)
		default:
			v.log.Warn("round skipped", "err", err)
		}
		v.revealDue(ctx, height)
		v.maybeSetWeights(ctx, height)
		v.supervise(ctx, height)
	})
}

// Step runs one round against the last Snapshot: it samples up to
// SampleSize serving miners (every one if SampleSize is 0), calls query,
// folds the rewards into the moving averages and saves the state file.
// It returns query's error (or its panic as an error), ErrBadRewards, or
// ErrNoMiners, without changing any score. Step is what Run calls at each
// block; it must not run concurrently with itself or with Run.
func (v *Validator) Step(ctx context.Context, query QueryFunc) error {
	s := v.Snapshot()
	if s == nil {
		return errors.New("neuron: no metagraph yet: Sync first")
	}
	v.reconcile(s)
	miners := v.sample(s)
	if len(miners) == 0 {
		return ErrNoMiners
	}
	v.mu.Lock()
	step := v.step
	v.mu.Unlock()
	r := &Round{Step: step, Block: s.Block, Miners: miners, Protocol: v.cfg.Neuron.Protocol, Dendrite: v.dendrite, Timeout: v.cfg.Timeout, Client: v.signed, Snapshot: s, Rand: v.rng}
	if v.signed != nil {
		r.endpoints = make([]signedhttp.Endpoint, len(miners))
		for i, p := range miners {
			r.endpoints[i], _ = v.endpoints.Endpoint(p)
		}
	}
	// A query that outlives every call's timeout is cut short.
	rctx, cancel := context.WithTimeout(ctx, 2*v.cfg.Timeout+time.Second)
	defer cancel()
	rewards, err := safeQuery(rctx, query, r)
	if err != nil {
		return err
	}
	if len(rewards) != len(miners) {
		return fmt.Errorf("%w: %d rewards for %d miners", ErrBadRewards, len(rewards), len(miners))
	}
	v.mu.Lock()
	a := v.cfg.Alpha
	for i, p := range miners {
		if int(p.UID) >= len(v.scores) || v.owners[p.UID] != p.Hotkey {
			continue // the uid changed hands since the snapshot
		}
		v.scores[p.UID] = a*clampReward(rewards[i]) + (1-a)*v.scores[p.UID]
	}
	v.step++
	st := v.stateLocked(s.Block)
	v.mu.Unlock()
	if err := saveState(v.path, st); err != nil {
		v.log.Warn("state not saved", "err", err)
	}
	v.log.Debug("round", "step", step, "block", s.Block, "miners", len(miners), "rewards", rewards)
	return nil
}

// safeQuery calls query, turning a panic into an error.
func safeQuery(ctx context.Context, query QueryFunc, r *Round) (rewards []float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("neuron: query panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return query(ctx, r)
}

func clampReward(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return min(1, max(0, x))
}

// sample picks the round's miners: serving neurons other than the
// validator, at most SampleSize of them, at random. With a signed-HTTP
// protocol, serving means having an endpoint in the EndpointSource.
func (v *Validator) sample(s *Snapshot) []Peer {
	var serving []Peer
	for _, p := range s.Peers {
		if p.Hotkey == v.self {
			continue
		}
		ok := p.Axon.IsServing()
		if v.signed != nil {
			_, ok = v.endpoints.Endpoint(p)
		}
		if ok {
			serving = append(serving, p)
		}
	}
	k := v.cfg.SampleSize
	if k == 0 || k >= len(serving) {
		return serving
	}
	v.rng.Shuffle(len(serving), func(i, j int) { serving[i], serving[j] = serving[j], serving[i] })
	serving = serving[:k]
	slices.SortFunc(serving, func(a, b Peer) int { return int(a.UID) - int(b.UID) })
	return serving
}

// reconcile fits the scores to a snapshot: new uids start at 0, and so
// does a uid now held by another hotkey than the one that earned its score.
func (v *Validator) reconcile(s *Snapshot) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for uid, p := range s.Peers {
		if uid >= len(v.scores) {
			v.scores = append(v.scores, 0)
			v.owners = append(v.owners, p.Hotkey)
			continue
		}
		if v.owners[uid] != p.Hotkey {
			if v.owners[uid] != "" {
				v.log.Info("uid has a new hotkey; its score starts again", "uid", uid, "hotkey", p.Hotkey)
			}
			v.scores[uid], v.owners[uid] = 0, p.Hotkey
		}
	}
	v.scores, v.owners = v.scores[:len(s.Peers)], v.owners[:len(s.Peers)]
}

// restore loads the scores from the state file or, without one, from the
// validator's weights on chain, so that a restarted validator goes on where
// it was.
func (v *Validator) restore(ctx context.Context, s *Snapshot) {
	v.reconcile(s)
	st, err := loadState(v.path)
	if err != nil {
		v.log.Warn("state file not used", "err", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if st != nil && st.Netuid == v.cfg.Netuid && st.Hotkey == v.self {
		restored := 0
		for _, e := range st.Scores {
			if int(e.UID) < len(v.scores) && v.owners[e.UID] == e.Hotkey {
				v.scores[e.UID] = clampReward(e.Score)
				restored++
			}
		}
		v.step, v.weightsBlock = st.Step, st.WeightsBlock
		v.log.Info("scores restored from the state file", "scores", restored, "step", st.Step, "saved_at_block", st.Block)
		return
	}
	self, ok := s.Lookup(v.self)
	if !ok {
		return
	}
	nr, err := v.client.Neuron(ctx, v.cfg.Netuid, self.UID, s.Block)
	if err != nil || len(nr.Weights) == 0 {
		return
	}
	for _, w := range nr.Weights {
		if int(w[0]) < len(v.scores) {
			v.scores[w[0]] = float64(w[1]) / math.MaxUint16
		}
	}
	v.weightsBlock = self.LastUpdate
	v.log.Info("scores restored from the weights on chain", "weights", len(nr.Weights), "set_at_block", self.LastUpdate)
}

// stateLocked is the state to save; v.mu is held.
func (v *Validator) stateLocked(block uint64) *validatorState {
	st := &validatorState{Netuid: v.cfg.Netuid, Hotkey: v.self, Step: v.step, Block: block, WeightsBlock: v.weightsBlock}
	for uid, sc := range v.scores {
		st.Scores = append(st.Scores, scoreEntry{UID: uint16(uid), Hotkey: v.owners[uid], Score: sc})
	}
	return st
}

// maybeSetWeights sets weights from the scores when EpochLength blocks
// have passed since the last ones and some miner has a positive score.
// Whether the chain takes them now (its weights rate limit, the validator
// permit) is the chain's to say: SetWeights asks it first, and a refusal
// is tried again a block later (the rate limit) or a quarter epoch later.
func (v *Validator) maybeSetWeights(ctx context.Context, height uint64) {
	s := v.Snapshot()
	if s == nil {
		return
	}
	self, ok := s.Lookup(v.self)
	if !ok {
		return
	}
	v.mu.Lock()
	due := height >= v.weightsBlock+v.cfg.EpochLength && height >= v.retryAt
	scores := slices.Clone(v.scores)
	v.mu.Unlock()
	if !due {
		return
	}
	if len(scores) > s.N() {
		scores = scores[:s.N()]
	}
	err := v.SetWeights(ctx, s, scores)
	if ctx.Err() != nil {
		return // shutting down
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		retry := max(1, v.cfg.EpochLength/4)
		if errors.Is(err, types.ErrSettingWeightsTooFast) {
			retry = 1
		}
		v.retryAt = height + retry
		if errors.Is(err, types.ErrNoValidatorPermit) {
			v.log.Warn("no validator permit yet: weights not set (permits come with the subnet's epochs, by stake)", "uid", self.UID)
		} else {
			v.log.Warn("weights not set", "err", err)
		}
		return
	}
	v.weightsBlock = height
}

// SetWeights turns scores (by uid) into the subnet's weights
// (ProcessWeights with its min_allowed_weights and max_weights_limit) and
// sets them, waiting for the block. It asks the chain first, with a dry
// run of the signed transaction: a refusal (the weights rate limit, no
// validator permit, a version key too low) is returned as the chain's
// error, matching its sentinel (types.ErrSettingWeightsTooFast, …), and
// nothing is sent or charged. With no positive score there is nothing to
// set and it returns nil.
func (v *Validator) SetWeights(ctx context.Context, s *Snapshot, scores []float64) error {
	hp := s.Hyperparams
	weights := ProcessWeights(scores, int(hp.MinAllowedWeights), float64(hp.MaxWeightsLimit)/math.MaxUint16)
	if weights == nil {
		v.log.Debug("no miner has scored yet: no weights to set")
		return nil
	}
	uids := make([]uint16, len(weights))
	for i := range uids {
		uids[i] = uint16(i)
	}
	u, w, err := subtensor.ConvertWeights(uids, weights)
	if err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if cr, ok := v.client.(subtensor.CommitRevealChain); ok {
		info, err := cr.CommitReveal(tctx, v.cfg.Netuid, 0)
		if err != nil {
			return err
		}
		if info.Enabled {
			return v.commitWeights(tctx, cr, u, w)
		}
	}
	if _, err := v.client.SetWeights(tctx, v.hotkey, v.cfg.Netuid, u, w, v.cfg.VersionKey, subtensor.DryRun); err != nil {
		v.super.Failed("set", err)
		return err
	}
	res, err := v.client.SetWeights(tctx, v.hotkey, v.cfg.Netuid, u, w, v.cfg.VersionKey, subtensor.WaitInclusion)
	if err == nil && res.Err != nil {
		err = res.Err
	}
	if err != nil {
		v.super.Failed("set", err)
		return err
	}
	v.super.Accepted("set", res.Height)
	v.log.Info("weights set", "block", res.Height, "uids", u, "weights", w)
	return nil
}
