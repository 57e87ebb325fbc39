package types

// SubtensorModule errors, with Bittensor's names, numbered 1000 + their
// position in the reference's error enum (pallets/subtensor/src/lib.rs), so
// the code of a name never changes. Some exist only for compatibility of the
// table and are never raised here (InvalidModality, CouldNotConvertToBalance,
// BenchmarkingOnly, …).
var (
	ErrNetworkDoesNotExist                = register(&Error{1000, "subtensor", "NetworkDoesNotExist", "the subnet does not exist"})
	ErrNetworkExist                       = register(&Error{1001, "subtensor", "NetworkExist", "the subnet already exists"})
	ErrInvalidModality                    = register(&Error{1002, "subtensor", "InvalidModality", "the modality is not valid"})
	ErrInvalidIPType                      = register(&Error{1003, "subtensor", "InvalidIpType", "the IP type is neither 4 nor 6"})
	ErrInvalidIPAddress                   = register(&Error{1004, "subtensor", "InvalidIpAddress", "the IP address is not a routable address of its type"})
	ErrInvalidPort                        = register(&Error{1005, "subtensor", "InvalidPort", "the port is 0"})
	ErrNotRegistered                      = register(&Error{1006, "subtensor", "NotRegistered", "the hotkey is not registered (on this subnet, or at all)"})
	ErrNonAssociatedColdKey               = register(&Error{1007, "subtensor", "NonAssociatedColdKey", "the coldkey does not own the hotkey (and the hotkey is not a delegate)"})
	ErrNotEnoughStakeToWithdraw           = register(&Error{1008, "subtensor", "NotEnoughStaketoWithdraw", "the coldkey has less stake on the hotkey than asked for, or asked for 0"})
	ErrNotEnoughBalanceToStake            = register(&Error{1009, "subtensor", "NotEnoughBalanceToStake", "the coldkey's free balance does not cover the amount"})
	ErrBalanceWithdrawalError             = register(&Error{1010, "subtensor", "BalanceWithdrawalError", "the withdrawal would take the coldkey below the existential deposit"})
	ErrNoValidatorPermit                  = register(&Error{1011, "subtensor", "NoValidatorPermit", "the neuron has no validator permit, so it may only set a weight on itself"})
	ErrWeightVecNotEqualSize              = register(&Error{1012, "subtensor", "WeightVecNotEqualSize", "the uids and weights have different lengths"})
	ErrDuplicateUids                      = register(&Error{1013, "subtensor", "DuplicateUids", "a uid appears twice in the weights"})
	ErrInvalidUID                         = register(&Error{1014, "subtensor", "InvalidUid", "a uid of the weights is not a neuron of the subnet (a subnet, for root weights)"})
	ErrNotSettingEnoughWeights            = register(&Error{1015, "subtensor", "NotSettingEnoughWeights", "fewer weights than the subnet's minimum"})
	ErrTooManyRegistrationsThisBlock      = register(&Error{1016, "subtensor", "TooManyRegistrationsThisBlock", "the subnet's registrations for this block are used up"})
	ErrAlreadyRegistered                  = register(&Error{1017, "subtensor", "AlreadyRegistered", "the hotkey is already registered"})
	ErrInvalidWorkBlock                   = register(&Error{1018, "subtensor", "InvalidWorkBlock", "the proof of work names a block that is in the future or too old"})
	ErrInvalidDifficulty                  = register(&Error{1019, "subtensor", "InvalidDifficulty", "the seal does not meet the difficulty"})
	ErrInvalidSeal                        = register(&Error{1020, "subtensor", "InvalidSeal", "the seal is not the hash of the block, key and nonce given"})
	ErrMaxAllowedUIDsNotAllowed           = register(&Error{1021, "subtensor", "MaxAllowedUIdsNotAllowed", "the maximum number of uids cannot be set to that"})
	ErrCouldNotConvertToBalance           = register(&Error{1022, "subtensor", "CouldNotConvertToBalance", "the amount does not convert to a balance"})
	ErrStakeAlreadyAdded                  = register(&Error{1023, "subtensor", "StakeAlreadyAdded", "the stake was already added"})
	ErrMaxWeightExceeded                  = register(&Error{1024, "subtensor", "MaxWeightExceeded", "one weight is a larger share than the subnet's max weight limit"})
	ErrStorageValueOutOfRange             = register(&Error{1025, "subtensor", "StorageValueOutOfRange", "the value is out of range"})
	ErrTempoHasNotSet                     = register(&Error{1026, "subtensor", "TempoHasNotSet", "the tempo is not set"})
	ErrInvalidTempo                       = register(&Error{1027, "subtensor", "InvalidTempo", "the tempo is not valid"})
	ErrEmissionValuesDoesNotMatchNetworks = register(&Error{1028, "subtensor", "EmissionValuesDoesNotMatchNetworks", "the emission values do not match the subnets"})
	ErrInvalidEmissionValues              = register(&Error{1029, "subtensor", "InvalidEmissionValues", "the emission values are not valid"})
	ErrAlreadyDelegate                    = register(&Error{1030, "subtensor", "AlreadyDelegate", "the hotkey is already a delegate"})
	ErrSettingWeightsTooFast              = register(&Error{1031, "subtensor", "SettingWeightsTooFast", "weights were set too recently (the subnet's weights rate limit)"})
	ErrIncorrectNetworkVersionKey         = register(&Error{1032, "subtensor", "IncorrectNetworkVersionKey", "the weights' version key is below the subnet's"})
	ErrServingRateLimitExceeded           = register(&Error{1033, "subtensor", "ServingRateLimitExceeded", "the axon or prometheus endpoint was served too recently"})
	ErrBalanceSetError                    = register(&Error{1034, "subtensor", "BalanceSetError", "the balance could not be set"})
	ErrMaxAllowedUidsExceeded             = register(&Error{1035, "subtensor", "MaxAllowedUidsExceeded", "the subnet has no free uid"})
	ErrTooManyUids                        = register(&Error{1036, "subtensor", "TooManyUids", "more weights than the subnet has neurons"})
	ErrTxRateLimitExceeded                = register(&Error{1037, "subtensor", "TxRateLimitExceeded", "a rate-limited call was made too soon after the previous one"})
	ErrRegistrationDisabled               = register(&Error{1038, "subtensor", "RegistrationDisabled", "this kind of registration is turned off on the subnet"})
	ErrTooManyRegistrationsThisInterval   = register(&Error{1039, "subtensor", "TooManyRegistrationsThisInterval", "the subnet's registrations for this adjustment interval are used up"})
	ErrBenchmarkingOnly                   = register(&Error{1040, "subtensor", "BenchmarkingOnly", "the call exists only for benchmarks"})
	ErrHotkeyOriginMismatch               = register(&Error{1041, "subtensor", "HotkeyOriginMismatch", "the signer is not the hotkey being registered"})
	ErrSenateMember                       = register(&Error{1042, "subtensor", "SenateMember", "the hotkey is a senate member"})
	ErrNotSenateMember                    = register(&Error{1043, "subtensor", "NotSenateMember", "the hotkey is not a senate member"})
	ErrAlreadySenateMember                = register(&Error{1044, "subtensor", "AlreadySenateMember", "the hotkey is already a senate member"})
	ErrBelowStakeThreshold                = register(&Error{1045, "subtensor", "BelowStakeThreshold", "the stake is below the threshold"})
	ErrNotDelegate                        = register(&Error{1046, "subtensor", "NotDelegate", "the hotkey is not a delegate"})
	ErrIncorrectNetuidsLength             = register(&Error{1047, "subtensor", "IncorrectNetuidsLength", "the list of netuids has the wrong length"})
	ErrFaucetDisabled                     = register(&Error{1048, "subtensor", "FaucetDisabled", "this chain has no faucet"})
	ErrNotSubnetOwner                     = register(&Error{1049, "subtensor", "NotSubnetOwner", "the signer does not own the subnet"})
	ErrOperationNotPermittedOnRootSubnet  = register(&Error{1050, "subtensor", "OperationNotPermittedonRootSubnet", "the call is not allowed on the root network (netuid 0)"})
	ErrStakeTooLowForRoot                 = register(&Error{1051, "subtensor", "StakeTooLowForRoot", "the hotkey's stake is below the lowest root validator's"})
	ErrAllNetworksInImmunity              = register(&Error{1052, "subtensor", "AllNetworksInImmunity", "the subnet limit is reached and every subnet is still immune to pruning"})
	ErrNotEnoughBalance                   = register(&Error{1053, "subtensor", "NotEnoughBalance", "the free balance is too low"})
)

// SubtensorModule errors of this chain that Bittensor does not have (it has
// no such check). Codes 1100 and up.
var (
	ErrWorkAlreadyUsed      = register(&Error{1100, "subtensor", "WorkAlreadyUsed", "this proof of work was already spent"})
	ErrBurnAboveMaximum     = register(&Error{1101, "subtensor", "BurnAboveMaximum", "the subnet's burn is above the most the caller agreed to pay (it rose since the quote)"})
	ErrLockCostAboveMaximum = register(&Error{1102, "subtensor", "LockCostAboveMaximum", "the subnet lock cost is above the most the caller agreed to lock (it rose since the quote)"})
	ErrHotkeyAlreadyExists  = register(&Error{1103, "subtensor", "HotkeyAlreadyExists", "the new hotkey already has an owner on chain"})
)

// AdminUtils errors, with Bittensor's names. Codes 2000 and up.
var (
	ErrAdminNetworkDoesNotExist      = register(&Error{2000, "admin", "NetworkDoesNotExist", "the subnet does not exist"})
	ErrAdminStorageValueOutOfRange   = register(&Error{2001, "admin", "StorageValueOutOfRange", "the value is out of the parameter's range"})
	ErrAdminMaxAllowedUIDsNotAllowed = register(&Error{2002, "admin", "MaxAllowedUIdsNotAllowed", "the maximum number of uids must stay above the subnet's current number of neurons"})
)
