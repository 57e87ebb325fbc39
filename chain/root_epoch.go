package chain

// The root epoch (the reference's root_epoch, root.rs): at the root network's
// tempo, the root validators' stakes and their weights over the subnets (set
// with set_weights on netuid 0) decide each subnet's emission per block, out
// of the block emission. The values persist until the next root epoch; the
// emission module pays them every block (emission.go).
//
// The block emission follows the halving rule subtensor added after spec
// 141 (get_block_emission_for_issuance): it is computed from
// the total issuance when the root epoch runs, as the reference does since
// the halving, rather than read from a constant BlockEmission of 1 TAO (the
// reference at spec 141). Total issuance here is the true supply, so the
// halvings fall where the supply crosses them.

import (
	"errors"

	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// gatherRootEpoch reads the root epoch's input: the block emission for the
// current total issuance, the root network's Kappa and Rho, every netuid
// (root included, ascending), and each root uid's hotkey stake and stored
// weights (netuid, raw max-upscaled value).
func gatherRootEpoch(st *State) *yuma.RootInput {
	h := st.Hyperparams(RootNetuid)
	in := &yuma.RootInput{
		BlockEmission: economics.BlockEmission(st.TotalIssuance()),
		Kappa:         h.Kappa,
		Rho:           h.Rho,
		Netuids:       st.Netuids(),
	}
	st.IterateNeurons(RootNetuid, func(_ uint16, n neuron) bool {
		in.Stake = append(in.Stake, st.TotalHotkeyStake(n.Hotkey))
		return true
	})
	in.Weights = sparseRows(st, prefixWeights, RootNetuid, len(in.Stake))
	return in
}

// rootEpoch is the block step's second part (emission.go): at the root
// network's tempo, every subnet's EmissionValue (the root network's own
// included, which is never minted). When the root epoch cannot run (no root
// validators, no stake on them) the values stay as they are; the reference
// only logs it.
func (s *stepper) rootEpoch(st *State, height uint64) {
	if blocksUntilNextEpoch(RootNetuid, st.Hyperparams(RootNetuid).Tempo, height) != 0 {
		return
	}
	in := gatherRootEpoch(st)
	if s.project != nil && s.project.netuid == RootNetuid {
		s.project.root, s.project.block = in, height
		return
	}
	out, err := yuma.RootEpoch(in)
	if err != nil {
		level := s.logger().Warn
		if errors.Is(err, yuma.ErrNoValidators) || errors.Is(err, yuma.ErrNoStake) || errors.Is(err, yuma.ErrNoNetworks) {
			level = s.logger().Debug
		}
		level("root epoch did not run; subnet emission values unchanged", "block", height, "err", err)
		return
	}
	for j, netuid := range in.Netuids {
		if v := out.EmissionValues[j]; v != st.EmissionValue(netuid) {
			st.SetEmissionValue(netuid, v)
		}
	}
}
