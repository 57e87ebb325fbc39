package subtensor

import (
	"context"
	"errors"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
)

// GetCurrentBlock returns the number of the best block.
func (c *SubstrateClient) GetCurrentBlock(ctx context.Context) (uint64, error) {
	h, err := c.sc.Head(ctx)
	return h.Number, c.wrap(err)
}

// GetBlockHash returns the hash of block number height.
func (c *SubstrateClient) GetBlockHash(ctx context.Context, height uint64) ([32]byte, error) {
	h, err := c.sc.BlockHash(ctx, height)
	if errors.Is(err, substrate.ErrNotFound) {
		return h, types.Errorf(types.ErrNotFound, "no block %d on %s", height, c.endpoint)
	}
	return h, c.wrap(err)
}

// SubscribeBlocks delivers every new best block in order until ctx is done;
// it follows the node across reconnects and fills gaps from the chain.
func (c *SubstrateClient) SubscribeBlocks(ctx context.Context) (<-chan Block, error) {
	heads, err := c.sc.SubscribeHeads(ctx, false)
	if err != nil {
		return nil, c.wrap(err)
	}
	out := make(chan Block, 16)
	go func() {
		defer close(out)
		for h := range heads {
			select {
			case out <- Block{Height: h.Number, Hash: h.Hash}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// accountView is System.Account.
type accountView struct {
	Nonce uint64
	Data  struct {
		Free uint64
	}
}

// GetAccount returns an account's free balance and nonce at a block.
func (c *SubstrateClient) GetAccount(ctx context.Context, addr types.AccountID, atBlock uint64) (types.AccountInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.AccountInfo{}, err
	}
	var a accountView
	if _, err := c.storage(ctx, at, &a, "System", "Account", [32]byte(addr)); err != nil {
		return types.AccountInfo{}, err
	}
	return types.AccountInfo{Address: addr, Free: a.Data.Free, Nonce: a.Nonce, Height: n}, nil
}

// GetBalance returns an account's free balance at a block.
func (c *SubstrateClient) GetBalance(ctx context.Context, addr types.AccountID, atBlock uint64) (balance.Balance, error) {
	a, err := c.GetAccount(ctx, addr, atBlock)
	return balance.Balance(a.Free), err
}

// TotalIssuance returns Balances' total issuance at a block.
func (c *SubstrateClient) TotalIssuance(ctx context.Context, atBlock uint64) (balance.Balance, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var v uint64
	_, err = c.storage(ctx, at, &v, "Balances", "TotalIssuance")
	return balance.Balance(v), err
}

// ExistentialDeposit returns the runtime's Balances.ExistentialDeposit.
func (c *SubstrateClient) ExistentialDeposit(ctx context.Context) (balance.Balance, error) {
	var v uint64
	err := c.sc.Constant(ctx, &v, "Balances", "ExistentialDeposit")
	return balance.Balance(v), c.wrap(err)
}

// Params returns what the runtime has of the chain's global parameters:
// the existential deposit, the hotkey swap cost and the subtensor module's
// chain-wide settings. Fees are the runtime's own (TransactionPayment), so
// TxFeeBase and TxFeePerByte are zero; use a FeeOnly write to price a call.
func (c *SubstrateClient) Params(ctx context.Context) (types.Params, error) {
	var p types.Params
	ed, err := c.ExistentialDeposit(ctx)
	if err != nil {
		return p, err
	}
	p.ExistentialDeposit = ed.RAO()
	var swapCost uint64
	if err := c.sc.Constant(ctx, &swapCost, "SubtensorModule", "KeySwapCost"); err == nil {
		p.Subtensor.HotkeySwapCost = swapCost
	}
	s := &p.Subtensor
	reads := []substrate.StorageRead{
		{Pallet: "SubtensorModule", Item: "TxRateLimit", Out: &s.TxRateLimit},
		{Pallet: "SubtensorModule", Item: "SubnetOwnerCut", Out: &s.SubnetOwnerCut},
		{Pallet: "SubtensorModule", Item: "NetworkImmunityPeriod", Out: &s.NetworkImmunityPeriod},
		{Pallet: "SubtensorModule", Item: "NetworkMinLockCost", Out: &s.NetworkMinLockCost},
		{Pallet: "SubtensorModule", Item: "NetworkLockReductionInterval", Out: &s.NetworkLockReductionInterval},
		{Pallet: "SubtensorModule", Item: "SubnetLimit", Out: &s.SubnetLimit},
		{Pallet: "SubtensorModule", Item: "NetworkRateLimit", Out: &s.NetworkRateLimit},
	}
	if err := c.sc.StorageMany(ctx, substrate.Hash{}, reads); err != nil {
		return p, c.wrap(err)
	}
	return p, nil
}

// subnetExists reads NetworksAdded.
func (c *SubstrateClient) subnetExists(ctx context.Context, at substrate.Hash, netuid uint16) (bool, error) {
	var ok bool
	_, err := c.storage(ctx, at, &ok, "SubtensorModule", "NetworksAdded", netuid)
	return ok, err
}

// SubnetExists reports whether netuid is a subnet at a block.
func (c *SubstrateClient) SubnetExists(ctx context.Context, netuid uint16, atBlock uint64) (bool, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return false, err
	}
	return c.subnetExists(ctx, at, netuid)
}

// requireSubnet is an error matching types.ErrNetworkDoesNotExist when
// netuid is not a subnet at at.
func (c *SubstrateClient) requireSubnet(ctx context.Context, at substrate.Hash, netuid uint16) error {
	ok, err := c.subnetExists(ctx, at, netuid)
	if err != nil {
		return err
	}
	if !ok {
		return types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	return nil
}

// GetHyperparameters returns a subnet's hyperparameters at a block.
func (c *SubstrateClient) GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return types.Hyperparams{}, err
	}
	return c.hyperparams(ctx, at, netuid)
}

func (c *SubstrateClient) hyperparams(ctx context.Context, at substrate.Hash, netuid uint16) (types.Hyperparams, error) {
	var v hyperparamsView
	err := c.callInfo(ctx, at, &v, "SubnetInfoRuntimeApi", "get_subnet_hyperparams", "SubnetHyperparams", answerMaybe, netuid)
	if errors.Is(err, errNone) {
		return types.Hyperparams{}, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	if err != nil {
		return types.Hyperparams{}, err
	}
	h := v.hyperparams()
	// What the runtime API leaves out, from storage.
	reads := []substrate.StorageRead{
		{Pallet: "SubtensorModule", Item: "Burn", Keys: []any{netuid}, Out: &h.Burn},
		{Pallet: "SubtensorModule", Item: "MaxAllowedUids", Keys: []any{netuid}, Out: &h.MaxAllowedUids},
		{Pallet: "SubtensorModule", Item: "NetworkPowRegistrationAllowed", Keys: []any{netuid}, Out: &h.NetworkPowRegistrationAllowed},
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return h, c.wrap(err)
	}
	return h, nil
}

// subnetDetails are the storage values of a subnet that SubnetInfo adds to
// the runtime API's answer.
type subnetDetails struct {
	RegisteredAt, Lock, LastAdjustment, Recycled      uint64
	RegsBlock, RegsInterval, PowRegs, BurnRegs, Tempo uint16
}

func (d *subnetDetails) reads(netuid uint16) []substrate.StorageRead {
	k := []any{netuid}
	return []substrate.StorageRead{
		{Pallet: "SubtensorModule", Item: "NetworkRegisteredAt", Keys: k, Out: &d.RegisteredAt},
		{Pallet: "SubtensorModule", Item: "SubnetLocked", Keys: k, Out: &d.Lock},
		{Pallet: "SubtensorModule", Item: "LastAdjustmentBlock", Keys: k, Out: &d.LastAdjustment},
		{Pallet: "SubtensorModule", Item: "RAORecycledForRegistration", Keys: k, Out: &d.Recycled},
		{Pallet: "SubtensorModule", Item: "RegistrationsThisBlock", Keys: k, Out: &d.RegsBlock},
		{Pallet: "SubtensorModule", Item: "RegistrationsThisInterval", Keys: k, Out: &d.RegsInterval},
		{Pallet: "SubtensorModule", Item: "POWRegistrationsThisInterval", Keys: k, Out: &d.PowRegs},
		{Pallet: "SubtensorModule", Item: "BurnRegistrationsThisInterval", Keys: k, Out: &d.BurnRegs},
	}
}

func subnetInfo(v *subnetInfoView, d *subnetDetails, h types.Hyperparams) types.SubnetInfo {
	return types.SubnetInfo{
		Netuid: v.Netuid, Owner: types.AccountID(v.Owner), RegisteredAt: d.RegisteredAt, Lock: d.Lock,
		N: v.SubnetworkN, EmissionValue: v.EmissionValues,
		RegistrationsThisBlock: d.RegsBlock, RegistrationsThisInterval: d.RegsInterval,
		PowRegistrationsThisInterval: d.PowRegs, BurnRegistrationsThisInterval: d.BurnRegs,
		LastAdjustmentBlock: d.LastAdjustment, RAORecycledForRegistration: d.Recycled,
		Hyperparameters: h,
	}
}

// GetSubnets returns every subnet, root included, by netuid, at a block.
func (c *SubstrateClient) GetSubnets(ctx context.Context, atBlock uint64) ([]types.SubnetInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	var infos []*subnetInfoView
	if err := c.callInfo(ctx, at, &infos, "SubnetInfoRuntimeApi", "get_subnets_info", "SubnetsInfo", answerValue); err != nil {
		return nil, err
	}
	var out []types.SubnetInfo
	for _, v := range infos {
		if v == nil {
			continue
		}
		h, err := c.hyperparams(ctx, at, v.Netuid)
		if err != nil {
			return nil, err
		}
		var d subnetDetails
		if err := c.sc.StorageMany(ctx, at, d.reads(v.Netuid)); err != nil {
			return nil, c.wrap(err)
		}
		out = append(out, subnetInfo(v, &d, h))
	}
	return out, nil
}

// GetSubnet returns one subnet at a block.
func (c *SubstrateClient) GetSubnet(ctx context.Context, netuid uint16, atBlock uint64) (types.SubnetInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return types.SubnetInfo{}, err
	}
	var v subnetInfoView
	err = c.callInfo(ctx, at, &v, "SubnetInfoRuntimeApi", "get_subnet_info", "SubnetInfo", answerMaybe, netuid)
	if errors.Is(err, errNone) {
		return types.SubnetInfo{}, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	if err != nil {
		return types.SubnetInfo{}, err
	}
	h, err := c.hyperparams(ctx, at, netuid)
	if err != nil {
		return types.SubnetInfo{}, err
	}
	var d subnetDetails
	if err := c.sc.StorageMany(ctx, at, d.reads(netuid)); err != nil {
		return types.SubnetInfo{}, c.wrap(err)
	}
	return subnetInfo(&v, &d, h), nil
}

// GetLockCost returns what registering a subnet costs now.
func (c *SubstrateClient) GetLockCost(ctx context.Context, atBlock uint64) (types.LockCostInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.LockCostInfo{}, err
	}
	var info types.LockCostInfo
	info.Height = n
	if err := c.callInfo(ctx, at, &info.LockCost, "SubnetRegistrationRuntimeApi", "get_network_registration_cost", "u64", answerValue); err != nil {
		return info, err
	}
	var total uint16
	reads := []substrate.StorageRead{
		{Pallet: "SubtensorModule", Item: "NetworkLastLockCost", Out: &info.LastLockCost},
		{Pallet: "SubtensorModule", Item: "NetworkMinLockCost", Out: &info.MinLockCost},
		{Pallet: "SubtensorModule", Item: "NetworkLockReductionInterval", Out: &info.ReductionInterval},
		{Pallet: "SubtensorModule", Item: "NetworkLastRegistered", Out: &info.LastRegistered},
		{Pallet: "SubtensorModule", Item: "NetworkRateLimit", Out: &info.RateLimit},
		{Pallet: "SubtensorModule", Item: "TotalNetworks", Out: &total},
		{Pallet: "SubtensorModule", Item: "SubnetLimit", Out: &info.SubnetLimit},
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return info, c.wrap(err)
	}
	if total > 0 {
		info.Subnets = total - 1
	}
	info.NextAllowedBlock = info.LastRegistered + info.RateLimit
	return info, nil
}

// neurons reads a subnet's neurons through get_neurons (full) or
// get_neurons_lite, with each neuron's registration block.
func (c *SubstrateClient) neurons(ctx context.Context, netuid uint16, atBlock uint64, full bool) (*types.NeuronsInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	if err := c.requireSubnet(ctx, at, netuid); err != nil {
		return nil, err
	}
	var views []neuronView
	method, typ := "get_neurons_lite", "NeuronsLite"
	if full {
		method, typ = "get_neurons", "Neurons"
	}
	if err := c.callInfo(ctx, at, &views, "NeuronInfoRuntimeApi", method, typ, answerValue, netuid); err != nil {
		return nil, err
	}
	out := &types.NeuronsInfo{Netuid: netuid, Height: n, Neurons: make([]types.NeuronInfo, len(views))}
	reads := make([]substrate.StorageRead, len(views))
	for i := range views {
		out.Neurons[i] = views[i].neuronInfo(full)
		reads[i] = substrate.StorageRead{Pallet: "SubtensorModule", Item: "BlockAtRegistration",
			Keys: []any{netuid, views[i].UID}, Out: &out.Neurons[i].RegisteredAt}
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return nil, c.wrap(err)
	}
	return out, nil
}

// Neurons returns every neuron of a subnet with weights and bonds.
func (c *SubstrateClient) Neurons(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error) {
	return c.neurons(ctx, netuid, atBlock, true)
}

// NeuronsLite returns every neuron of a subnet without weights and bonds.
func (c *SubstrateClient) NeuronsLite(ctx context.Context, netuid uint16, atBlock uint64) (*types.NeuronsInfo, error) {
	return c.neurons(ctx, netuid, atBlock, false)
}

// Neuron returns one neuron, with weights and bonds.
func (c *SubstrateClient) Neuron(ctx context.Context, netuid, uid uint16, atBlock uint64) (types.NeuronInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return types.NeuronInfo{}, err
	}
	return c.neuron(ctx, at, netuid, uid)
}

func (c *SubstrateClient) neuron(ctx context.Context, at substrate.Hash, netuid, uid uint16) (types.NeuronInfo, error) {
	if err := c.requireSubnet(ctx, at, netuid); err != nil {
		return types.NeuronInfo{}, err
	}
	var v neuronView
	err := c.callInfo(ctx, at, &v, "NeuronInfoRuntimeApi", "get_neuron", "NeuronInfo", answerMaybe, netuid, uid)
	if errors.Is(err, errNone) {
		return types.NeuronInfo{}, types.Errorf(types.ErrNotRegistered, "no uid %d on subnet %d", uid, netuid)
	}
	if err != nil {
		return types.NeuronInfo{}, err
	}
	n := v.neuronInfo(true)
	_, err = c.storage(ctx, at, &n.RegisteredAt, "SubtensorModule", "BlockAtRegistration", netuid, uid)
	return n, err
}

// UIDForHotkey returns the hotkey's uid on a subnet, and whether it has one.
func (c *SubstrateClient) UIDForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (uint16, bool, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, false, err
	}
	return c.uid(ctx, at, netuid, hotkey)
}

func (c *SubstrateClient) uid(ctx context.Context, at substrate.Hash, netuid uint16, hotkey types.AccountID) (uint16, bool, error) {
	var uid uint16
	ok, err := c.storage(ctx, at, &uid, "SubtensorModule", "Uids", netuid, [32]byte(hotkey))
	return uid, ok, err
}

// IsHotkeyRegistered reports whether the hotkey has a uid on the subnet.
func (c *SubstrateClient) IsHotkeyRegistered(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (bool, error) {
	_, ok, err := c.UIDForHotkey(ctx, netuid, hotkey, atBlock)
	return ok, err
}

// NeuronForHotkey returns the hotkey's neuron on a subnet; an error
// matching types.ErrNotRegistered when it has none.
func (c *SubstrateClient) NeuronForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (types.NeuronInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return types.NeuronInfo{}, err
	}
	if err := c.requireSubnet(ctx, at, netuid); err != nil {
		return types.NeuronInfo{}, err
	}
	uid, ok, err := c.uid(ctx, at, netuid, hotkey)
	if err != nil {
		return types.NeuronInfo{}, err
	}
	if !ok {
		return types.NeuronInfo{}, types.Errorf(types.ErrNotRegistered, "hotkey %s is not registered on subnet %d", hotkey, netuid)
	}
	return c.neuron(ctx, at, netuid, uid)
}

// netuids lists the subnets at at (NetworksAdded).
func (c *SubstrateClient) netuids(ctx context.Context, at substrate.Hash) ([]uint16, error) {
	var total uint16
	if _, err := c.storage(ctx, at, &total, "SubtensorModule", "TotalNetworks"); err != nil {
		return nil, err
	}
	// Netuids are not always contiguous (a dissolved subnet leaves a gap):
	// read NetworksAdded for a range past the count.
	limit := int(total) + 32
	added := make([]bool, limit)
	reads := make([]substrate.StorageRead, limit)
	for i := range reads {
		reads[i] = substrate.StorageRead{Pallet: "SubtensorModule", Item: "NetworksAdded", Keys: []any{uint16(i)}, Out: &added[i]}
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return nil, c.wrap(err)
	}
	var out []uint16
	for i, ok := range added {
		if ok {
			out = append(out, uint16(i))
		}
	}
	return out, nil
}

// GetHotkey returns a hotkey's owner, delegate status, stake and subnet
// registrations. On a dynamic-TAO chain Stake and TotalStake are the
// hotkey's stake on the root network (TAO); per-subnet stake is alpha.
func (c *SubstrateClient) GetHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.HotkeyInfo, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.HotkeyInfo{}, err
	}
	info := types.HotkeyInfo{Hotkey: hotkey, Height: n}
	var owner [32]byte
	var take uint16
	reads := []substrate.StorageRead{
		{Pallet: "SubtensorModule", Item: "Owner", Keys: []any{[32]byte(hotkey)}, Out: &owner},
		{Pallet: "SubtensorModule", Item: "Delegates", Keys: []any{[32]byte(hotkey)}, Out: &take},
	}
	if err := c.sc.StorageMany(ctx, at, reads); err != nil {
		return info, c.wrap(err)
	}
	info.Exists = reads[0].Found
	info.Owner = types.AccountID(owner)
	info.Delegate, info.Take = reads[1].Found, take
	nets, err := c.netuids(ctx, at)
	if err != nil {
		return info, err
	}
	uids := make([]uint16, len(nets))
	ureads := make([]substrate.StorageRead, len(nets))
	for i, netuid := range nets {
		ureads[i] = substrate.StorageRead{Pallet: "SubtensorModule", Item: "Uids", Keys: []any{netuid, [32]byte(hotkey)}, Out: &uids[i]}
	}
	if err := c.sc.StorageMany(ctx, at, ureads); err != nil {
		return info, c.wrap(err)
	}
	for i, r := range ureads {
		if r.Found {
			info.Registrations = append(info.Registrations, types.Registration{Netuid: nets[i], UID: uids[i]})
		}
	}
	var root uint64
	if _, err := c.storage(ctx, at, &root, "SubtensorModule", "TotalHotkeyAlpha", [32]byte(hotkey), uint16(0)); err == nil {
		info.TotalStake = root
	}
	return info, nil
}

// stakeInfos reads every stake of a coldkey (StakeInfoRuntimeApi).
func (c *SubstrateClient) stakeInfos(ctx context.Context, at substrate.Hash, coldkey types.AccountID) ([]stakeInfoView, error) {
	var out []stakeInfoView
	err := c.callInfo(ctx, at, &out, "StakeInfoRuntimeApi", "get_stake_info_for_coldkey", "StakeInfos", answerValue, coldkey[:])
	return out, err
}

// GetColdkeyStake returns a coldkey's stake on each hotkey. On a
// dynamic-TAO chain stake is per subnet: this is the stake on the root
// network (TAO), as the dev chain's global stake; see the subnet-aware
// reads for alpha.
func (c *SubstrateClient) GetColdkeyStake(ctx context.Context, coldkey types.AccountID, atBlock uint64) (types.ColdkeyStake, error) {
	at, n, err := c.at(ctx, atBlock)
	if err != nil {
		return types.ColdkeyStake{}, err
	}
	out := types.ColdkeyStake{Coldkey: coldkey, Height: n}
	infos, err := c.stakeInfos(ctx, at, coldkey)
	if err != nil {
		return out, err
	}
	for _, s := range infos {
		if s.Netuid != 0 || s.Stake == 0 {
			continue
		}
		out.Stakes = append(out.Stakes, types.HotkeyStake{Hotkey: types.AccountID(s.Hotkey), Amount: s.Stake})
		out.TotalStake += s.Stake
	}
	var owned [][32]byte
	if _, err := c.storage(ctx, at, &owned, "SubtensorModule", "OwnedHotkeys", [32]byte(coldkey)); err != nil {
		return out, err
	}
	for _, h := range owned {
		out.OwnedHotkeys = append(out.OwnedHotkeys, types.AccountID(h))
	}
	_, err = c.storage(ctx, at, &out.LastTxBlock, "SubtensorModule", "LastTxBlock", [32]byte(coldkey))
	return out, err
}

// GetStake returns coldkey's stake on hotkey on the root network (TAO).
func (c *SubstrateClient) GetStake(ctx context.Context, coldkey, hotkey types.AccountID, atBlock uint64) (balance.Balance, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var v uint64
	_, err = c.storage(ctx, at, &v, "SubtensorModule", "Alpha", [32]byte(hotkey), [32]byte(coldkey), uint16(0))
	return balance.Balance(v), err
}

// GetTotalStakeForHotkey returns every stake on hotkey on the root network.
func (c *SubstrateClient) GetTotalStakeForHotkey(ctx context.Context, hotkey types.AccountID, atBlock uint64) (balance.Balance, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var v uint64
	_, err = c.storage(ctx, at, &v, "SubtensorModule", "TotalHotkeyAlpha", [32]byte(hotkey), uint16(0))
	return balance.Balance(v), err
}

// TotalStake returns the subtensor module's TotalStake (TAO).
func (c *SubstrateClient) TotalStake(ctx context.Context, atBlock uint64) (balance.Balance, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return 0, err
	}
	var v uint64
	_, err = c.storage(ctx, at, &v, "SubtensorModule", "TotalStake")
	return balance.Balance(v), err
}

// GetDelegates returns every delegate (DelegateInfoRuntimeApi).
func (c *SubstrateClient) GetDelegates(ctx context.Context, atBlock uint64) ([]types.DelegateInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	var views []delegateView
	if err := c.callInfo(ctx, at, &views, "DelegateInfoRuntimeApi", "get_delegates", "Delegates", answerValue); err != nil {
		return nil, err
	}
	out := make([]types.DelegateInfo, len(views))
	for i := range views {
		out[i] = views[i].delegateInfo()
	}
	return out, nil
}

// GetDelegate returns one delegate; an error matching types.ErrNotDelegate
// when the hotkey is not one.
func (c *SubstrateClient) GetDelegate(ctx context.Context, hotkey types.AccountID, atBlock uint64) (types.DelegateInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return types.DelegateInfo{}, err
	}
	var v delegateView
	err = c.callInfo(ctx, at, &v, "DelegateInfoRuntimeApi", "get_delegate", "DelegateInfo", answerMaybe, hotkey[:])
	if errors.Is(err, errNone) {
		return types.DelegateInfo{}, types.Errorf(types.ErrNotDelegate, "hotkey %s is not a delegate", hotkey)
	}
	if err != nil {
		return types.DelegateInfo{}, err
	}
	return v.delegateInfo(), nil
}

// GetDelegated returns the delegates a coldkey stakes to, with its stake.
func (c *SubstrateClient) GetDelegated(ctx context.Context, coldkey types.AccountID, atBlock uint64) ([]types.DelegatedInfo, error) {
	at, _, err := c.at(ctx, atBlock)
	if err != nil {
		return nil, err
	}
	var views []delegatedView
	if err := c.callInfo(ctx, at, &views, "DelegateInfoRuntimeApi", "get_delegated", "Delegated", answerValue, coldkey[:]); err != nil {
		return nil, err
	}
	out := make([]types.DelegatedInfo, len(views))
	for i := range views {
		out[i] = types.DelegatedInfo{Delegate: views[i].Delegate.delegateInfo(), Amount: views[i].Amount}
	}
	return out, nil
}
