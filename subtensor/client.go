package subtensor

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// ErrUnavailable wraps failures to reach the node or to read its answer
// (after retries). The node's refusals have names of their own
// (ErrAlreadySubmitted, ErrTooLarge, ErrMempoolFull, ErrRefused).
var ErrUnavailable = errors.New("subtensor: node unavailable")

// Options configure a connection to a chain. The zero value is ready to
// use.
type Options struct {
	// Logger receives the client's debug logs; nil discards them.
	Logger *slog.Logger
	// Backend forces the kind of node (Connect asks the node when it is
	// BackendAuto and the network name does not say).
	Backend Backend

	// Retries is how many times a CometBFT read is retried after a
	// transport error (Bittensor retries three times); -1 disables retries.
	Retries int
	// PollInterval is how often the CometBFT client polls for new blocks
	// and for transaction inclusion. Default 100ms.
	PollInterval time.Duration
	// HTTPClient replaces the CometBFT client's pooled HTTP client (for
	// tests and tools).
	HTTPClient *http.Client
	// ABCIQueryOnly makes the CometBFT client query through CometBFT's
	// abci_query even when the node serves its query route (for
	// comparisons; the route gives the same answers at a fraction of the
	// cost).
	ABCIQueryOnly bool

	// RPC configures the Substrate client's websocket (timeouts,
	// keep-alive, reconnect); its zero value is ready to use.
	RPC rpc.Options
	// EraPeriod is how many blocks a Substrate extrinsic stays valid
	// (btcli's --period; default 16); negative for immortal ones.
	EraPeriod int
}

// withDefaults fills Options' zero fields.
func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = discardLogger()
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.RPC.Logger == nil {
		o.RPC.Logger = o.Logger
	}
	return o
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// CometBFTClient talks to one go-bittensor node (CometBFT). It is safe for
// concurrent use; share one per process.
type CometBFTClient struct {
	network  string
	endpoint string
	chainID  string
	rpc      *cometRPC
	hc       *http.Client
	log      *slog.Logger
	opts     Options

	mu      sync.Mutex
	nonces  map[types.AccountID]uint64      // next nonce per signer, as this client knows it
	sending map[types.AccountID]*sync.Mutex // held by a signer's send (tx.go)
	params  *types.Params

	route queryRoute // the node's query route (query_http.go)
}

// ConnectCometBFT connects to a go-bittensor node: target is a network name
// ("local") or an endpoint (host:port or a URL), and checks that a node
// answers there.
func ConnectCometBFT(ctx context.Context, target string, opts Options) (*CometBFTClient, error) {
	r, err := resolve(target)
	if err != nil {
		return nil, err
	}
	if r.backend == BackendSubstrate {
		return nil, fmt.Errorf("subtensor: network %q is Bittensor's Substrate chain, not a go-bittensor node: use Connect or ConnectSubstrate", r.network)
	}
	return connectCometBFT(ctx, r, opts)
}

func connectCometBFT(ctx context.Context, r resolved, opts Options) (*CometBFTClient, error) {
	network, endpoint := r.network, r.httpURL()
	opts = opts.withDefaults()
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
		}}
	}
	cl := &cometRPC{url: endpoint, hc: hc}
	c := &CometBFTClient{network: network, endpoint: endpoint, rpc: cl, hc: hc, log: opts.Logger, opts: opts, nonces: make(map[types.AccountID]uint64)}
	var st *statusResult
	err := c.retry(ctx, func() error {
		id, err := cl.status(ctx)
		if err == nil {
			st = &statusResult{chainID: id}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w at %s (is a node running? start one with `subtensor dev`): %v", ErrUnavailable, endpoint, err)
	}
	c.chainID = st.chainID
	// Learn the node's query route now, while connecting, so that queries
	// cost one request each; a failure here is retried by the first query.
	if _, err := c.queryURL(ctx); err != nil {
		c.log.Debug("asking for the node's routes", "err", err)
	}
	return c, nil
}

type statusResult struct{ chainID string }

// Network is the network name ("local", "unknown", …).
func (c *CometBFTClient) Network() string { return c.network }

// Endpoint is the node's RPC URL.
func (c *CometBFTClient) Endpoint() string { return c.endpoint }

// ChainID is the connected network's chain id.
func (c *CometBFTClient) ChainID() string { return c.chainID }

// retry runs f, retrying transport errors with backoff (200ms doubling, at
// most 2s, up to Options.Retries times; Bittensor's client waits 2s doubling
// to 4s, but nodes are usually near). Answers are not retried: the chain's
// verdicts, the node's refusals, the caller's context ending.
func (c *CometBFTClient) retry(ctx context.Context, f func() error) error {
	return c.retryIf(ctx, isTransportError, f)
}

// retryIf is retry with its own rule of what to retry.
func (c *CometBFTClient) retryIf(ctx context.Context, again func(error) bool, f func() error) error {
	delay := 200 * time.Millisecond
	var err error
	for attempt := 0; ; attempt++ {
		err = f()
		if err == nil || !again(err) || attempt >= c.opts.Retries || c.opts.Retries < 0 {
			return err
		}
		c.log.Debug("retrying after transport error", "err", err, "attempt", attempt+1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 2*time.Second)
	}
}

// Query reads path (see the Query* constants of chain/types) at height
// (0 = latest) into out (JSON).
func (c *CometBFTClient) Query(ctx context.Context, path string, data []byte, height uint64, out any) error {
	value, err := c.rawQuery(ctx, path, data, height)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(value, out); err != nil {
		return fmt.Errorf("subtensor: query %s: bad answer: %w", path, err)
	}
	return nil
}

// queryCBOR reads a path that answers in CBOR when asked (types.AnswerCBOR)
// at height (0 = latest) into out.
func (c *CometBFTClient) queryCBOR(ctx context.Context, path string, height uint64, out any) error {
	value, err := c.rawQuery(ctx, path, []byte(types.AnswerCBOR), height)
	if err != nil {
		return err
	}
	if err := types.DecodeAnswer(value, out); err != nil {
		return fmt.Errorf("subtensor: query %s: bad answer: %w", path, err)
	}
	return nil
}

// GetCurrentBlock returns the height of the latest committed block.
func (c *CometBFTClient) GetCurrentBlock(ctx context.Context) (uint64, error) {
	var b types.BlockInfo
	if err := c.Query(ctx, types.QueryBlock, nil, 0, &b); err != nil {
		return 0, err
	}
	return b.Height, nil
}

// GetBlockHash returns the hash of a recent block (the chain keeps the last
// types.BlockHashCount).
func (c *CometBFTClient) GetBlockHash(ctx context.Context, height uint64) ([32]byte, error) {
	var b types.BlockInfo
	var h [32]byte
	if err := c.Query(ctx, fmt.Sprintf("%s/%d", types.QueryBlockHash, height), nil, 0, &b); err != nil {
		return h, err
	}
	raw, err := decodeHash(b.Hash)
	if err != nil {
		return h, fmt.Errorf("subtensor: block %d hash: %w", height, err)
	}
	return raw, nil
}

// GetAccount returns an account's balance and nonce at a block (0 = latest).
func (c *CometBFTClient) GetAccount(ctx context.Context, addr types.AccountID, atBlock uint64) (types.AccountInfo, error) {
	var a types.AccountInfo
	err := c.Query(ctx, types.QueryAccount+"/"+addr.String(), nil, atBlock, &a)
	return a, err
}

// GetBalance returns an account's free balance at a block (0 = latest).
func (c *CometBFTClient) GetBalance(ctx context.Context, addr types.AccountID, atBlock uint64) (balance.Balance, error) {
	a, err := c.GetAccount(ctx, addr, atBlock)
	return balance.Balance(a.Free), err
}

// TotalIssuance returns every RAO in existence at a block (0 = latest).
func (c *CometBFTClient) TotalIssuance(ctx context.Context, atBlock uint64) (balance.Balance, error) {
	var is types.Issuance
	err := c.Query(ctx, types.QueryTotalIssuance, nil, atBlock, &is)
	return balance.Balance(is.TotalIssuance), err
}

// Params returns the chain parameters (existential deposit, fees, faucet).
func (c *CometBFTClient) Params(ctx context.Context) (types.Params, error) {
	var p types.Params
	err := c.Query(ctx, types.QueryParams, nil, 0, &p)
	if err == nil {
		c.mu.Lock()
		c.params = &p
		c.mu.Unlock()
	}
	return p, err
}

// ExistentialDeposit returns the smallest balance an account may hold.
func (c *CometBFTClient) ExistentialDeposit(ctx context.Context) (balance.Balance, error) {
	p, err := c.Params(ctx)
	return balance.Balance(p.ExistentialDeposit), err
}

func (c *CometBFTClient) cachedParams(ctx context.Context) (types.Params, error) {
	c.mu.Lock()
	p := c.params
	c.mu.Unlock()
	if p != nil {
		return *p, nil
	}
	return c.Params(ctx)
}

func decodeHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("not a 32-byte hex hash: %q", s)
	}
	copy(h[:], b)
	return h, nil
}

// Close releases the client's idle connections. The client keeps no
// long-lived connection to a CometBFT node, so calls after Close still work;
// Close exists so that CometBFTClient is a Chain.
func (c *CometBFTClient) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}
