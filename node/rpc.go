package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	cmtpubsub "github.com/cometbft/cometbft/libs/pubsub"
	nm "github.com/cometbft/cometbft/node"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	"github.com/rs/cors"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The node serves CometBFT's RPC (the JSON-RPC and URI routes and the
// websocket) itself rather than letting CometBFT do it, to put one limit in
// front of it: CometBFT's RPC server decodes a request's JSON several times
// over before any route runs, so a flood of requests of a megabyte or two
// (the largest it accepts) keeps every core busy decoding while ordinary
// requests of a few hundred bytes wait their turn for the CPU. Large
// requests therefore take turns: at most half the cores' worth decode at
// once, and a large request that cannot start within largeRequestWait is
// answered "busy". Small requests are never held.
const (
	// largeRequestBytes is the size (body, or URL for a GET) above which a
	// request is large. Queries and transactions are a few hundred bytes to
	// a few KiB; only big transactions and their dry runs come near.
	largeRequestBytes = 64 << 10
	// largeRequestWait is how long a large request may wait for its turn.
	largeRequestWait = 10 * time.Second
)

// largeRequestGate holds large requests to a few at a time; see above.
type largeRequestGate struct {
	next  http.Handler
	slots chan struct{} // one per large request being served
	wait  time.Duration // how long a large request waits for a slot
}

func newLargeRequestGate(next http.Handler, slots int, wait time.Duration) *largeRequestGate {
	return &largeRequestGate{next: next, slots: make(chan struct{}, slots), wait: wait}
}

func (g *largeRequestGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength >= 0 && r.ContentLength <= largeRequestBytes && len(r.URL.RawQuery) <= largeRequestBytes {
		g.next.ServeHTTP(w, r)
		return
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
		g.next.ServeHTTP(w, r)
	case <-t.C:
		busy(w)
	case <-r.Context().Done():
	}
}

// busy answers as CometBFT's RPC server answers a request it cannot serve:
// HTTP 503 with a JSON-RPC error.
func busy(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "error": map[string]any{
		"code": -32000, "message": "Server error",
		"data": fmt.Sprintf("the node is busy with other large requests (over %d bytes); try again", largeRequestBytes),
	}})
}

// serveRPC serves CometBFT's RPC routes on listen (CometBFT's form,
// tcp://host:port or unix://path) behind the large-request gate, with the settings of cfg.RPC (limits, CORS, TLS,
// unsafe routes) as CometBFT applies them. It returns the listener; closing
// it stops the server.
func serveRPC(cmt *nm.Node, cfg *cmtcfg.Config, listen string, logger cmtlog.Logger) (net.Listener, error) {
	env, err := cmt.ConfigureRPC()
	if err != nil {
		return nil, fmt.Errorf("node: rpc: %w", err)
	}
	routes := env.GetRoutes()
	if cfg.RPC.Unsafe {
		env.AddUnsafeRoutes(routes)
	}
	sc := rpcserver.DefaultConfig()
	sc.MaxRequestBatchSize = cfg.RPC.MaxRequestBatchSize
	sc.MaxBodyBytes = cfg.RPC.MaxBodyBytes
	sc.MaxHeaderBytes = cfg.RPC.MaxHeaderBytes
	sc.MaxOpenConnections = cfg.RPC.MaxOpenConnections
	if sc.WriteTimeout <= cfg.RPC.TimeoutBroadcastTxCommit {
		sc.WriteTimeout = cfg.RPC.TimeoutBroadcastTxCommit + time.Second
	}
	rpcLogger := logger.With("module", "rpc-server")
	wm := rpcserver.NewWebsocketManager(routes,
		rpcserver.OnDisconnect(func(remote string) {
			if err := env.EventBus.UnsubscribeAll(context.Background(), remote); err != nil && !errors.Is(err, cmtpubsub.ErrSubscriptionNotFound) {
				rpcLogger.Error("unsubscribing a closed websocket", "addr", remote, "err", err)
			}
		}),
		rpcserver.ReadLimit(sc.MaxBodyBytes),
		rpcserver.WriteChanCapacity(cfg.RPC.WebSocketWriteBufferSize),
	)
	wm.SetLogger(rpcLogger.With("protocol", "websocket"))
	mux := http.NewServeMux()
	mux.HandleFunc("/websocket", wm.WebsocketHandler)
	rpcserver.RegisterRPCFuncs(mux, routes, rpcLogger)
	// The node's own routes beside CometBFT's (query_http.go).
	mux.Handle(types.QueryRoutePath, queryHandler{app: env.ProxyAppQuery, maxBody: cfg.RPC.MaxBodyBytes})
	mux.Handle(types.NodeRoutesPath, routesHandler(cfg.RPC.MaxBodyBytes))
	var h http.Handler = newLargeRequestGate(mux, max(1, runtime.GOMAXPROCS(0)/2), largeRequestWait)
	if cfg.RPC.IsCorsEnabled() {
		h = cors.New(cors.Options{
			AllowedOrigins: cfg.RPC.CORSAllowedOrigins,
			AllowedMethods: cfg.RPC.CORSAllowedMethods,
			AllowedHeaders: cfg.RPC.CORSAllowedHeaders,
		}).Handler(h)
	}
	l, err := rpcserver.Listen(listen, sc.MaxOpenConnections)
	if err != nil {
		return nil, fmt.Errorf("node: rpc: %w", err)
	}
	go func() {
		var err error
		if cfg.RPC.IsTLSEnabled() {
			err = rpcserver.ServeTLS(l, h, cfg.RPC.CertFile(), cfg.RPC.KeyFile(), rpcLogger, sc)
		} else {
			err = rpcserver.Serve(l, h, rpcLogger, sc)
		}
		if err != nil && !errors.Is(err, net.ErrClosed) {
			rpcLogger.Error("rpc server stopped", "err", err)
		}
	}()
	return l, nil
}
