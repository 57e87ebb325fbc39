package rpc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
)

// chain is the package's shared chopsticks chain (Instant blocks).
var chain = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(chain.Run(m)) }

// leakChecked holds the tests whose end already checks for leaks.
var leakChecked sync.Map

// dial connects to endpoint with opts and closes the client when the test
// ends; after the test's last client is closed, it checks that no goroutine
// of a client is left.
func dial(t testing.TB, endpoint string, opts rpc.Options) *rpc.Client {
	t.Helper()
	if _, done := leakChecked.LoadOrStore(t, true); !done {
		t.Cleanup(func() { checkNoLeaks(t) }) // runs after the Closes registered below
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, endpoint, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// checkNoLeaks fails t if goroutines running this package's or the websocket
// library's code are still there a few seconds after every client closed.
func checkNoLeaks(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		leaked := leakedGoroutines()
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines left after Close:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func leakedGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var leaked []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "bittensor/substrate/rpc.") || strings.Contains(g, "coder/websocket.") {
			leaked = append(leaked, g)
		}
	}
	return leaked
}

// head is the part of a Substrate header the tests read.
type head struct {
	Number     string `json:"number"`
	ParentHash string `json:"parentHash"`
}

func (h head) number(t testing.TB) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(strings.TrimPrefix(h.Number, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("header number %q: %v", h.Number, err)
	}
	return n
}

// echoServer is a minimal websocket JSON-RPC server in this process: it
// answers chain_getBlockHash with a fixed hash (the size of a real one) and
// every other request with its first param (or null). It measures the
// transport's own cost apart from a node's, and serves the protocol tests.
// reply, when not nil, replaces the answer with its own message.
func echoServer(t testing.TB, reply func(req []byte) []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ws.SetReadLimit(-1)
		ctx := r.Context()
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var out []byte
			if reply != nil {
				out = reply(data)
			} else {
				var req struct {
					ID     json.RawMessage   `json:"id"`
					Method string            `json:"method"`
					Params []json.RawMessage `json:"params"`
				}
				if json.Unmarshal(data, &req) != nil {
					return
				}
				result := json.RawMessage("null")
				switch {
				case req.Method == "chain_getBlockHash":
					result = json.RawMessage(`"0x2b0a8876bc32243c14abf2dfc0a1e8a3a61661056dea4b2bdf341fdcfb0f34dc"`)
				case len(req.Params) > 0:
					result = req.Params[0]
				}
				out, _ = json.Marshal(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
			}
			if out == nil {
				continue
			}
			if err := ws.Write(ctx, websocket.MessageText, out); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}
