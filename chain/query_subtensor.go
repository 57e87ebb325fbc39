package chain

import (
	"bytes"
	"math"
	"math/bits"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// answerSubtensor routes the query paths of subnets, neurons, stake and
// delegation over one version of state. It reports false for a path it
// does not know. With asCBOR the paths that offer it answer in CBOR.
func answerSubtensor(st *State, height int64, route, arg string, asCBOR bool) (*abci.ResponseQuery, bool) {
	h := uint64(height)
	switch "/" + route {
	case types.QuerySubnets:
		out := []types.SubnetInfo{}
		for _, netuid := range st.Netuids() {
			out = append(out, subnetInfo(st, netuid))
		}
		return queryJSON(height, out), true
	case types.QuerySubnet:
		netuid, err := parseNetuid(st, arg)
		if err != nil {
			return queryError(err), true
		}
		return queryJSON(height, subnetInfo(st, netuid)), true
	case types.QueryHyperparams:
		netuid, err := parseNetuid(st, arg)
		if err != nil {
			return queryError(err), true
		}
		return queryJSON(height, st.Hyperparams(netuid)), true
	case types.QueryLockCost:
		return queryJSON(height, lockCostInfo(st, h)), true
	case types.QueryNeurons, types.QueryNeuronsLite:
		netuid, err := parseNetuid(st, arg)
		if err != nil {
			return queryError(err), true
		}
		full := "/"+route == types.QueryNeurons
		out := types.NeuronsInfo{Netuid: netuid, Height: h, Neurons: neuronInfos(st, netuid, full)}
		if asCBOR {
			return queryCBOR(height, out, neuronsAnswerSize(out.Neurons)), true
		}
		return queryJSON(height, out), true
	case types.QueryNeuron:
		n, err := neuronByPath(st, arg)
		if err != nil {
			return queryError(err), true
		}
		return queryJSON(height, n), true
	case types.QueryHotkey:
		hk, err := parseAccount(types.QueryHotkey, arg)
		if err != nil {
			return queryError(err), true
		}
		return queryJSON(height, hotkeyInfo(st, hk, h)), true
	case types.QueryStake:
		return stakeQuery(st, h, arg), true
	case types.QueryTotalStake:
		return queryJSON(height, types.TotalStakeInfo{TotalStake: st.TotalStake(), Height: h}), true
	case types.QueryDelegates:
		out := []types.DelegateInfo{}
		st.IterateDelegates(func(hk types.AccountID, take uint16) bool {
			out = append(out, delegateInfo(st, hk, take))
			return true
		})
		return queryJSON(height, out), true
	case types.QueryDelegate:
		hk, err := parseAccount(types.QueryDelegate, arg)
		if err != nil {
			return queryError(err), true
		}
		take, ok := st.DelegateTake(hk)
		if !ok {
			return queryError(types.Errorf(types.ErrNotFound, "%s is not a delegate", hk)), true
		}
		return queryJSON(height, delegateInfo(st, hk, take)), true
	case types.QueryDelegated:
		cold, err := parseAccount(types.QueryDelegated, arg)
		if err != nil {
			return queryError(err), true
		}
		out := []types.DelegatedInfo{}
		for _, s := range st.StakesOfColdkey(cold) {
			take, ok := st.DelegateTake(s.Hotkey)
			if owner, _ := st.Owner(s.Hotkey); !ok || owner == cold {
				continue
			}
			out = append(out, types.DelegatedInfo{Delegate: delegateInfo(st, s.Hotkey, take), Amount: s.Amount})
		}
		return queryJSON(height, out), true
	}
	return nil, false
}

// queryCBOR answers a query with v as CBOR.
func queryCBOR(height int64, v any, sizeHint int) *abci.ResponseQuery {
	// Encoded straight into a buffer of about the answer's size: a
	// 4,096-neuron answer is 2.9 MB, which growing a buffer and copying it
	// out would allocate three times over.
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint))
	if err := types.MarshalToBuffer(v, buf); err != nil {
		return queryError(types.Errorf(types.ErrInternal, "encode answer: %v", err))
	}
	return &abci.ResponseQuery{Code: abci.CodeTypeOK, Value: buf.Bytes(), Height: height}
}

// neuronsAnswerSize is about the size of neurons' CBOR answer: some 210
// bytes a neuron (its keys, scores and stake list) and 4 bytes a row entry.
func neuronsAnswerSize(neurons []types.NeuronInfo) int {
	size := 64
	for i := range neurons {
		size += 210 + 41*len(neurons[i].Stake) + 4*(len(neurons[i].Weights)+len(neurons[i].Bonds))
	}
	return size
}

// parseNetuid reads a netuid path segment naming an existing subnet.
func parseNetuid(st *State, arg string) (uint16, error) {
	v, err := strconv.ParseUint(arg, 10, 16)
	if err != nil {
		return 0, types.Errorf(types.ErrQuery, "want a netuid (0 to 65535), got %q", arg)
	}
	if !st.SubnetExists(uint16(v)) {
		return 0, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist", v)
	}
	return uint16(v), nil
}

func parseAccount(path, arg string) (types.AccountID, error) {
	id, err := types.ParseAccountID(arg)
	if err != nil {
		return id, types.Errorf(types.ErrQuery, "%s: %v", path, err)
	}
	return id, nil
}

func subnetInfo(st *State, netuid uint16) types.SubnetInfo {
	sn, _ := st.Subnet(netuid)
	return types.SubnetInfo{
		Netuid:                        netuid,
		Owner:                         sn.Owner,
		RegisteredAt:                  sn.RegisteredAt,
		Lock:                          sn.Lock,
		N:                             sn.N,
		EmissionValue:                 st.EmissionValue(netuid),
		RegistrationsThisBlock:        sn.RegistrationsThisBlock,
		RegistrationsThisInterval:     sn.RegistrationsThisInterval,
		PowRegistrationsThisInterval:  sn.PowRegistrationsThisInterval,
		BurnRegistrationsThisInterval: sn.BurnRegistrationsThisInterval,
		LastAdjustmentBlock:           sn.LastAdjustmentBlock,
		RAORecycledForRegistration:    sn.RAORecycledForRegistration,
		Hyperparameters:               st.Hyperparams(netuid),
	}
}

// lockCostInfo answers QueryLockCost for the block after height: the block
// a registration sent now would land in.
func lockCostInfo(st *State, height uint64) types.LockCostInfo {
	p := st.Params().Subtensor
	last := st.NetworkLastRegistered()
	return types.LockCostInfo{
		LockCost:          lockCost(st, &p, height+1),
		LastLockCost:      st.NetworkLastLockCost(),
		MinLockCost:       p.NetworkMinLockCost,
		ReductionInterval: p.NetworkLockReductionInterval,
		LastRegistered:    last,
		RateLimit:         p.NetworkRateLimit,
		NextAllowedBlock:  last + p.NetworkRateLimit,
		Subnets:           uint16(len(st.Netuids()) - 1),
		SubnetLimit:       p.SubnetLimit,
		Height:            height,
	}
}

// neuronInfo converts a neuron's record (and, if full, its rows).
func neuronInfo(st *State, netuid, uid uint16, n *neuron, weights, bonds row) types.NeuronInfo {
	stake := st.StakesOnHotkey(n.Hotkey)
	if stake == nil {
		stake = []types.StakeEntry{}
	}
	var total uint64
	for _, e := range stake {
		total += e.Amount
	}
	return types.NeuronInfo{
		Hotkey:  n.Hotkey,
		Coldkey: n.Coldkey,
		UID:     uid,
		Netuid:  netuid,
		Active:  n.Active,
		Axon: types.AxonInfo{Block: n.Axon.Block, Version: n.Axon.Version, IP: types.FormatIP(n.Axon.IP, n.Axon.IPType),
			Port: n.Axon.Port, IPType: n.Axon.IPType, Protocol: n.Axon.Protocol,
			Placeholder1: n.Axon.Placeholder1, Placeholder2: n.Axon.Placeholder2},
		Prometheus: types.PrometheusInfo{Block: n.Prometheus.Block, Version: n.Prometheus.Version,
			IP: types.FormatIP(n.Prometheus.IP, n.Prometheus.IPType), Port: n.Prometheus.Port, IPType: n.Prometheus.IPType},
		Stake:           stake,
		TotalStake:      total,
		Rank:            n.Rank,
		Emission:        n.Emission,
		Incentive:       n.Incentive,
		Consensus:       n.Consensus,
		Trust:           n.Trust,
		ValidatorTrust:  n.ValidatorTrust,
		Dividends:       n.Dividends,
		LastUpdate:      n.LastUpdate,
		ValidatorPermit: n.ValidatorPermit,
		PruningScore:    n.PruningScore,
		RegisteredAt:    n.RegisteredAt,
		Weights:         weights,
		Bonds:           bonds,
	}
}

// neuronInfos lists every neuron of netuid by uid, with the weights and
// bonds rows if full (a neuron without a row gets an empty one).
func neuronInfos(st *State, netuid uint16, full bool) []types.NeuronInfo {
	sn, _ := st.Subnet(netuid)
	out := make([]types.NeuronInfo, 0, sn.N)
	st.IterateNeurons(netuid, func(uid uint16, n neuron) bool {
		out = append(out, neuronInfo(st, netuid, uid, &n, nil, nil))
		return true
	})
	if full {
		for i := range out {
			out[i].Weights, out[i].Bonds = row{}, row{}
		}
		st.iterateRows(prefixWeights, netuid, func(uid uint16, r row) bool {
			if int(uid) < len(out) {
				out[uid].Weights = r
			}
			return true
		})
		st.iterateRows(prefixBonds, netuid, func(uid uint16, r row) bool {
			if int(uid) < len(out) {
				out[uid].Bonds = r
			}
			return true
		})
	}
	return out
}

// neuronByPath answers QueryNeuron: "<netuid>/<uid or hotkey>".
func neuronByPath(st *State, arg string) (types.NeuronInfo, error) {
	ns, who, ok := strings.Cut(arg, "/")
	if !ok {
		return types.NeuronInfo{}, types.Errorf(types.ErrQuery, "%s wants <netuid>/<uid or hotkey>, got %q", types.QueryNeuron, arg)
	}
	netuid, err := parseNetuid(st, ns)
	if err != nil {
		return types.NeuronInfo{}, err
	}
	var uid uint16
	if v, err := strconv.ParseUint(who, 10, 16); err == nil {
		uid = uint16(v)
	} else {
		hk, err := parseAccount(types.QueryNeuron, who)
		if err != nil {
			return types.NeuronInfo{}, err
		}
		if uid, ok = st.UID(netuid, hk); !ok {
			return types.NeuronInfo{}, types.Errorf(types.ErrNotRegistered, "hotkey %s is not registered on subnet %d", hk, netuid)
		}
	}
	n, ok := st.Neuron(netuid, uid)
	if !ok {
		return types.NeuronInfo{}, types.Errorf(types.ErrNotFound, "subnet %d has no uid %d", netuid, uid)
	}
	w, b := st.Weights(netuid, uid), st.Bonds(netuid, uid)
	if w == nil {
		w = row{}
	}
	if b == nil {
		b = row{}
	}
	return neuronInfo(st, netuid, uid, &n, w, b), nil
}

func hotkeyInfo(st *State, hk types.AccountID, height uint64) types.HotkeyInfo {
	info := types.HotkeyInfo{Hotkey: hk, Stake: st.StakesOnHotkey(hk), Registrations: st.Registrations(hk), Height: height}
	info.Owner, info.Exists = st.Owner(hk)
	info.TotalStake = st.TotalHotkeyStake(hk)
	info.Take, info.Delegate = st.DelegateTake(hk)
	if info.Stake == nil {
		info.Stake = []types.StakeEntry{}
	}
	if info.Registrations == nil {
		info.Registrations = []types.Registration{}
	}
	return info
}

// stakeQuery answers QueryStake: "<coldkey>" or "<coldkey>/<hotkey>".
func stakeQuery(st *State, height uint64, arg string) *abci.ResponseQuery {
	cs, hs, pair := strings.Cut(arg, "/")
	cold, err := parseAccount(types.QueryStake, cs)
	if err != nil {
		return queryError(err)
	}
	if pair {
		hk, err := parseAccount(types.QueryStake, hs)
		if err != nil {
			return queryError(err)
		}
		return queryJSON(int64(height), types.StakeInfo{Coldkey: cold, Hotkey: hk, Amount: st.Stake(hk, cold), Height: height})
	}
	out := types.ColdkeyStake{Coldkey: cold, TotalStake: st.TotalColdkeyStake(cold), Stakes: st.StakesOfColdkey(cold),
		OwnedHotkeys: st.OwnedHotkeys(cold), LastTxBlock: st.LastTxBlock(cold), Height: height}
	if out.Stakes == nil {
		out.Stakes = []types.HotkeyStake{}
	}
	if out.OwnedHotkeys == nil {
		out.OwnedHotkeys = []types.AccountID{}
	}
	return queryJSON(int64(height), out)
}

func delegateInfo(st *State, hk types.AccountID, take uint16) types.DelegateInfo {
	owner, _ := st.Owner(hk)
	d := types.DelegateInfo{Hotkey: hk, Owner: owner, Take: take, TotalStake: st.TotalHotkeyStake(hk),
		Nominators: st.StakesOnHotkey(hk), Registrations: []uint16{}, ValidatorPermits: []uint16{}}
	if d.Nominators == nil {
		d.Nominators = []types.StakeEntry{}
	}
	for _, r := range st.Registrations(hk) {
		d.Registrations = append(d.Registrations, r.Netuid)
		n, ok := st.Neuron(r.Netuid, r.UID)
		if !ok {
			continue
		}
		if n.ValidatorPermit {
			d.ValidatorPermits = append(d.ValidatorPermits, r.Netuid)
		}
		d.TotalDailyReturn = satAdd(d.TotalDailyReturn, dailyEmission(n.Emission, st.Hyperparams(r.Netuid).Tempo))
	}
	return d
}

// blocksPerDay is a day of 12-second blocks, as the reference counts it.
const blocksPerDay = 7200

// dailyEmission is a neuron's emission per epoch × 7200 / tempo, rounded
// down (saturating).
func dailyEmission(emission uint64, tempo uint16) uint64 {
	if tempo == 0 {
		return 0
	}
	hi, lo := bits.Mul64(emission, blocksPerDay)
	if hi >= uint64(tempo) {
		return math.MaxUint64
	}
	q, _ := bits.Div64(hi, lo, uint64(tempo))
	return q
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}
