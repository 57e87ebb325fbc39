//go:build invariants

package chain

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/go-bittensor/bittensor/chain/types"
)

// invariantsEnabled reports whether costly state checks run after every
// block (build tag invariants; CI turns it on).
const invariantsEnabled = true

// checkInvariants verifies, after every block, that the total issuance
// equals every RAO held (free balances, stake, subnet locks and identity
// deposits), that the stake totals and indexes agree with the stake
// entries, and that every subnet's neurons and registrations agree.
func checkInvariants(st *State) {
	var sum uint64
	st.IterateAccounts(func(_ types.AccountID, acc Account) bool {
		sum += acc.Free
		return true
	})
	sum += heldOutsideBalances(st)
	if ti := st.TotalIssuance(); sum != ti {
		panic(fmt.Sprintf("chain: invariant: total issuance %d != %d held", ti, sum))
	}
	checkStakeInvariants(st)
	checkNeuronInvariants(st)
	checkGovernanceInvariants(st)
}

func checkStakeInvariants(st *State) {
	var total uint64
	byHotkey := make(map[types.AccountID]uint64)
	byColdkey := make(map[types.AccountID]uint64)
	start := []byte{prefixStake}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var h, c types.AccountID
		copy(h[:], k[1:33])
		copy(c[:], k[33:])
		amount := bytesU64(v)
		if amount == 0 {
			panic(fmt.Sprintf("chain: invariant: zero stake entry %s/%s", h, c))
		}
		if st.kv.Get(pairKey(prefixStakeByColdkey, c, h)) == nil {
			panic(fmt.Sprintf("chain: invariant: stake %s/%s missing from the coldkey index", h, c))
		}
		if _, ok := st.Owner(h); !ok {
			panic(fmt.Sprintf("chain: invariant: stake on hotkey %s without owner", h))
		}
		total += amount
		byHotkey[h] += amount
		byColdkey[c] += amount
		return true
	})
	if got := st.TotalStake(); got != total {
		panic(fmt.Sprintf("chain: invariant: TotalStake %d != %d in entries", got, total))
	}
	checkTotals(st, prefixTotalHotkeyStake, byHotkey, "hotkey")
	checkTotals(st, prefixTotalColdStake, byColdkey, "coldkey")
	start = []byte{prefixStakeByColdkey}
	st.kv.Iterate(start, prefixEnd(start), func(k, _ []byte) bool {
		var c, h types.AccountID
		copy(c[:], k[1:33])
		copy(h[:], k[33:])
		if st.Stake(h, c) == 0 {
			panic(fmt.Sprintf("chain: invariant: coldkey index entry %s/%s without stake", c, h))
		}
		return true
	})
}

func checkTotals(st *State, prefix byte, want map[types.AccountID]uint64, what string) {
	n := 0
	start := []byte{prefix}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		var a types.AccountID
		copy(a[:], k[1:])
		if bytesU64(v) != want[a] {
			panic(fmt.Sprintf("chain: invariant: total stake of %s %s is %d, entries sum to %d", what, a, bytesU64(v), want[a]))
		}
		n++
		return true
	})
	if n != len(want) {
		panic(fmt.Sprintf("chain: invariant: %d %s stake totals for %d staked %ss", n, what, len(want), what))
	}
}

func checkNeuronInvariants(st *State) {
	registered := 0
	for _, netuid := range st.Netuids() {
		sn, _ := st.Subnet(netuid)
		h := st.Hyperparams(netuid)
		if sn.N > h.MaxAllowedUids {
			panic(fmt.Sprintf("chain: invariant: subnet %d has %d neurons, max %d", netuid, sn.N, h.MaxAllowedUids))
		}
		next := uint16(0)
		st.IterateNeurons(netuid, func(uid uint16, n neuron) bool {
			if uid != next {
				panic(fmt.Sprintf("chain: invariant: subnet %d: uid %d follows %d", netuid, uid, next-1))
			}
			next++
			if got, ok := st.UID(netuid, n.Hotkey); !ok || got != uid {
				panic(fmt.Sprintf("chain: invariant: subnet %d uid %d: hotkey %s maps to uid %d (%v)", netuid, uid, n.Hotkey, got, ok))
			}
			if owner, ok := st.Owner(n.Hotkey); !ok || owner != n.Coldkey {
				panic(fmt.Sprintf("chain: invariant: subnet %d uid %d: hotkey %s owner %s, record says %s", netuid, uid, n.Hotkey, owner, n.Coldkey))
			}
			return true
		})
		if next != sn.N {
			panic(fmt.Sprintf("chain: invariant: subnet %d has %d neuron records, N = %d", netuid, next, sn.N))
		}
		registered += int(sn.N)
	}
	count := 0
	start := []byte{prefixRegistration}
	st.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		netuid := binary.BigEndian.Uint16(k[33:])
		if n, ok := st.Neuron(netuid, bytesU16(v)); !ok || !bytesEqual(n.Hotkey[:], k[1:33]) {
			panic(fmt.Sprintf("chain: invariant: registration %x on subnet %d uid %d has no matching neuron", k[1:33], netuid, bytesU16(v)))
		}
		count++
		return true
	})
	if count != registered {
		panic(fmt.Sprintf("chain: invariant: %d registrations for %d neurons", count, registered))
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// checkGovernanceInvariants verifies that the collectives and proposals
// stay within their limits and that every vote is a senator's, cast once.
func checkGovernanceInvariants(st *State) {
	gp := st.Params().Governance
	if n := len(st.Members(types.Senate)); n > int(gp.MaxSenateMembers) {
		panic(fmt.Sprintf("chain: invariant: %d senators, max %d", n, gp.MaxSenateMembers))
	}
	if n := len(st.Members(types.Triumvirate)); n > int(gp.MaxTriumvirateMembers) {
		panic(fmt.Sprintf("chain: invariant: %d triumvirate members, max %d", n, gp.MaxTriumvirateMembers))
	}
	proposals := st.Proposals()
	if len(proposals) > int(gp.MaxProposals) {
		panic(fmt.Sprintf("chain: invariant: %d open proposals, max %d", len(proposals), gp.MaxProposals))
	}
	count := st.ProposalCount()
	for _, hp := range proposals {
		if hp.p.Index >= count {
			panic(fmt.Sprintf("chain: invariant: proposal %s has index %d, count %d", hp.hash, hp.p.Index, count))
		}
		if h, err := types.ProposalHash(hp.p.Call); err != nil || h != hp.hash {
			panic(fmt.Sprintf("chain: invariant: proposal stored under %s hashes to %s (%v)", hp.hash, h, err))
		}
		voted := make(map[types.AccountID]bool)
		for _, v := range append(slices.Clone(hp.p.Ayes), hp.p.Nays...) {
			if voted[v] {
				panic(fmt.Sprintf("chain: invariant: %s voted twice on proposal %s", v, hp.hash))
			}
			voted[v] = true
			if !st.IsMember(types.Senate, v) {
				panic(fmt.Sprintf("chain: invariant: %s, not a senator, has a vote on proposal %s", v, hp.hash))
			}
		}
	}
}
