package subtensor

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
)

// substrateErrors maps the errors of Bittensor's runtime to the chain/types
// sentinels that mean the same, so that callers test a refusal the same way
// on either backend (errors.Is(err, types.ErrNotRegistered)). The runtime's
// own name and documentation stay in the error's message. Names missing
// here keep their runtime name and match no sentinel.
var substrateErrors = map[string]*types.Error{
	"SubNetworkDoesNotExist":                 types.ErrNetworkDoesNotExist,
	"RootNetworkDoesNotExist":                types.ErrNetworkDoesNotExist,
	"SubnetNotExists":                        types.ErrNetworkDoesNotExist,
	"InvalidIpType":                          types.ErrInvalidIPType,
	"InvalidIpAddress":                       types.ErrInvalidIPAddress,
	"InvalidPort":                            types.ErrInvalidPort,
	"HotKeyNotRegisteredInSubNet":            types.ErrNotRegistered,
	"HotKeyNotRegisteredInNetwork":           types.ErrNotRegistered,
	"HotKeyAccountNotExists":                 types.ErrNotRegistered,
	"NonAssociatedColdKey":                   types.ErrNonAssociatedColdKey,
	"HotKeyNotDelegateAndSignerNotOwnHotKey": types.ErrNonAssociatedColdKey,
	"StakeToWithdrawIsZero":                  types.ErrNotEnoughStakeToWithdraw,
	"NotEnoughStake":                         types.ErrNotEnoughStakeToWithdraw,
	"NotEnoughStakeToWithdraw":               types.ErrNotEnoughStakeToWithdraw,
	"NotEnoughBalanceToStake":                types.ErrNotEnoughBalanceToStake,
	"BalanceWithdrawalError":                 types.ErrBalanceWithdrawalError,
	"NeuronNoValidatorPermit":                types.ErrNoValidatorPermit,
	"WeightVecNotEqualSize":                  types.ErrWeightVecNotEqualSize,
	"DuplicateUids":                          types.ErrDuplicateUids,
	"UidVecContainInvalidOne":                types.ErrInvalidUID,
	"WeightVecLengthIsLow":                   types.ErrNotSettingEnoughWeights,
	"TooManyRegistrationsThisBlock":          types.ErrTooManyRegistrationsThisBlock,
	"HotKeyAlreadyRegisteredInSubNet":        types.ErrAlreadyRegistered,
	"InvalidWorkBlock":                       types.ErrInvalidWorkBlock,
	"InvalidDifficulty":                      types.ErrInvalidDifficulty,
	"InvalidSeal":                            types.ErrInvalidSeal,
	"MaxWeightExceeded":                      types.ErrMaxWeightExceeded,
	"HotKeyAlreadyDelegate":                  types.ErrAlreadyDelegate,
	"SettingWeightsTooFast":                  types.ErrSettingWeightsTooFast,
	"IncorrectWeightVersionKey":              types.ErrIncorrectNetworkVersionKey,
	"ServingRateLimitExceeded":               types.ErrServingRateLimitExceeded,
	"UidsLengthExceedUidsInSubNet":           types.ErrTooManyUids,
	"NetworkTxRateLimitExceeded":             types.ErrTxRateLimitExceeded,
	"DelegateTxRateLimitExceeded":            types.ErrTxRateLimitExceeded,
	"HotKeySetTxRateLimitExceeded":           types.ErrTxRateLimitExceeded,
	"TxRateLimitExceeded":                    types.ErrTxRateLimitExceeded,
	"SubNetRegistrationDisabled":             types.ErrRegistrationDisabled,
	"TooManyRegistrationsThisInterval":       types.ErrTooManyRegistrationsThisInterval,
	"NotSenateMember":                        types.ErrNotSenateMember,
	"FaucetDisabled":                         types.ErrFaucetDisabled,
	"NotSubnetOwner":                         types.ErrNotSubnetOwner,
	"RegistrationNotPermittedOnRootSubnet":   types.ErrOperationNotPermittedOnRootSubnet,
	"StakeTooLowForRoot":                     types.ErrStakeTooLowForRoot,
	"AllNetworksInImmunity":                  types.ErrAllNetworksInImmunity,
	"NotEnoughBalanceToPaySwapHotKey":        types.ErrNotEnoughBalance,
	"NewHotKeyIsSameWithOld":                 types.ErrHotkeyAlreadyExists,
	"ColdKeyAlreadyAssociated":               types.ErrHotkeyAlreadyExists,
	// Balances and the dispatch errors of the runtime.
	"InsufficientBalance": types.ErrInsufficientBalance,
	"FundsUnavailable":    types.ErrInsufficientBalance,
	"ExistentialDeposit":  types.ErrExistentialDeposit,
	"Expendability":       types.ErrKeepAlive,
	"BadOrigin":           types.ErrBadOrigin,
	"RequireSudo":         types.ErrBadOrigin,
}

// dispatchError is a call's failure in its block (or its dry run) as a
// *types.ChainError: the sentinel's code when one means the same, the
// runtime's pallet, name and documentation.
func dispatchError(e *substrate.DispatchError) error {
	ce := &types.ChainError{Name: e.Name(), Module: e.Kind, Message: e.Error()}
	if e.Module != nil {
		ce.Module = e.Module.Pallet
		ce.Message = e.Module.Name
		if d := e.Module.Doc(); d != "" {
			ce.Message += ": " + d
		}
	}
	if s, ok := substrateErrors[ce.Name]; ok {
		ce.Code = s.Code
	}
	return ce
}

// invalidError is the node's refusal of an extrinsic before its pool as a
// *types.ChainError. A runtime's custom validity codes are Bittensor's own
// checks, which depend on the call; they are named after the call.
func invalidError(e *substrate.InvalidError, x *substrate.Extrinsic) error {
	ce := &types.ChainError{Module: "tx", Name: e.Kind, Message: e.Kind}
	var s *types.Error
	switch e.Kind {
	case "Payment":
		s, ce.Message = types.ErrCannotPayFee, "Payment: the signer cannot pay the fee (its balance is too low)"
	case "Stale", "AlreadyImported":
		s, ce.Message = types.ErrStaleNonce, e.Kind+": the nonce was already used (the transaction, or another with its nonce, was already sent)"
	case "Future":
		s, ce.Message = types.ErrFutureNonce, "Future: the nonce is ahead of the account's next nonce"
	case "BadProof":
		s, ce.Message = types.ErrBadSignature, "BadProof: the signature does not verify, or the transaction's era has expired"
	case "AncientBirthBlock":
		ce.Message = "AncientBirthBlock: the transaction's era has expired; sign it again"
	case "Custom":
		ce.Name, ce.Message = customValidity(e.Custom, x)
		s = substrateErrors[ce.Name]
	default:
		if e.Message != "" {
			ce.Message = e.Kind + ": " + e.Message
		}
	}
	if s != nil {
		ce.Code = s.Code
		if e.Kind != "Custom" {
			ce.Name = s.Name
		}
	}
	return ce
}

// customValidity names the custom validity codes of subtensor's signed
// extension (pallets/subtensor SubtensorSignedExtension): 0 a coldkey in a
// swap schedule, 1 to 4 too little stake to commit, reveal or set weights,
// 5 too many registrations this interval.
func customValidity(code uint8, x *substrate.Extrinsic) (name, message string) {
	switch code {
	case 0:
		return "ColdkeyInSwapSchedule", "ColdkeyInSwapSchedule: the coldkey is scheduled to be swapped and may not transfer"
	case 1, 2, 3, 4:
		return "NotEnoughStakeToSetWeights", "NotEnoughStakeToSetWeights: the hotkey has less stake than the subnet requires to set weights"
	case 5:
		return "TooManyRegistrationsThisInterval", "TooManyRegistrationsThisInterval: the subnet has taken all the registrations it allows this interval"
	}
	return "Custom" + strconv.Itoa(int(code)), "Custom(" + strconv.Itoa(int(code)) + "): the runtime refused the transaction with its own check"
}
