package subtensor

// Dynamic-TAO staking on a Substrate chain (see dynamic.go): the subnets'
// pools from SubnetInfoRuntimeApi's dynamic info, a coldkey's stakes from
// StakeInfoRuntimeApi, and add_stake / remove_stake / move_stake naming a
// subnet, with the limit variants where the runtime has them.

import (
	"context"
	"errors"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
)

var (
	_ DynamicStaking = (*SubstrateClient)(nil)
	_ ChildKeys      = (*SubstrateClient)(nil)
)

// HasCall reports whether the best block's runtime has pallet.call.
func (c *SubstrateClient) HasCall(ctx context.Context, pallet, call string) (bool, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return false, err
	}
	_, err = rt.Call(pallet, call)
	if errors.Is(err, metadata.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// pool converts a dynamic info view and the subnet's mechanism.
func (v *dynamicInfoView) pool(mechanism uint16, height uint64) SubnetPool {
	return SubnetPool{Netuid: v.Netuid, Owner: types.AccountID(v.Owner), Stable: mechanism == MechanismStable,
		TaoIn: v.TaoIn, AlphaIn: v.AlphaIn, AlphaOut: v.AlphaOut, Emission: v.Emission, Tempo: v.Tempo, LastStep: v.LastStep,
		BlocksSinceLastStep: v.BlocksSinceLastStep, TotalLocked: v.TotalLocked, OwnerLocked: v.OwnerLocked, Height: height}
}

// SubnetPools returns every subnet's pool at a block
// (SubnetInfoRuntimeApi.get_all_dynamic_info), in netuid order.
func (c *SubstrateClient) SubnetPools(ctx context.Context, atBlock uint64) ([]SubnetPool, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	var views []*dynamicInfoView
	if err := c.callInfo(ctx, at, &views, "SubnetInfoRuntimeApi", "get_all_dynamic_info", "AllDynamicInfo", answerValue); err != nil {
		return nil, err
	}
	var live []*dynamicInfoView
	for _, v := range views {
		if v != nil {
			live = append(live, v)
		}
	}
	mechs := make([]uint16, len(live))
	reads := make([]substrate.StorageRead, len(live))
	for i, v := range live {
		reads[i] = substrate.StorageRead{Pallet: "SubtensorModule", Item: "SubnetMechanism", Keys: []any{v.Netuid}, Out: &mechs[i]}
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return nil, c.wrap(err)
	}
	out := make([]SubnetPool, len(live))
	for i, v := range live {
		out[i] = v.pool(mechs[i], n)
	}
	return out, nil
}

// SubnetPool returns one subnet's pool at a block
// (SubnetInfoRuntimeApi.get_dynamic_info).
func (c *SubstrateClient) SubnetPool(ctx context.Context, netuid uint16, atBlock uint64) (SubnetPool, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return SubnetPool{}, err
	}
	var v *dynamicInfoView
	if err := c.callInfo(ctx, at, &v, "SubnetInfoRuntimeApi", "get_dynamic_info", "MaybeDynamicInfo", answerValue, netuid); err != nil {
		return SubnetPool{}, err
	}
	if v == nil {
		return SubnetPool{}, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	var mech uint16
	if _, err := c.storage(ctx, at, &mech, "SubtensorModule", "SubnetMechanism", netuid); err != nil {
		return SubnetPool{}, err
	}
	return v.pool(mech, n), nil
}

// AlphaStakes returns a coldkey's stakes that are not zero
// (StakeInfoRuntimeApi.get_stake_info_for_coldkey), by subnet then in the
// runtime's hotkey order.
func (c *SubstrateClient) AlphaStakes(ctx context.Context, coldkey types.AccountID, atBlock uint64) ([]AlphaStake, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	infos, err := c.stakeInfos(ctx, at, coldkey)
	if err != nil {
		return nil, err
	}
	var out []AlphaStake
	for _, s := range infos {
		if s.Stake == 0 {
			continue
		}
		out = append(out, AlphaStake{Hotkey: types.AccountID(s.Hotkey), Coldkey: types.AccountID(s.Coldkey), Netuid: s.Netuid,
			Alpha: s.Stake, Emission: s.Emission, Registered: s.IsRegistered})
	}
	return out, nil
}

// HotkeyAlpha returns the stake on hotkey in netuid (TotalHotkeyAlpha).
func (c *SubstrateClient) HotkeyAlpha(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) (uint64, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var v uint64
	_, err = c.storage(ctx, at, &v, "SubtensorModule", "TotalHotkeyAlpha", [32]byte(hotkey), netuid)
	return v, err
}

// stakeOutcome reads a stake event's TAO (field 2) and alpha (field 3):
// StakeAdded and StakeRemoved are (coldkey, hotkey, tao, alpha, netuid).
func stakeOutcome(r *substrate.Receipt, event string) (StakeOutcome, error) {
	if r == nil {
		return StakeOutcome{}, nil
	}
	tao, err := eventArg(r, "SubtensorModule", event, 2)
	if err != nil {
		return StakeOutcome{}, err
	}
	alpha, err := eventArg(r, "SubtensorModule", event, 3)
	return StakeOutcome{Tao: tao, Alpha: alpha}, err
}

// limitArgs are the extra arguments of the *_limit calls.
func limitArgs(l *PriceLimit) []arg {
	return []arg{{"limit_price", l.Price}, {"allow_partial", l.AllowPartial}}
}

// AddSubnetStake stakes tao on hotkey in netuid (add_stake, or
// add_stake_limit with a limit; a runtime without it fails naming it).
func (c *SubstrateClient) AddSubnetStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, tao balance.Balance, limit *PriceLimit, wait Wait) (StakeOutcome, *TxResult, error) {
	name := "add_stake"
	args := []arg{{"hotkey", [32]byte(hotkey)}, {"netuid", netuid}, {"amount_staked|amount", tao.RAO()}}
	if limit != nil {
		name = "add_stake_limit"
		args = append(args, limitArgs(limit)...)
	}
	res, r, err := c.call(ctx, coldkey, wait, "SubtensorModule", name, args...)
	if err != nil || r == nil {
		return StakeOutcome{}, res, err
	}
	out, err := stakeOutcome(r, "StakeAdded")
	return out, res, err
}

// RemoveSubnetStake unstakes alpha from hotkey in netuid (remove_stake, or
// remove_stake_limit with a limit).
func (c *SubstrateClient) RemoveSubnetStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, alpha uint64, limit *PriceLimit, wait Wait) (StakeOutcome, *TxResult, error) {
	name := "remove_stake"
	args := []arg{{"hotkey", [32]byte(hotkey)}, {"netuid", netuid}, {"amount_unstaked|amount", alpha}}
	if limit != nil {
		name = "remove_stake_limit"
		args = append(args, limitArgs(limit)...)
	}
	res, r, err := c.call(ctx, coldkey, wait, "SubtensorModule", name, args...)
	if err != nil || r == nil {
		return StakeOutcome{}, res, err
	}
	out, err := stakeOutcome(r, "StakeRemoved")
	return out, res, err
}

// MoveStake moves alpha of coldkey's stake between hotkeys and subnets
// (move_stake).
func (c *SubstrateClient) MoveStake(ctx context.Context, coldkey Signer, fromHotkey, toHotkey types.AccountID, fromNetuid, toNetuid uint16, alpha uint64, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "move_stake",
		arg{"origin_hotkey", [32]byte(fromHotkey)}, arg{"destination_hotkey", [32]byte(toHotkey)},
		arg{"origin_netuid", fromNetuid}, arg{"destination_netuid", toNetuid}, arg{"alpha_amount", alpha})
	return res, err
}

// childView is one (proportion, hotkey) of ChildKeys or ParentKeys.
type childView struct {
	Proportion uint64
	Hotkey     [32]byte
}

func children(vs []childView) []Child {
	out := make([]Child, len(vs))
	for i, v := range vs {
		out[i] = Child{Proportion: v.Proportion, Hotkey: types.AccountID(v.Hotkey)}
	}
	return out
}

// relatives reads ChildKeys or ParentKeys of hotkey on netuid.
func (c *SubstrateClient) relatives(ctx context.Context, item string, hotkey types.AccountID, netuid uint16, atBlock uint64) ([]Child, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	if err := c.requireSubnet(ctx, at, netuid); err != nil {
		return nil, err
	}
	var vs []childView
	if _, err := c.storage(ctx, at, &vs, "SubtensorModule", item, [32]byte(hotkey), netuid); err != nil {
		return nil, err
	}
	return children(vs), nil
}

// Children returns hotkey's children on netuid (ChildKeys).
func (c *SubstrateClient) Children(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) ([]Child, error) {
	return c.relatives(ctx, "ChildKeys", hotkey, netuid, atBlock)
}

// Parents returns hotkey's parents on netuid (ParentKeys).
func (c *SubstrateClient) Parents(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) ([]Child, error) {
	return c.relatives(ctx, "ParentKeys", hotkey, netuid, atBlock)
}

// ChildkeyTake returns hotkey's childkey take on netuid (ChildkeyTake; the
// runtime's default when never set).
func (c *SubstrateClient) ChildkeyTake(ctx context.Context, hotkey types.AccountID, netuid uint16, atBlock uint64) (uint16, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var take uint16
	_, err = c.storage(ctx, at, &take, "SubtensorModule", "ChildkeyTake", [32]byte(hotkey), netuid)
	return take, err
}

// SetChildren sets hotkey's children on netuid (set_children).
func (c *SubstrateClient) SetChildren(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, kids []Child, wait Wait) (*TxResult, error) {
	vs := make([]childView, len(kids))
	for i, k := range kids {
		vs[i] = childView{Proportion: k.Proportion, Hotkey: [32]byte(k.Hotkey)}
	}
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "set_children",
		arg{"hotkey", [32]byte(hotkey)}, arg{"netuid", netuid}, arg{"children", vs})
	return res, err
}

// SetChildkeyTake sets hotkey's childkey take on netuid (set_childkey_take).
func (c *SubstrateClient) SetChildkeyTake(ctx context.Context, coldkey Signer, hotkey types.AccountID, netuid uint16, take uint16, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "set_childkey_take",
		arg{"hotkey", [32]byte(hotkey)}, arg{"netuid", netuid}, arg{"take", take})
	return res, err
}
