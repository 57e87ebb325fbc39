package neuron

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/synapse"
)

// Peer is one neuron of the subnet as of a Snapshot's block: its row of
// the metagraph.
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

// Snapshot is a subnet as of one block: its metagraph (lite: no weights or
// bonds), the same neurons as Peers, and its hyperparameters. It is what
// the helpers decide from (who may query a miner, whom a validator
// queries, whether weights may be set). A Snapshot is not changed once
// made; share it freely, but do not Sync its Metagraph.
type Snapshot struct {
	Netuid      uint16
	Block       uint64
	Peers       []Peer // by uid
	Hyperparams types.Hyperparams
	// Metagraph is the subnet's metagraph at Block, for whatever else a
	// subnet program wants to know (nil in snapshots built by hand).
	Metagraph *metagraph.Metagraph

	uids map[string]uint16 // hotkey → uid
}

// NewSnapshot makes a Snapshot of peers (by uid) at a block, for tests and
// tools that build a subnet by hand.
func NewSnapshot(netuid uint16, block uint64, peers []Peer, hp types.Hyperparams) *Snapshot {
	s := &Snapshot{Netuid: netuid, Block: block, Peers: peers, Hyperparams: hp, uids: make(map[string]uint16, len(peers))}
	for _, p := range peers {
		s.uids[p.Hotkey] = p.UID
	}
	return s
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

// syncSnapshot reads a subnet's lite metagraph and its hyperparameters at
// the latest block.
func syncSnapshot(ctx context.Context, c Chain, netuid uint16) (*Snapshot, error) {
	m := metagraph.New(netuid, c)
	if err := m.Sync(ctx, 0); err != nil {
		return nil, fmt.Errorf("neuron: %w", err)
	}
	hp, err := c.GetHyperparameters(ctx, netuid, m.Block)
	if err != nil {
		return nil, fmt.Errorf("neuron: read subnet %d's hyperparameters: %w", netuid, err)
	}
	s := fromMetagraph(m, hp)
	return s, nil
}

// fromMetagraph builds a Snapshot from a metagraph's arrays.
func fromMetagraph(m *metagraph.Metagraph, hp types.Hyperparams) *Snapshot {
	peers := make([]Peer, m.N)
	for i := range peers {
		peers[i] = Peer{
			UID: m.UIDs[i], Hotkey: m.Hotkeys[i], Coldkey: m.Coldkeys[i],
			Stake: balance.Balance(m.Stake[i]), ValidatorPermit: m.ValidatorPermit[i], Active: m.Active[i],
			LastUpdate: m.LastUpdate[i], RegisteredAt: m.RegisteredAt[i], Axon: m.Axons[i],
			Rank: m.R[i], Trust: m.T[i], Consensus: m.C[i], Incentive: m.I[i], Dividends: m.D[i], ValidatorTrust: m.Tv[i],
			Emission: balance.Balance(m.Emission[i]),
		}
	}
	s := NewSnapshot(m.Netuid, m.Block, peers, hp)
	s.Metagraph = m
	return s
}

// sameEndpoint reports whether a served axon already announces info's
// address, port and protocol, so that serving again would change nothing.
func sameEndpoint(served, info synapse.AxonInfo) bool {
	a, errA := served.IPInt()
	b, errB := info.IPInt()
	return errA == nil && errB == nil && a.Cmp(b) == 0 && served.IPType == info.IPType &&
		served.Port == info.Port && served.Protocol == info.Protocol && served.Version == info.Version
}
