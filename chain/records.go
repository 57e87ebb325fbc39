package chain

import (
	"log/slog"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Reading stored records. Every decoder returns an error wrapping
// types.ErrStateUnreadable for a record it cannot read: a layout version it
// does not know (state written by a newer binary) or bytes that do not fit
// the layout (corruption). The rules read state through State's accessors,
// which cannot go on past such a record; they panic with a stateError, and
// each entry point turns it back into an error: FinalizeBlock fails the
// block and stops the node (every node stops at the same record, none
// computes a different app hash), CheckTx refuses the transaction, and the
// query and export paths answer the error.

// stateError is the panic value of an unreadable record.
type stateError struct{ err error }

func (e stateError) Error() string { return "chain: " + e.err.Error() }
func (e stateError) Unwrap() error { return e.err }

// mustRead panics with a stateError if err is not nil.
func mustRead(err error) {
	if err != nil {
		panic(stateError{err})
	}
}

// errBadRow is the error of a weights or bonds row whose length is not a
// whole number of (uid, value) pairs.
func errBadRow(n int) error {
	return types.Errorf(types.ErrStateUnreadable, "weights or bonds row of %d bytes (not pairs of u16)", n)
}

// catchStateError runs fn and returns the error of a stateError it panics
// with; other panics go on.
func catchStateError(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(stateError)
			if !ok {
				panic(r)
			}
			err = se.err
		}
	}()
	return fn()
}

// recoverBlock, deferred by FinalizeBlock, turns a stateError into the
// block's error and stops the node (Options.OnHalt) with it: no node can
// execute the block, and the operator learns which record stopped it. The
// block's partial writes are never committed.
func (a *App) recoverBlock(resp **abci.ResponseFinalizeBlock, err *error) {
	r := recover()
	if r == nil {
		return
	}
	se, ok := r.(stateError)
	if !ok {
		panic(r)
	}
	*resp, *err = nil, se
	a.halt(se.err)
}

// recoverCheckTx, deferred by CheckTx, refuses a transaction whose checks
// hit unreadable state rather than fail the mempool's connection.
func recoverCheckTx(log *slog.Logger, resp **abci.ResponseCheckTx) {
	r := recover()
	if r == nil {
		return
	}
	se, ok := r.(stateError)
	if !ok {
		panic(r)
	}
	log.Error("CheckTx hit unreadable state", "err", se.err)
	e := types.CodeOf(se.err)
	*resp = &abci.ResponseCheckTx{Code: e.Code, Codespace: e.Module, Log: se.err.Error()}
}
