package neuron

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/synapse"
)

// Miner is a Neuron with an axon: it answers validators. Make one with
// NewMiner, attach the subnet's synapses with Attach, then Run.
type Miner struct {
	*Neuron
	cfg  MinerConfig
	axon *axon.Axon
}

// NewMiner loads the hotkey, connects to the chain and makes the axon (not
// yet listening) from cfg.
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
	return &Miner{Neuron: n, cfg: cfg, axon: a}, nil
}

// Axon returns the miner's axon, e.g. to attach synapses with handlers of
// one's own (Attach is the usual way).
func (m *Miner) Axon() *axon.Axon { return m.axon }

// Attach serves synapse type S with forward, behind the miner's Blacklist
// and Priority.
func Attach[S synapse.Message](m *Miner, forward axon.Forward[S]) error {
	blacklist := func(_ context.Context, syn S) (bool, string) { return m.Blacklist(callerHotkey(syn)) }
	priority := func(_ context.Context, syn S) float64 { return m.Priority(callerHotkey(syn)) }
	return axon.Attach(m.axon, forward, blacklist, priority, nil)
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
// metagraph, starts the axon, serves it on chain, and then keeps the
// metagraph fresh every Neuron.SyncBlocks blocks until ctx ends. After a
// sync it registers and serves again if the hotkey was deregistered, and
// serves again if the chain's endpoint differs from the axon's (after a
// restart on another port). It stops the axon before returning.
func (m *Miner) Run(ctx context.Context) error {
	if _, err := m.EnsureRegistered(ctx); err != nil {
		return err
	}
	if _, err := m.Sync(ctx); err != nil {
		return err
	}
	if err := m.axon.Start(); err != nil {
		return fmt.Errorf("neuron: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.axon.Stop(stop)
	}()
	info := m.axon.Info()
	if err := m.EnsureServed(ctx, info); err != nil {
		if errors.Is(err, ErrNotServable) {
			return err
		}
		m.log.Warn("serving the axon failed; will retry", "err", err)
	}
	m.log.Info("miner running", "netuid", m.cfg.Netuid, "hotkey", m.self, "axon", net.JoinHostPort(info.IP, strconv.Itoa(info.Port)), "listening", m.axon.Addr())
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
	if !sameEndpoint(self.Axon, info) {
		if err := m.EnsureServed(ctx, info); err != nil {
			m.log.Warn("serving the axon failed; will retry", "err", err)
		}
	}
	m.log.Debug("metagraph synced", "block", s.Block, "n", s.N(), "uid", self.UID, "incentive", self.Incentive, "emission", self.Emission)
}
