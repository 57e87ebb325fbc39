package chain

import (
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
)

// The registration module: joining a subnet by burning its price
// (burned_register) or by proof of work (register), the per-block and
// per-interval limits, the price adjustment of each interval, the
// replacement of the lowest-scoring neuron of a full subnet and
// swap_hotkey, as the reference's registration.rs and block_step.rs.

// powWorkWindow is how many blocks old the block named by a proof of work
// may be: b − block_number < powWorkWindow.
const powWorkWindow = 3

// burnedRegister is SubtensorModule.burned_register, signed by the coldkey
// that owns (or will own) the hotkey.
func burnedRegister(ctx *Context, a *types.BurnedRegister) error {
	st := ctx.State
	sn, h, err := registrationOpen(st, a.Netuid)
	if err != nil {
		return err
	}
	if !h.NetworkRegistrationAllowed {
		return types.Errorf(types.ErrRegistrationDisabled, "registration is turned off on subnet %d", a.Netuid)
	}
	if err := checkRegistrationLimits(a.Netuid, &sn, &h); err != nil {
		return err
	}
	if uid, ok := st.UID(a.Netuid, a.Hotkey); ok {
		return types.Errorf(types.ErrAlreadyRegistered, "hotkey %s is already registered on subnet %d as uid %d", a.Hotkey, a.Netuid, uid)
	}
	burn := h.Burn
	if a.MaxBurn != 0 && burn > a.MaxBurn {
		return types.Errorf(types.ErrBurnAboveMaximum, "the burn on subnet %d is %s, above your maximum of %s", a.Netuid, fmtTAO(burn), fmtTAO(a.MaxBurn))
	}
	if free := st.Account(ctx.Signer).Free; free < burn {
		return types.Errorf(types.ErrNotEnoughBalanceToStake, "registering on subnet %d burns %s; %s has %s", a.Netuid, fmtTAO(burn), ctx.Signer, fmtTAO(free))
	}
	if err := withdraw(ctx, ctx.Signer, burn, true); err != nil {
		return types.Errorf(types.ErrBalanceWithdrawalError, "burning %s would leave %s below the existential deposit of %d RAO", fmtTAO(burn), ctx.Signer, ctx.Params.ExistentialDeposit)
	}
	st.Burn(burn)
	uid, err := registerNeuron(ctx, a.Netuid, &sn, &h, a.Hotkey, ctx.Signer)
	if err != nil {
		return err
	}
	sn.BurnRegistrationsThisInterval++
	sn.RegistrationsThisInterval++
	sn.RegistrationsThisBlock++
	sn.RAORecycledForRegistration += burn
	st.SetSubnet(a.Netuid, &sn)
	ctx.Emit("NeuronRegistered", "netuid", strconv.Itoa(int(a.Netuid)), "uid", strconv.Itoa(int(uid)), "hotkey", a.Hotkey.String(), "burn", strconv.FormatUint(burn, 10))
	return nil
}

// register is SubtensorModule.register (proof of work), signed by the
// hotkey being registered.
func register(ctx *Context, a *types.Register) error {
	st := ctx.State
	if ctx.Signer != a.Hotkey {
		return types.Errorf(types.ErrHotkeyOriginMismatch, "the call registers %s but is signed by %s: sign it with the hotkey", a.Hotkey, ctx.Signer)
	}
	sn, h, err := registrationOpen(st, a.Netuid)
	if err != nil {
		return err
	}
	if !h.NetworkPowRegistrationAllowed {
		return types.Errorf(types.ErrRegistrationDisabled, "proof-of-work registration is turned off on subnet %d", a.Netuid)
	}
	if err := checkRegistrationLimits(a.Netuid, &sn, &h); err != nil {
		return err
	}
	if uid, ok := st.UID(a.Netuid, a.Hotkey); ok {
		return types.Errorf(types.ErrAlreadyRegistered, "hotkey %s is already registered on subnet %d as uid %d", a.Hotkey, a.Netuid, uid)
	}
	// The block must be an earlier one: this block's own hash is unknown
	// until it is made (the reference accepted it with a zero hash, which
	// here would let precomputed work into the mempool only to fail).
	b := ctx.Height
	if a.BlockNumber >= b || b-a.BlockNumber >= powWorkWindow {
		return types.Errorf(types.ErrInvalidWorkBlock, "the work is for block %d and this is block %d: it must be 1 to %d blocks old", a.BlockNumber, b, powWorkWindow-1)
	}
	if !types.SealMeetsDifficulty(a.Work, h.Difficulty) {
		return types.Errorf(types.ErrInvalidDifficulty, "the seal does not meet subnet %d's difficulty %d", a.Netuid, h.Difficulty)
	}
	if types.Seal(st.BlockHash(a.BlockNumber), a.Hotkey, a.Nonce) != a.Work {
		return types.Errorf(types.ErrInvalidSeal, "the seal is not the hash of block %d, hotkey %s and nonce %d", a.BlockNumber, a.Hotkey, a.Nonce)
	}
	if !useWork(st, a.Work, b) {
		return types.Errorf(types.ErrWorkAlreadyUsed, "seal %x was already used", a.Work[:8])
	}
	uid, err := registerNeuron(ctx, a.Netuid, &sn, &h, a.Hotkey, a.Coldkey)
	if err != nil {
		return err
	}
	sn.PowRegistrationsThisInterval++
	sn.RegistrationsThisInterval++
	sn.RegistrationsThisBlock++
	st.SetSubnet(a.Netuid, &sn)
	ctx.Emit("NeuronRegistered", "netuid", strconv.Itoa(int(a.Netuid)), "uid", strconv.Itoa(int(uid)), "hotkey", a.Hotkey.String(), "difficulty", strconv.FormatUint(h.Difficulty, 10))
	return nil
}

// registrationOpen loads a subnet for a registration, refusing the root
// network (which has its own registration) and missing subnets.
func registrationOpen(st *State, netuid uint16) (subnetState, types.Hyperparams, error) {
	if netuid == RootNetuid {
		return subnetState{}, types.Hyperparams{}, types.Errorf(types.ErrOperationNotPermittedOnRootSubnet, "neurons join the root network with root_register, not by registration on netuid 0")
	}
	sn, ok := st.Subnet(netuid)
	if !ok {
		return sn, types.Hyperparams{}, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	return sn, st.Hyperparams(netuid), nil
}

// checkRegistrationLimits applies the per-block and per-interval limits.
func checkRegistrationLimits(netuid uint16, sn *subnetState, h *types.Hyperparams) error {
	if sn.RegistrationsThisBlock >= h.MaxRegistrationsPerBlock {
		return types.Errorf(types.ErrTooManyRegistrationsThisBlock, "subnet %d allows %d registrations per block and this block has %d: try again next block", netuid, h.MaxRegistrationsPerBlock, sn.RegistrationsThisBlock)
	}
	if limit := 3 * uint32(h.TargetRegistrationsPerInterval); uint32(sn.RegistrationsThisInterval) >= limit {
		return types.Errorf(types.ErrTooManyRegistrationsThisInterval, "subnet %d allows %d registrations per adjustment interval (3 × target %d) and they are used up: the interval started at block %d and lasts %d blocks", netuid, limit, h.TargetRegistrationsPerInterval, sn.LastAdjustmentBlock, h.AdjustmentInterval)
	}
	return nil
}

// registerNeuron gives hotkey a uid on netuid: a new uid while the subnet
// has room, otherwise the uid of the neuron to prune. The hotkey gets
// coldkey as owner if it has none, and must be owned by coldkey.
func registerNeuron(ctx *Context, netuid uint16, sn *subnetState, h *types.Hyperparams, hotkey, coldkey types.AccountID) (uint16, error) {
	st := ctx.State
	createAccountIfNonExistent(st, coldkey, hotkey)
	if owner, _ := st.Owner(hotkey); owner != coldkey {
		return 0, types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by coldkey %s, not %s", hotkey, owner, coldkey)
	}
	if h.MaxAllowedUids == 0 {
		return 0, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d allows no uids", netuid)
	}
	if sn.N < h.MaxAllowedUids {
		return appendNeuron(st, netuid, sn, hotkey, coldkey, ctx.Height), nil
	}
	uid := neuronToPrune(st, netuid, sn.N, ctx.Height, h.ImmunityPeriod)
	replaceNeuron(ctx, netuid, uid, hotkey, coldkey)
	return uid, nil
}

// appendNeuron adds hotkey as uid n of the subnet.
func appendNeuron(st *State, netuid uint16, sn *subnetState, hotkey, coldkey types.AccountID, block uint64) uint16 {
	uid := sn.N
	n := newNeuron(hotkey, coldkey, block)
	st.SetNeuron(netuid, uid, &n)
	st.setRegistration(hotkey, netuid, uid)
	sn.N++
	return uid
}

// replaceNeuron puts hotkey at uid in place of the neuron there. The old
// hotkey leaves the subnet and, if it is now on no subnet, its stake returns
// to its stakers. The uid starts afresh, as a new neuron, except that its
// pruning score is 65535 until the next epoch (as the reference leaves it),
// and its weights and bonds rows are removed.
func replaceNeuron(ctx *Context, netuid, uid uint16, hotkey, coldkey types.AccountID) {
	st := ctx.State
	old, _ := st.Neuron(netuid, uid)
	st.deleteRegistration(old.Hotkey, netuid)
	if !st.IsRegisteredAnywhere(old.Hotkey) {
		unstakeAll(ctx, old.Hotkey)
	}
	n := newNeuron(hotkey, coldkey, ctx.Height)
	n.PruningScore = 65535
	st.SetNeuron(netuid, uid, &n)
	st.setRegistration(hotkey, netuid, uid)
	st.kv.Delete(uidKey(prefixWeights, netuid, uid))
	st.kv.Delete(uidKey(prefixBonds, netuid, uid))
	ctx.Emit("NeuronDeregistered", "netuid", strconv.Itoa(int(netuid)), "uid", strconv.Itoa(int(uid)), "hotkey", old.Hotkey.String())
}

// neuronToPrune reads the subnet's pruning scores and registration blocks
// and applies pruneChoice.
func neuronToPrune(st *State, netuid, n uint16, block uint64, immunity uint16) uint16 {
	scores := make([]uint16, 0, n)
	registered := make([]uint64, 0, n)
	st.IterateNeurons(netuid, func(_ uint16, nr neuron) bool {
		scores = append(scores, nr.PruningScore)
		registered = append(registered, nr.RegisteredAt)
		return true
	})
	return pruneChoice(scores, registered, block, uint64(immunity))
}

// pruneChoice is the reference's get_neuron_to_prune (registration.rs)
// over the subnet's pruning scores and registration blocks by uid. A neuron
// is immune while block − registered < immunity. Among neurons past
// immunity the lowest score wins, and on a tie the later uid; among immune
// neurons (looked at only when their score is at most the running minimum of
// the others) the lowest score, and on a tie the first uid. If no neuron
// past immunity scored below 65535, the immune candidate (uid 0 if none) is
// chosen.
func pruneChoice(scores []uint16, registered []uint64, block, immunity uint64) uint16 {
	const maxScore = 65535
	minScore, minImmune := uint16(maxScore), uint16(maxScore)
	var uidMin, uidMinImmune uint16
	for i, score := range scores {
		if score > minScore {
			continue
		}
		uid := uint16(i)
		if satSub(block, registered[i]) < immunity {
			if score < minImmune {
				minImmune, uidMinImmune = score, uid
			}
			continue
		}
		minScore, uidMin = score, uid
	}
	if minScore == maxScore {
		return uidMinImmune
	}
	return uidMin
}

// adjustRegistrationTerms is the first part of the block step (the
// reference's adjust_registration_terms_for_networks), for
// every subnet including root: at the end of each adjustment interval the
// difficulty and burn follow the interval's registrations and the interval
// counters restart; every block the block's counter restarts.
func adjustRegistrationTerms(st *State, block uint64) {
	for _, netuid := range st.Netuids() {
		sn, _ := st.Subnet(netuid)
		dirty := false
		h := st.Hyperparams(netuid)
		if satSub(block, sn.LastAdjustmentBlock) >= uint64(h.AdjustmentInterval) {
			r, t := sn.RegistrationsThisInterval, h.TargetRegistrationsPerInterval
			difficulty, burn := economics.AdjustmentTargets(r, sn.PowRegistrationsThisInterval, sn.BurnRegistrationsThisInterval, t)
			old := h
			if difficulty {
				h.Difficulty = mustAdjust(h.Difficulty, r, t, h.AdjustmentAlpha, h.MinDifficulty, h.MaxDifficulty)
			}
			if burn {
				h.Burn = mustAdjust(h.Burn, r, t, h.AdjustmentAlpha, h.MinBurn, h.MaxBurn)
			}
			if h != old {
				st.SetHyperparams(netuid, &h)
			}
			sn.LastAdjustmentBlock = block
			sn.RegistrationsThisInterval, sn.PowRegistrationsThisInterval, sn.BurnRegistrationsThisInterval = 0, 0, 0
			dirty = true
		}
		if sn.RegistrationsThisBlock != 0 {
			sn.RegistrationsThisBlock = 0
			dirty = true
		}
		if dirty {
			st.SetSubnet(netuid, &sn)
		}
	}
}

func mustAdjust(current uint64, registrations, target uint16, alpha, min, max uint64) uint64 {
	v, err := economics.AdjustedPrice(current, registrations, target, alpha, min, max)
	if err != nil {
		// Targets are validated when set (1 to 32767): this cannot happen.
		panic(fmt.Sprintf("chain: %v", err))
	}
	return v
}

// swapHotkey is SubtensorModule.swap_hotkey, signed by the coldkey that
// owns the old hotkey.
func swapHotkey(ctx *Context, a *types.SwapHotkey) error {
	st, cold, b := ctx.State, ctx.Signer, ctx.Height
	if owner, ok := st.Owner(a.Hotkey); !ok || owner != cold {
		if !ok {
			return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s does not exist", a.Hotkey)
		}
		return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by coldkey %s, not %s", a.Hotkey, owner, cold)
	}
	if err := checkTxRateLimit(ctx, cold); err != nil {
		return err
	}
	if a.NewHotkey == a.Hotkey {
		return types.Errorf(types.ErrAlreadyRegistered, "the new hotkey is the old one")
	}
	if st.IsRegisteredAnywhere(a.NewHotkey) {
		return types.Errorf(types.ErrAlreadyRegistered, "the new hotkey %s is already registered on a subnet", a.NewHotkey)
	}
	if owner, ok := st.Owner(a.NewHotkey); ok {
		return types.Errorf(types.ErrHotkeyAlreadyExists, "the new hotkey %s already exists (owned by %s): swap to a hotkey never used on chain", a.NewHotkey, owner)
	}
	cost := ctx.Params.Subtensor.HotkeySwapCost
	if free := st.Account(cold).Free; free < cost {
		return types.Errorf(types.ErrNotEnoughBalance, "swapping a hotkey burns %s; %s has %s", fmtTAO(cost), cold, fmtTAO(free))
	}
	if err := withdraw(ctx, cold, cost, true); err != nil {
		return types.Errorf(types.ErrBalanceWithdrawalError, "burning %s would leave %s below the existential deposit of %d RAO", fmtTAO(cost), cold, ctx.Params.ExistentialDeposit)
	}
	st.Burn(cost)
	moveHotkey(st, a.Hotkey, a.NewHotkey, cold)
	setLastTxBlock(st, cold, b)
	ctx.Emit("HotkeySwapped", "coldkey", cold.String(), "old_hotkey", a.Hotkey.String(), "new_hotkey", a.NewHotkey.String())
	return nil
}

// moveHotkey moves everything of old to new (which has nothing): owner,
// stake, delegate take, rate-limit block, and every registration (the
// neurons keep their uids, axons and scores).
func moveHotkey(st *State, old, new, cold types.AccountID) {
	st.kv.Delete(accountKeyP(prefixOwner, old))
	st.kv.Delete(pairKey(prefixOwnedHotkey, cold, old))
	setOwner(st, new, cold)

	for _, e := range st.StakesOnHotkey(old) {
		decreaseStake(st, old, e.Coldkey, e.Amount)
		increaseStake(st, new, e.Coldkey, e.Amount)
	}
	if take, ok := st.DelegateTake(old); ok {
		st.kv.Delete(accountKeyP(prefixDelegate, old))
		st.kv.Set(accountKeyP(prefixDelegate, new), u16Bytes(take))
	}
	if last := st.LastTxBlock(old); last != 0 {
		st.kv.Delete(accountKeyP(prefixLastTxBlock, old))
		setLastTxBlock(st, new, last)
	}
	for _, r := range st.Registrations(old) {
		n, _ := st.Neuron(r.Netuid, r.UID)
		n.Hotkey = new
		st.SetNeuron(r.Netuid, r.UID, &n)
		st.deleteRegistration(old, r.Netuid)
		st.setRegistration(new, r.Netuid, r.UID)
	}
	moveSenator(st, old, new)
	// Payouts an epoch loaded for the hotkey follow it to the next drain.
	moveLoadedEmission(st, old, new)
}
