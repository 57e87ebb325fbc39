package chain

import (
	"fmt"
	"log/slog"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Reading stored records. Every decoder returns an error wrapping
// types.ErrStateUnreadable for a record it cannot read: a layout version it
// does not know (state written by a newer binary) or bytes that do not fit
// the layout (corruption). The rules read state through State's accessors,
// which cannot go on past such a record; they panic with a stateError,
// which stops block execution as a storage failure does (every node stops
// at the same record, none computes a different app hash), and which the
// query and export paths turn back into an error answer.

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

// recoverQuery, deferred by Query, answers a stateError raised while
// answering as an error rather than failing the node's query connection.
func recoverQuery(log *slog.Logger, path string, resp **abci.ResponseQuery) {
	r := recover()
	if r == nil {
		return
	}
	se, ok := r.(stateError)
	if !ok {
		panic(r)
	}
	log.Error("query hit unreadable state", "path", path, "err", se.err)
	*resp = queryError(fmt.Errorf("%s: %w", path, se.err))
}
