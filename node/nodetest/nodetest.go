// Package nodetest starts real subtensor nodes for other packages' tests,
// as net/http/httptest starts real servers: a dev chain in a temporary
// home, with its RPC on a free loopback port, stopped when the test ends.
package nodetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Options adjust the dev chain.
type Options struct {
	// BlockTime is the block interval (default 100ms).
	BlockTime time.Duration
	// Genesis changes the dev genesis before the chain starts.
	Genesis func(*chain.Genesis)
	// Config adjusts the node's CometBFT configuration (node.StartOptions).
	Config func(*cmtcfg.Config)
}

// Dev is a running dev node.
type Dev struct {
	Node *node.Node
	RPC  string // host:port of the node's RPC
	Home string
}

// StartDev initialises and starts a dev chain (node.DevGenesis: funded dev
// accounts, //Alice as sudo) and waits for its first blocks.
func StartDev(t testing.TB, o Options) *Dev {
	t.Helper()
	if o.BlockTime == 0 {
		o.BlockTime = 100 * time.Millisecond
	}
	g, err := node.DevGenesis()
	if err != nil {
		t.Fatal(err)
	}
	if o.Genesis != nil {
		o.Genesis(&g)
	}
	home := t.TempDir()
	rpc, err := node.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p2p, err := node.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	if err := node.Init(home, node.InitOptions{ChainID: node.DevChainID, Genesis: g, RPCListen: rpc, P2PListen: p2p, BlockTime: o.BlockTime, NoPeerExchange: true}); err != nil {
		t.Fatal(err)
	}
	n, err := node.Start(context.Background(), home, node.StartOptions{Config: o.Config})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Stop() })
	d := &Dev{Node: n, RPC: rpc, Home: home}
	d.WaitHeight(t, 2)
	return d
}

// Client connects a client to the node.
func (d *Dev) Client(t testing.TB) *subtensor.CometBFTClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := subtensor.ConnectCometBFT(ctx, d.RPC, subtensor.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// WaitHeight waits until the application has committed block h, so that
// state at h can be queried. (The block store gets a block before the
// application commits it; the chain's own answer is what counts.)
func (d *Dev) WaitHeight(t testing.TB, h int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var b types.BlockInfo
		resp, err := d.Node.Query(types.QueryBlock)
		if err == nil && json.Unmarshal(resp, &b) == nil && int64(b.Height) >= h {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev node did not reach height %d (at %d)", h, b.Height)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
