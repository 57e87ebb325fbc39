package subtensor

import (
	"context"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The upgrade calls and query exist on go-bittensor's chain only (a
// Substrate chain upgrades its runtime on chain); they are methods of
// CometBFTClient, outside the Chain interface.

// UpgradeInfo returns the chain's app version, its planned upgrade and the
// upgrades it went through, at a block (0 = latest).
func (c *CometBFTClient) UpgradeInfo(ctx context.Context, atBlock uint64) (types.UpgradeInfo, error) {
	var out types.UpgradeInfo
	err := c.Query(ctx, types.QueryUpgrade, nil, atBlock, &out)
	return out, err
}

// ScheduleUpgrade plans the upgrade name at block height, signed by the
// chain's sudo key (governance can propose the same call). It replaces a
// plan not yet applied. Nodes whose binary lacks the upgrade stop after
// the block before height; info tells their operators what to install.
func (c *CometBFTClient) ScheduleUpgrade(ctx context.Context, sudo Signer, name string, height uint64, info string, wait Wait) (*TxResult, error) {
	return c.call(ctx, sudo, &types.ScheduleUpgrade{Name: name, Height: height, Info: info}, wait)
}

// CancelUpgrade drops the planned upgrade name, signed by the sudo key.
func (c *CometBFTClient) CancelUpgrade(ctx context.Context, sudo Signer, name string, wait Wait) (*TxResult, error) {
	return c.call(ctx, sudo, &types.CancelUpgrade{Name: name}, wait)
}
