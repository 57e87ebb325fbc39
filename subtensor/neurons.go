package subtensor

import (
	"context"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Neurons returns every neuron of a subnet at a block (0 = latest), by uid,
// with their weights and bonds rows: what a full metagraph is built from,
// in one query. The answer's Height is the block it describes.
func (c *CometBFTClient) Neurons(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error) {
	var out types.NeuronsInfo
	if err := c.queryCBOR(ctx, netuidPath(types.QueryNeurons, netuid), atBlock, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// NeuronsLite is Neurons without the weights and bonds rows.
func (c *CometBFTClient) NeuronsLite(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error) {
	var out types.NeuronsInfo
	if err := c.queryCBOR(ctx, netuidPath(types.QueryNeuronsLite, netuid), atBlock, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Neuron returns the neuron at uid of a subnet at a block (0 = latest),
// with its weights and bonds. A missing uid is an error matching
// types.ErrNotFound.
func (c *CometBFTClient) Neuron(ctx context.Context, netuid, uid uint16, atBlock uint64) (types.NeuronInfo, error) {
	var out types.NeuronInfo
	err := c.Query(ctx, netuidPath(types.QueryNeuron, netuid)+"/"+strconv.Itoa(int(uid)), nil, atBlock, &out)
	return out, err
}

// NeuronForHotkey returns hotkey's neuron on a subnet at a block
// (0 = latest). A hotkey not on the subnet is an error matching
// types.ErrNotRegistered.
func (c *CometBFTClient) NeuronForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (types.NeuronInfo, error) {
	var out types.NeuronInfo
	err := c.Query(ctx, netuidPath(types.QueryNeuron, netuid)+"/"+hotkey.String(), nil, atBlock, &out)
	return out, err
}

// GetHotkey returns what the chain knows of a hotkey at a block
// (0 = latest): its owner, stake, delegate status and registrations.
func (c *CometBFTClient) GetHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.HotkeyInfo, error) {
	var out types.HotkeyInfo
	err := c.Query(ctx, types.QueryHotkey+"/"+hotkey.String(), nil, atBlock, &out)
	return out, err
}

// UIDForHotkey returns hotkey's uid on a subnet at a block (0 = latest) and
// whether it is registered there.
func (c *CometBFTClient) UIDForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (uint16, bool, error) {
	h, err := c.GetHotkey(ctx, hotkey, atBlock)
	if err != nil {
		return 0, false, err
	}
	for _, r := range h.Registrations {
		if r.Netuid == netuid {
			return r.UID, true, nil
		}
	}
	return 0, false, nil
}

// IsHotkeyRegistered reports whether hotkey is registered on a subnet at a
// block (0 = latest).
func (c *CometBFTClient) IsHotkeyRegistered(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (bool, error) {
	_, ok, err := c.UIDForHotkey(ctx, netuid, hotkey, atBlock)
	return ok, err
}
