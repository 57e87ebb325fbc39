package types

import (
	"fmt"
	"math"
)

// Hyperparams are one subnet's hyperparameters (the reference's per-netuid
// storage in pallets/subtensor/src/lib.rs), as stored per netuid, set at the
// subnet's creation from SubtensorParams.SubnetDefaults (the root network's
// from the genesis) and changed by the AdminUtils sudo_set_* calls. u16
// proportions use 65535 = 1.0; amounts are RAO; periods are blocks.
//
// Burn and Difficulty are the subnet's current registration prices: the
// block step adjusts them every AdjustmentInterval, from the interval's
// registrations.
type Hyperparams struct {
	// Tempo is the number of blocks between the subnet's epochs (at least 1).
	Tempo uint16 `json:"tempo"`
	// Rho is the steepness of the root epoch's consensus sigmoid.
	Rho uint16 `json:"rho"`
	// Kappa is the consensus majority, a u16 proportion (32767 ≈ 0.5).
	Kappa uint16 `json:"kappa"`
	// ImmunityPeriod is how many blocks a new neuron cannot be replaced.
	ImmunityPeriod uint16 `json:"immunity_period"`
	// MinAllowedWeights is the fewest weights a validator may set.
	MinAllowedWeights uint16 `json:"min_allowed_weights"`
	// MaxWeightsLimit is the largest share one weight may have, as a u16
	// proportion (65535 = no limit).
	MaxWeightsLimit uint16 `json:"max_weights_limit"`
	// MaxAllowedUids is the subnet's size: registrations past it replace a
	// neuron.
	MaxAllowedUids uint16 `json:"max_allowed_uids"`
	// MaxAllowedValidators is the number of validator permits.
	MaxAllowedValidators uint16 `json:"max_allowed_validators"`
	// ActivityCutoff is how many blocks after its last weights a validator
	// counts as active.
	ActivityCutoff uint16 `json:"activity_cutoff"`
	// BondsMovingAverage is the bonds EMA factor in millionths (at most
	// 1,000,000).
	BondsMovingAverage uint64 `json:"bonds_moving_average"`
	// WeightsVersionKey is the lowest version key set_weights accepts
	// (0 accepts any).
	WeightsVersionKey uint64 `json:"weights_version_key"`
	// WeightsSetRateLimit is how many blocks must pass between two
	// set_weights of a neuron (counted from its registration at first).
	WeightsSetRateLimit uint64 `json:"weights_set_rate_limit"`
	// AdjustmentInterval is the number of blocks between registration price
	// adjustments (at least 1).
	AdjustmentInterval uint16 `json:"adjustment_interval"`
	// TargetRegistrationsPerInterval is the registrations per interval the
	// price adjustment aims at (1 to 32767); at most three times as many
	// are allowed.
	TargetRegistrationsPerInterval uint16 `json:"target_registrations_per_interval"`
	// MaxRegistrationsPerBlock limits registrations in one block.
	MaxRegistrationsPerBlock uint16 `json:"max_registrations_per_block"`
	// AdjustmentAlpha smooths the price adjustment: alpha/2^64 of the old
	// price is kept (values below 2^46 mean no smoothing).
	AdjustmentAlpha uint64 `json:"adjustment_alpha"`
	// Difficulty is the current proof-of-work difficulty.
	Difficulty uint64 `json:"difficulty"`
	// MinDifficulty and MaxDifficulty bound the difficulty's adjustment.
	MinDifficulty uint64 `json:"min_difficulty"`
	MaxDifficulty uint64 `json:"max_difficulty"`
	// Burn is the current price of burned_register, in RAO.
	Burn uint64 `json:"burn"`
	// MinBurn and MaxBurn bound the burn's adjustment, in RAO.
	MinBurn uint64 `json:"min_burn"`
	MaxBurn uint64 `json:"max_burn"`
	// NetworkRegistrationAllowed turns registration (burned and PoW) on.
	NetworkRegistrationAllowed bool `json:"network_registration_allowed"`
	// NetworkPowRegistrationAllowed turns proof-of-work registration on.
	NetworkPowRegistrationAllowed bool `json:"network_pow_registration_allowed"`
	// ServingRateLimit is how many blocks must pass between two serve_axon
	// (or serve_prometheus) calls of a hotkey on the subnet.
	ServingRateLimit uint64 `json:"serving_rate_limit"`
}

// RuntimeHyperparams are the reference runtime's defaults for a subnet (its
// Initial* constants), before register_network or the root network's
// creation write their own values over some of them.
func RuntimeHyperparams() Hyperparams {
	return Hyperparams{
		Tempo:                          99,
		Rho:                            10,
		Kappa:                          32_767,
		ImmunityPeriod:                 4096,
		MinAllowedWeights:              1024,
		MaxWeightsLimit:                1000,
		MaxAllowedUids:                 4096,
		MaxAllowedValidators:           128,
		ActivityCutoff:                 5000,
		BondsMovingAverage:             900_000,
		WeightsVersionKey:              0,
		WeightsSetRateLimit:            100,
		AdjustmentInterval:             100,
		TargetRegistrationsPerInterval: 2,
		MaxRegistrationsPerBlock:       1,
		AdjustmentAlpha:                0,
		Difficulty:                     10_000_000,
		MinDifficulty:                  10_000_000,
		MaxDifficulty:                  math.MaxUint64 / 4,
		Burn:                           1_000_000_000,
		MinBurn:                        1_000_000_000,
		MaxBurn:                        100_000_000_000,
		NetworkRegistrationAllowed:     false,
		NetworkPowRegistrationAllowed:  false,
		ServingRateLimit:               50,
	}
}

// DefaultSubnetHyperparams are what register_network gives a new subnet in
// the reference: the runtime defaults with init_new_network's values (tempo
// 360, immunity 5000, min weights 1, no max-weight limit, 256 uids, 64
// validators, interval 360, target 1, alpha 58000, PoW difficulty pinned at
// u64::MAX, min burn 1 RAO, registration on).
func DefaultSubnetHyperparams() Hyperparams {
	h := RuntimeHyperparams()
	h.Tempo = 360
	h.ImmunityPeriod = 5000
	h.MinAllowedWeights = 1
	h.MaxWeightsLimit = 65535
	h.MaxAllowedUids = 256
	h.MaxAllowedValidators = 64
	h.AdjustmentInterval = 360
	h.TargetRegistrationsPerInterval = 1
	h.AdjustmentAlpha = 58_000
	h.MinDifficulty = math.MaxUint64
	h.MaxDifficulty = math.MaxUint64
	h.MinBurn = 1
	h.NetworkRegistrationAllowed = true
	return h
}

// DefaultRootHyperparams are the root network's (netuid 0) values in the
// reference (migrate_create_root_network): the runtime defaults with tempo 100, 64
// uids and validators, no minimum weights, no max-weight limit, target 1 and
// registration on.
func DefaultRootHyperparams() Hyperparams {
	h := RuntimeHyperparams()
	h.Tempo = 100
	h.MaxAllowedUids = 64
	h.MaxAllowedValidators = 64
	h.MinAllowedWeights = 0
	h.MaxWeightsLimit = 65535
	h.TargetRegistrationsPerInterval = 1
	h.NetworkRegistrationAllowed = true
	return h
}

// Validate rejects hyperparameters that would stop the chain or a subnet
// (where the reference panics or its epoch never runs), naming the field.
// Errors wrap ErrAdminStorageValueOutOfRange.
func (h Hyperparams) Validate() error {
	switch {
	case h.Tempo == 0:
		return Errorf(ErrAdminStorageValueOutOfRange, "tempo 0 would stop the subnet's epochs; use 1 or more")
	case h.AdjustmentInterval == 0:
		return Errorf(ErrAdminStorageValueOutOfRange, "adjustment_interval must be at least 1 block")
	case h.TargetRegistrationsPerInterval == 0 || h.TargetRegistrationsPerInterval > 32767:
		return Errorf(ErrAdminStorageValueOutOfRange, "target_registrations_per_interval %d: must be 1 to 32767 (the adjustment divides by twice the target as a u16)", h.TargetRegistrationsPerInterval)
	case h.BondsMovingAverage > 1_000_000:
		return Errorf(ErrAdminStorageValueOutOfRange, "bonds_moving_average %d: at most 1000000 (1.0)", h.BondsMovingAverage)
	case h.MaxAllowedUids == 0:
		return Errorf(ErrAdminStorageValueOutOfRange, "max_allowed_uids must be at least 1")
	}
	return nil
}

// SubtensorParams are the chain-wide parameters of the subnet, staking and
// registration rules (the reference's chain-wide storage values), part of
// Params.
type SubtensorParams struct {
	// TxRateLimit is how many blocks must pass between a coldkey's
	// rate-limited calls (add_stake, remove_stake, become_delegate,
	// swap_hotkey); 0 turns the limit off.
	TxRateLimit uint64 `json:"tx_rate_limit"`
	// DefaultTake is the delegate take given by become_delegate, a u16
	// proportion (11796 ≈ 18%).
	DefaultTake uint16 `json:"default_take"`
	// SubnetOwnerCut is the share of each subnet's emission paid to its
	// owner, a u16 proportion.
	SubnetOwnerCut uint16 `json:"subnet_owner_cut"`
	// NetworkImmunityPeriod is how many blocks a new subnet cannot be pruned.
	NetworkImmunityPeriod uint64 `json:"network_immunity_period"`
	// NetworkMinLockCost is the least RAO locked to register a subnet (at
	// least the existential deposit).
	NetworkMinLockCost uint64 `json:"network_min_lock_cost"`
	// NetworkLockReductionInterval is the number of blocks over which a
	// doubled lock cost decays back to the last lock paid (at least 1).
	NetworkLockReductionInterval uint64 `json:"network_lock_reduction_interval"`
	// SubnetLimit is the number of subnets (root excluded) before a new one
	// prunes the weakest.
	SubnetLimit uint16 `json:"subnet_limit"`
	// NetworkRateLimit is how many blocks must pass between two subnet
	// registrations (counted from block 0 for the first one).
	NetworkRateLimit uint64 `json:"network_rate_limit"`
	// HotkeySwapCost is the RAO burned by swap_hotkey (1 TAO in the
	// reference, where it is a constant).
	HotkeySwapCost uint64 `json:"hotkey_swap_cost"`
	// SubnetDefaults are the hyperparameters register_network gives a new
	// subnet.
	SubnetDefaults Hyperparams `json:"subnet_defaults"`
}

// DefaultSubtensorParams are the reference runtime's values.
func DefaultSubtensorParams() SubtensorParams {
	return SubtensorParams{
		TxRateLimit:                  1000,
		DefaultTake:                  11_796,
		SubnetOwnerCut:               11_796,
		NetworkImmunityPeriod:        50_400,
		NetworkMinLockCost:           1_000_000_000_000,
		NetworkLockReductionInterval: 100_800,
		SubnetLimit:                  12,
		NetworkRateLimit:             7200,
		HotkeySwapCost:               1_000_000_000,
		SubnetDefaults:               DefaultSubnetHyperparams(),
	}
}

// validate checks the subtensor parameters against the existential deposit.
// Errors wrap ErrAdminStorageValueOutOfRange.
func (p SubtensorParams) validate(existentialDeposit uint64) error {
	if p.NetworkLockReductionInterval == 0 {
		return Errorf(ErrAdminStorageValueOutOfRange, "network_lock_reduction_interval must be at least 1 block")
	}
	if p.NetworkMinLockCost < existentialDeposit {
		return Errorf(ErrAdminStorageValueOutOfRange, "network_min_lock_cost %d RAO is below the existential deposit %d (a returned lock must be able to fund an account)", p.NetworkMinLockCost, existentialDeposit)
	}
	if err := p.SubnetDefaults.Validate(); err != nil {
		return fmt.Errorf("subnet_defaults: %w", err)
	}
	return nil
}
