package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
)

// The one place btcli turns the chain's refusals into sentences. The chain
// already says what was wrong with the numbers at hand ("weights set too
// soon: wait 37 more blocks (rate limit 100, last update at block 63)");
// ChainError adds the error's name and what the user can do about it. btcli
// learns of a refusal by asking the chain (Preflight), never by restating a
// chain rule, so a better sentence belongs in the hints below, where it
// serves every command and both kinds of chain.

// chainHints says, per chain error, what the user can do. Errors not listed
// get the chain's sentence alone.
var chainHints = map[uint32]string{
	types.ErrNotEnoughBalanceToStake.Code:           "add TAO to the coldkey first (btcli wallet transfer, or btcli wallet faucet on a test network)",
	types.ErrNotEnoughBalance.Code:                  "add TAO to the coldkey first (btcli wallet transfer, or btcli wallet faucet on a test network)",
	types.ErrInsufficientBalance.Code:               "add TAO to the coldkey first (btcli wallet transfer, or btcli wallet faucet on a test network)",
	types.ErrCannotPayFee.Code:                      "the account cannot pay the transaction fee; add TAO to it",
	types.ErrBalanceWithdrawalError.Code:            "the coldkey must keep the existential deposit free; ask for a little less",
	types.ErrExistentialDeposit.Code:                "an account may not be left or created below the existential deposit; ask for a different amount",
	types.ErrKeepAlive.Code:                         "the account must keep the existential deposit; send a little less",
	types.ErrTxRateLimitExceeded.Code:               "the chain limits how often one coldkey may stake, register or swap; run the command again after that many blocks",
	types.ErrSettingWeightsTooFast.Code:             "the subnet's weights_set_rate_limit applies (btcli sudo get shows it); run the command again after that many blocks",
	types.ErrServingRateLimitExceeded.Code:          "the subnet's serving_rate_limit applies; serve again after that many blocks",
	types.ErrBurnAboveMaximum.Code:                  "the burn rose since it was quoted; run the command again to see the new price",
	types.ErrLockCostAboveMaximum.Code:              "the lock cost rose since it was quoted; run the command again to see the new price",
	types.ErrNoValidatorPermit.Code:                 "validator permits go to the subnet's top neurons by stake at each epoch; until the hotkey holds one it may only set a weight on its own uid (--uids with that uid alone)",
	types.ErrNotRegistered.Code:                     "register the hotkey on the subnet first (btcli subnets register, or btcli subnets pow_register; btcli root register for the root network)",
	types.ErrNonAssociatedColdKey.Code:              "use the wallet whose coldkey owns the hotkey, or stake to a delegate (btcli root list_delegates lists them)",
	types.ErrAlreadyRegistered.Code:                 "the hotkey already has a uid there (btcli wallet overview shows it); a hotkey swap needs a new hotkey never used on chain",
	types.ErrRegistrationDisabled.Code:              "the subnet's owner has turned this kind of registration off (btcli subnets hyperparameters shows network_registration_allowed and network_pow_registration_allowed)",
	types.ErrTooManyRegistrationsThisBlock.Code:     "try again in the next block",
	types.ErrTooManyRegistrationsThisInterval.Code:  "the subnet takes no more registrations until its adjustment interval ends; try again later",
	types.ErrNetworkDoesNotExist.Code:               "btcli subnets list shows the subnets",
	types.ErrAdminNetworkDoesNotExist.Code:          "btcli subnets list shows the subnets",
	types.ErrNotEnoughStakeToWithdraw.Code:          "btcli stake show lists the coldkey's stake",
	types.ErrIncorrectNetworkVersionKey.Code:        "pass a --version_key of at least the subnet's weights_version_key (btcli sudo get shows it)",
	types.ErrMaxWeightExceeded.Code:                 "spread the weights over more uids (the subnet's max_weights_limit)",
	types.ErrNotSettingEnoughWeights.Code:           "set at least the subnet's min_allowed_weights weights",
	types.ErrInvalidUID.Code:                        "btcli subnets metagraph lists the subnet's uids",
	types.ErrTooManyUids.Code:                       "btcli subnets metagraph lists the subnet's uids",
	types.ErrDuplicateUids.Code:                     "name each uid once",
	types.ErrBadOrigin.Code:                         "only the subnet's owner (for the parameters an owner may set) or the chain's sudo key may do this",
	types.ErrNotSubnetOwner.Code:                    "only the subnet's owner may do this",
	types.ErrAdminStorageValueOutOfRange.Code:       "choose a value in the parameter's range",
	types.ErrAdminMaxAllowedUIDsNotAllowed.Code:     "max_allowed_uids cannot go below the subnet's current number of neurons",
	types.ErrAlreadyDelegate.Code:                   "the hotkey is already a delegate; nothing to do",
	types.ErrHotkeyAlreadyExists.Code:               "swap to a hotkey that has never been used on chain",
	types.ErrAllNetworksInImmunity.Code:             "every subnet is still immune to pruning; try again when the oldest one's network_immunity_period ends",
	types.ErrInvalidIPAddress.Code:                  "announce a public address (loopback, private and unspecified addresses are refused)",
	types.ErrInvalidPort.Code:                       "announce a port from 1 to 65535",
	types.ErrOperationNotPermittedOnRootSubnet.Code: "use btcli root commands for the root network (netuid 0)",
	types.ErrInvalidWorkBlock.Code:                  "the proof of work went stale before it was included; run the command again",
	types.ErrFaucetDisabled.Code:                    "this network has no faucet",
	types.ErrStakeTooLowForRoot.Code:                "stake more on the hotkey than the root network's least-staked validator has (btcli root list shows their stake)",
	types.ErrNotSenateMember.Code:                   "only senators vote (btcli root senate lists them); sign with the wallet whose hotkey holds a seat",
	types.ErrNotMember.Code:                         "only triumvirate members propose",
	types.ErrDuplicateVote.Code:                     "the vote is already counted; vote the other way to change it",
	types.ErrTooEarly.Code:                          "the senate can still decide it; close it once its votes decide it or its voting period ends (btcli root proposals shows both)",
	types.ErrWrongDuration.Code:                     "give a --duration of at least the chain's motion duration, or leave it out",
	types.ErrDuplicateProposal.Code:                 "the same call is already proposed: vote on that proposal, or close it first",
	types.ErrTooManyProposals.Code:                  "close a decided proposal first (btcli root proposals, btcli root close)",
	types.ErrTooManyInPool.Code:                     "the node holds a limited number of one account's transactions until blocks include them; send the rest after the next blocks",
	types.ErrQueryTimeout.Code:                      "the node stops a query that runs longer than its --query-timeout; try again, or ask another node",
}

// ChainRefusal is a chain error explained for a user: what was refused, the
// chain's error (by name, with its sentence about the case) and what to do.
// It unwraps to the *types.ChainError, so errors.Is with the chain's
// sentinels still works.
type ChainRefusal struct {
	What string // the action, e.g. "stake"
	Err  *types.ChainError
	Hint string // what the user can do; may be empty
	// InBlock is the block in which the transaction failed (0 when the node
	// refused it before a block; then nothing was charged).
	InBlock uint64
	// NotSent reports that the chain refused the transaction when btcli
	// asked it first, in a dry run (Preflight): nothing was sent or charged.
	NotSent bool
	// Query reports that the error answered a query, not a transaction.
	Query bool
}

// Error is one line: "<what> refused by the chain: <Name>: <sentence> (<hint>)".
// When the transaction failed in a block it says so: only the nonce and fee
// were charged.
func (e *ChainRefusal) Error() string {
	var b strings.Builder
	b.WriteString(e.What)
	switch {
	case e.Query:
	case e.NotSent:
		b.WriteString(" not sent")
	case e.InBlock > 0:
		fmt.Fprintf(&b, " failed in block %d (only the fee was charged)", e.InBlock)
	default:
		b.WriteString(" refused by the chain")
	}
	b.WriteString(": ")
	msg := e.Err.Message
	if msg == "" {
		msg = e.Err.Name
	} else if !strings.HasPrefix(msg, e.Err.Name) {
		msg = e.Err.Name + ": " + msg
	}
	b.WriteString(msg)
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

// Unwrap returns the chain's error.
func (e *ChainRefusal) Unwrap() error { return e.Err }

// ChainError explains err, if it is the chain's (a *types.ChainError
// anywhere in its chain), as a ChainRefusal of what; any other error is
// returned as it is. Every btcli command passes the errors of its chain
// calls through it.
func ChainError(what string, err error) error {
	var ce *types.ChainError
	if err == nil || !errors.As(err, &ce) {
		return err
	}
	var r *ChainRefusal
	if errors.As(err, &r) {
		return err // already explained
	}
	return &ChainRefusal{What: what, Err: ce, Hint: chainHint(ce)}
}

// QueryError explains the chain's answer to a failed query (a subnet that
// does not exist, a block the node no longer keeps) as ChainError does, as
// "<what>: <Name>: <sentence> (<hint>)".
func QueryError(what string, err error) error {
	e := ChainError(what, err)
	if r, ok := e.(*ChainRefusal); ok && r != err {
		r.Query = true
	}
	return e
}

// ChainErrorInBlock is ChainError for a transaction that failed in block.
func ChainErrorInBlock(what string, block uint64, err error) error {
	e := ChainError(what, err)
	if r, ok := e.(*ChainRefusal); ok {
		r.InBlock = block
	}
	return e
}

// runtimeHints says, for errors only Bittensor's Substrate runtimes have
// (no go-bittensor code), what the user can do, by the error's name.
var runtimeHints = map[string]string{
	"CanNotSetRootNetworkWeights": "a dynamic-TAO runtime has no root weights: a subnet's share of emission follows the TAO in its pool",
	"SubnetNotExists":             "btcli subnets list shows the subnets",
	"InvalidChild":                "a hotkey cannot be its own child",
	"DuplicateChild":              "name each child once",
	"TooManyChildren":             "a hotkey has at most five children on a subnet",
	"InvalidChildkeyTake":         "the runtime bounds the childkey take (btcli stake childkey_take shows the current one)",
}

func chainHint(ce *types.ChainError) string {
	if h, ok := chainHints[ce.Code]; ok && ce.Code != 0 {
		return h
	}
	return runtimeHints[ce.Name]
}

// TxError is ChainError for the outcome of a transaction sent with
// subtensor.WaitInclusion: when the transaction failed in its block (res
// has the block) the message says so.
func TxError(what string, res *subtensor.TxResult, err error) error {
	if res != nil && res.Err != nil && res.Height > 0 {
		return ChainErrorInBlock(what, res.Height, err)
	}
	return ChainError(what, err)
}
