package types

import (
	"fmt"
	"math"
)

// ParamSetter describes one AdminUtils.sudo_set_* call: which parameter it
// sets, whether it is per subnet, who may call it and the value's range.
// The chain dispatches every setter from this table and clients use it to
// find the call for a parameter name.
type ParamSetter struct {
	// Call is the call's name, e.g. "AdminUtils.sudo_set_tempo".
	Call string
	// Param is the parameter's name: its JSON name in Hyperparams (per
	// subnet) or SubtensorParams (chain-wide), or "rao_recycled".
	Param string
	// Subnet reports whether the parameter is per subnet (the call names a
	// netuid that must exist) rather than chain-wide.
	Subnet bool
	// OwnerMay reports whether the subnet's owner may set it; otherwise only
	// Root (the sudo key, or governance) may.
	OwnerMay bool
	// Max is the largest value: 65535 for a u16, 1 for a bool, 2^64-1 for a
	// u64.
	Max uint64

	hyper  func(*Hyperparams) *uint64Field
	global func(*SubtensorParams) *uint64Field
}

// uint64Field is a typed pointer to one parameter field.
type uint64Field struct {
	u16 *uint16
	u64 *uint64
	b   *bool
}

func (f *uint64Field) get() uint64 {
	switch {
	case f.u16 != nil:
		return uint64(*f.u16)
	case f.u64 != nil:
		return *f.u64
	case *f.b:
		return 1
	}
	return 0
}

func (f *uint64Field) set(v uint64) {
	switch {
	case f.u16 != nil:
		*f.u16 = uint16(v)
	case f.u64 != nil:
		*f.u64 = v
	default:
		*f.b = v != 0
	}
}

func u16f(p *uint16) *uint64Field { return &uint64Field{u16: p} }
func u64f(p *uint64) *uint64Field { return &uint64Field{u64: p} }
func boolf(p *bool) *uint64Field  { return &uint64Field{b: p} }

// Get returns the parameter's value in h (a per-subnet setter) or p (a
// chain-wide one); bools read as 0 or 1. It returns false for rao_recycled,
// which lives in the subnet's state.
func (s *ParamSetter) Get(h *Hyperparams, p *SubtensorParams) (uint64, bool) {
	switch {
	case s.hyper != nil && h != nil:
		return s.hyper(h).get(), true
	case s.global != nil && p != nil:
		return s.global(p).get(), true
	}
	return 0, false
}

// Set stores v (at most Max) in h or p, as Get reads them.
func (s *ParamSetter) Set(h *Hyperparams, p *SubtensorParams, v uint64) bool {
	switch {
	case s.hyper != nil && h != nil:
		s.hyper(h).set(v)
		return true
	case s.global != nil && p != nil:
		s.global(p).set(v)
		return true
	}
	return false
}

// Names of the AdminUtils calls.
const (
	CallSudoSetTempo                          = "AdminUtils.sudo_set_tempo"
	CallSudoSetRho                            = "AdminUtils.sudo_set_rho"
	CallSudoSetKappa                          = "AdminUtils.sudo_set_kappa"
	CallSudoSetImmunityPeriod                 = "AdminUtils.sudo_set_immunity_period"
	CallSudoSetMinAllowedWeights              = "AdminUtils.sudo_set_min_allowed_weights"
	CallSudoSetMaxWeightLimit                 = "AdminUtils.sudo_set_max_weight_limit"
	CallSudoSetMaxAllowedUids                 = "AdminUtils.sudo_set_max_allowed_uids"
	CallSudoSetMaxAllowedValidators           = "AdminUtils.sudo_set_max_allowed_validators"
	CallSudoSetActivityCutoff                 = "AdminUtils.sudo_set_activity_cutoff"
	CallSudoSetBondsMovingAverage             = "AdminUtils.sudo_set_bonds_moving_average"
	CallSudoSetWeightsVersionKey              = "AdminUtils.sudo_set_weights_version_key"
	CallSudoSetWeightsSetRateLimit            = "AdminUtils.sudo_set_weights_set_rate_limit"
	CallSudoSetAdjustmentInterval             = "AdminUtils.sudo_set_adjustment_interval"
	CallSudoSetTargetRegistrationsPerInterval = "AdminUtils.sudo_set_target_registrations_per_interval"
	CallSudoSetMaxRegistrationsPerBlock       = "AdminUtils.sudo_set_max_registrations_per_block"
	CallSudoSetAdjustmentAlpha                = "AdminUtils.sudo_set_adjustment_alpha"
	CallSudoSetDifficulty                     = "AdminUtils.sudo_set_difficulty"
	CallSudoSetMinDifficulty                  = "AdminUtils.sudo_set_min_difficulty"
	CallSudoSetMaxDifficulty                  = "AdminUtils.sudo_set_max_difficulty"
	CallSudoSetMinBurn                        = "AdminUtils.sudo_set_min_burn"
	CallSudoSetMaxBurn                        = "AdminUtils.sudo_set_max_burn"
	CallSudoSetNetworkRegistrationAllowed     = "AdminUtils.sudo_set_network_registration_allowed"
	CallSudoSetNetworkPowRegistrationAllowed  = "AdminUtils.sudo_set_network_pow_registration_allowed"
	CallSudoSetServingRateLimit               = "AdminUtils.sudo_set_serving_rate_limit"
	CallSudoSetRAORecycled                    = "AdminUtils.sudo_set_rao_recycled"
	CallSudoSetTxRateLimit                    = "AdminUtils.sudo_set_tx_rate_limit"
	CallSudoSetDefaultTake                    = "AdminUtils.sudo_set_default_take"
	CallSudoSetSubnetOwnerCut                 = "AdminUtils.sudo_set_subnet_owner_cut"
	CallSudoSetNetworkImmunityPeriod          = "AdminUtils.sudo_set_network_immunity_period"
	CallSudoSetNetworkMinLockCost             = "AdminUtils.sudo_set_network_min_lock_cost"
	CallSudoSetLockReductionInterval          = "AdminUtils.sudo_set_lock_reduction_interval"
	CallSudoSetSubnetLimit                    = "AdminUtils.sudo_set_subnet_limit"
	CallSudoSetNetworkRateLimit               = "AdminUtils.sudo_set_network_rate_limit"
)

const (
	maxU16  = math.MaxUint16
	maxU64  = math.MaxUint64
	maxBool = 1
)

// paramSetters is the table of AdminUtils setters (the reference's
// pallets/admin-utils), in
// the reference's table order; it is read-only.
var paramSetters = []ParamSetter{
	{Call: CallSudoSetTempo, Param: "tempo", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.Tempo) }},
	{Call: CallSudoSetRho, Param: "rho", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.Rho) }},
	{Call: CallSudoSetKappa, Param: "kappa", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.Kappa) }},
	{Call: CallSudoSetImmunityPeriod, Param: "immunity_period", Subnet: true, OwnerMay: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.ImmunityPeriod) }},
	{Call: CallSudoSetMinAllowedWeights, Param: "min_allowed_weights", Subnet: true, OwnerMay: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.MinAllowedWeights) }},
	{Call: CallSudoSetMaxWeightLimit, Param: "max_weights_limit", Subnet: true, OwnerMay: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.MaxWeightsLimit) }},
	{Call: CallSudoSetMaxAllowedUids, Param: "max_allowed_uids", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.MaxAllowedUids) }},
	{Call: CallSudoSetMaxAllowedValidators, Param: "max_allowed_validators", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.MaxAllowedValidators) }},
	{Call: CallSudoSetActivityCutoff, Param: "activity_cutoff", Subnet: true, OwnerMay: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.ActivityCutoff) }},
	{Call: CallSudoSetBondsMovingAverage, Param: "bonds_moving_average", Subnet: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.BondsMovingAverage) }},
	{Call: CallSudoSetWeightsVersionKey, Param: "weights_version_key", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.WeightsVersionKey) }},
	{Call: CallSudoSetWeightsSetRateLimit, Param: "weights_set_rate_limit", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.WeightsSetRateLimit) }},
	{Call: CallSudoSetAdjustmentInterval, Param: "adjustment_interval", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.AdjustmentInterval) }},
	{Call: CallSudoSetTargetRegistrationsPerInterval, Param: "target_registrations_per_interval", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.TargetRegistrationsPerInterval) }},
	{Call: CallSudoSetMaxRegistrationsPerBlock, Param: "max_registrations_per_block", Subnet: true, Max: maxU16, hyper: func(h *Hyperparams) *uint64Field { return u16f(&h.MaxRegistrationsPerBlock) }},
	{Call: CallSudoSetAdjustmentAlpha, Param: "adjustment_alpha", Subnet: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.AdjustmentAlpha) }},
	{Call: CallSudoSetDifficulty, Param: "difficulty", Subnet: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.Difficulty) }},
	{Call: CallSudoSetMinDifficulty, Param: "min_difficulty", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.MinDifficulty) }},
	{Call: CallSudoSetMaxDifficulty, Param: "max_difficulty", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.MaxDifficulty) }},
	{Call: CallSudoSetMinBurn, Param: "min_burn", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.MinBurn) }},
	{Call: CallSudoSetMaxBurn, Param: "max_burn", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.MaxBurn) }},
	{Call: CallSudoSetNetworkRegistrationAllowed, Param: "network_registration_allowed", Subnet: true, OwnerMay: true, Max: maxBool, hyper: func(h *Hyperparams) *uint64Field { return boolf(&h.NetworkRegistrationAllowed) }},
	{Call: CallSudoSetNetworkPowRegistrationAllowed, Param: "network_pow_registration_allowed", Subnet: true, OwnerMay: true, Max: maxBool, hyper: func(h *Hyperparams) *uint64Field { return boolf(&h.NetworkPowRegistrationAllowed) }},
	{Call: CallSudoSetServingRateLimit, Param: "serving_rate_limit", Subnet: true, OwnerMay: true, Max: maxU64, hyper: func(h *Hyperparams) *uint64Field { return u64f(&h.ServingRateLimit) }},
	{Call: CallSudoSetRAORecycled, Param: "rao_recycled", Subnet: true, Max: maxU64},
	{Call: CallSudoSetTxRateLimit, Param: "tx_rate_limit", Max: maxU64, global: func(p *SubtensorParams) *uint64Field { return u64f(&p.TxRateLimit) }},
	{Call: CallSudoSetDefaultTake, Param: "default_take", Max: maxU16, global: func(p *SubtensorParams) *uint64Field { return u16f(&p.DefaultTake) }},
	{Call: CallSudoSetSubnetOwnerCut, Param: "subnet_owner_cut", Max: maxU16, global: func(p *SubtensorParams) *uint64Field { return u16f(&p.SubnetOwnerCut) }},
	{Call: CallSudoSetNetworkImmunityPeriod, Param: "network_immunity_period", Max: maxU64, global: func(p *SubtensorParams) *uint64Field { return u64f(&p.NetworkImmunityPeriod) }},
	{Call: CallSudoSetNetworkMinLockCost, Param: "network_min_lock_cost", Max: maxU64, global: func(p *SubtensorParams) *uint64Field { return u64f(&p.NetworkMinLockCost) }},
	{Call: CallSudoSetLockReductionInterval, Param: "network_lock_reduction_interval", Max: maxU64, global: func(p *SubtensorParams) *uint64Field { return u64f(&p.NetworkLockReductionInterval) }},
	{Call: CallSudoSetSubnetLimit, Param: "subnet_limit", Max: maxU16, global: func(p *SubtensorParams) *uint64Field { return u16f(&p.SubnetLimit) }},
	{Call: CallSudoSetNetworkRateLimit, Param: "network_rate_limit", Max: maxU64, global: func(p *SubtensorParams) *uint64Field { return u64f(&p.NetworkRateLimit) }},
}

// ParamSetters returns the table of AdminUtils setters, in a fixed order.
// The caller may not modify the entries.
func ParamSetters() []ParamSetter { return paramSetters }

// SetterForCall returns the setter of an AdminUtils call name.
func SetterForCall(call string) (*ParamSetter, bool) {
	for i := range paramSetters {
		if paramSetters[i].Call == call {
			return &paramSetters[i], true
		}
	}
	return nil, false
}

// SetterForParam returns the setter of a parameter name (e.g. "tempo",
// "tx_rate_limit").
func SetterForParam(name string) (*ParamSetter, bool) {
	for i := range paramSetters {
		if paramSetters[i].Param == name {
			return &paramSetters[i], true
		}
	}
	return nil, false
}

// SudoSet is the argument of every AdminUtils.sudo_set_* call: the subnet
// (for a per-subnet parameter; 0 and ignored for a chain-wide one) and the
// new value (a bool is 0 or 1; a u16 at most 65535). Build one with
// NewSudoSet.
type SudoSet struct {
	call   string
	Netuid uint16 `cbor:"1,keyasint,omitempty"`
	Value  uint64 `cbor:"2,keyasint"`
}

// NewSudoSet returns the arguments of the setter call named call.
func NewSudoSet(call string, netuid uint16, value uint64) (*SudoSet, error) {
	if _, ok := SetterForCall(call); !ok {
		return nil, fmt.Errorf("types: %q is not an AdminUtils setter", call)
	}
	return &SudoSet{call: call, Netuid: netuid, Value: value}, nil
}

// CallName implements CallArgs.
func (s *SudoSet) CallName() string { return s.call }
