package node_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
)

// startSubnetNode starts a dev node whose genesis has subnet 1 of n
// neurons (benchGenesis) and waits for its third block.
func startSubnetNode(t *testing.T, n int) (*node.Node, string) {
	t.Helper()
	home, rpc := t.TempDir(), freeAddr(t)
	if err := node.Init(home, node.InitOptions{ChainID: node.DevChainID, Genesis: benchGenesis(t, n), RPCListen: rpc, P2PListen: freeAddr(t), BlockTime: 100 * time.Millisecond, NoPeerExchange: true}); err != nil {
		t.Fatal(err)
	}
	nd, err := node.Start(context.Background(), home, node.StartOptions{RPCListen: rpc, P2PListen: freeAddr(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.Stop() })
	waitHeight(t, connect(t, rpc), 3)
	return nd, rpc
}

// abciQuery asks CometBFT's abci_query (the old transport) and returns its
// response: value decoded from base64.
func abciQuery(t *testing.T, rpc, path string, height int64, data []byte) (value []byte, code uint32, codespace string) {
	t.Helper()
	q := url.Values{"path": {strconv.Quote(path)}, "height": {strconv.FormatInt(height, 10)}}
	if len(data) > 0 {
		q.Set("data", "0x"+hex.EncodeToString(data))
	}
	resp, err := http.Get("http://" + rpc + "/abci_query?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result struct {
			Response struct {
				Code      uint32 `json:"code"`
				Codespace string `json:"codespace"`
				Value     string `json:"value"`
			} `json:"response"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	r := out.Result.Response
	v, err := base64.StdEncoding.DecodeString(r.Value)
	if err != nil {
		t.Fatal(err)
	}
	return v, r.Code, r.Codespace
}

// routeQuery asks the node's query route with GET (or POST when body is
// not nil).
func routeQuery(t *testing.T, rpc, rawQuery string, body []byte) *http.Response {
	t.Helper()
	u := "http://" + rpc + types.QueryRoutePath + "?" + rawQuery
	var resp *http.Response
	var err error
	if body != nil {
		resp, err = http.Post(u, "application/octet-stream", bytes.NewReader(body))
	} else {
		resp, err = http.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestQueryRoute: the node advertises its query route, and the route gives
// the very bytes abci_query gives (the same paths, heights and query data,
// CBOR answers included), the height in a header, and the chain's refusals
// with abci_query's code and codespace.
func TestQueryRoute(t *testing.T) {
	nd, rpc := startSubnetNode(t, 70)

	resp, err := http.Get("http://" + rpc + types.NodeRoutesPath)
	if err != nil {
		t.Fatal(err)
	}
	var routes types.NodeRoutes
	if err := json.NewDecoder(resp.Body).Decode(&routes); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("routes: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if routes.Query != types.QueryRoutePath || routes.MaxQueryDataBytes <= 0 {
		t.Fatalf("routes %+v", routes)
	}

	alice := mustKey(t, "//Alice").SS58Address()
	long := "/account/" + strings.Repeat("5", types.MaxQueryPathLength)
	for _, tc := range []struct {
		name   string
		path   string
		height int64
		data   []byte
		post   bool // send data as a POST body
	}{
		{"latest block", types.QueryBlock, 0, nil, false},
		{"block at a height", types.QueryBlock, 2, nil, false},
		{"account", types.QueryAccount + "/" + alice, 0, nil, false},
		{"params", types.QueryParams, 1, nil, false},
		{"neurons as JSON", types.QueryNeurons + "/1", 2, nil, false},
		{"neurons as CBOR", types.QueryNeurons + "/1", 2, []byte(types.AnswerCBOR), false},
		{"neurons lite as CBOR, data in the body", types.QueryNeuronsLite + "/1", 0, []byte(types.AnswerCBOR), true},
		{"refused: not found", types.QueryNeuron + "/1/100", 0, nil, false},
		{"refused: unknown path", "/no_such_path", 0, nil, false},
		{"refused: height not committed", types.QueryBlock, 1 << 40, nil, false},
		{"refused: path too long", long, 0, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantCode, wantSpace := abciQuery(t, rpc, tc.path, tc.height, tc.data)
			q := url.Values{"path": {tc.path}}
			if tc.height != 0 {
				q.Set("height", strconv.FormatInt(tc.height, 10))
			}
			var body []byte
			switch {
			case tc.post:
				body = tc.data
			case tc.data != nil:
				q.Set("data", "0x"+hex.EncodeToString(tc.data))
			}
			resp := routeQuery(t, rpc, q.Encode(), body)
			got := readAll(t, resp.Body)
			if wantCode != 0 {
				var f types.QueryFailure
				if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(got, &f) != nil {
					t.Fatalf("HTTP %d %s, want 400 with a QueryFailure", resp.StatusCode, got)
				}
				if f.Code != wantCode || f.Codespace != wantSpace || f.Log == "" {
					t.Fatalf("failure %+v, abci_query's code %d codespace %q", f, wantCode, wantSpace)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HTTP %d %s", resp.StatusCode, got)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("route answered %d bytes, abci_query %d: %.200q vs %.200q", len(got), len(want), got, want)
			}
			h, err := strconv.ParseInt(resp.Header.Get(types.QueryHeightHeader), 10, 64)
			if err != nil || h <= 0 || (tc.height != 0 && h != tc.height) {
				t.Fatalf("height header %q for height %d", resp.Header.Get(types.QueryHeightHeader), tc.height)
			}
		})
	}

	// Bad requests are refused before the application sees them, in the
	// shape of its refusals (BadQuery).
	for _, tc := range []struct {
		name, rawQuery string
		body           []byte
		status         int
		log            string
	}{
		{"no path", "height=1", nil, http.StatusBadRequest, "starts with /"},
		{"negative height", "path=/block&height=-1", nil, http.StatusBadRequest, "height"},
		{"height not a number", "path=/block&height=ten", nil, http.StatusBadRequest, "height"},
		{"data not hex", "path=/block&data=0xzz", nil, http.StatusBadRequest, "hex"},
		{"data twice", "path=/block&data=0x00", []byte{1}, http.StatusBadRequest, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := routeQuery(t, rpc, tc.rawQuery, tc.body)
			got := readAll(t, resp.Body)
			var f types.QueryFailure
			if resp.StatusCode != tc.status || json.Unmarshal(got, &f) != nil {
				t.Fatalf("HTTP %d %s, want %d with a QueryFailure", resp.StatusCode, got, tc.status)
			}
			if f.Code != types.ErrQuery.Code || !strings.Contains(f.Log, tc.log) {
				t.Fatalf("failure %+v, want BadQuery mentioning %q", f, tc.log)
			}
		})
	}

	// A body over max_body_bytes is refused before it is read, as CometBFT's
	// RPC server refuses any request that large.
	resp = routeQuery(t, rpc, "path=/fee", make([]byte, routes.MaxQueryDataBytes+1))
	if got := readAll(t, resp.Body); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(got), "request body too large") {
		t.Fatalf("a body over max_body_bytes: HTTP %d %s", resp.StatusCode, got)
	}

	req, _ := http.NewRequest(http.MethodPut, "http://"+rpc+types.QueryRoutePath+"?path=/block", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	// CometBFT's own routes are untouched.
	if _, code, _ := abciQuery(t, rpc, types.QueryBlock, 0, nil); code != 0 || nd.Height() < 3 {
		t.Fatalf("abci_query after the route: code %d", code)
	}
}
