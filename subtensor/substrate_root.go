package subtensor

import (
	"context"
	"slices"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
)

// RootNeurons returns the root network's validators: its neurons with
// their stake, delegate take and senate seat.
func (c *SubstrateClient) RootNeurons(ctx context.Context, atBlock uint64) (types.RootNeurons, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.RootNeurons{}, err
	}
	ns, err := c.neurons(ctx, 0, n, false)
	if err != nil {
		return types.RootNeurons{}, err
	}
	out := types.RootNeurons{Height: n, Neurons: make([]types.RootNeuron, len(ns.Neurons))}
	senate, err := c.members(ctx, at, "SenateMembers")
	if err != nil {
		return out, err
	}
	takes := make([]uint16, len(ns.Neurons))
	stakes := make([]uint64, len(ns.Neurons))
	reads := []substrate.StorageRead{{Pallet: "SubtensorModule", Item: "MaxAllowedUids", Keys: []any{uint16(0)}, Out: &out.MaxAllowedUids}}
	for i, nr := range ns.Neurons {
		reads = append(reads,
			substrate.StorageRead{Pallet: "SubtensorModule", Item: "Delegates", Keys: []any{[32]byte(nr.Hotkey)}, Out: &takes[i]},
			substrate.StorageRead{Pallet: "SubtensorModule", Item: "TotalHotkeyAlpha", Keys: []any{[32]byte(nr.Hotkey), uint16(0)}, Out: &stakes[i]})
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return out, c.wrap(err)
	}
	for i, nr := range ns.Neurons {
		out.Neurons[i] = types.RootNeuron{UID: nr.UID, Hotkey: nr.Hotkey, Coldkey: nr.Coldkey, Stake: stakes[i],
			Senator: slices.Contains(senate, nr.Hotkey), Take: takes[i], RegisteredAt: nr.RegisteredAt, LastUpdate: nr.LastUpdate}
	}
	return out, nil
}

// GetRootWeights returns the root validators' weights on subnets.
func (c *SubstrateClient) GetRootWeights(ctx context.Context, atBlock uint64) (types.RootWeights, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.RootWeights{}, err
	}
	ns, err := c.neurons(ctx, 0, n, true)
	if err != nil {
		return types.RootWeights{}, err
	}
	nets, err := c.netuids(ctx, at)
	if err != nil {
		return types.RootWeights{}, err
	}
	out := types.RootWeights{Netuids: nets, Height: n, Rows: make([]types.RootWeightsRow, len(ns.Neurons))}
	for i, nr := range ns.Neurons {
		out.Rows[i] = types.RootWeightsRow{UID: nr.UID, Hotkey: nr.Hotkey, Weights: nr.Weights}
	}
	return out, nil
}

// members reads a membership pallet's Members (SenateMembers,
// TriumvirateMembers).
func (c *SubstrateClient) members(ctx context.Context, at substrate.Hash, pallet string) ([]types.AccountID, error) {
	var keys [][32]byte
	if _, err := c.storage(ctx, at, &keys, pallet, "Members"); err != nil {
		return nil, err
	}
	out := make([]types.AccountID, len(keys))
	for i, k := range keys {
		out[i] = types.AccountID(k)
	}
	return out, nil
}

// maxMembers reads a membership pallet's MaxMembers constant (0 if absent).
func (c *SubstrateClient) maxMembers(ctx context.Context, pallet string) uint32 {
	var n uint32
	if err := c.sc.Constant(ctx, &n, pallet, "MaxMembers"); err != nil {
		return 0
	}
	return n
}

// Senate returns the senate's members (SenateMembers) and their owners.
func (c *SubstrateClient) Senate(ctx context.Context, atBlock uint64) (types.SenateInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.SenateInfo{}, err
	}
	keys, err := c.members(ctx, at, "SenateMembers")
	if err != nil {
		return types.SenateInfo{}, err
	}
	owners := make([][32]byte, len(keys))
	reads := make([]substrate.StorageRead, len(keys))
	for i, k := range keys {
		reads[i] = substrate.StorageRead{Pallet: "SubtensorModule", Item: "Owner", Keys: []any{[32]byte(k)}, Out: &owners[i]}
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return types.SenateInfo{}, c.wrap(err)
	}
	out := types.SenateInfo{Height: n, MaxMembers: c.maxMembers(ctx, "SenateMembers"), Members: make([]types.Senator, len(keys))}
	for i, k := range keys {
		out.Members[i] = types.Senator{Hotkey: k, Owner: types.AccountID(owners[i])}
	}
	return out, nil
}

// IsSenateMember reports whether hotkey holds a senate seat.
func (c *SubstrateClient) IsSenateMember(ctx context.Context, hotkey types.AccountID, atBlock uint64) (bool, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return false, err
	}
	keys, err := c.members(ctx, at, "SenateMembers")
	return slices.Contains(keys, hotkey), err
}

// Triumvirate returns the triumvirate's members (TriumvirateMembers).
func (c *SubstrateClient) Triumvirate(ctx context.Context, atBlock uint64) (types.TriumvirateInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.TriumvirateInfo{}, err
	}
	keys, err := c.members(ctx, at, "TriumvirateMembers")
	return types.TriumvirateInfo{Members: keys, MaxMembers: c.maxMembers(ctx, "TriumvirateMembers"), Height: n}, err
}
