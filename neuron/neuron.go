package neuron

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// Errors callers can test with errors.Is.
var (
	// ErrNotRegistered is returned when the hotkey is not registered on the
	// subnet and the configuration does not allow registering it.
	ErrNotRegistered = errors.New("neuron: hotkey not registered")
	// ErrNoSubnet is returned when the configured subnet does not exist.
	ErrNoSubnet = errors.New("neuron: subnet does not exist")
	// ErrNotServable is returned by EnsureServed for an axon announcing an
	// address the chain refuses (0.0.0.0, 127.0.0.1).
	ErrNotServable = errors.New("neuron: axon address cannot be served")
)

// Chain is what a neuron asks of a subtensor chain: its subnet (through
// the metagraph) and hyperparameters, its own registration, serving its
// axon, weights, and new blocks. Any subtensor.Chain is one.
type Chain interface {
	metagraph.Chain
	subtensor.Blocks
	GetBalance(ctx context.Context, addr types.AccountID, atBlock uint64) (balance.Balance, error)
	SubnetExists(ctx context.Context, netuid uint16, atBlock uint64) (bool, error)
	GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error)
	Neuron(ctx context.Context, netuid, uid uint16, atBlock uint64) (types.NeuronInfo, error)
	NeuronForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (types.NeuronInfo, error)
	UIDForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (uint16, bool, error)
	BurnedRegister(ctx context.Context, coldkey subtensor.Signer, netuid uint16, hotkey types.AccountID, maxBurn balance.Balance, wait subtensor.Wait) (uint16, *subtensor.TxResult, error)
	Register(ctx context.Context, hotkey subtensor.Signer, coldkey types.AccountID, netuid uint16, opts subtensor.RegisterOptions) (uint16, *subtensor.TxResult, error)
	ServeAxon(ctx context.Context, hotkey subtensor.Signer, netuid uint16, e subtensor.AxonEndpoint, wait subtensor.Wait) (*subtensor.TxResult, error)
	SetWeights(ctx context.Context, hotkey subtensor.Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait subtensor.Wait) (*subtensor.TxResult, error)
}

var _ Chain = subtensor.Chain(nil)

// Neuron is what a miner and a validator share: the hotkey, the chain
// connection, and the subnet as of the last Sync. Its methods are safe for
// concurrent use.
type Neuron struct {
	cfg    Config
	log    *slog.Logger
	client Chain
	wallet *wallet.Wallet
	hotkey *wallet.Keypair
	self   string // hotkey SS58

	mu   sync.RWMutex
	snap *Snapshot
}

// New loads the wallet's hotkey (with its secret) and connects to the
// chain. It does not register or sync; see EnsureRegistered and Sync.
func New(ctx context.Context, cfg Config) (*Neuron, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := wallet.New(cfg.Wallet.Name, cfg.Wallet.Hotkey, cfg.Wallet.Path)
	hk, err := w.Hotkey(nil)
	if err != nil {
		return nil, fmt.Errorf("neuron: hotkey of wallet %s (create it with `btcli wallet new_hotkey`): %w", w, err)
	}
	log := cfg.logger(nil)
	client, err := subtensor.Connect(ctx, cfg.Subtensor.Target(), subtensor.Options{Logger: log.With("module", "subtensor")})
	if err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	return &Neuron{cfg: cfg, log: log, client: client, wallet: w, hotkey: hk, self: hk.SS58Address()}, nil
}

// Config returns the neuron's configuration.
func (n *Neuron) Config() Config { return n.cfg }

// Client returns the chain connection.
func (n *Neuron) Client() Chain { return n.client }

// Hotkey returns the neuron's hotkey (with its secret: never log it).
func (n *Neuron) Hotkey() *wallet.Keypair { return n.hotkey }

// Logger returns the neuron's logger.
func (n *Neuron) Logger() *slog.Logger { return n.log }

// Netuid is the neuron's subnet.
func (n *Neuron) Netuid() uint16 { return n.cfg.Netuid }

// Snapshot returns the subnet as of the last Sync, or nil before the first.
func (n *Neuron) Snapshot() *Snapshot {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.snap
}

// Sync reads the subnet at the latest block and makes it the neuron's
// Snapshot.
func (n *Neuron) Sync(ctx context.Context) (*Snapshot, error) {
	s, err := syncSnapshot(ctx, n.client, n.cfg.Netuid)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	if n.snap == nil || s.Block >= n.snap.Block {
		n.snap = s
	}
	n.mu.Unlock()
	return s, nil
}

// Self returns the neuron's own entry in the last Snapshot; false if it
// is not registered there (or before the first Sync).
func (n *Neuron) Self() (Peer, bool) {
	s := n.Snapshot()
	if s == nil {
		return Peer{}, false
	}
	return s.Lookup(n.self)
}

// EnsureRegistered returns the hotkey's uid on the subnet, registering it
// first if it is not and the configuration allows (Neuron.Register: burn,
// paid by the wallet's coldkey, at most Neuron.MaxBurn; or proof of work).
// It returns an error wrapping ErrNoSubnet if the subnet does not exist,
// and ErrNotRegistered if registration is off.
func (n *Neuron) EnsureRegistered(ctx context.Context) (uint16, error) {
	netuid, who := n.cfg.Netuid, types.AccountID(n.hotkey.PublicKey())
	if ok, err := n.client.SubnetExists(ctx, netuid, 0); err != nil {
		return 0, fmt.Errorf("neuron: %w", err)
	} else if !ok {
		return 0, fmt.Errorf("%w: subnet %d (list subnets with `btcli subnets list`)", ErrNoSubnet, netuid)
	}
	if uid, ok, err := n.client.UIDForHotkey(ctx, netuid, who, 0); err != nil {
		return 0, fmt.Errorf("neuron: %w", err)
	} else if ok {
		return uid, nil
	}
	var (
		uid uint16
		err error
	)
	switch n.cfg.Neuron.Register {
	case RegisterBurn:
		var cold *wallet.Keypair
		if cold, err = n.wallet.Coldkey(nil); err != nil {
			return 0, fmt.Errorf("neuron: burned registration needs the coldkey of wallet %s (its password can come from %s): %w", n.wallet.Name, wallet.ColdPasswordEnvVar(n.wallet.ColdkeyPath()), err)
		}
		n.log.Info("registering by burn", "netuid", netuid, "hotkey", n.self, "max_burn", n.cfg.Neuron.MaxBurn)
		uid, _, err = n.client.BurnedRegister(ctx, cold, netuid, who, n.cfg.Neuron.MaxBurn, subtensor.WaitInclusion)
	case RegisterPoW:
		var cold *wallet.Keypair
		if cold, err = n.wallet.ColdkeyPub(); err != nil {
			return 0, fmt.Errorf("neuron: coldkey of wallet %s: %w", n.wallet.Name, err)
		}
		n.log.Info("registering by proof of work", "netuid", netuid, "hotkey", n.self)
		uid, _, err = n.client.Register(ctx, n.hotkey, types.AccountID(cold.PublicKey()), netuid, subtensor.RegisterOptions{})
	default:
		return 0, fmt.Errorf("%w: hotkey %s is not registered on subnet %d: register it (`btcli subnets register --netuid %d`) or run with --neuron.register burn", ErrNotRegistered, n.self, netuid, netuid)
	}
	if errors.Is(err, types.ErrAlreadyRegistered) {
		// Registered meanwhile (by us before a restart, or by the owner).
		if u, ok, qerr := n.client.UIDForHotkey(ctx, netuid, who, 0); qerr == nil && ok {
			return u, nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("neuron: register hotkey %s on subnet %d: %w", n.self, netuid, err)
	}
	n.log.Info("registered", "netuid", netuid, "uid", uid)
	return uid, nil
}

// EnsureServed publishes info (an axon's Info) with serve_axon, unless the
// chain already has this endpoint for the hotkey. The hotkey must be
// registered. An address the chain refuses gives ErrNotServable; a serving
// rate limit is an error the caller retries later.
func (n *Neuron) EnsureServed(ctx context.Context, info synapse.AxonInfo) error {
	netuid, who := n.cfg.Netuid, types.AccountID(n.hotkey.PublicKey())
	if !info.IsServing() {
		return fmt.Errorf("%w: the axon announces %s; set --axon.external_ip to the address validators reach this machine at", ErrNotServable, info.IP)
	}
	cur, err := n.client.NeuronForHotkey(ctx, netuid, who, 0)
	if err != nil {
		return fmt.Errorf("neuron: %w", err)
	}
	if sameEndpoint(axonInfo(cur.Axon, info.Hotkey, info.Coldkey), info) {
		return nil
	}
	_, err = n.client.ServeAxon(ctx, n.hotkey, netuid, subtensor.AxonEndpoint{
		IP: info.IP, Port: uint16(info.Port), Protocol: uint8(info.Protocol), Version: uint32(info.Version),
	}, subtensor.WaitInclusion)
	if errors.Is(err, types.ErrInvalidIPAddress) || errors.Is(err, types.ErrInvalidIPType) {
		return fmt.Errorf("%w: %v (set --axon.external_ip)", ErrNotServable, err)
	}
	if err != nil {
		return fmt.Errorf("neuron: serve axon %s:%d on subnet %d: %w", info.IP, info.Port, netuid, err)
	}
	n.log.Info("axon served", "netuid", netuid, "ip", info.IP, "port", info.Port)
	return nil
}

// axonInfo converts an axon record of the chain to what a dendrite
// queries.
func axonInfo(a types.AxonInfo, hotkey, coldkey string) synapse.AxonInfo {
	return synapse.AxonInfo{
		Version: int(a.Version), IP: a.IP, Port: int(a.Port), IPType: int(a.IPType),
		Hotkey: hotkey, Coldkey: coldkey, Protocol: int(a.Protocol),
		Placeholder1: int(a.Placeholder1), Placeholder2: int(a.Placeholder2),
	}
}

// blocks calls f with each new block height until ctx ends. Blocks that
// arrive while f runs are skipped: f sees the newest. A node that stops
// answering is waited for.
func (n *Neuron) blocks(ctx context.Context, f func(height uint64)) error {
	for {
		sub, err := n.client.SubscribeBlocks(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			n.log.Warn("cannot follow blocks; retrying", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		for b := range sub {
		drain:
			for {
				select {
				case nb, ok := <-sub:
					if !ok {
						break drain
					}
					b = nb
				default:
					break drain
				}
			}
			if ctx.Err() != nil {
				return nil
			}
			f(b.Height)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}
