package chain

// The emission module (the reference's block_step.rs): the per-block step
// that runs before every block's transactions, and the way new TAO reaches
// stakes.
//
// Each block, in this order (the reference's block_step):
//
//  1. registration terms: the per-block registration counters restart and,
//     at the end of each adjustment interval, difficulty and burn adjust
//     (registration.go);
//  2. the root epoch, at the root network's tempo: every subnet's emission
//     per block (EmissionValue) from the root validators' weights
//     (root_epoch.go), out of the block emission the halving rule gives for
//     the current total issuance;
//  3. the drain: the payouts the epochs of the previous block loaded are
//     paid through their hotkeys (delegate take, nominators, owner);
//  4. for each subnet but root, ascending by netuid: the owner's cut of the
//     subnet's EmissionValue is paid to the owner's coldkey, the rest adds
//     to the subnet's pending emission, and at the subnet's tempo its Yuma
//     epoch (epoch.go) turns the pending emission into payouts loaded for
//     the next block's drain.
//
// Supply stays exact: the total issuance grows by exactly what a payout
// credits, when it credits it (st.Mint next to the credit). Pending and
// loaded emission are promises, not money: nothing is minted for them, so
// emission that reaches no one (an empty subnet, the root network's own
// share, rounding dust, an epoch that fails, a subnet removed before its
// payouts are drained, an owner cut too small to open an account) is simply
// never minted. The reference counted emission twice (its drain adds the
// payouts to TotalIssuance after crediting the stake had already added
// them); see docs/deviations.md.
//
// Order: subnets are visited by ascending netuid, payouts of one subnet in
// uid order, a delegate's nominators by coldkey bytes. The reference visits
// netuids and uids in the little-endian byte order of identity-hashed u16
// keys, which is ascending below 256, and Stake[hotkey] by raw coldkey
// bytes, as here. Only the netuid order can change a result (a hotkey paid
// by two subnets in one drain sees the first payout in its stake at the
// second); within a subnet every hotkey is paid once, and a delegate's
// shares depend only on the stakes read before its payout.

import (
	"encoding/binary"
	"log/slog"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// stepper runs the per-block step. FinalizeBlock uses one with the app's
// logger and a Workspace for the epochs; the mempool's view of the next
// block uses one that skips the Yuma epochs; queries that project the next
// epoch use one with a projection. A stepper is used by one goroutine at a
// time (its Workspace is not shared).
type stepper struct {
	// log receives what the reference only logs: root epochs that cannot
	// run and subnet epochs whose emission is dropped. Nil discards.
	log *slog.Logger
	// ws is the Yuma epochs' scratch memory; nil makes each epoch allocate.
	ws *yuma.Workspace
	// skipEpochs leaves the subnets' Yuma epochs out of the step: the
	// mempool's view of the next block, rebuilt at every commit, must be
	// cheap. At a subnet's epoch block the view keeps the emission pending.
	// Everything a transaction's checks read (registration counters and
	// prices, stakes after the drain, balances after the owner cut, emission
	// values) is as the block will have it, except what that block's epochs
	// write (permits, scores, bonds).
	skipEpochs bool
	// project, when set, records the input of one epoch (the root epoch for
	// netuid 0) instead of running it; see nextEpochInput.
	project *projection
}

// logger is s.log, or a logger that discards.
func (s *stepper) logger() *slog.Logger {
	if s.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.log
}

// step runs block height's per-block rules on st, in the order above. It
// depends only on st and height; it cannot fail (failures the reference
// only logs are logged), and no state reachable through calls makes it
// panic.
func (s *stepper) step(st *State, height uint64) {
	adjustRegistrationTerms(st, height)
	s.rootEpoch(st, height)
	drainEmission(st)
	s.generateEmission(st, height)
}

// blocksUntilNextEpoch is the number of blocks from block to the next
// epoch of netuid (0: the epoch runs at block): tempo − (block + netuid + 1)
// mod (tempo + 1), so each subnet's epochs are staggered by its netuid. A
// tempo of 0 never runs (the reference's 1000); the setters refuse it.
func blocksUntilNextEpoch(netuid, tempo uint16, block uint64) uint64 {
	if tempo == 0 {
		return 1000
	}
	t := uint64(tempo)
	return t - (block+uint64(netuid)+1)%(t+1)
}

// nextEpochBlock is the first block after height at which netuid's epoch
// runs (0 for a tempo of 0: never).
func nextEpochBlock(netuid, tempo uint16, height uint64) uint64 {
	if tempo == 0 {
		return 0
	}
	return height + 1 + blocksUntilNextEpoch(netuid, tempo, height+1)
}

// subnetEmission is a subnet's emission between epochs: the reference's
// PendingEmission, BlocksSinceLastStep and LastMechansimStepBlock.
type subnetEmission struct {
	Pending             uint64 // RAO promised to the next epoch (not minted)
	BlocksSinceLastStep uint64 // blocks since the last epoch that loaded payouts
	LastStepBlock       uint64 // block of that epoch (0: none yet)
}

// SubnetEmission returns netuid's emission record (zero if none).
func (s *State) SubnetEmission(netuid uint16) subnetEmission {
	v := s.kv.Get(netuidKey(prefixSubnetEmission, netuid))
	if v == nil {
		return subnetEmission{}
	}
	if len(v) != 24 {
		mustRead(types.Errorf(types.ErrStateUnreadable, "subnet %d emission record of %d bytes, want 24", netuid, len(v)))
	}
	return subnetEmission{
		Pending:             binary.BigEndian.Uint64(v),
		BlocksSinceLastStep: binary.BigEndian.Uint64(v[8:]),
		LastStepBlock:       binary.BigEndian.Uint64(v[16:]),
	}
}

func (s *State) setSubnetEmission(netuid uint16, e subnetEmission) {
	v := make([]byte, 0, 24)
	v = binary.BigEndian.AppendUint64(v, e.Pending)
	v = binary.BigEndian.AppendUint64(v, e.BlocksSinceLastStep)
	v = binary.BigEndian.AppendUint64(v, e.LastStepBlock)
	s.kv.Set(netuidKey(prefixSubnetEmission, netuid), v)
}

// loadedEmission is one payout an epoch loaded for the next block's drain:
// what the hotkey earned as a server (incentive) and as a validator
// (dividends), in RAO.
type loadedEmission struct {
	Hotkey    types.AccountID
	Server    uint64
	Validator uint64
}

const loadedEmissionSize = 32 + 8 + 8

func encodeLoaded(l []loadedEmission) []byte {
	b := make([]byte, 0, len(l)*loadedEmissionSize)
	for _, t := range l {
		b = append(b, t.Hotkey[:]...)
		b = binary.BigEndian.AppendUint64(b, t.Server)
		b = binary.BigEndian.AppendUint64(b, t.Validator)
	}
	return b
}

func decodeLoaded(b []byte) []loadedEmission {
	if len(b)%loadedEmissionSize != 0 {
		mustRead(types.Errorf(types.ErrStateUnreadable, "loaded emission of %d bytes (not whole payouts of %d)", len(b), loadedEmissionSize))
	}
	out := make([]loadedEmission, len(b)/loadedEmissionSize)
	for i := range out {
		r := b[i*loadedEmissionSize:]
		copy(out[i].Hotkey[:], r[:32])
		out[i].Server = binary.BigEndian.Uint64(r[32:])
		out[i].Validator = binary.BigEndian.Uint64(r[40:])
	}
	return out
}

// LoadedEmission returns the payouts netuid's last epoch loaded and the
// drain has not paid yet, in uid order.
func (s *State) LoadedEmission(netuid uint16) []loadedEmission {
	v := s.kv.Get(netuidKey(prefixLoadedEmission, netuid))
	if v == nil {
		return nil
	}
	return decodeLoaded(v)
}

func (s *State) setLoadedEmission(netuid uint16, l []loadedEmission) {
	if len(l) == 0 {
		s.kv.Delete(netuidKey(prefixLoadedEmission, netuid))
		return
	}
	s.kv.Set(netuidKey(prefixLoadedEmission, netuid), encodeLoaded(l))
}

// drainEmission pays every loaded payout (step 3 above), subnets by
// ascending netuid, each subnet's payouts in uid order, and forgets them.
func drainEmission(st *State) {
	type loaded struct {
		netuid  uint16
		payouts []loadedEmission
	}
	var all []loaded
	start := []byte{prefixLoadedEmission}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		all = append(all, loaded{binary.BigEndian.Uint16(k[1:]), decodeLoaded(v)})
		return true
	})
	for _, l := range all {
		st.setLoadedEmission(l.netuid, nil)
		for _, p := range l.payouts {
			emitThroughHotkey(st, p.Hotkey, p.Server, p.Validator)
		}
	}
}

// emitThroughHotkey credits what a hotkey earned to stake on it (the
// reference's emit_inflation_through_hotkey_account) and mints exactly that,
// returning it. A hotkey that is not a delegate gets it all on its owner's
// stake. A delegate keeps its take of the validator emission; the rest is
// shared among everyone staked on it (its owner included) in proportion to
// their stake before the payout; the owner also gets the rounding remainder
// and all of the server emission, which is never shared. A hotkey without an
// owner (impossible through calls: a swap moves the payouts with the hotkey)
// is paid nothing.
func emitThroughHotkey(st *State, hotkey types.AccountID, server, validator uint64) uint64 {
	owner, ok := st.Owner(hotkey)
	total := server + validator
	if !ok || total == 0 || total < server {
		return 0
	}
	take, delegate := st.DelegateTake(hotkey)
	if !delegate {
		increaseStake(st, hotkey, owner, total)
		st.Mint(total)
		return total
	}
	entries := st.StakesOnHotkey(hotkey)
	stakes := make([]uint64, len(entries))
	for k, e := range entries {
		stakes[k] = e.Amount
	}
	split, err := economics.SplitDelegateEmission(take, st.TotalHotkeyStake(hotkey), stakes, server, validator)
	if err != nil {
		// Only stakes of 2^63 RAO or more get here, which no supply below
		// 2^63 reaches; the owner is paid as if the hotkey were no delegate.
		increaseStake(st, hotkey, owner, total)
		st.Mint(total)
		return total
	}
	var minted uint64
	for k, e := range entries {
		increaseStake(st, hotkey, e.Coldkey, split.Nominators[k])
		minted += split.Nominators[k]
	}
	increaseStake(st, hotkey, owner, split.Owner)
	minted += split.Owner
	st.Mint(minted)
	return minted
}

// moveLoadedEmission gives new the payouts loaded for old, when swap_hotkey
// moves a hotkey between an epoch and the drain of its payouts.
func moveLoadedEmission(st *State, old, new types.AccountID) {
	type update struct {
		netuid  uint16
		payouts []loadedEmission
	}
	var updates []update
	start := []byte{prefixLoadedEmission}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		payouts := decodeLoaded(v)
		changed := false
		for i := range payouts {
			if payouts[i].Hotkey == old {
				payouts[i].Hotkey, changed = new, true
			}
		}
		if changed {
			updates = append(updates, update{binary.BigEndian.Uint16(k[1:]), payouts})
		}
		return true
	})
	for _, u := range updates {
		st.setLoadedEmission(u.netuid, u.payouts)
	}
}

// generateEmission is step 4 above: for each subnet but root, by ascending
// netuid, the owner's cut and the pending emission of this block, and at
// the subnet's tempo its epoch, whose payouts are loaded for the next
// block's drain.
func (s *stepper) generateEmission(st *State, height uint64) {
	p := st.Params()
	for _, netuid := range st.Netuids() {
		if netuid == RootNetuid {
			continue // root's EmissionValue is never minted
		}
		sn, _ := st.Subnet(netuid)
		value := st.EmissionValue(netuid)
		rest := value
		if !sn.Owner.IsZero() && value > 0 {
			var cut uint64
			cut, rest = economics.OwnerCut(value, p.Subtensor.SubnetOwnerCut)
			payOwnerCut(st, sn.Owner, cut, p.ExistentialDeposit)
		}
		es := st.SubnetEmission(netuid)
		es.Pending = satAdd(es.Pending, rest)
		tempo := st.Hyperparams(netuid).Tempo
		if s.skipEpochs || blocksUntilNextEpoch(netuid, tempo, height) != 0 {
			es.BlocksSinceLastStep++
			st.setSubnetEmission(netuid, es)
			continue
		}
		emission := es.Pending
		es.Pending = 0
		if s.project != nil && s.project.netuid == netuid {
			s.project.epoch, s.project.block = &gatherEpoch(st, netuid, height, emission).in, height
			st.setSubnetEmission(netuid, es)
			continue
		}
		payouts, err := runSubnetEpoch(st, netuid, height, emission, s.ws)
		if err != nil {
			// As in the reference: the emission is dropped and the step
			// counters are not reset.
			s.logger().Warn("epoch dropped its emission", "netuid", netuid, "block", height, "emission", emission, "err", err)
			st.setSubnetEmission(netuid, es)
			continue
		}
		st.setLoadedEmission(netuid, append(payouts, st.LoadedEmission(netuid)...))
		es.BlocksSinceLastStep = 0
		es.LastStepBlock = height
		st.setSubnetEmission(netuid, es)
	}
}

// payOwnerCut credits a subnet owner's cut to its coldkey's free balance
// and mints it. A cut that cannot be credited (it would open an account
// below the existential deposit) is not minted.
func payOwnerCut(st *State, owner types.AccountID, cut, existentialDeposit uint64) {
	if cut == 0 {
		return
	}
	acc := st.Account(owner)
	if acc.Free+cut < acc.Free || acc.Free+cut < existentialDeposit {
		return
	}
	acc.Free += cut
	st.SetAccount(owner, acc)
	st.Mint(cut)
}
