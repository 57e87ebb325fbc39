package chain

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// answerGovernance routes the query paths of the root network and
// governance over one version of state. It reports false for a path it
// does not know.
func answerGovernance(st *State, height int64, route, arg string) (*abci.ResponseQuery, bool) {
	h := uint64(height)
	switch "/" + route {
	case "/root":
		switch "/root/" + arg {
		case types.QueryRootNeurons:
			return queryJSON(height, rootNeurons(st, h)), true
		case types.QueryRootWeights:
			return queryJSON(height, rootWeights(st, h)), true
		}
		return queryError(types.Errorf(types.ErrQuery, "unknown path /root/%s: want %s or %s", arg, types.QueryRootNeurons, types.QueryRootWeights)), true
	case types.QuerySenate:
		return queryJSON(height, senateInfo(st, h)), true
	case types.QueryTriumvirate:
		members := st.Members(types.Triumvirate)
		if members == nil {
			members = []types.AccountID{}
		}
		return queryJSON(height, types.TriumvirateInfo{Members: members, MaxMembers: st.Params().Governance.MaxTriumvirateMembers, Height: h}), true
	case types.QueryProposals:
		out := types.ProposalsInfo{Proposals: []types.ProposalInfo{}, SenateSize: uint32(len(st.Members(types.Senate))), Height: h}
		for _, hp := range st.Proposals() {
			info, err := proposalInfo(hp.hash, &hp.p)
			if err != nil {
				return queryError(err), true
			}
			out.Proposals = append(out.Proposals, info)
		}
		return queryJSON(height, out), true
	case types.QueryProposal:
		hash, err := types.ParseHash(arg)
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%s: %v", types.QueryProposal, err)), true
		}
		p, ok := st.Proposal(hash)
		if !ok {
			return queryError(types.Errorf(types.ErrNotFound, "no open proposal has hash %s", hash)), true
		}
		info, err := proposalInfo(hash, &p)
		if err != nil {
			return queryError(err), true
		}
		return queryJSON(height, info), true
	}
	return nil, false
}

func rootNeurons(st *State, height uint64) types.RootNeurons {
	out := types.RootNeurons{MaxAllowedUids: st.Hyperparams(RootNetuid).MaxAllowedUids, Neurons: []types.RootNeuron{}, Height: height}
	st.IterateNeurons(RootNetuid, func(uid uint16, n neuron) bool {
		take, _ := st.DelegateTake(n.Hotkey)
		out.Neurons = append(out.Neurons, types.RootNeuron{UID: uid, Hotkey: n.Hotkey, Coldkey: n.Coldkey,
			Stake: st.TotalHotkeyStake(n.Hotkey), Senator: st.IsMember(types.Senate, n.Hotkey), Take: take,
			RegisteredAt: n.RegisteredAt, LastUpdate: n.LastUpdate})
		return true
	})
	return out
}

func rootWeights(st *State, height uint64) types.RootWeights {
	out := types.RootWeights{Netuids: st.Netuids(), Rows: []types.RootWeightsRow{}, Height: height}
	st.IterateNeurons(RootNetuid, func(uid uint16, n neuron) bool {
		w := types.Row(st.Weights(RootNetuid, uid))
		if w == nil {
			w = types.Row{}
		}
		out.Rows = append(out.Rows, types.RootWeightsRow{UID: uid, Hotkey: n.Hotkey, Weights: w})
		return true
	})
	return out
}

func senateInfo(st *State, height uint64) types.SenateInfo {
	out := types.SenateInfo{Members: []types.Senator{}, MaxMembers: st.Params().Governance.MaxSenateMembers, Height: height}
	for _, m := range st.Members(types.Senate) {
		owner, _ := st.Owner(m)
		s := types.Senator{Hotkey: m, Owner: owner, Stake: st.TotalHotkeyStake(m), RootUID: -1}
		if uid, ok := st.UID(RootNetuid, m); ok {
			s.RootUID = int(uid)
		}
		out.Members = append(out.Members, s)
	}
	return out
}

func proposalInfo(hash types.Hash, p *proposal) (types.ProposalInfo, error) {
	call, err := types.NewProposalCall(p.Call)
	if err != nil {
		return types.ProposalInfo{}, err
	}
	info := types.ProposalInfo{Hash: hash, Index: p.Index, Proposer: p.Proposer, Threshold: p.Threshold,
		Ayes: p.Ayes, Nays: p.Nays, ProposedAt: p.ProposedAt, End: p.End, Call: call}
	if info.Ayes == nil {
		info.Ayes = []types.AccountID{}
	}
	if info.Nays == nil {
		info.Nays = []types.AccountID{}
	}
	return info, nil
}
