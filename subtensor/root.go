package subtensor

import (
	"context"

	"github.com/go-bittensor/bittensor/chain/types"
)

// RootRegister puts hotkey on the root network (netuid 0), signed by
// coldkey, which owns it or becomes its owner, and returns its root uid
// (with WaitInclusion; 0 otherwise). It is free. A full root network takes
// the hotkey only if it has more stake than the least-staked validator
// (types.ErrStakeTooLowForRoot otherwise). The hotkey becomes a delegate and
// takes a senate seat if there is one free or it out-stakes a senator.
func (c *CometBFTClient) RootRegister(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (uint16, *TxResult, error) {
	res, err := c.call(ctx, coldkey, &types.RootRegister{Hotkey: hotkey}, wait)
	if err != nil || !wait.HasOutcome() {
		return 0, res, err
	}
	uid, err := res.eventUint("NeuronRegistered", "uid")
	return uint16(uid), res, err
}

// RootSetWeights sets hotkey's root weights: weights[k] on subnet
// netuids[k], as Bittensor's root_set_weights does: the floats are divided
// by the largest, scaled to 65535 and rounded (ConvertWeights), zeros
// dropped; the chain stores them max-upscaled. Every netuid must exist
// (types.ErrInvalidUID otherwise). All-zero weights clear the row.
func (c *CometBFTClient) RootSetWeights(ctx context.Context, hotkey Signer, netuids []uint16, weights []float64, wait Wait) (*TxResult, error) {
	uids, vals, err := ConvertWeights(netuids, weights)
	if err != nil {
		return nil, err
	}
	return c.SetWeights(ctx, hotkey, 0, uids, vals, 0, wait) // netuid 0: the root network
}

// RootNeurons returns the root network's validators, by uid, with their
// stake and senate seats, at a block (0 = latest).
func (c *CometBFTClient) RootNeurons(ctx context.Context, atBlock uint64) (types.RootNeurons, error) {
	var out types.RootNeurons
	err := c.Query(ctx, types.QueryRootNeurons, nil, atBlock, &out)
	return out, err
}

// GetRootWeights returns every root validator's stored weights on the
// subnets at a block (0 = latest).
func (c *CometBFTClient) GetRootWeights(ctx context.Context, atBlock uint64) (types.RootWeights, error) {
	var out types.RootWeights
	err := c.Query(ctx, types.QueryRootWeights, nil, atBlock, &out)
	return out, err
}
