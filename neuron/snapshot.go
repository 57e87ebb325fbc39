package neuron

import (
	"context"
	"fmt"
	"math"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/synapse"
)

// Peer is one neuron of the subnet as of a Snapshot's block.
type Peer struct {
	UID     uint16
	Hotkey  string // SS58
	Coldkey string // SS58
	// Stake is the total stake on the hotkey.
	Stake           balance.Balance
	ValidatorPermit bool
	Active          bool
	// LastUpdate is the block of the neuron's last weights (its
	// registration block until then); RegisteredAt its registration.
	LastUpdate, RegisteredAt uint64
	// Axon is where the neuron serves; Axon.IsServing() is false for one
	// that never served.
	Axon synapse.AxonInfo
	// The epoch's results, as proportions in [0, 1].
	Rank, Trust, Consensus, Incentive, Dividends, ValidatorTrust float64
	// Emission is what the neuron earned at the last epoch.
	Emission balance.Balance
}

// Snapshot is a subnet as of one block: its neurons by uid and its
// hyperparameters. It is what the helpers decide from (who may query a
// miner, whom a validator queries, whether weights may be set). A Snapshot
// is not changed once made; share it freely.
//
// It is read from the chain client's NeuronsLite; when the metagraph
// package is available it takes its place here.
type Snapshot struct {
	Netuid      uint16
	Block       uint64
	Peers       []Peer // by uid
	Hyperparams types.Hyperparams

	uids map[string]uint16 // hotkey → uid
}

// N is the number of neurons.
func (s *Snapshot) N() int { return len(s.Peers) }

// Lookup returns the neuron of a hotkey (SS58), if it is registered.
func (s *Snapshot) Lookup(hotkey string) (Peer, bool) {
	uid, ok := s.uids[hotkey]
	if !ok {
		return Peer{}, false
	}
	return s.Peers[uid], true
}

// chainReader is what a Snapshot is read from (a *subtensor.Client).
type chainReader interface {
	NeuronsLite(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error)
	GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error)
}

// syncSnapshot reads a subnet's neurons and hyperparameters at the latest
// block.
func syncSnapshot(ctx context.Context, c chainReader, netuid uint16) (*Snapshot, error) {
	info, err := c.NeuronsLite(ctx, netuid, 0)
	if err != nil {
		return nil, fmt.Errorf("neuron: read subnet %d: %w", netuid, err)
	}
	hp, err := c.GetHyperparameters(ctx, netuid, info.Height)
	if err != nil {
		return nil, fmt.Errorf("neuron: read subnet %d's hyperparameters: %w", netuid, err)
	}
	return newSnapshot(info, hp), nil
}

// newSnapshot converts the chain's answer.
func newSnapshot(info *types.NeuronsInfo, hp types.Hyperparams) *Snapshot {
	s := &Snapshot{Netuid: info.Netuid, Block: info.Height, Hyperparams: hp, Peers: make([]Peer, len(info.Neurons)), uids: make(map[string]uint16, len(info.Neurons))}
	for i, n := range info.Neurons {
		hot, cold := n.Hotkey.String(), n.Coldkey.String()
		s.Peers[i] = Peer{
			UID: n.UID, Hotkey: hot, Coldkey: cold,
			Stake: balance.Balance(n.TotalStake), ValidatorPermit: n.ValidatorPermit, Active: n.Active,
			LastUpdate: n.LastUpdate, RegisteredAt: n.RegisteredAt,
			Axon: axonInfo(n.Axon, hot, cold),
			Rank: unit(n.Rank), Trust: unit(n.Trust), Consensus: unit(n.Consensus), Incentive: unit(n.Incentive),
			Dividends: unit(n.Dividends), ValidatorTrust: unit(n.ValidatorTrust),
			Emission: balance.Balance(n.Emission),
		}
		s.uids[hot] = n.UID
	}
	return s
}

// unit turns a u16 proportion into [0, 1].
func unit(v uint16) float64 { return float64(v) / math.MaxUint16 }

// axonInfo converts a neuron's served axon to what a dendrite queries.
func axonInfo(a types.AxonInfo, hotkey, coldkey string) synapse.AxonInfo {
	return synapse.AxonInfo{
		Version: int(a.Version), IP: a.IP, Port: int(a.Port), IPType: int(a.IPType),
		Hotkey: hotkey, Coldkey: coldkey, Protocol: int(a.Protocol),
		Placeholder1: int(a.Placeholder1), Placeholder2: int(a.Placeholder2),
	}
}

// sameEndpoint reports whether a served axon already announces info's
// address, port and protocol, so that serving again would change nothing.
func sameEndpoint(served, info synapse.AxonInfo) bool {
	a, errA := served.IPInt()
	b, errB := info.IPInt()
	return errA == nil && errB == nil && a.Cmp(b) == 0 && served.IPType == info.IPType &&
		served.Port == info.Port && served.Protocol == info.Protocol && served.Version == info.Version
}
