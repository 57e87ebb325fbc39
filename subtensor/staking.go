package subtensor

import (
	"context"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// AddStake stakes amount from coldkey's free balance on hotkey, which
// coldkey must own or which must be a delegate (then this is nominating).
// The coldkey keeps at least the existential deposit free.
func (c *CometBFTClient) AddStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.AddStake{Hotkey: hotkey, Amount: amount.RAO()}, wait)
}

// RemoveStake moves amount of coldkey's stake on hotkey back to its free
// balance.
func (c *CometBFTClient) RemoveStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.RemoveStake{Hotkey: hotkey, Amount: amount.RAO()}, wait)
}

// Nominate stakes amount from coldkey on a delegate hotkey (AddStake to a
// hotkey coldkey does not own). It fails with types.ErrNonAssociatedColdKey
// if the hotkey is not a delegate.
func (c *CometBFTClient) Nominate(ctx context.Context, coldkey Signer, delegate types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	return c.AddStake(ctx, coldkey, delegate, amount, wait)
}

// BecomeDelegate makes hotkey, owned by coldkey, a delegate others can
// stake to, with the chain's default take.
func (c *CometBFTClient) BecomeDelegate(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.BecomeDelegate{Hotkey: hotkey}, wait)
}

// GetStake returns coldkey's stake on hotkey at a block (0 = latest).
func (c *CometBFTClient) GetStake(ctx context.Context, coldkey, hotkey types.AccountID, atBlock uint64) (balance.Balance, error) {
	var out types.StakeInfo
	err := c.Query(ctx, types.QueryStake+"/"+coldkey.String()+"/"+hotkey.String(), nil, atBlock, &out)
	return balance.Balance(out.Amount), err
}

// GetColdkeyStake returns every stake of coldkey, its total and the hotkeys
// it owns at a block (0 = latest).
func (c *CometBFTClient) GetColdkeyStake(ctx context.Context, coldkey types.AccountID, atBlock uint64) (types.ColdkeyStake, error) {
	var out types.ColdkeyStake
	err := c.Query(ctx, types.QueryStake+"/"+coldkey.String(), nil, atBlock, &out)
	return out, err
}

// GetTotalStakeForHotkey returns every RAO staked on hotkey at a block
// (0 = latest).
func (c *CometBFTClient) GetTotalStakeForHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (balance.Balance, error) {
	h, err := c.GetHotkey(ctx, hotkey, atBlock)
	return balance.Balance(h.TotalStake), err
}

// TotalStake returns every RAO staked on chain at a block (0 = latest).
func (c *CometBFTClient) TotalStake(ctx context.Context, atBlock uint64) (balance.Balance, error) {
	var out types.TotalStakeInfo
	err := c.Query(ctx, types.QueryTotalStake, nil, atBlock, &out)
	return balance.Balance(out.TotalStake), err
}

// GetDelegates returns every delegate, by hotkey, at a block (0 = latest).
func (c *CometBFTClient) GetDelegates(ctx context.Context, atBlock uint64) ([]types.DelegateInfo, error) {
	var out []types.DelegateInfo
	err := c.Query(ctx, types.QueryDelegates, nil, atBlock, &out)
	return out, err
}

// GetDelegate returns one delegate at a block (0 = latest); a hotkey that
// is not a delegate is an error matching types.ErrNotFound.
func (c *CometBFTClient) GetDelegate(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.DelegateInfo, error) {
	var out types.DelegateInfo
	err := c.Query(ctx, types.QueryDelegate+"/"+hotkey.String(), nil, atBlock, &out)
	return out, err
}

// GetDelegated returns the delegates coldkey stakes to (not its own
// hotkeys), with its stake on each, at a block (0 = latest).
func (c *CometBFTClient) GetDelegated(ctx context.Context, coldkey types.AccountID, atBlock uint64) ([]types.DelegatedInfo, error) {
	var out []types.DelegatedInfo
	err := c.Query(ctx, types.QueryDelegated+"/"+coldkey.String(), nil, atBlock, &out)
	return out, err
}
