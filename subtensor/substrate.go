package subtensor

// The Substrate backend: Bittensor's own chain (node-subtensor, on finney,
// test and any node a user runs), through package substrate. Every read and
// call is looked up by name in the connected runtime's metadata, and every
// value is read into a typed view by field name (views.go), so a runtime
// that adds a field or renumbers a pallet keeps working, and one that lacks
// a call says so by name.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// SubstrateClient talks to a Bittensor Substrate node (node-subtensor). It
// is safe for concurrent use; share one per process.
type SubstrateClient struct {
	network  string
	endpoint string
	sc       *substrate.Client
	log      *slog.Logger
	opts     Options

	mu     sync.Mutex
	legacy map[*metadata.Runtime]*scale.Registry // runtime registry + infoTypes
}

var _ Chain = (*SubstrateClient)(nil)

// ConnectSubstrate connects to a Bittensor Substrate node: target is a
// network name (finney, test, archive, local) or a ws(s):// endpoint.
func ConnectSubstrate(ctx context.Context, target string, opts Options) (*SubstrateClient, error) {
	t, err := resolve(target)
	if err != nil {
		return nil, err
	}
	return connectSubstrate(ctx, t, opts)
}

func connectSubstrate(ctx context.Context, t resolved, opts Options) (*SubstrateClient, error) {
	opts = opts.withDefaults()
	sc, err := substrate.Dial(ctx, t.wsURL(), substrate.Options{Logger: opts.Logger, RPC: opts.RPC})
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %w", ErrUnavailable, t.wsURL(), err)
	}
	return &SubstrateClient{network: t.network, endpoint: t.wsURL(), sc: sc, log: opts.Logger, opts: opts,
		legacy: make(map[*metadata.Runtime]*scale.Registry)}, nil
}

// Network is the network's name ("finney", "test", "local", "unknown").
func (c *SubstrateClient) Network() string { return c.network }

// Endpoint is the node's websocket URL.
func (c *SubstrateClient) Endpoint() string { return c.endpoint }

// ChainID is the chain's name and the start of its genesis hash, e.g.
// "Bittensor 0x2f0555cc".
func (c *SubstrateClient) ChainID() string {
	g := c.sc.Genesis()
	return fmt.Sprintf("%s %s", c.sc.ChainName(), g.String()[:10])
}

// Close closes the connection.
func (c *SubstrateClient) Close() error { return c.sc.Close() }

// Substrate returns the underlying Substrate client, for reads and calls
// this package does not wrap.
func (c *SubstrateClient) Substrate() *substrate.Client { return c.sc }

// at pins a read: the hash and number of block n, or of the best block for
// n = 0, so that every read of one call sees one state.
func (c *SubstrateClient) at(ctx context.Context, n uint64) (substrate.Hash, uint64, error) {
	if n == 0 {
		h, err := c.sc.Head(ctx)
		if err != nil {
			return substrate.Hash{}, 0, c.wrap(err)
		}
		return h.Hash, h.Number, nil
	}
	h, err := c.sc.BlockHash(ctx, n)
	if errors.Is(err, substrate.ErrNotFound) {
		return h, n, types.Errorf(types.ErrHeightPruned, "block %d is not known to %s", n, c.endpoint)
	}
	return h, n, c.wrap(err)
}

// wrap names a transport failure as the node being unavailable; other
// errors pass through.
func (c *SubstrateClient) wrap(err error) error {
	if err == nil {
		return nil
	}
	var me *metadata.Runtime
	_ = me
	if isSubstrateTransport(err) {
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, c.endpoint, err)
	}
	return err
}

// notSupported is the error of a method the connected runtime lacks.
func (c *SubstrateClient) notSupported(what string, why error) error {
	if why != nil {
		return fmt.Errorf("%w: %s on %s: %w", ErrNotSupported, what, c.endpoint, why)
	}
	return fmt.Errorf("%w: %s on %s", ErrNotSupported, what, c.endpoint)
}

// storage reads pallet.item under keys at block at into out.
func (c *SubstrateClient) storage(ctx context.Context, at substrate.Hash, out any, pallet, item string, keys ...any) (bool, error) {
	ok, err := c.sc.Storage(ctx, at, out, pallet, item, keys...)
	if errors.Is(err, metadata.ErrNotFound) {
		return false, c.notSupported(pallet+"."+item, err)
	}
	return ok, c.wrap(err)
}
