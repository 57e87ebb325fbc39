package chain

import (
	"slices"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// The weights module: set_weights with every check of the reference's
// do_set_weights (weights.rs), in its order. Weights are stored max-upscaled
// (the largest becomes 65535), one row per (netuid, uid), sorted by target
// uid.

// setWeights is SubtensorModule.set_weights, signed by the hotkey whose
// weights they are.
func setWeights(ctx *Context, a *types.SetWeights) error {
	st, hotkey, b := ctx.State, ctx.Signer, ctx.Height
	if len(a.Dests) != len(a.Weights) {
		return types.Errorf(types.ErrWeightVecNotEqualSize, "%d uids but %d weights", len(a.Dests), len(a.Weights))
	}
	sn, ok := st.Subnet(a.Netuid)
	if !ok {
		return types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", a.Netuid)
	}
	root := a.Netuid == RootNetuid
	if root {
		for _, netuid := range a.Dests {
			if !st.SubnetExists(netuid) {
				return types.Errorf(types.ErrInvalidUID, "root weights name subnet %d, which does not exist", netuid)
			}
		}
	} else if len(a.Dests) > int(sn.N) {
		return types.Errorf(types.ErrTooManyUids, "%d weights on a subnet of %d neurons", len(a.Dests), sn.N)
	}
	uid, ok := st.UID(a.Netuid, hotkey)
	if !ok {
		return types.Errorf(types.ErrNotRegistered, "hotkey %s is not registered on subnet %d", hotkey, a.Netuid)
	}
	h := st.Hyperparams(a.Netuid)
	if h.WeightsVersionKey != 0 && a.VersionKey < h.WeightsVersionKey {
		return types.Errorf(types.ErrIncorrectNetworkVersionKey, "version key %d is below subnet %d's %d: update your validator", a.VersionKey, a.Netuid, h.WeightsVersionKey)
	}
	n, _ := st.Neuron(a.Netuid, uid)
	if limit := h.WeightsSetRateLimit; n.LastUpdate != 0 && b-n.LastUpdate < limit {
		return types.Errorf(types.ErrSettingWeightsTooFast, "weights set too soon: wait %d more blocks (rate limit %d, last update at block %d)", n.LastUpdate+limit-b, limit, n.LastUpdate)
	}
	self := len(a.Weights) == 1 && a.Dests[0] == uid
	if !root && !self && !n.ValidatorPermit {
		return types.Errorf(types.ErrNoValidatorPermit, "uid %d on subnet %d has no validator permit: it may only set a weight on itself (uid %d)", uid, a.Netuid, uid)
	}
	seen := make(map[uint16]bool, len(a.Dests))
	for _, d := range a.Dests {
		if seen[d] {
			return types.Errorf(types.ErrDuplicateUids, "uid %d appears twice", d)
		}
		seen[d] = true
	}
	if !root {
		for _, d := range a.Dests {
			if d >= sn.N {
				return types.Errorf(types.ErrInvalidUID, "uid %d is not a neuron of subnet %d (uids 0 to %d)", d, a.Netuid, int(sn.N)-1)
			}
		}
	}
	if minAllowed := min(sn.N, h.MinAllowedWeights); !(!root && self) && len(a.Weights) < int(minAllowed) {
		return types.Errorf(types.ErrNotSettingEnoughWeights, "%d weights; subnet %d requires at least %d", len(a.Weights), a.Netuid, minAllowed)
	}
	up := yuma.UpscaleWeights(a.Weights)
	if !self && h.MaxWeightsLimit != 65535 && !yuma.WithinMaxWeightLimit(up, h.MaxWeightsLimit) {
		return types.Errorf(types.ErrMaxWeightExceeded, "a weight exceeds subnet %d's limit of %d/65535 of the total: spread the weights more", a.Netuid, h.MaxWeightsLimit)
	}
	r := make(row, len(a.Dests))
	for k, d := range a.Dests {
		r[k] = [2]uint16{d, up[k]}
	}
	slices.SortFunc(r, func(x, y [2]uint16) int { return int(x[0]) - int(y[0]) })
	st.SetWeights(a.Netuid, uid, r)
	n.LastUpdate = b
	st.SetNeuron(a.Netuid, uid, &n)
	ctx.Emit("WeightsSet", "netuid", strconv.Itoa(int(a.Netuid)), "uid", strconv.Itoa(int(uid)))
	return nil
}
