package subtensor

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/go-bittensor/bittensor/chain/types"
)

// SetWeights sets hotkey's weights on a subnet: weights[k] on uid uids[k]
// (u16 values; the chain max-upscales them so the largest is 65535). On the
// root network (netuid 0) the uids are netuids. versionKey must be at least
// the subnet's weights_version_key.
func (c *CometBFTClient) SetWeights(ctx context.Context, hotkey Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait Wait) (*TxResult, error) {
	if len(uids) != len(weights) {
		return nil, fmt.Errorf("subtensor: set weights: %d uids but %d weights", len(uids), len(weights))
	}
	return c.call(ctx, hotkey, &types.SetWeights{Netuid: netuid, Dests: uids, Weights: weights, VersionKey: versionKey}, wait)
}

// ErrBadWeights is returned by ConvertWeights for negative, NaN or
// infinite weights, or mismatched lengths.
var ErrBadWeights = errors.New("subtensor: bad weights")

// ConvertWeights turns float weights into what set_weights sends, as
// Bittensor's convert_weights_and_uids_for_emit does: each weight divided by
// the largest, times 65535, rounded half to even (Python's round); zeros
// are dropped. All-zero weights give
// empty slices.
func ConvertWeights(uids []uint16, weights []float64) ([]uint16, []uint16, error) {
	if len(uids) != len(weights) {
		return nil, nil, fmt.Errorf("%w: %d uids but %d weights", ErrBadWeights, len(uids), len(weights))
	}
	top := 0.0
	for i, w := range weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, nil, fmt.Errorf("%w: weight %v for uid %d", ErrBadWeights, w, uids[i])
		}
		top = max(top, w)
	}
	outUIDs, outW := []uint16{}, []uint16{}
	if top == 0 {
		return outUIDs, outW, nil
	}
	for i, w := range weights {
		v := math.RoundToEven(w / top * math.MaxUint16) // Python's round()
		if v != 0 {
			outUIDs = append(outUIDs, uids[i])
			outW = append(outW, uint16(v))
		}
	}
	return outUIDs, outW, nil
}
