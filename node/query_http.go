package node

// The node's query route: ABCI queries over plain HTTP beside CometBFT's
// RPC, on the same listener (so behind the same large-request gate, CORS,
// TLS and connection limits), with the application's answer as the response
// body. CometBFT's abci_query wraps an answer as base64 in JSON and runs it
// through its reflection-based encoder, and the client back through its
// decoder: for the 2.9 MB of a 4,096-neuron subnet that is most of a
// metagraph sync. The contract (paths, headers, failure body) is in
// chain/types (query_http.go); docs/queries.md shows it with curl.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// appQuerier answers ABCI queries: the node's query connection to the
// application (CometBFT's proxy.AppConnQuery), as abci_query uses it.
type appQuerier interface {
	Query(context.Context, *abci.RequestQuery) (*abci.ResponseQuery, error)
}

// queryHandler serves QueryRoutePath. Every limit a query has over
// abci_query holds here too: the path's length and the time budget are the
// application's (chain.App.Query), a POST body is read up to maxBody (the
// RPC's max_body_bytes), and a GET's URL is bounded by the server's
// max_header_bytes. Unlike abci_query, a query stops when its client goes
// away (the request's context reaches the application).
type queryHandler struct {
	app     appQuerier
	maxBody int64
}

func (h queryHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "the query route takes GET or POST", http.StatusMethodNotAllowed)
		return
	}
	req, err := h.request(w, r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeFailure(w, http.StatusRequestEntityTooLarge, types.Errorf(types.ErrQuery, "the query data is larger than the node reads (%d bytes, its max_body_bytes)", h.maxBody), 0)
			return
		}
		writeFailure(w, http.StatusBadRequest, err, 0)
		return
	}
	resp, err := h.app.Query(r.Context(), req)
	if err != nil {
		// The local ABCI client fails only when the application does;
		// CometBFT's abci_query answers that as an RPC error too.
		writeFailure(w, http.StatusInternalServerError, types.Errorf(types.ErrInternal, "query %s: %v", req.Path, err), 0)
		return
	}
	if resp.Code != abci.CodeTypeOK {
		writeJSON(w, http.StatusBadRequest, types.QueryFailure{Code: resp.Code, Codespace: resp.Codespace, Log: resp.Log, Height: resp.Height})
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	hd.Set("Content-Length", strconv.Itoa(len(resp.Value)))
	hd.Set(types.QueryHeightHeader, strconv.FormatInt(resp.Height, 10))
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(resp.Value)
}

// request reads a query from r: path, height and data from the URL, or
// data from a POST's body.
func (h queryHandler) request(w http.ResponseWriter, r *http.Request) (*abci.RequestQuery, error) {
	q := r.URL.Query()
	path := q.Get("path")
	if len(path) > types.MaxQueryPathLength {
		return nil, types.Errorf(types.ErrQuery, "the path is %d bytes, longer than any query path (at most %d)", len(path), types.MaxQueryPathLength)
	}
	if !strings.HasPrefix(path, "/") {
		return nil, types.Errorf(types.ErrQuery, "path %q: a query path starts with / (e.g. path=/block)", path)
	}
	req := &abci.RequestQuery{Path: path}
	if s := q.Get("height"); s != "" {
		height, err := strconv.ParseInt(s, 10, 64)
		if err != nil || height < 0 {
			return nil, types.Errorf(types.ErrQuery, "height %q is not a block height (0 or absent: the latest)", truncate(s))
		}
		req.Height = height
	}
	if s := q.Get("data"); s != "" {
		data, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
		if err != nil {
			return nil, types.Errorf(types.ErrQuery, "data is not hex: %v", err)
		}
		req.Data = data
	}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
		if err != nil {
			return nil, err
		}
		if len(body) > 0 && req.Data != nil {
			return nil, types.Errorf(types.ErrQuery, "the query data is given twice (in the URL and the body)")
		}
		if len(body) > 0 {
			req.Data = body
		}
	}
	return req, nil
}

// truncate shortens a string quoted in an error.
func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// writeFailure answers a query the node refused before the application
// saw it, in the shape of the application's refusals.
func writeFailure(w http.ResponseWriter, status int, err error, height int64) {
	e := types.CodeOf(err)
	writeJSON(w, status, types.QueryFailure{Code: e.Code, Codespace: e.Module, Log: err.Error(), Height: height})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf("encode: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// routesHandler serves NodeRoutesPath: the node's advertisement of its
// query route.
func routesHandler(maxBody int64) http.HandlerFunc {
	body, err := json.Marshal(types.NodeRoutes{Query: types.QueryRoutePath, MaxQueryDataBytes: maxBody})
	if err != nil {
		panic(err) // a fixed struct of a string and a number
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "GET only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}
