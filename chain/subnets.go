package chain

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
)

// The subnets module: creating a subnet for a lock that doubles with each
// registration and decays back over time (the reference's register_network,
// root.rs), the subnet
// limit and the pruning of the weakest unimmune subnet, dissolving a subnet,
// and the root network (netuid 0) that exists from genesis.

// RootNetuid is the root network's netuid.
const RootNetuid uint16 = 0

// subnetState is a subnet's record: who owns it, what it locked, its size
// and its registration counters. Its hyperparameters are stored apart.
type subnetState struct {
	Owner        types.AccountID // zero for the root network
	RegisteredAt uint64
	Lock         uint64 // RAO locked by the owner
	N            uint16 // SubnetworkN: uids 0 … N-1 exist

	RegistrationsThisBlock        uint16
	RegistrationsThisInterval     uint16
	PowRegistrationsThisInterval  uint16
	BurnRegistrationsThisInterval uint16
	LastAdjustmentBlock           uint64
	RAORecycledForRegistration    uint64
}

// Subnet returns the record of netuid, and whether the subnet exists.
func (s *State) Subnet(netuid uint16) (subnetState, bool) {
	var sn subnetState
	v := s.kv.Get(netuidKey(prefixSubnet, netuid))
	if v == nil {
		return sn, false
	}
	mustDecode(v, &sn, "subnet")
	return sn, true
}

// SetSubnet stores the record of netuid.
func (s *State) SetSubnet(netuid uint16, sn *subnetState) {
	s.kv.Set(netuidKey(prefixSubnet, netuid), mustEncode(sn))
}

// SubnetExists reports whether netuid exists.
func (s *State) SubnetExists(netuid uint16) bool {
	return s.kv.Get(netuidKey(prefixSubnet, netuid)) != nil
}

// Hyperparams returns the hyperparameters of netuid (zero if it does not
// exist).
func (s *State) Hyperparams(netuid uint16) types.Hyperparams {
	var h types.Hyperparams
	if v := s.kv.Get(netuidKey(prefixHyperparams, netuid)); v != nil {
		mustDecode(v, &h, "hyperparameters")
	}
	return h
}

// SetHyperparams stores the hyperparameters of netuid.
func (s *State) SetHyperparams(netuid uint16, h *types.Hyperparams) {
	s.kv.Set(netuidKey(prefixHyperparams, netuid), mustEncode(h))
}

// Netuids returns every existing netuid, root included, ascending.
func (s *State) Netuids() []uint16 {
	var out []uint16
	start := []byte{prefixSubnet}
	s.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		out = append(out, binary.BigEndian.Uint16(k[1:]))
		return true
	})
	return out
}

// EmissionValue is the subnet's emission per block (RAO), as the last root
// epoch set it.
func (s *State) EmissionValue(netuid uint16) uint64 {
	return bytesU64(s.kv.Get(netuidKey(prefixEmissionValue, netuid)))
}

// SetEmissionValue stores the subnet's emission per block.
func (s *State) SetEmissionValue(netuid uint16, rao uint64) {
	s.kv.Set(netuidKey(prefixEmissionValue, netuid), u64Bytes(rao))
}

// NetworkLastRegistered is the block of the last subnet registration (0 if
// none).
func (s *State) NetworkLastRegistered() uint64 {
	return bytesU64(s.kv.Get(singleKey(keyNetworkLastReg)))
}

// NetworkLastLockCost is the lock the last subnet registration paid.
func (s *State) NetworkLastLockCost() uint64 {
	return bytesU64(s.kv.Get(singleKey(keyNetworkLastLock)))
}

func mustEncode(v any) []byte {
	b, err := types.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("chain: encode %T: %v", v, err))
	}
	return b
}

func mustDecode(b []byte, v any, what string) {
	if err := types.Unmarshal(b, v); err != nil {
		mustRead(types.Errorf(types.ErrStateUnreadable, "stored %s: %v", what, err))
	}
}

// lockCost is what register_network locks at block (economics.LockCost).
func lockCost(st *State, p *types.SubtensorParams, block uint64) uint64 {
	cost, err := economics.LockCost(st.NetworkLastLockCost(), p.NetworkMinLockCost, st.NetworkLastRegistered(), block, p.NetworkLockReductionInterval)
	if err != nil {
		// Parameters are validated when set: an interval of 0 never
		// reaches the state.
		panic(fmt.Sprintf("chain: %v", err))
	}
	return cost
}

// registerNetwork is SubtensorModule.register_network, signed by the
// coldkey that will own the subnet.
func registerNetwork(ctx *Context, a *types.RegisterNetwork) error {
	st, p, b := ctx.State, &ctx.Params.Subtensor, ctx.Height
	last := st.NetworkLastRegistered()
	if since := satSub(b, last); since < p.NetworkRateLimit {
		return types.Errorf(types.ErrTxRateLimitExceeded, "a subnet was registered at block %d: wait %d more blocks (network rate limit %d)", last, p.NetworkRateLimit-since, p.NetworkRateLimit)
	}
	cost := lockCost(st, p, b)
	if free := st.Account(ctx.Signer).Free; free < cost {
		return types.Errorf(types.ErrNotEnoughBalanceToStake, "registering a subnet locks %s; %s has %s", fmtTAO(cost), ctx.Signer, fmtTAO(free))
	}
	if a.MaxLockCost != 0 && cost > a.MaxLockCost {
		return types.Errorf(types.ErrLockCostAboveMaximum, "the lock cost is %s, above your maximum of %s", fmtTAO(cost), fmtTAO(a.MaxLockCost))
	}
	netuids := st.Netuids()
	netuid, pruned := uint16(0), false
	if len(netuids)-1 < int(p.SubnetLimit) {
		netuid = smallestFreeNetuid(netuids)
	} else {
		netuid = subnetToPrune(st, netuids, b, p.NetworkImmunityPeriod)
		if netuid == RootNetuid {
			return types.Errorf(types.ErrAllNetworksInImmunity, "the subnet limit of %d is reached and every subnet is within its %d-block immunity", p.SubnetLimit, p.NetworkImmunityPeriod)
		}
		pruned = true
	}
	if pruned {
		if err := removeNetwork(ctx, netuid); err != nil {
			return err
		}
	}
	if err := withdraw(ctx, ctx.Signer, cost, true); err != nil {
		return types.Errorf(types.ErrBalanceWithdrawalError, "locking %s would leave %s below the existential deposit of %d RAO", fmtTAO(cost), ctx.Signer, ctx.Params.ExistentialDeposit)
	}
	initNetwork(st, netuid, p.SubnetDefaults, subnetState{Owner: ctx.Signer, RegisteredAt: b, Lock: cost, LastAdjustmentBlock: b})
	st.kv.Set(singleKey(keyNetworkLastReg), u64Bytes(b))
	st.kv.Set(singleKey(keyNetworkLastLock), u64Bytes(cost))
	ctx.Emit("NetworkAdded", "netuid", strconv.Itoa(int(netuid)), "owner", ctx.Signer.String(), "lock", strconv.FormatUint(cost, 10))
	return nil
}

// smallestFreeNetuid is the smallest netuid ≥ 1 not in netuids (ascending).
func smallestFreeNetuid(netuids []uint16) uint16 {
	next := uint16(1)
	for _, n := range netuids {
		if n == next {
			next++
		} else if n > next {
			break
		}
	}
	return next
}

// initNetwork creates netuid's records. Every key of a netuid is deleted
// when a subnet is removed, so nothing of an earlier subnet with the same
// netuid survives.
func initNetwork(st *State, netuid uint16, h types.Hyperparams, sn subnetState) {
	st.SetSubnet(netuid, &sn)
	st.SetHyperparams(netuid, &h)
}

// subnetToPrune picks the subnet a new registration replaces when the limit
// is reached (the reference's get_subnet_to_prune): among subnets other than
// root past their immunity, the lowest emission, ties to the earliest
// registered, remaining ties to the lowest netuid. It returns RootNetuid when
// every subnet is immune.
func subnetToPrune(st *State, netuids []uint16, block, immunity uint64) uint16 {
	best, found := RootNetuid, false
	var bestEmission, bestReg uint64
	for _, netuid := range netuids {
		if netuid == RootNetuid {
			continue
		}
		sn, _ := st.Subnet(netuid)
		if satSub(block, sn.RegisteredAt) < immunity {
			continue
		}
		e := st.EmissionValue(netuid)
		if !found || e < bestEmission || (e == bestEmission && sn.RegisteredAt < bestReg) {
			best, bestEmission, bestReg, found = netuid, e, sn.RegisteredAt, true
		}
	}
	return best
}

// dissolveNetwork is SubtensorModule.dissolve_network, signed by the
// subnet's owner, or Root (the sudo key, or the chain's own dispatch).
func dissolveNetwork(ctx *Context, a *types.DissolveNetwork) error {
	if a.Netuid == RootNetuid {
		return types.Errorf(types.ErrOperationNotPermittedOnRootSubnet, "the root network cannot be dissolved")
	}
	sn, ok := ctx.State.Subnet(a.Netuid)
	if !ok {
		return types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", a.Netuid)
	}
	if !ctx.isRoot() && sn.Owner != ctx.Signer {
		return types.Errorf(types.ErrNotSubnetOwner, "subnet %d is owned by %s, not %s", a.Netuid, sn.Owner, ctx.Signer)
	}
	return removeNetwork(ctx, a.Netuid)
}

// removeNetwork removes a subnet: its neurons are deregistered (a hotkey on
// no other subnet is unstaked, as when it is replaced), root weights on it
// are dropped, every key of the netuid is deleted, and the lock returns to
// the owner.
func removeNetwork(ctx *Context, netuid uint16) error {
	st := ctx.State
	sn, ok := st.Subnet(netuid)
	if !ok {
		return types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	var hotkeys []types.AccountID
	st.IterateNeurons(netuid, func(_ uint16, n neuron) bool {
		hotkeys = append(hotkeys, n.Hotkey)
		return true
	})
	for _, h := range hotkeys {
		st.deleteRegistration(h, netuid)
	}
	for _, h := range hotkeys {
		if !st.IsRegisteredAnywhere(h) {
			unstakeAll(ctx, h)
		}
	}
	dropRootWeightsOn(st, netuid)
	for _, prefix := range netuidPrefixes {
		deleteRange(st.kv, netuidKey(prefix, netuid))
	}
	// Hooks for later modules' per-subnet state that is not keyed by
	// netuid (e.g. an emission queue) belong here.
	if sn.Lock > 0 {
		if err := deposit(ctx, sn.Owner, sn.Lock); err != nil {
			return err
		}
	}
	ctx.Emit("NetworkRemoved", "netuid", strconv.Itoa(int(netuid)), "owner", sn.Owner.String(), "lock_returned", strconv.FormatUint(sn.Lock, 10))
	return nil
}

// dropRootWeightsOn removes netuid from every root validator's weights, so a
// subnet registered later under the same netuid does not inherit them.
func dropRootWeightsOn(st *State, netuid uint16) {
	type upd struct {
		uid uint16
		r   row
	}
	var changed []upd
	st.iterateRows(prefixWeights, RootNetuid, func(uid uint16, r row) bool {
		for i, p := range r {
			if p[0] == netuid {
				changed = append(changed, upd{uid, append(r[:i:i], r[i+1:]...)})
				break
			}
		}
		return true
	})
	for _, c := range changed {
		st.SetWeights(RootNetuid, c.uid, c.r)
	}
}

// deleteRange deletes every key starting with prefix.
func deleteRange(kv KV, prefix []byte) {
	var keys [][]byte
	kv.Iterate(prefix, prefixEnd(prefix), func(k, _ []byte) bool {
		keys = append(keys, append([]byte(nil), k...))
		return true
	})
	for _, k := range keys {
		kv.Delete(k)
	}
}

func satSub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// fmtTAO formats RAO for messages: "τ1.500000000".
func fmtTAO(rao uint64) string {
	return fmt.Sprintf("τ%d.%09d", rao/1_000_000_000, rao%1_000_000_000)
}
