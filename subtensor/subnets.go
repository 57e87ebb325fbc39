package subtensor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// GetSubnets returns every subnet, the root network (netuid 0) included,
// by netuid, at a block (0 = latest).
func (c *CometBFTClient) GetSubnets(ctx context.Context, atBlock uint64) ([]types.SubnetInfo, error) {
	var out []types.SubnetInfo
	err := c.Query(ctx, types.QuerySubnets, nil, atBlock, &out)
	return out, err
}

// GetSubnet returns one subnet's state and hyperparameters at a block
// (0 = latest). A missing subnet is an error matching
// types.ErrNetworkDoesNotExist.
func (c *CometBFTClient) GetSubnet(ctx context.Context, netuid uint16, atBlock uint64) (types.SubnetInfo, error) {
	var out types.SubnetInfo
	err := c.Query(ctx, netuidPath(types.QuerySubnet, netuid), nil, atBlock, &out)
	return out, err
}

// SubnetExists reports whether netuid exists at a block (0 = latest).
func (c *CometBFTClient) SubnetExists(ctx context.Context, netuid uint16, atBlock uint64) (bool, error) {
	_, err := c.GetSubnet(ctx, netuid, atBlock)
	if isChainError(err, types.ErrNetworkDoesNotExist) {
		return false, nil
	}
	return err == nil, err
}

// GetHyperparameters returns a subnet's hyperparameters at a block
// (0 = latest).
func (c *CometBFTClient) GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error) {
	var out types.Hyperparams
	err := c.Query(ctx, netuidPath(types.QueryHyperparams, netuid), nil, atBlock, &out)
	return out, err
}

// GetLockCost returns what registering a subnet costs (the lock, its decay
// and the rate limit) as of a block (0 = latest).
func (c *CometBFTClient) GetLockCost(ctx context.Context, atBlock uint64) (types.LockCostInfo, error) {
	var out types.LockCostInfo
	err := c.Query(ctx, types.QueryLockCost, nil, atBlock, &out)
	return out, err
}

// RegisterNetwork creates a subnet owned by coldkey, locking the lock cost
// from its free balance, and returns the new netuid (with WaitInclusion;
// 0 otherwise). maxLock is the most coldkey agrees to lock: 0 means the
// current quote, so that a cost that rose since (another registration got
// in first) fails with types.ErrLockCostAboveMaximum instead of locking
// more.
func (c *CometBFTClient) RegisterNetwork(ctx context.Context, coldkey Signer, _ types.AccountID, maxLock balance.Balance, wait Wait) (uint16, *TxResult, error) {
	if maxLock == 0 {
		q, err := c.GetLockCost(ctx, 0)
		if err != nil {
			return 0, nil, err
		}
		maxLock = balance.Balance(q.LockCost)
	}
	res, err := c.call(ctx, coldkey, &types.RegisterNetwork{MaxLockCost: maxLock.RAO()}, wait)
	if err != nil || !wait.HasOutcome() {
		return 0, res, err
	}
	netuid, err := res.eventUint("NetworkAdded", "netuid")
	return uint16(netuid), res, err
}

// DissolveNetwork removes a subnet; coldkey must own it. The lock returns
// to the owner and every neuron is deregistered.
func (c *CometBFTClient) DissolveNetwork(ctx context.Context, coldkey Signer, netuid uint16, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.DissolveNetwork{Netuid: netuid}, wait)
}

// SetHyperparameter sets a parameter by name: a subnet hyperparameter (its
// JSON name in types.Hyperparams, e.g. "tempo", "min_burn"; netuid names the
// subnet) or a chain-wide one (e.g. "tx_rate_limit"; netuid is ignored).
// Bools are 0 or 1. The signer must be the subnet's owner for the
// parameters the owner may set (types.ParamSetter.OwnerMay), otherwise the
// chain's sudo key.
func (c *CometBFTClient) SetHyperparameter(ctx context.Context, signer Signer, netuid uint16, name string, value uint64, wait Wait) (*TxResult, error) {
	s, ok := types.SetterForParam(name)
	if !ok {
		return nil, fmt.Errorf("subtensor: no parameter %q can be set (see types.ParamSetters)", name)
	}
	if !s.Subnet {
		netuid = 0
	}
	args, err := types.NewSudoSet(s.Call, netuid, value)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, signer, args, wait)
}

func netuidPath(path string, netuid uint16) string {
	return path + "/" + strconv.Itoa(int(netuid))
}
