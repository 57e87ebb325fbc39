package chain

import (
	"sort"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The root network (netuid 0, the reference's root.rs): validators join it with
// root_register, free of charge, while it has room and afterwards by having
// more stake than its least-staked validator, whom they replace. Joining
// makes the hotkey a delegate and gives it a senate seat while the senate
// has room, or in place of the least-staked senator if it has more stake.
// Root validators set weights on subnets with set_weights on netuid 0 (the
// uids are netuids); the root epoch turns them into each subnet's emission.
//
// Where this differs from the reference (docs/deviations.md): the signer
// must own the hotkey; a hotkey that loses its root seat also loses its
// senate seat; a hotkey that already has a senate seat (Root gave it one)
// keeps it rather than failing the registration; the take given is the
// chain's default take.

// rootRegister is SubtensorModule.root_register, signed by the coldkey that
// owns (or will own) the hotkey.
func rootRegister(ctx *Context, a *types.RootRegister) error {
	st, cold, hotkey := ctx.State, ctx.Signer, a.Hotkey
	sn, ok := st.Subnet(RootNetuid)
	if !ok {
		return types.Errorf(types.ErrNetworkDoesNotExist, "the root network does not exist")
	}
	h := st.Hyperparams(RootNetuid)
	if err := checkRegistrationLimits(RootNetuid, &sn, &h); err != nil {
		return err
	}
	if uid, ok := st.UID(RootNetuid, hotkey); ok {
		return types.Errorf(types.ErrAlreadyRegistered, "hotkey %s is already root validator uid %d", hotkey, uid)
	}
	if owner, ok := st.Owner(hotkey); ok && owner != cold {
		return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by coldkey %s, not %s", hotkey, owner, cold)
	}
	stake := st.TotalHotkeyStake(hotkey)
	var uid uint16
	if sn.N < h.MaxAllowedUids {
		createAccountIfNonExistent(st, cold, hotkey)
		uid = appendNeuron(st, RootNetuid, &sn, hotkey, cold, ctx.Height)
	} else {
		var lowest uint64
		uid, lowest = lowestRootStake(st)
		if lowest >= stake {
			return types.Errorf(types.ErrStakeTooLowForRoot, "the root network is full and its least-staked validator (uid %d) has %s; hotkey %s has %s: stake more than that first", uid, fmtTAO(lowest), hotkey, fmtTAO(stake))
		}
		createAccountIfNonExistent(st, cold, hotkey)
		old, _ := st.Neuron(RootNetuid, uid)
		replaceNeuron(ctx, RootNetuid, uid, hotkey, cold)
		if st.IsMember(types.Senate, old.Hotkey) {
			removeMember(st, types.Senate, old.Hotkey)
			ctx.Emit("MemberRemoved", "collective", string(types.Senate), "who", old.Hotkey.String(), "reason", "left the root network")
		}
	}
	joinSenate(ctx, hotkey, stake)
	if _, ok := st.DelegateTake(hotkey); !ok {
		take := ctx.Params.Subtensor.DefaultTake
		st.kv.Set(accountKeyP(prefixDelegate, hotkey), u16Bytes(take))
		ctx.Emit("DelegateAdded", "coldkey", cold.String(), "hotkey", hotkey.String(), "take", strconv.Itoa(int(take)))
	}
	sn.RegistrationsThisInterval++
	sn.RegistrationsThisBlock++
	st.SetSubnet(RootNetuid, &sn)
	ctx.Emit("NeuronRegistered", "netuid", strconv.Itoa(int(RootNetuid)), "uid", strconv.Itoa(int(uid)), "hotkey", hotkey.String())
	return nil
}

// lowestRootStake returns the root uid whose hotkey has the least stake and
// that stake; on a tie the lowest uid (the reference iterates the uids with
// a strict <).
func lowestRootStake(st *State) (uint16, uint64) {
	var uid uint16
	var lowest uint64
	first := true
	st.IterateNeurons(RootNetuid, func(u uint16, n neuron) bool {
		if s := st.TotalHotkeyStake(n.Hotkey); first || s < lowest {
			uid, lowest, first = u, s, false
		}
		return true
	})
	return uid, lowest
}

// joinSenate gives hotkey, which has stake, a senate seat: a free one, or
// the seat of the senator with the least stake if hotkey has more (that
// senator's votes on open proposals are removed). Senators are ordered by
// stake, most first, keeping key order among equal stakes, and the last is
// the one replaced. A hotkey that already holds a seat keeps it.
func joinSenate(ctx *Context, hotkey types.AccountID, stake uint64) {
	st := ctx.State
	if st.IsMember(types.Senate, hotkey) {
		return
	}
	members := st.Members(types.Senate)
	if len(members) < maxMembers(&ctx.Params.Governance, types.Senate) {
		st.setMember(types.Senate, hotkey)
		ctx.Emit("MemberAdded", "collective", string(types.Senate), "who", hotkey.String())
		return
	}
	stakes := make(map[types.AccountID]uint64, len(members))
	for _, m := range members {
		stakes[m] = st.TotalHotkeyStake(m)
	}
	sort.SliceStable(members, func(i, j int) bool { return stakes[members[i]] > stakes[members[j]] })
	last := members[len(members)-1]
	if stakes[last] >= stake {
		return
	}
	removeMember(st, types.Senate, last)
	st.setMember(types.Senate, hotkey)
	ctx.Emit("MembersSwapped", "collective", string(types.Senate), "removed", last.String(), "added", hotkey.String())
}
