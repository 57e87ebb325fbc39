package types

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a named failure the chain can answer a transaction or query with.
// Each has a stable numeric code (the ABCI result code), the module that
// raises it (the ABCI codespace) and a name; where Bittensor has the same
// failure, the name is Bittensor's (e.g. NotEnoughBalanceToStake).
//
// Errors are sentinels: compare with errors.Is. The chain wraps them with a
// sentence about the case at hand (see Errorf); a client reconstructs them
// from the code with ErrorFromCode.
type Error struct {
	Code   uint32
	Module string
	Name   string
	Doc    string // what the error means, in a sentence
}

func (e *Error) Error() string { return e.Name + ": " + e.Doc }

// detailError is an Error with a message about the particular case.
type detailError struct {
	err    *Error
	detail string
}

func (d *detailError) Error() string { return d.err.Name + ": " + d.detail }
func (d *detailError) Unwrap() error { return d.err }

// Errorf wraps e with a message about the case at hand. The result matches e
// under errors.Is, and CodeOf returns e's code.
func Errorf(e *Error, format string, args ...any) error {
	return &detailError{err: e, detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the chain Error an error wraps, or ErrInternal for errors
// that are not chain errors.
func CodeOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal
}

// The envelope errors: raised before a call runs. Codes 1–99.
var (
	ErrInternal      = register(&Error{1, "tx", "Internal", "the node failed unexpectedly"})
	ErrTxDecode      = register(&Error{2, "tx", "TxDecode", "the transaction bytes do not decode as a canonical transaction"})
	ErrTxTooLarge    = register(&Error{3, "tx", "TxTooLarge", "the transaction is larger than the chain accepts"})
	ErrBadSignature  = register(&Error{4, "tx", "BadSignature", "the signature does not verify against the signer"})
	ErrWrongChain    = register(&Error{5, "tx", "WrongChainID", "the transaction was signed for another chain"})
	ErrStaleNonce    = register(&Error{6, "tx", "StaleNonce", "the nonce was already used (replay or duplicate)"})
	ErrFutureNonce   = register(&Error{7, "tx", "FutureNonce", "the nonce is ahead of the account's next nonce"})
	ErrFeeTooLow     = register(&Error{8, "tx", "FeeTooLow", "the fee offered is below the chain's fee for this transaction"})
	ErrCannotPayFee  = register(&Error{9, "tx", "CannotPayFee", "the signer cannot pay the fee and stay above the existential deposit"})
	ErrUnknownCall   = register(&Error{10, "tx", "UnknownCall", "the chain has no call of this name"})
	ErrBadCallArgs   = register(&Error{11, "tx", "BadCallArgs", "the call's arguments do not decode"})
	ErrBadOrigin     = register(&Error{12, "tx", "BadOrigin", "the signer is not allowed to make this call"})
	ErrQuery         = register(&Error{20, "query", "BadQuery", "the query path or data is not understood"})
	ErrNotFound      = register(&Error{21, "query", "NotFound", "nothing is stored there"})
	ErrHeightPruned  = register(&Error{22, "query", "HeightUnavailable", "the state at that height is not kept by this node"})
	ErrTooManyInPool = register(&Error{23, "tx", "PoolLimit", "the signer has too many transactions waiting"})
	ErrQueryTimeout  = register(&Error{24, "query", "QueryTimeout", "the query did not finish within the node's time for one query"})
)

// Balances errors. Codes 100–199.
var (
	ErrInsufficientBalance = register(&Error{100, "balances", "InsufficientBalance", "the account's free balance is too low"})
	ErrExistentialDeposit  = register(&Error{101, "balances", "ExistentialDeposit", "the transfer would create an account below the existential deposit"})
	ErrKeepAlive           = register(&Error{102, "balances", "KeepAlive", "the transfer would take the sender below the existential deposit"})
	ErrBalanceOverflow     = register(&Error{103, "balances", "Overflow", "the balance would overflow"})
	ErrSelfTransfer        = register(&Error{104, "balances", "SelfTransfer", "sender and destination are the same account"})
	ErrZeroTransfer        = register(&Error{105, "balances", "ZeroAmount", "the amount is zero"})
)

// errorsByCode is filled only by register at package initialisation and
// read-only afterwards.
var errorsByCode = map[uint32]*Error{}

func register(e *Error) *Error {
	if old, dup := errorsByCode[e.Code]; dup {
		panic(fmt.Sprintf("types: error code %d used by %s and %s", e.Code, old.Name, e.Name))
	}
	errorsByCode[e.Code] = e
	return e
}

// ErrorFromCode returns the Error with the given code, or nil if the code is
// unknown (e.g. a newer node).
func ErrorFromCode(code uint32) *Error { return errorsByCode[code] }

// ChainError is how a client receives a failure from the chain: the code and
// name, and the node's message about the case. It matches the sentinel Error
// of the same code under errors.Is.
type ChainError struct {
	Code    uint32
	Module  string
	Name    string
	Message string // the node's full message, "Name: detail"
}

func (e *ChainError) Error() string {
	if e.Message != "" {
		return "chain: " + e.Message
	}
	return "chain: " + e.Name
}

// Is reports whether target is the sentinel Error with this code.
func (e *ChainError) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap returns the sentinel Error, when the code is known.
func (e *ChainError) Unwrap() error {
	if s := ErrorFromCode(e.Code); s != nil {
		return s
	}
	return nil
}

// NewChainError rebuilds a chain failure from an ABCI code, codespace and
// log line.
func NewChainError(code uint32, codespace, log string) *ChainError {
	ce := &ChainError{Code: code, Module: codespace, Message: strings.TrimSpace(log)}
	if s := ErrorFromCode(code); s != nil {
		ce.Name = s.Name
		if ce.Module == "" {
			ce.Module = s.Module
		}
	} else if name, _, ok := strings.Cut(ce.Message, ":"); ok {
		ce.Name = name
	} else {
		ce.Name = fmt.Sprintf("Error%d", code)
	}
	return ce
}
