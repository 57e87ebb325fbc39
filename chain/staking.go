package chain

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The staking module (the reference's staking.rs): coldkeys stake free balance on
// hotkeys they own or on delegates (nominating), unstake it back, and turn
// their hotkeys into delegates. Stake is global, not per subnet. Moving
// balance into stake or back does not change the total issuance: staked RAO
// still exists (see docs/deviations.md).

// Owner returns the coldkey that owns hotkey, and whether the hotkey exists.
func (s *State) Owner(hotkey types.AccountID) (types.AccountID, bool) {
	var c types.AccountID
	v := s.kv.Get(accountKeyP(prefixOwner, hotkey))
	if v == nil {
		return c, false
	}
	copy(c[:], v)
	return c, true
}

func setOwner(st *State, hotkey, coldkey types.AccountID) {
	st.kv.Set(accountKeyP(prefixOwner, hotkey), coldkey[:])
	st.kv.Set(pairKey(prefixOwnedHotkey, coldkey, hotkey), []byte{})
}

// createAccountIfNonExistent makes coldkey the owner of hotkey if the
// hotkey has no owner yet.
func createAccountIfNonExistent(st *State, coldkey, hotkey types.AccountID) {
	if _, ok := st.Owner(hotkey); !ok {
		setOwner(st, hotkey, coldkey)
	}
}

// OwnedHotkeys returns the hotkeys coldkey owns, by key.
func (s *State) OwnedHotkeys(coldkey types.AccountID) []types.AccountID {
	var out []types.AccountID
	start := accountKeyP(prefixOwnedHotkey, coldkey)
	s.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		var h types.AccountID
		copy(h[:], k[33:])
		out = append(out, h)
		return true
	})
	return out
}

// Stake returns coldkey's stake on hotkey, in RAO.
func (s *State) Stake(hotkey, coldkey types.AccountID) uint64 {
	return bytesU64(s.kv.Get(pairKey(prefixStake, hotkey, coldkey)))
}

// TotalHotkeyStake is every RAO staked on hotkey.
func (s *State) TotalHotkeyStake(hotkey types.AccountID) uint64 {
	return bytesU64(s.kv.Get(accountKeyP(prefixTotalHotkeyStake, hotkey)))
}

// TotalColdkeyStake is every RAO coldkey has staked.
func (s *State) TotalColdkeyStake(coldkey types.AccountID) uint64 {
	return bytesU64(s.kv.Get(accountKeyP(prefixTotalColdStake, coldkey)))
}

// TotalStake is every RAO staked on chain.
func (s *State) TotalStake() uint64 { return bytesU64(s.kv.Get(singleKey(keyTotalStake))) }

// StakesOnHotkey returns every coldkey's stake on hotkey, by coldkey.
func (s *State) StakesOnHotkey(hotkey types.AccountID) []types.StakeEntry {
	var out []types.StakeEntry
	start := accountKeyP(prefixStake, hotkey)
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var c types.AccountID
		copy(c[:], k[33:])
		out = append(out, types.StakeEntry{Coldkey: c, Amount: bytesU64(v)})
		return true
	})
	return out
}

// StakesOfColdkey returns coldkey's stake on every hotkey, by hotkey.
func (s *State) StakesOfColdkey(coldkey types.AccountID) []types.HotkeyStake {
	var out []types.HotkeyStake
	start := accountKeyP(prefixStakeByColdkey, coldkey)
	s.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		var h types.AccountID
		copy(h[:], k[33:])
		out = append(out, types.HotkeyStake{Hotkey: h})
		return true
	})
	for i := range out {
		out[i].Amount = s.Stake(out[i].Hotkey, coldkey)
	}
	return out
}

// increaseStake adds amount to coldkey's stake on hotkey and to the totals.
// The RAO must have left a free balance in the same transition.
func increaseStake(st *State, hotkey, coldkey types.AccountID, amount uint64) {
	if amount == 0 {
		return
	}
	cur := st.Stake(hotkey, coldkey)
	st.kv.Set(pairKey(prefixStake, hotkey, coldkey), u64Bytes(cur+amount))
	if cur == 0 {
		st.kv.Set(pairKey(prefixStakeByColdkey, coldkey, hotkey), []byte{})
	}
	addU64(st.kv, accountKeyP(prefixTotalHotkeyStake, hotkey), amount)
	addU64(st.kv, accountKeyP(prefixTotalColdStake, coldkey), amount)
	addU64(st.kv, singleKey(keyTotalStake), amount)
}

// decreaseStake takes amount (at most the stake) from coldkey's stake on
// hotkey and from the totals. The RAO must reach a free balance in the same
// transition.
func decreaseStake(st *State, hotkey, coldkey types.AccountID, amount uint64) {
	if amount == 0 {
		return
	}
	cur := st.Stake(hotkey, coldkey)
	if amount > cur {
		panic("chain: invariant: unstaking more than the stake")
	}
	if cur == amount {
		st.kv.Delete(pairKey(prefixStake, hotkey, coldkey))
		st.kv.Delete(pairKey(prefixStakeByColdkey, coldkey, hotkey))
	} else {
		st.kv.Set(pairKey(prefixStake, hotkey, coldkey), u64Bytes(cur-amount))
	}
	subU64(st.kv, accountKeyP(prefixTotalHotkeyStake, hotkey), amount)
	subU64(st.kv, accountKeyP(prefixTotalColdStake, coldkey), amount)
	subU64(st.kv, singleKey(keyTotalStake), amount)
}

func addU64(kv KV, key []byte, amount uint64) {
	cur := bytesU64(kv.Get(key))
	if cur+amount < cur {
		panic("chain: invariant: stake total overflows")
	}
	kv.Set(key, u64Bytes(cur+amount))
}

func subU64(kv KV, key []byte, amount uint64) {
	cur := bytesU64(kv.Get(key))
	if amount > cur {
		panic("chain: invariant: stake total below zero")
	}
	if cur == amount {
		kv.Delete(key)
		return
	}
	kv.Set(key, u64Bytes(cur-amount))
}

// DelegateTake returns hotkey's take and whether it is a delegate.
func (s *State) DelegateTake(hotkey types.AccountID) (uint16, bool) {
	v := s.kv.Get(accountKeyP(prefixDelegate, hotkey))
	if v == nil {
		return 0, false
	}
	return bytesU16(v), true
}

// IterateDelegates visits every delegate hotkey with its take, by hotkey.
func (s *State) IterateDelegates(fn func(hotkey types.AccountID, take uint16) bool) {
	start := []byte{prefixDelegate}
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var h types.AccountID
		copy(h[:], k[1:])
		return fn(h, bytesU16(v))
	})
}

// LastTxBlock is the block of the account's last rate-limited call (0 if
// none).
func (s *State) LastTxBlock(who types.AccountID) uint64 {
	return bytesU64(s.kv.Get(accountKeyP(prefixLastTxBlock, who)))
}

func setLastTxBlock(st *State, who types.AccountID, block uint64) {
	st.kv.Set(accountKeyP(prefixLastTxBlock, who), u64Bytes(block))
}

// checkTxRateLimit refuses a rate-limited call of coldkey made within
// TxRateLimit blocks of its last one (blocked iff limit ≠ 0, last ≠ 0 and
// b − last ≤ limit).
func checkTxRateLimit(ctx *Context, coldkey types.AccountID) error {
	limit, last, b := ctx.Params.Subtensor.TxRateLimit, ctx.State.LastTxBlock(coldkey), ctx.Height
	if limit != 0 && last != 0 && b-last <= limit {
		return types.Errorf(types.ErrTxRateLimitExceeded, "coldkey %s made a rate-limited call at block %d: wait %d more blocks (rate limit %d)", coldkey, last, last+limit+1-b, limit)
	}
	return nil
}

// stakeAllowed checks that hotkey exists and that coldkey may stake on it:
// it owns it or the hotkey is a delegate.
func stakeAllowed(st *State, hotkey, coldkey types.AccountID) error {
	owner, ok := st.Owner(hotkey)
	if !ok {
		return types.Errorf(types.ErrNotRegistered, "hotkey %s does not exist: register it on a subnet first", hotkey)
	}
	if _, delegate := st.DelegateTake(hotkey); !delegate && owner != coldkey {
		return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by %s and is not a delegate", hotkey, owner)
	}
	return nil
}

// addStake is SubtensorModule.add_stake, signed by the staking coldkey.
func addStake(ctx *Context, a *types.AddStake) error {
	st, cold := ctx.State, ctx.Signer
	if free := st.Account(cold).Free; free < a.Amount {
		return types.Errorf(types.ErrNotEnoughBalanceToStake, "staking %s needs that much free balance; %s has %s", fmtTAO(a.Amount), cold, fmtTAO(free))
	}
	if err := stakeAllowed(st, a.Hotkey, cold); err != nil {
		return err
	}
	if err := checkTxRateLimit(ctx, cold); err != nil {
		return err
	}
	if err := withdraw(ctx, cold, a.Amount, true); err != nil {
		return types.Errorf(types.ErrBalanceWithdrawalError, "staking %s would leave %s below the existential deposit of %d RAO: stake less, keeping at least that much free", fmtTAO(a.Amount), cold, ctx.Params.ExistentialDeposit)
	}
	increaseStake(st, a.Hotkey, cold, a.Amount)
	setLastTxBlock(st, cold, ctx.Height)
	ctx.Emit("StakeAdded", "hotkey", a.Hotkey.String(), "coldkey", cold.String(), "amount", strconv.FormatUint(a.Amount, 10))
	return nil
}

// removeStake is SubtensorModule.remove_stake, signed by the staking
// coldkey.
func removeStake(ctx *Context, a *types.RemoveStake) error {
	st, cold := ctx.State, ctx.Signer
	if err := stakeAllowed(st, a.Hotkey, cold); err != nil {
		return err
	}
	if a.Amount == 0 {
		return types.Errorf(types.ErrNotEnoughStakeToWithdraw, "unstaking 0 RAO")
	}
	if have := st.Stake(a.Hotkey, cold); have < a.Amount {
		return types.Errorf(types.ErrNotEnoughStakeToWithdraw, "coldkey %s has %s staked on %s, less than %s", cold, fmtTAO(have), a.Hotkey, fmtTAO(a.Amount))
	}
	if err := checkTxRateLimit(ctx, cold); err != nil {
		return err
	}
	if free, ed := st.Account(cold).Free, ctx.Params.ExistentialDeposit; free+a.Amount < ed {
		return types.Errorf(types.ErrExistentialDeposit, "unstaking %d RAO to %s, which holds %d, would leave it below the existential deposit of %d RAO (the RAO would be lost): unstake at least %d RAO or fund the coldkey first", a.Amount, cold, free, ed, ed-free)
	}
	decreaseStake(st, a.Hotkey, cold, a.Amount)
	if err := deposit(ctx, cold, a.Amount); err != nil {
		return err
	}
	setLastTxBlock(st, cold, ctx.Height)
	ctx.Emit("StakeRemoved", "hotkey", a.Hotkey.String(), "coldkey", cold.String(), "amount", strconv.FormatUint(a.Amount, 10))
	return nil
}

// becomeDelegate is SubtensorModule.become_delegate, signed by the coldkey
// that owns the hotkey.
func becomeDelegate(ctx *Context, a *types.BecomeDelegate) error {
	st, cold := ctx.State, ctx.Signer
	owner, ok := st.Owner(a.Hotkey)
	if !ok {
		return types.Errorf(types.ErrNotRegistered, "hotkey %s does not exist: register it on a subnet first", a.Hotkey)
	}
	if owner != cold {
		return types.Errorf(types.ErrNonAssociatedColdKey, "hotkey %s is owned by %s, not %s", a.Hotkey, owner, cold)
	}
	if take, ok := st.DelegateTake(a.Hotkey); ok {
		return types.Errorf(types.ErrAlreadyDelegate, "hotkey %s is already a delegate (take %d/65535)", a.Hotkey, take)
	}
	if err := checkTxRateLimit(ctx, cold); err != nil {
		return err
	}
	take := ctx.Params.Subtensor.DefaultTake
	st.kv.Set(accountKeyP(prefixDelegate, a.Hotkey), u16Bytes(take))
	setLastTxBlock(st, cold, ctx.Height)
	ctx.Emit("DelegateAdded", "coldkey", cold.String(), "hotkey", a.Hotkey.String(), "take", strconv.Itoa(int(take)))
	return nil
}

// unstakeAll returns every stake on hotkey to its coldkey's free balance,
// when the hotkey leaves its last subnet. A stake too small to fund an
// empty coldkey (below the existential deposit) stays staked rather than
// being lost; its owner can remove it once the coldkey holds a balance.
func unstakeAll(ctx *Context, hotkey types.AccountID) {
	st, ed := ctx.State, ctx.Params.ExistentialDeposit
	for _, e := range st.StakesOnHotkey(hotkey) {
		if st.Account(e.Coldkey).Free+e.Amount < ed {
			continue
		}
		decreaseStake(st, hotkey, e.Coldkey, e.Amount)
		if err := deposit(ctx, e.Coldkey, e.Amount); err != nil {
			panic("chain: " + err.Error()) // checked above
		}
		ctx.Emit("StakeRemoved", "hotkey", hotkey.String(), "coldkey", e.Coldkey.String(), "amount", strconv.FormatUint(e.Amount, 10), "reason", "deregistered")
	}
}
