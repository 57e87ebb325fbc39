package subtensor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/mempool"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// TestMempoolErrorFormats: the formats nodeError reads CometBFT's mempool
// errors with are those errors' own, and an RPC error reads as CometBFT's
// client words it.
func TestMempoolErrorFormats(t *testing.T) {
	if txInCache != mempool.ErrTxInCache.Error() || recheckFull != mempool.ErrRecheckFull.Error() {
		t.Errorf("mempool errors %q, %q; CometBFT says %q, %q", txInCache, recheckFull, mempool.ErrTxInCache, mempool.ErrRecheckFull)
	}
	for _, e := range []rpctypes.RPCError{{Code: -32603, Message: "Internal error", Data: "x"}, {Code: -32600, Message: "Invalid Request"}} {
		if got := (&rpcError{Code: e.Code, Message: e.Message, Data: e.Data}).Error(); got != e.Error() {
			t.Errorf("rpcError reads %q, CometBFT's %q", got, e.Error())
		}
	}
	var max, actual int
	if !scan(mempool.ErrTxTooLarge{Max: 262144, Actual: 300000}.Error(), txTooLargeFormat, &max, &actual) || max != 262144 || actual != 300000 {
		t.Errorf("ErrTxTooLarge reads as %d, %d", max, actual)
	}
	var n, maxN int
	var size, maxSize int64
	full := mempool.ErrMempoolIsFull{NumTxs: 5, MaxTxs: 5, TxsBytes: 900, MaxTxsBytes: 1 << 30}.Error()
	if !scan(full, mempoolFullFormat, &n, &maxN, &size, &maxSize) || n != 5 || maxN != 5 || size != 900 || maxSize != 1<<30 {
		t.Errorf("ErrMempoolIsFull reads as %d %d %d %d", n, maxN, size, maxSize)
	}
}

// TestErrorKinds: which errors are retried as failures to reach the node,
// and how each is named.
func TestErrorKinds(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, refused := net.Dial("tcp", addr)
	if refused == nil {
		t.Fatal("dialled a closed port")
	}
	rpcErr := func(code int, msg, data string) error {
		return fmt.Errorf("json rpc broadcast_tx_sync, with http response metadata: (Status: 200 OK, Protocol HTTP/1.1). %w", &rpcError{Code: code, Message: msg, Data: data})
	}
	tests := []struct {
		name      string
		err       error
		transport bool
		named     error // what nodeError makes of it; nil: returned as is
	}{
		{"connection refused", fmt.Errorf("post failed: %w", refused), true, ErrUnavailable},
		{"connection closed", fmt.Errorf("post failed: %w", io.EOF), true, ErrUnavailable},
		{"answer cut short", fmt.Errorf("read response body: %w", io.ErrUnexpectedEOF), true, ErrUnavailable},
		{"context ended", fmt.Errorf("post failed: %w", context.DeadlineExceeded), false, nil},
		{"chain error", types.NewChainError(types.ErrStaleNonce.Code, "", "StaleNonce: used"), false, nil},
		{"already submitted", rpcErr(-32603, "Internal error", mempool.ErrTxInCache.Error()), false, ErrAlreadySubmitted},
		{"tx too large", rpcErr(-32603, "Internal error", mempool.ErrTxTooLarge{Max: 10, Actual: 20}.Error()), false, ErrTooLarge},
		{"body too large", rpcErr(-32600, "Invalid Request", bodyTooLarge), false, ErrTooLarge},
		{"mempool full", rpcErr(-32603, "Internal error", mempool.ErrMempoolIsFull{NumTxs: 1, MaxTxs: 1}.Error()), false, ErrMempoolFull},
		{"rechecking", rpcErr(-32603, "Internal error", mempool.ErrRecheckFull.Error()), false, ErrMempoolFull},
		{"an EOF in a refusal's words", rpcErr(-32603, "Internal error", "unexpected EOF in the app"), false, ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTransportError(tt.err); got != tt.transport {
				t.Errorf("isTransportError = %v", got)
			}
			got := nodeError("query /x", tt.err)
			if tt.named == nil {
				if !errors.Is(got, tt.err) {
					t.Errorf("nodeError lost it: %v", got)
				}
				return
			}
			if want := "subtensor: query /x: "; !strings.HasPrefix(got.Error(), want) || strings.Count(got.Error(), "subtensor:") != 1 {
				t.Errorf("message %q, want it to start %q and name the package once", got, want)
			}
			if !errors.Is(got, tt.named) {
				t.Errorf("nodeError = %v, want %v", got, tt.named)
			}
			if isTransportError(got) != tt.transport {
				t.Errorf("named, it is no longer classified the same: %v", got)
			}
		})
	}
}
