package substrate

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// Errors callers can test with errors.Is.
var (
	// ErrNotSubstrate is returned by Dial when the endpoint answers
	// websockets but not Substrate's JSON-RPC (no runtime version).
	ErrNotSubstrate = errors.New("substrate: endpoint is not a Substrate node")
	// ErrNotFound is returned for a block, extrinsic or storage value the
	// node does not have.
	ErrNotFound = errors.New("substrate: not found")
)

// Options configure a Client.
type Options struct {
	// RPC configures the websocket transport (timeouts, keep-alive,
	// reconnect); its zero value is ready to use.
	RPC rpc.Options
	// Logger receives the client's debug logs; nil discards them.
	Logger *slog.Logger
}

// Client talks to one Substrate node over one websocket: it reads storage
// and runtime APIs at any block, builds, signs and submits extrinsics and
// follows their fate, and keeps one metadata.Runtime per runtime version,
// read again when the chain upgrades its runtime. It is safe for concurrent
// use; share one per process.
type Client struct {
	rpc     *rpc.Client
	log     *slog.Logger
	genesis Hash
	chain   string // the chain's name (system_chain)

	extChecked sync.Map // *metadata.Runtime → *extCheck (checkExtensions)

	mu       sync.Mutex
	runtimes map[uint32]*runtimeEntry // by spec version
	nonces   map[[32]byte]uint64      // next nonce per signer, as this client knows it
}

// runtimeEntry is one runtime version's description, read once.
type runtimeEntry struct {
	once    sync.Once
	version RuntimeVersion
	rt      *metadata.Runtime
	err     error
}

// RuntimeVersion is the node's answer to state_getRuntimeVersion.
type RuntimeVersion struct {
	SpecName           string `json:"specName"`
	ImplName           string `json:"implName"`
	SpecVersion        uint32 `json:"specVersion"`
	ImplVersion        uint32 `json:"implVersion"`
	TransactionVersion uint32 `json:"transactionVersion"`
	StateVersion       uint8  `json:"stateVersion"`
}

// Dial connects to a Substrate node's websocket endpoint (ws:// or wss://)
// and checks that it is one: it reads the genesis hash, the chain's name
// and the current runtime version, and the runtime's metadata.
func Dial(ctx context.Context, endpoint string, opts Options) (*Client, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.RPC.Logger == nil {
		opts.RPC.Logger = log
	}
	conn, err := rpc.Dial(ctx, endpoint, opts.RPC)
	if err != nil {
		return nil, err
	}
	c := &Client{rpc: conn, log: log, runtimes: make(map[uint32]*runtimeEntry), nonces: make(map[[32]byte]uint64)}
	var v RuntimeVersion
	if err := conn.Call(ctx, &v, "state_getRuntimeVersion"); err != nil {
		conn.Close()
		var re *rpc.Error
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w: %s answered state_getRuntimeVersion with %v", ErrNotSubstrate, endpoint, err)
		}
		return nil, fmt.Errorf("substrate: %s: %w", endpoint, err)
	}
	if v.SpecVersion == 0 && v.SpecName == "" {
		conn.Close()
		return nil, fmt.Errorf("%w: %s answered no runtime version", ErrNotSubstrate, endpoint)
	}
	if c.genesis, err = c.genesisHash(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Call(ctx, &c.chain, "system_chain"); err != nil {
		c.chain = v.SpecName
	}
	if _, err := c.runtimeFor(ctx, v, Hash{}); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// genesisHash is the hash a signed extrinsic must name as its genesis: the
// runtime's own record of block 0 (System.BlockHash(0), what CheckGenesis
// compares with), which on a real node is chain_getBlockHash(0) and under a
// forking tool such as chopsticks may differ from it.
func (c *Client) genesisHash(ctx context.Context) (Hash, error) {
	var h [32]byte
	if ok, err := c.Storage(ctx, Hash{}, &h, "System", "BlockHash", uint64(0)); err == nil && ok && h != [32]byte{} {
		return Hash(h), nil
	}
	return c.BlockHash(ctx, 0)
}

// Close closes the connection. Calls after Close fail with rpc.ErrClosed.
func (c *Client) Close() error { return c.rpc.Close() }

// RPC returns the underlying JSON-RPC connection, for calls this package
// does not wrap.
func (c *Client) RPC() *rpc.Client { return c.rpc }

// Endpoint is the node's URL.
func (c *Client) Endpoint() string { return c.rpc.Endpoint() }

// Genesis is the chain's genesis block hash.
func (c *Client) Genesis() Hash { return c.genesis }

// ChainName is the chain's name as the node reports it (system_chain).
func (c *Client) ChainName() string { return c.chain }

// RuntimeVersion returns the runtime version at block at (the latest block
// when at is the zero Hash).
func (c *Client) RuntimeVersion(ctx context.Context, at Hash) (RuntimeVersion, error) {
	var v RuntimeVersion
	if err := c.rpc.Call(ctx, &v, "state_getRuntimeVersion", at.param()); err != nil {
		return v, fmt.Errorf("substrate: runtime version at %s: %w", at, err)
	}
	return v, nil
}

// Runtime returns the description of the runtime at block at (the latest
// when at is the zero Hash), reading its metadata the first time that
// runtime version is seen. Runtimes are kept by spec version, so a chain
// that upgrades is described correctly on both sides of the upgrade.
func (c *Client) Runtime(ctx context.Context, at Hash) (*metadata.Runtime, error) {
	v, err := c.RuntimeVersion(ctx, at)
	if err != nil {
		return nil, err
	}
	return c.runtimeFor(ctx, v, at)
}

// runtimeFor returns the runtime of version v, reading its metadata at
// block at (a block that runs it) once.
func (c *Client) runtimeFor(ctx context.Context, v RuntimeVersion, at Hash) (*metadata.Runtime, error) {
	c.mu.Lock()
	e, ok := c.runtimes[v.SpecVersion]
	if !ok {
		e = &runtimeEntry{version: v}
		c.runtimes[v.SpecVersion] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.rt, e.err = c.readMetadata(ctx, at)
		if e.err == nil {
			c.log.Debug("runtime described", "spec", v.SpecName, "version", v.SpecVersion, "metadata", e.rt.Version)
		}
	})
	if e.err != nil {
		// Let a later call try again (the failure may be the connection's).
		c.mu.Lock()
		if c.runtimes[v.SpecVersion] == e {
			delete(c.runtimes, v.SpecVersion)
		}
		c.mu.Unlock()
	}
	return e.rt, e.err
}

// readMetadata reads the runtime's metadata at block at: V15 through the
// Metadata runtime API when the runtime offers it (it describes the runtime
// APIs), else V14 from state_getMetadata.
func (c *Client) readMetadata(ctx context.Context, at Hash) (*metadata.Runtime, error) {
	var out string
	arg := "0x0f000000" // u32 15
	err := c.rpc.Call(ctx, &out, "state_call", "Metadata_metadata_at_version", arg, at.param())
	if err == nil {
		b, derr := decodeHex(out)
		if derr == nil && len(b) > 1 && b[0] == 1 { // Some(metadata)
			rt, perr := metadata.ParseOpaque(b)
			if perr == nil {
				return rt, nil
			}
			return nil, fmt.Errorf("substrate: metadata V15 at %s: %w", at, perr)
		}
	}
	if err := c.rpc.Call(ctx, &out, "state_getMetadata", at.param()); err != nil {
		return nil, fmt.Errorf("substrate: metadata at %s: %w", at, err)
	}
	b, err := decodeHex(out)
	if err != nil {
		return nil, fmt.Errorf("substrate: metadata at %s: %w", at, err)
	}
	rt, err := metadata.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("substrate: metadata at %s: %w", at, err)
	}
	return rt, nil
}

// decodeHex reads a 0x-prefixed hex string.
func decodeHex(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("substrate: bad hex from node: %w", err)
	}
	return b, nil
}

// encodeHex writes b as 0x-prefixed hex.
func encodeHex(b []byte) string { return "0x" + hex.EncodeToString(b) }
