package subtensor

// Typed views of Bittensor's runtime values on a Substrate chain.
//
// The runtime APIs of subtensor (NeuronInfoRuntimeApi, SubnetInfoRuntimeApi,
// DelegateInfoRuntimeApi, StakeInfoRuntimeApi) answered, until 2025, a
// Vec<u8> holding SCALE bytes of structs the metadata does not describe;
// later runtimes answer the structs themselves, described in the metadata.
// infoTypes describes those structs as the runtime of the raonet spec
// (node-subtensor spec version 218, dynamic TAO) encodes them, over the
// runtime's own registry (AccountId32, AxonInfo, PrometheusInfo,
// SubnetIdentity come from its metadata). A runtime whose API answers a
// described type is decoded by that type instead, into the same views:
// views take fields by name and skip the ones they lack, so a runtime that
// appends a field decodes unchanged.

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// infoTypes are the structs inside the Vec<u8> answers of subtensor's
// runtime APIs, as the dynamic-TAO runtime (spec 218) encodes them
// (pallets/subtensor/src/rpc_info in opentensor/subtensor).
const infoTypes = `
struct NeuronInfoLite {
	hotkey: AccountId32, coldkey: AccountId32, uid: Compact<u16>, netuid: Compact<u16>, active: bool,
	axon_info: AxonInfo, prometheus_info: PrometheusInfo, stake: Vec<(AccountId32, Compact<u64>)>,
	rank: Compact<u16>, emission: Compact<u64>, incentive: Compact<u16>, consensus: Compact<u16>,
	trust: Compact<u16>, validator_trust: Compact<u16>, dividends: Compact<u16>, last_update: Compact<u64>,
	validator_permit: bool, pruning_score: Compact<u16>
}
struct NeuronInfo {
	hotkey: AccountId32, coldkey: AccountId32, uid: Compact<u16>, netuid: Compact<u16>, active: bool,
	axon_info: AxonInfo, prometheus_info: PrometheusInfo, stake: Vec<(AccountId32, Compact<u64>)>,
	rank: Compact<u16>, emission: Compact<u64>, incentive: Compact<u16>, consensus: Compact<u16>,
	trust: Compact<u16>, validator_trust: Compact<u16>, dividends: Compact<u16>, last_update: Compact<u64>,
	validator_permit: bool, weights: Vec<(Compact<u16>, Compact<u16>)>, bonds: Vec<(Compact<u16>, Compact<u16>)>,
	pruning_score: Compact<u16>
}
struct SubnetInfo {
	netuid: Compact<u16>, rho: Compact<u16>, kappa: Compact<u16>, difficulty: Compact<u64>,
	immunity_period: Compact<u16>, max_allowed_validators: Compact<u16>, min_allowed_weights: Compact<u16>,
	max_weights_limit: Compact<u16>, scaling_law_power: Compact<u16>, subnetwork_n: Compact<u16>,
	max_allowed_uids: Compact<u16>, blocks_since_last_step: Compact<u64>, tempo: Compact<u16>,
	network_modality: Compact<u16>, network_connect: Vec<[u16; 2]>, emission_values: Compact<u64>,
	burn: Compact<u64>, owner: AccountId32
}
struct SubnetHyperparams {
	rho: Compact<u16>, kappa: Compact<u16>, immunity_period: Compact<u16>, min_allowed_weights: Compact<u16>,
	max_weights_limit: Compact<u16>, tempo: Compact<u16>, min_difficulty: Compact<u64>, max_difficulty: Compact<u64>,
	weights_version: Compact<u64>, weights_rate_limit: Compact<u64>, adjustment_interval: Compact<u16>,
	activity_cutoff: Compact<u16>, registration_allowed: bool, target_regs_per_interval: Compact<u16>,
	min_burn: Compact<u64>, max_burn: Compact<u64>, bonds_moving_avg: Compact<u64>, max_regs_per_block: Compact<u16>,
	serving_rate_limit: Compact<u64>, max_validators: Compact<u16>, adjustment_alpha: Compact<u64>,
	difficulty: Compact<u64>, commit_reveal_weights_interval: Compact<u64>, commit_reveal_weights_enabled: bool,
	alpha_high: Compact<u16>, alpha_low: Compact<u16>, liquid_alpha_enabled: bool
}
struct DelegateInfo {
	delegate_ss58: AccountId32, take: Compact<u16>, nominators: Vec<(AccountId32, Compact<u64>)>,
	owner_ss58: AccountId32, registrations: Vec<Compact<u16>>, validator_permits: Vec<Compact<u16>>,
	return_per_1000: Compact<u64>, total_daily_return: Compact<u64>
}
struct StakeInfo {
	hotkey: AccountId32, coldkey: AccountId32, netuid: Compact<u16>, stake: Compact<u64>,
	locked: Compact<u64>, emission: Compact<u64>, drain: Compact<u64>, is_registered: bool
}
struct DynamicInfo {
	owner: AccountId32, netuid: Compact<u16>, tempo: Compact<u16>, last_step: Compact<u64>,
	blocks_since_last_step: Compact<u64>, emission: Compact<u64>, alpha_in: Compact<u64>,
	alpha_out: Compact<u64>, tao_in: Compact<u64>, total_locked: Compact<u64>, owner_locked: Compact<u64>
}
struct SubnetState {
	netuid: Compact<u16>, hotkeys: Vec<AccountId32>, coldkeys: Vec<AccountId32>, active: Vec<bool>,
	validator_permit: Vec<bool>, pruning_score: Vec<Compact<u16>>, last_update: Vec<Compact<u64>>,
	emission: Vec<Compact<u64>>, dividends: Vec<Compact<u16>>, incentives: Vec<Compact<u16>>,
	consensus: Vec<Compact<u16>>, trust: Vec<Compact<u16>>, rank: Vec<Compact<u16>>,
	block_at_registration: Vec<Compact<u64>>, alpha_stake: Vec<Compact<u64>>, tao_stake: Vec<Compact<u64>>,
	total_stake: Vec<Compact<u64>>, emission_history: Vec<Vec<Compact<u64>>>
}
type NeuronsLite = Vec<NeuronInfoLite>;
type Neurons = Vec<NeuronInfo>;
type SubnetsInfo = Vec<Option<SubnetInfo>>;
type Delegates = Vec<DelegateInfo>;
type Delegated = Vec<(DelegateInfo, Compact<u64>)>;
type StakeInfos = Vec<StakeInfo>;
type AllDynamicInfo = Vec<Option<DynamicInfo>>;
type MaybeDynamicInfo = Option<DynamicInfo>;
type MaybeSubnetState = Option<SubnetState>;
`

// registry returns rt's registry extended with infoTypes (built once per
// runtime).
func (c *SubstrateClient) registry(rt *metadata.Runtime) (*scale.Registry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if reg, ok := c.legacy[rt]; ok {
		return reg, nil
	}
	reg, err := rt.Types.Extend(infoTypes)
	if err != nil {
		return nil, fmt.Errorf("subtensor: describe Bittensor's info types over runtime %d: %w", rt.SpecVersion, err)
	}
	c.legacy[rt] = reg
	return reg, nil
}

// answer says how a runtime API answers when its output is a Vec<u8>.
type answer int

const (
	// answerValue: the bytes are one value of the type (Vec<T>, Option<T>…).
	answerValue answer = iota
	// answerMaybe: the bytes are one T, or empty for none (the spec-218
	// form of get_neuron, get_subnet_info, get_subnet_hyperparams…).
	answerMaybe
)

// errNone is returned by callInfo for an answerMaybe API that answered
// nothing (no such neuron, subnet or delegate).
var errNone = errors.New("subtensor: nothing there")

// callInfo calls the runtime API api.method at block at and decodes its
// answer into out. When the runtime's metadata gives the output as Vec<u8>
// (the spec-218 form), the bytes are decoded as legacyType of infoTypes (in
// the form form); otherwise by the metadata's own output type. A runtime
// without the API is ErrNotSupported, naming it.
func (c *SubstrateClient) callInfo(ctx context.Context, at substrate.Hash, out any, api, method, legacyType string, form answer, args ...any) error {
	a, err := c.sc.CallAPIAnswer(ctx, at, api, method, args...)
	if errors.Is(err, metadata.ErrNotFound) {
		return c.notSupported(api+"."+method, err)
	}
	if err != nil {
		return c.wrap(err)
	}
	return c.decodeInfo(a, out, api, method, legacyType, form)
}

// decodeInfo decodes a runtime API's answer as callInfo does.
func (c *SubstrateClient) decodeInfo(a substrate.APIAnswer, out any, api, method, legacyType string, form answer) error {
	rt, outID, b := a.Runtime, a.Output, a.Bytes
	if isBytes(rt.Types, outID) {
		// The spec-218 form: a Vec<u8> of SCALE bytes the metadata does
		// not describe.
		var inner []byte
		if err := rt.Types.Decode(outID, b, &inner); err != nil {
			return fmt.Errorf("subtensor: %s_%s answer: %w", api, method, err)
		}
		reg, err := c.registry(rt)
		if err != nil {
			return err
		}
		id, err := reg.Resolve(legacyType)
		if err != nil {
			return fmt.Errorf("subtensor: %s: %w", legacyType, err)
		}
		if form == answerMaybe && len(inner) == 0 {
			return errNone
		}
		if err := reg.Decode(id, inner, out); err != nil {
			return fmt.Errorf("subtensor: %s_%s answer as %s: %w", api, method, legacyType, err)
		}
		return nil
	}
	// A described output: Option<T> for the maybe-APIs of later runtimes.
	if form == answerMaybe {
		if t, ok := rt.Types.Type(outID); ok {
			if inner, isOpt := t.IsOption(); isOpt {
				if len(b) == 0 || b[0] == 0 {
					return errNone
				}
				outID, b = inner, b[1:]
			}
		}
	}
	if err := rt.Types.Decode(outID, b, out); err != nil {
		return fmt.Errorf("subtensor: %s_%s answer: %w", api, method, err)
	}
	return nil
}

// isBytes reports whether type id is Vec<u8>.
func isBytes(reg *scale.Registry, id scale.TypeID) bool {
	t, ok := reg.Type(id)
	if !ok || t.Def != scale.DefSequence {
		return false
	}
	e, ok := reg.Type(t.Elem)
	return ok && e.Def == scale.DefPrimitive && e.Primitive == scale.PrimU8
}

// The views. Field names follow the runtime's (matched loosely: AxonInfo
// takes axon_info); fields the runtime lacks are optional where a runtime
// might drop them.

type axonView struct {
	Block        uint64
	Version      uint32
	IP           scale.Value `scale:"ip"`
	Port         uint16
	IPType       uint8 `scale:"ip_type"`
	Protocol     uint8
	Placeholder1 uint8
	Placeholder2 uint8
}

type prometheusView struct {
	Block   uint64
	Version uint32
	IP      scale.Value `scale:"ip"`
	Port    uint16
	IPType  uint8 `scale:"ip_type"`
}

type stakeEntryView struct {
	Account [32]byte
	Amount  uint64
}

type uidValueView struct {
	UID   uint16
	Value uint16
}

type neuronView struct {
	Hotkey          [32]byte
	Coldkey         [32]byte
	UID             uint16
	Netuid          uint16
	Active          bool
	AxonInfo        axonView
	PrometheusInfo  prometheusView
	Stake           []stakeEntryView
	Rank            uint16
	Emission        uint64
	Incentive       uint16
	Consensus       uint16
	Trust           uint16
	ValidatorTrust  uint16
	Dividends       uint16
	LastUpdate      uint64
	ValidatorPermit bool
	Weights         []uidValueView `scale:",optional"`
	Bonds           []uidValueView `scale:",optional"`
	PruningScore    uint16
}

// neuronInfo converts the view; full says whether weights and bonds were
// read (lite neurons have nil rows).
func (v *neuronView) neuronInfo(full bool) types.NeuronInfo {
	n := types.NeuronInfo{
		Hotkey: types.AccountID(v.Hotkey), Coldkey: types.AccountID(v.Coldkey), UID: v.UID, Netuid: v.Netuid,
		Active: v.Active, Axon: v.AxonInfo.axonInfo(), Prometheus: v.PrometheusInfo.prometheusInfo(),
		Rank: v.Rank, Emission: v.Emission, Incentive: v.Incentive, Consensus: v.Consensus, Trust: v.Trust,
		ValidatorTrust: v.ValidatorTrust, Dividends: v.Dividends, LastUpdate: v.LastUpdate,
		ValidatorPermit: v.ValidatorPermit, PruningScore: v.PruningScore,
	}
	n.Stake = make([]types.StakeEntry, len(v.Stake))
	for i, s := range v.Stake {
		n.Stake[i] = types.StakeEntry{Coldkey: types.AccountID(s.Account), Amount: s.Amount}
		n.TotalStake += s.Amount
	}
	if full {
		n.Weights, n.Bonds = row(v.Weights), row(v.Bonds)
	}
	return n
}

func row(r []uidValueView) types.Row {
	out := make(types.Row, len(r))
	for i, p := range r {
		out[i] = [2]uint16{p.UID, p.Value}
	}
	return out
}

// ip reads an IP stored as a u128 (big-endian by value: IPv4 in its low 32
// bits) into the 16 bytes of types.FormatIP.
func ip(v scale.Value) [16]byte {
	var out [16]byte
	if b, ok := v.BigInt(); ok {
		b.FillBytes(out[:])
	}
	return out
}

func (a axonView) axonInfo() types.AxonInfo {
	return types.AxonInfo{Block: a.Block, Version: a.Version, IP: types.FormatIP(ip(a.IP), a.IPType), Port: a.Port,
		IPType: a.IPType, Protocol: a.Protocol, Placeholder1: a.Placeholder1, Placeholder2: a.Placeholder2}
}

func (p prometheusView) prometheusInfo() types.PrometheusInfo {
	return types.PrometheusInfo{Block: p.Block, Version: p.Version, IP: types.FormatIP(ip(p.IP), p.IPType), Port: p.Port, IPType: p.IPType}
}

type subnetInfoView struct {
	Netuid               uint16
	Rho                  uint16
	Kappa                uint16
	Difficulty           uint64
	ImmunityPeriod       uint16
	MaxAllowedValidators uint16
	MinAllowedWeights    uint16
	MaxWeightsLimit      uint16
	SubnetworkN          uint16
	MaxAllowedUids       uint16
	BlocksSinceLastStep  uint64
	Tempo                uint16
	EmissionValues       uint64
	Burn                 uint64
	Owner                [32]byte
}

type hyperparamsView struct {
	Rho                        uint16
	Kappa                      uint16
	ImmunityPeriod             uint16
	MinAllowedWeights          uint16
	MaxWeightsLimit            uint16
	Tempo                      uint16
	MinDifficulty              uint64
	MaxDifficulty              uint64
	WeightsVersion             uint64
	WeightsRateLimit           uint64
	AdjustmentInterval         uint16
	ActivityCutoff             uint16
	RegistrationAllowed        bool
	TargetRegsPerInterval      uint16
	MinBurn                    uint64
	MaxBurn                    uint64
	BondsMovingAvg             uint64
	MaxRegsPerBlock            uint16
	ServingRateLimit           uint64
	MaxValidators              uint16
	AdjustmentAlpha            uint64
	Difficulty                 uint64
	CommitRevealWeightsEnabled bool   `scale:",optional"`
	CommitRevealPeriod         uint64 `scale:"commit_reveal_weights_interval,optional"`
	LiquidAlphaEnabled         bool   `scale:",optional"`
}

// hyperparams converts the view; the fields it lacks (burn, max uids, pow
// registration) come from the caller's reads.
func (h *hyperparamsView) hyperparams() types.Hyperparams {
	return types.Hyperparams{
		Tempo: h.Tempo, Rho: h.Rho, Kappa: h.Kappa, ImmunityPeriod: h.ImmunityPeriod,
		MinAllowedWeights: h.MinAllowedWeights, MaxWeightsLimit: h.MaxWeightsLimit,
		MaxAllowedValidators: h.MaxValidators, ActivityCutoff: h.ActivityCutoff,
		BondsMovingAverage: h.BondsMovingAvg, WeightsVersionKey: h.WeightsVersion,
		WeightsSetRateLimit: h.WeightsRateLimit, AdjustmentInterval: h.AdjustmentInterval,
		TargetRegistrationsPerInterval: h.TargetRegsPerInterval, MaxRegistrationsPerBlock: h.MaxRegsPerBlock,
		AdjustmentAlpha: h.AdjustmentAlpha, Difficulty: h.Difficulty, MinDifficulty: h.MinDifficulty,
		MaxDifficulty: h.MaxDifficulty, MinBurn: h.MinBurn, MaxBurn: h.MaxBurn,
		NetworkRegistrationAllowed: h.RegistrationAllowed, ServingRateLimit: h.ServingRateLimit,
	}
}

type delegateView struct {
	DelegateSS58     [32]byte
	Take             uint16
	Nominators       []stakeEntryView
	OwnerSS58        [32]byte
	Registrations    []uint16
	ValidatorPermits []uint16
	TotalDailyReturn uint64
}

func (d *delegateView) delegateInfo() types.DelegateInfo {
	out := types.DelegateInfo{
		Hotkey: types.AccountID(d.DelegateSS58), Owner: types.AccountID(d.OwnerSS58), Take: d.Take,
		Registrations: d.Registrations, ValidatorPermits: d.ValidatorPermits, TotalDailyReturn: d.TotalDailyReturn,
		Nominators: make([]types.StakeEntry, len(d.Nominators)),
	}
	for i, n := range d.Nominators {
		out.Nominators[i] = types.StakeEntry{Coldkey: types.AccountID(n.Account), Amount: n.Amount}
		out.TotalStake += n.Amount
	}
	return out
}

type delegatedView struct {
	Delegate delegateView
	Amount   uint64
}

type stakeInfoView struct {
	Hotkey       [32]byte
	Coldkey      [32]byte
	Netuid       uint16
	Stake        uint64
	Emission     uint64 `scale:",optional"`
	IsRegistered bool   `scale:",optional"`
}

type dynamicInfoView struct {
	Owner               [32]byte
	Netuid              uint16
	Tempo               uint16
	LastStep            uint64
	BlocksSinceLastStep uint64
	Emission            uint64
	AlphaIn             uint64
	AlphaOut            uint64
	TaoIn               uint64
	TotalLocked         uint64 `scale:",optional"`
	OwnerLocked         uint64 `scale:",optional"`
}
