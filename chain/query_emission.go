package chain

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// answerEmission routes the emission and epoch query paths over one
// version of state. It reports false for a path it does not know.
func answerEmission(st *State, height int64, route, arg string) (*abci.ResponseQuery, bool) {
	switch "/" + route {
	case types.QueryEmission:
		return queryJSON(height, emissionInfo(st, uint64(height))), true
	case types.QueryEpochInput:
		netuid, err := parseNetuid(st, arg)
		if err != nil {
			return queryError(err), true
		}
		p, err := nextEpochInput(st, uint64(height), netuid)
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%v", err)), true
		}
		if p.root != nil {
			return queryJSON(height, simRootInput(p.root)), true
		}
		return queryJSON(height, simInput(p.epoch)), true
	}
	return nil, false
}

func emissionInfo(st *State, height uint64) types.EmissionInfo {
	issuance := st.TotalIssuance()
	info := types.EmissionInfo{TotalIssuance: issuance, BlockEmission: economics.BlockEmission(issuance),
		Subnets: []types.SubnetEmissionInfo{}, Height: height}
	for _, netuid := range st.Netuids() {
		tempo := st.Hyperparams(netuid).Tempo
		es := st.SubnetEmission(netuid)
		s := types.SubnetEmissionInfo{
			Netuid:              netuid,
			Tempo:               tempo,
			EmissionValue:       st.EmissionValue(netuid),
			PendingEmission:     es.Pending,
			BlocksSinceLastStep: es.BlocksSinceLastStep,
			LastStepBlock:       es.LastStepBlock,
			NextEpochBlock:      nextEpochBlock(netuid, tempo, height),
			Loaded:              []types.LoadedEmissionInfo{},
		}
		for _, l := range st.LoadedEmission(netuid) {
			s.Loaded = append(s.Loaded, types.LoadedEmissionInfo{Hotkey: l.Hotkey, Server: l.Server, Validator: l.Validator})
		}
		info.Subnets = append(info.Subnets, s)
	}
	return info
}

// simInput is an epoch's input in the simulator's JSON form.
func simInput(in *yuma.Input) yuma.SimInput {
	sim := yuma.SimInput{
		Block:                in.Block,
		Emission:             in.Emission,
		Kappa:                in.Kappa,
		ActivityCutoff:       in.ActivityCutoff,
		MaxAllowedValidators: in.MaxAllowedValidators,
		BondsMovingAverage:   in.BondsMovingAverage,
		Neurons:              make([]yuma.SimNeuron, len(in.Stake)),
	}
	for i := range sim.Neurons {
		sim.Neurons[i] = yuma.SimNeuron{
			Stake:           in.Stake[i],
			LastUpdate:      in.LastUpdate[i],
			RegisteredAt:    in.RegisteredAt[i],
			ValidatorPermit: in.ValidatorPermit[i],
			Weights:         simPairs(in.Weights[i], nil),
			Bonds:           simPairs(in.Bonds[i], nil),
		}
	}
	return sim
}

// simRootInput is a root epoch's input in the simulator's JSON form.
// Weights on netuids that no longer exist (which the root epoch ignores
// and set_weights no longer allows) are left out.
func simRootInput(in *yuma.RootInput) yuma.SimRootInput {
	exists := make(map[uint16]bool, len(in.Netuids)) // lookups only
	for _, n := range in.Netuids {
		exists[n] = true
	}
	sim := yuma.SimRootInput{
		BlockEmission: in.BlockEmission,
		Kappa:         in.Kappa,
		Rho:           in.Rho,
		Netuids:       append([]uint16{}, in.Netuids...),
		Validators:    make([]yuma.SimRootValidator, len(in.Stake)),
	}
	for i := range sim.Validators {
		sim.Validators[i] = yuma.SimRootValidator{Stake: in.Stake[i], Weights: simPairs(in.Weights[i], exists)}
	}
	return sim
}

// simPairs converts a row to [uid, value] pairs (never nil), keeping only
// uids in keep when keep is set.
func simPairs(r []yuma.Pair, keep map[uint16]bool) [][2]uint16 {
	out := make([][2]uint16, 0, len(r))
	for _, p := range r {
		if keep == nil || keep[p.UID] {
			out = append(out, [2]uint16{p.UID, p.Value})
		}
	}
	return out
}
