package neuron

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/synapse"
)

// Miner is a Neuron that answers validators. Make one with NewMiner, give
// it the subnet's work — synapses with Attach for the synapse protocol,
// HTTP routes with Handle for btauth/1 and Epistula (a subnet supporting
// every protocol does both; the configured one is served) — then Run.
type Miner struct {
	*Neuron
	cfg  MinerConfig
	axon *axon.Axon

	// For the signed-HTTP protocols: the guard in front of mux, and the
	// server that serves it on the --axon.* address. For the synapse
	// protocol guard is nil and server is the axon.
	guard     *signedhttp.Guard
	mux       *http.ServeMux
	server    server
	publisher Publisher
	attached  int // synapses attached (Attach)
	handled   int // routes handled (Handle)
}

// NewMiner loads the hotkey, connects to the chain and makes the axon (not
// yet listening) from cfg; for a signed-HTTP protocol also the guard and
// the HTTP server that Run starts instead of the axon.
func NewMiner(ctx context.Context, cfg MinerConfig) (*Miner, error) {
	n, err := New(ctx, cfg.Config)
	if err != nil {
		return nil, err
	}
	coldkey := ""
	if ck, err := n.wallet.ColdkeyPub(); err == nil {
		coldkey = ck.SS58Address()
	}
	a, err := axon.New(n.hotkey, axon.Options{
		IP: cfg.Axon.IP, Port: cfg.Axon.Port, ExternalIP: cfg.Axon.ExternalIP, ExternalPort: cfg.Axon.ExternalPort,
		Coldkey: coldkey, MaxWorkers: cfg.Axon.MaxWorkers, Logger: n.log.With("module", "axon"),
	})
	if err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	m := &Miner{Neuron: n, cfg: cfg, axon: a, mux: http.NewServeMux(), server: a}
	if p, ok := cfg.signedHTTP(); ok {
		m.guard, err = signedhttp.NewGuard(p, n.self, signedhttp.GuardOptions{
			Admit: m.admit,
			// Hotkeys on chain are sr25519: never take the request's word
			// for another scheme.
			TrustedScheme: func(string) signedhttp.Scheme { return signedhttp.SR25519 },
			Logger:        n.log.With("module", "signedhttp"),
		})
		if err != nil {
			return nil, fmt.Errorf("neuron: %w", err)
		}
		m.server = &httpServer{
			ip: cfg.Axon.IP, port: cfg.Axon.Port, externalIP: cfg.Axon.ExternalIP, externalPort: cfg.Axon.ExternalPort,
			hotkey: n.self, coldkey: coldkey, handler: m.guard.Wrap(m.mux), log: n.log.With("module", "http"),
		}
	}
	if cfg.Neuron.Endpoints == EndpointsCommitment {
		cm, err := n.commitments()
		if err != nil {
			return nil, err
		}
		m.publisher = &CommitmentPublisher{Chain: cm, Hotkey: n.hotkey, Netuid: cfg.Netuid, URL: cfg.Neuron.PublicURL, Logger: n.log}
	}
	return m, nil
}

// Axon returns the miner's axon, e.g. to attach synapses with handlers of
// one's own (Attach is the usual way). It serves only with the synapse
// protocol.
func (m *Miner) Axon() *axon.Axon { return m.axon }

// Guard returns the guard in front of the miner's HTTP routes (e.g. for
// its metrics), or nil with the synapse protocol.
func (m *Miner) Guard() *signedhttp.Guard { return m.guard }

// Info returns what the miner serves and publishes: the axon's Info, or
// the same for the HTTP server of a signed-HTTP protocol.
func (m *Miner) Info() synapse.AxonInfo { return m.server.Info() }

// Addr returns the address the miner listens on, nil before Run.
func (m *Miner) Addr() net.Addr { return m.server.Addr() }

// Attach serves synapse type S with forward, behind the miner's Blacklist
// and Priority, when the miner runs the synapse protocol. Call it before
// Run.
func Attach[S synapse.Message](m *Miner, forward axon.Forward[S]) error {
	blacklist := func(_ context.Context, syn S) (bool, string) { return m.Blacklist(callerHotkey(syn)) }
	priority := func(_ context.Context, syn S) float64 { return m.Priority(callerHotkey(syn)) }
	if err := axon.Attach(m.axon, forward, blacklist, priority, nil); err != nil {
		return err
	}
	m.attached++
	return nil
}

// Handle serves h at pattern (http.ServeMux syntax, e.g. "POST /topk")
// when the miner runs a signed-HTTP protocol (btauth, epistula). h runs
// only for requests the miner's guard authenticated and admitted (the
// Blacklist, before any signature is checked), finds the caller with
// signedhttp.CallerFrom, and reads the verified body from r.Body;
// signedhttp.JSON adapts a typed function. Requests run concurrently, up
// to the guard's in-flight limit; there is no priority queue as the axon
// has for synapses. Call it before Run; like http.ServeMux.Handle it
// panics on a pattern already registered.
func (m *Miner) Handle(pattern string, h http.Handler) {
	m.mux.Handle(pattern, h)
	m.handled++
}

// SetPublisher replaces how the miner makes its endpoint known (serve_axon
// by default, see Publisher). Call it before Run.
func (m *Miner) SetPublisher(p Publisher) { m.publisher = p }

// admit is the guard's Admit: the Blacklist's verdict as an error.
func (m *Miner) admit(hotkey string) error {
	if bad, reason := m.Blacklist(hotkey); bad {
		return errors.New(reason)
	}
	return nil
}

// publish makes info known, with the Publisher or serve_axon.
func (m *Miner) publish(ctx context.Context, info synapse.AxonInfo) error {
	if m.publisher != nil {
		return m.publisher.Publish(ctx, info)
	}
	return m.EnsureServed(ctx, info)
}

// checkServes refuses to run a miner that has nothing to serve in its
// protocol but something in another.
func (m *Miner) checkServes() error {
	p := m.cfg.Neuron.Protocol
	switch {
	case m.guard != nil && m.handled == 0 && m.attached > 0:
		return fmt.Errorf("%w: --neuron.protocol %s: this miner serves no HTTP routes (Miner.Handle), only synapses: run it with --neuron.protocol %s", ErrConfig, p, ProtocolSynapse)
	case m.guard != nil && m.handled == 0:
		return fmt.Errorf("%w: --neuron.protocol %s: this miner serves no HTTP routes (Miner.Handle)", ErrConfig, p)
	case m.guard == nil && m.attached == 0 && m.handled > 0:
		return fmt.Errorf("%w: --neuron.protocol %s: this miner serves no synapses (Attach); run it with --neuron.protocol %s or %s", ErrConfig, p, ProtocolBtauth, ProtocolEpistula)
	}
	return nil
}

func callerHotkey(syn synapse.Message) string {
	if h := syn.Base().Dendrite.Hotkey; h != nil {
		return *h
	}
	return ""
}

// Blacklist decides whether to refuse a caller by its hotkey (SS58), from
// the last Snapshot: a hotkey not registered on the subnet is refused
// (unless Blacklist.AllowNonRegistered), and so is one without a validator
// permit (if Blacklist.ForceValidatorPermit) or with less stake than
// Blacklist.MinStake. The reason goes back to the caller.
func (m *Miner) Blacklist(hotkey string) (bool, string) {
	s := m.Snapshot()
	if s == nil {
		return true, "miner is starting"
	}
	p, ok := s.Lookup(hotkey)
	if !ok {
		if m.cfg.Blacklist.AllowNonRegistered {
			return false, ""
		}
		return true, "hotkey " + hotkey + " is not registered on subnet " + strconv.Itoa(int(s.Netuid))
	}
	if m.cfg.Blacklist.ForceValidatorPermit && !p.ValidatorPermit {
		return true, "uid " + strconv.Itoa(int(p.UID)) + " has no validator permit"
	}
	if p.Stake < m.cfg.Blacklist.MinStake {
		return true, "uid " + strconv.Itoa(int(p.UID)) + " has stake " + p.Stake.String() + ", below " + m.cfg.Blacklist.MinStake.String()
	}
	return false, ""
}

// Priority ranks a caller by its stake in TAO: when every axon worker is
// busy, the callers with the most stake are served first. Unknown callers
// rank 0.
func (m *Miner) Priority(hotkey string) float64 {
	s := m.Snapshot()
	if s == nil {
		return 0
	}
	p, ok := s.Lookup(hotkey)
	if !ok {
		return 0
	}
	return float64(p.Stake) / balance.RAOPerTAO
}

// Run registers the hotkey if needed (see EnsureRegistered), syncs the
// metagraph, starts the axon (or, for a signed-HTTP protocol, the HTTP
// server on the same --axon.* address), serves it on chain, and then keeps
// the metagraph fresh every Neuron.SyncBlocks blocks until ctx ends. After
// a sync it registers and serves again if the hotkey was deregistered, and
// serves again if the chain's endpoint differs from the axon's (after a
// restart on another port). It stops the server before returning. A miner
// with nothing to serve in its protocol is an ErrConfig at once.
func (m *Miner) Run(ctx context.Context) error {
	if err := m.checkServes(); err != nil {
		return err
	}
	if _, err := m.EnsureRegistered(ctx); err != nil {
		return err
	}
	if _, err := m.Sync(ctx); err != nil {
		return err
	}
	if err := m.server.Start(); err != nil {
		return fmt.Errorf("neuron: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.server.Stop(stop)
	}()
	info := m.server.Info()
	if err := m.publish(ctx, info); err != nil {
		if errors.Is(err, ErrNotServable) {
			return err
		}
		m.log.Warn("serving the axon failed; will retry", "err", err)
	}
	m.log.Info("miner running", "netuid", m.cfg.Netuid, "hotkey", m.self, "protocol", m.cfg.Neuron.Protocol,
		"axon", net.JoinHostPort(info.IP, strconv.Itoa(info.Port)), "listening", m.server.Addr())
	var last uint64
	return m.blocks(ctx, func(height uint64) {
		if height < last+m.cfg.Neuron.SyncBlocks {
			return
		}
		last = height
		m.tend(ctx, info)
	})
}

// tend syncs the metagraph and puts the miner back on chain if it fell off.
func (m *Miner) tend(ctx context.Context, info synapse.AxonInfo) {
	s, err := m.Sync(ctx)
	if err != nil {
		m.log.Warn("metagraph sync failed", "err", err)
		return
	}
	self, ok := s.Lookup(m.self)
	if !ok {
		m.log.Warn("hotkey is no longer registered", "netuid", m.cfg.Netuid, "block", s.Block)
		if _, err := m.EnsureRegistered(ctx); err != nil {
			m.log.Error("cannot register again", "err", err)
			return
		}
		if s, err = m.Sync(ctx); err != nil {
			return
		}
		if self, ok = s.Lookup(m.self); !ok {
			return
		}
	}
	if m.publisher != nil || !sameEndpoint(self.Axon, info) {
		if err := m.publish(ctx, info); err != nil {
			m.log.Warn("serving the axon failed; will retry", "err", err)
		}
	}
	m.log.Debug("metagraph synced", "block", s.Block, "n", s.N(), "uid", self.UID, "incentive", self.Incentive, "emission", self.Emission)
}
