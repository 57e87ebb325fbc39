package subtensor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The node's refusals that are not the chain's verdict on a transaction
// (that is a *types.ChainError) but the node's own limits: its mempool's or
// its RPC server's. Each is returned wrapped, with the node's words; test
// for them with errors.Is. ErrUnavailable is kept for failures to reach the
// node at all.
var (
	// ErrAlreadySubmitted: the node already has these exact transaction
	// bytes, waiting in its mempool or recently seen (CometBFT's cache).
	// Sending them again changes nothing.
	ErrAlreadySubmitted = errors.New("subtensor: transaction already submitted")
	// ErrTooLarge: the node refused the request for its size: a transaction
	// over its mempool's max_tx_bytes, or a request over its RPC server's
	// max_body_bytes.
	ErrTooLarge = errors.New("subtensor: too large for the node")
	// ErrMempoolFull: the node's mempool is full (or still rechecking its
	// transactions after a block); the client retries for a while before
	// returning it.
	ErrMempoolFull = errors.New("subtensor: the node's mempool is full")
	// ErrRefused: the node answered the request with an error of its RPC
	// server that the client does not name otherwise.
	ErrRefused = errors.New("subtensor: the node refused the request")
)

// bodyTooLarge is the message of CometBFT's RPC server when a request body
// is over its max_body_bytes (net/http's MaxBytesError, as it words it).
var bodyTooLarge = "error reading request body: " + (&http.MaxBytesError{}).Error()

// nodeError names an error of a call to the node (op says which, e.g.
// "broadcast"): a refusal the node answered (an RPC error) by what it says,
// and a failure to reach it as ErrUnavailable (still matching the transport
// error under errors.Is and errors.As, for the retry rules). The chain's
// errors are returned as they are, the caller's context ending with op.
func nodeError(op string, err error) error {
	var ce *types.ChainError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("subtensor: %s: %w", op, err)
	}
	var re *rpcError
	if !errors.As(err, &re) {
		return &callError{op: op, kind: ErrUnavailable, detail: err.Error(), err: err}
	}
	e := &callError{op: op, err: err}
	var max, actual, n, maxN int
	var size, maxSize int64
	switch {
	case re.Data == txInCache:
		e.kind, e.detail = ErrAlreadySubmitted, "the node has it already"
	case scan(re.Data, txTooLargeFormat, &max, &actual):
		e.kind, e.detail = ErrTooLarge, fmt.Sprintf("the transaction is %d bytes; the node's mempool takes at most %d", actual, max)
	case re.Data == bodyTooLarge:
		e.kind, e.detail = ErrTooLarge, "the request is larger than the node's RPC server accepts (its max_body_bytes)"
	case scan(re.Data, mempoolFullFormat, &n, &maxN, &size, &maxSize):
		e.kind, e.detail = ErrMempoolFull, fmt.Sprintf("%d transactions of at most %d, %d bytes of at most %d", n, maxN, size, maxSize)
	case re.Data == recheckFull:
		e.kind, e.detail = ErrMempoolFull, "it is rechecking its transactions after a block"
	default:
		e.kind, e.detail = ErrRefused, re.Message
		if re.Data != "" {
			e.detail += ": " + re.Data
		}
	}
	return e
}

// callError is a failed call to the node: what was asked, what kind of
// failure (one of the sentinels above) and the particulars. It matches both
// its kind and the error it came from.
type callError struct {
	op, detail string
	kind, err  error
}

func (e *callError) Error() string {
	return "subtensor: " + e.op + ": " + strings.TrimPrefix(e.kind.Error(), "subtensor: ") + ": " + e.detail
}

func (e *callError) Unwrap() []error { return []error{e.kind, e.err} }

// CometBFT's mempool errors reach the client as text (the RPC error's
// data). These are the formats of mempool.ErrTxTooLarge and
// mempool.ErrMempoolIsFull; errors_test.go checks them against the types.
const (
	txInCache         = "tx already exists in cache"                                                           // mempool.ErrTxInCache
	recheckFull       = "mempool is still rechecking after a new committed block, so it is considered as full" // mempool.ErrRecheckFull
	txTooLargeFormat  = "Tx too large. Max size is %d, but got %d"
	mempoolFullFormat = "mempool is full: number of txs %d (max: %d), total txs bytes %d (max: %d)"
)

// scan reports whether s has the format, reading its numbers into args.
func scan(s, format string, args ...any) bool {
	n, err := fmt.Sscanf(s, format, args...)
	return err == nil && n == len(args)
}

// isTransportError reports whether err is a failure to reach the node or
// to read its answer (worth retrying), as opposed to an answer: the chain's
// verdict, a refusal of the node's RPC server, or the caller's context
// ending.
func isTransportError(err error) bool {
	var ce *types.ChainError
	var re *rpcError
	if errors.As(err, &ce) || errors.As(err, &re) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
