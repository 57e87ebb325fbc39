package subtensor

// A client of CometBFT's JSON-RPC for the handful of methods this package
// calls (status, abci_query, broadcast_tx_sync, tx, tx_search, block,
// block_results, header). It is not CometBFT's own client on purpose: that
// one links CometBFT's types with their protobuf registrations and metrics
// (about 460 packages), whose initialisation every program using this
// package (btcli among them) would pay at start-up, before main, for every
// command. The wire format is CometBFT's (RPC v0.38): a JSON-RPC 2.0 POST to
// the endpoint; 64-bit integers travel as JSON strings, byte slices as
// base64, hashes as hex.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// cometRPC calls one node's JSON-RPC. It is safe for concurrent use.
type cometRPC struct {
	url string // the endpoint, http(s)://host:port[/path]
	hc  *http.Client
	id  atomic.Int64
}

// rpcError is an error answer of CometBFT's RPC server: a JSON-RPC error,
// worded as CometBFT's client words it.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data,omitempty"`
}

func (e *rpcError) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("RPC error %v - %s: %s", e.Code, e.Message, e.Data)
	}
	return fmt.Sprintf("RPC error %v - %s", e.Code, e.Message)
}

// call posts method with params and decodes its result into result. A
// failure to reach the node or read its answer wraps the transport's
// error; an error answer is an *rpcError.
func (r *cometRPC) call(ctx context.Context, method string, params map[string]any, result any) error {
	id := r.id.Add(1)
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		return fmt.Errorf("%s: encode params: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return fmt.Errorf("post failed: %w", err)
	}
	defer resp.Body.Close()
	meta := fmt.Sprintf("json rpc %s, with http response metadata: (Status: %s, Protocol %s)", method, resp.Status, resp.Proto)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return fmt.Errorf("%s. Failed to read response body: %w", meta, err)
	}
	var res struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("%s. error unmarshalling: %w", meta, err)
	}
	if res.Error != nil {
		return fmt.Errorf("%s. %w", meta, res.Error)
	}
	if string(res.ID) != strconv.FormatInt(id, 10) {
		return fmt.Errorf("%s. wrong ID: got %s, want %d", meta, res.ID, id)
	}
	if err := json.Unmarshal(res.Result, result); err != nil {
		return fmt.Errorf("%s. error unmarshalling result: %w", meta, err)
	}
	return nil
}

// i64 is a 64-bit integer as CometBFT writes it: a JSON string (a number
// is read too).
type i64 int64

func (v *i64) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*v = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	*v = i64(n)
	return err
}

// str64 is a 64-bit integer parameter as CometBFT reads it: a JSON string.
func str64(v int64) string { return strconv.FormatInt(v, 10) }

// hexBytes is a hash as CometBFT writes it: hex (upper case).
type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := hex.DecodeString(s)
	*h = d
	return err
}

// String is the hash in upper-case hex, as CometBFT prints it.
func (h hexBytes) String() string { return strings.ToUpper(hex.EncodeToString(h)) }

// rpcEvent is an ABCI event as the RPC carries it.
type rpcEvent struct {
	Type       string `json:"type"`
	Attributes []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"attributes"`
}

// rpcTxResult is a transaction's outcome in a block (ExecTxResult).
type rpcTxResult struct {
	Code      uint32     `json:"code"`
	Log       string     `json:"log"`
	Codespace string     `json:"codespace"`
	Events    []rpcEvent `json:"events"`
}

// rpcTx is the answer of tx, and an element of tx_search's.
type rpcTx struct {
	Hash     hexBytes    `json:"hash"`
	Height   i64         `json:"height"`
	Index    uint32      `json:"index"`
	TxResult rpcTxResult `json:"tx_result"`
}

func (r *cometRPC) status(ctx context.Context) (chainID string, err error) {
	var res struct {
		NodeInfo struct {
			Network string `json:"network"`
		} `json:"node_info"`
	}
	if err := r.call(ctx, "status", map[string]any{}, &res); err != nil {
		return "", err
	}
	return res.NodeInfo.Network, nil
}

// rpcQuery is the answer of abci_query.
type rpcQuery struct {
	Code      uint32 `json:"code"`
	Log       string `json:"log"`
	Value     []byte `json:"value"`
	Height    i64    `json:"height"`
	Codespace string `json:"codespace"`
}

func (r *cometRPC) abciQuery(ctx context.Context, path string, data []byte, height int64) (rpcQuery, error) {
	var res struct {
		Response rpcQuery `json:"response"`
	}
	err := r.call(ctx, "abci_query", map[string]any{
		"path": path, "data": strings.ToUpper(hex.EncodeToString(data)), "height": str64(height), "prove": false,
	}, &res)
	return res.Response, err
}

// rpcBroadcast is the answer of broadcast_tx_sync: CheckTx's verdict.
type rpcBroadcast struct {
	Code      uint32   `json:"code"`
	Log       string   `json:"log"`
	Codespace string   `json:"codespace"`
	Hash      hexBytes `json:"hash"`
}

func (r *cometRPC) broadcastTxSync(ctx context.Context, tx []byte) (rpcBroadcast, error) {
	var res rpcBroadcast
	err := r.call(ctx, "broadcast_tx_sync", map[string]any{"tx": base64.StdEncoding.EncodeToString(tx)}, &res)
	return res, err
}

func (r *cometRPC) tx(ctx context.Context, hash []byte) (rpcTx, error) {
	var res rpcTx
	err := r.call(ctx, "tx", map[string]any{"hash": base64.StdEncoding.EncodeToString(hash), "prove": false}, &res)
	return res, err
}

// rpcTxSearch is the answer of tx_search.
type rpcTxSearch struct {
	Txs        []rpcTx `json:"txs"`
	TotalCount i64     `json:"total_count"`
}

func (r *cometRPC) txSearch(ctx context.Context, query string, page, perPage int, orderBy string) (rpcTxSearch, error) {
	var res rpcTxSearch
	err := r.call(ctx, "tx_search", map[string]any{
		"query": query, "prove": false, "page": str64(int64(page)), "per_page": str64(int64(perPage)), "order_by": orderBy,
	}, &res)
	return res, err
}

// blockTxs returns the transactions of block height, in order.
func (r *cometRPC) blockTxs(ctx context.Context, height int64) ([][]byte, error) {
	var res struct {
		Block struct {
			Data struct {
				Txs [][]byte `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	err := r.call(ctx, "block", map[string]any{"height": str64(height)}, &res)
	return res.Block.Data.Txs, err
}

// blockResults returns the outcomes of block height's transactions.
func (r *cometRPC) blockResults(ctx context.Context, height int64) ([]rpcTxResult, error) {
	var res struct {
		TxsResults []rpcTxResult `json:"txs_results"`
	}
	err := r.call(ctx, "block_results", map[string]any{"height": str64(height)}, &res)
	return res.TxsResults, err
}

// blockTime returns the time in block height's header.
func (r *cometRPC) blockTime(ctx context.Context, height int64) (time.Time, error) {
	var res struct {
		Header struct {
			Time time.Time `json:"time"`
		} `json:"header"`
	}
	err := r.call(ctx, "header", map[string]any{"height": str64(height)}, &res)
	return res.Header.Time, err
}
