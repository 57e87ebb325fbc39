package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
)

// TestOutage freezes, kills and restarts a chain under two clients: the one
// with keep-alive pings notices the frozen node by itself, the other when the
// process dies. In-flight calls fail with ErrConnectionLost, calls during the
// outage wait or time out cleanly, both clients reconnect by themselves after
// the restart, the heads subscription delivers again with GapReconnect, and
// the watched extrinsic is ended, not sent again.
func TestOutage(t *testing.T) {
	ch := substratetest.New(t, substratetest.Options{BlockMode: substratetest.Manual})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	fast := rpc.Options{ReconnectMin: 50 * time.Millisecond, ReconnectMax: 300 * time.Millisecond, DialTimeout: time.Second}
	pinging := fast
	pinging.PingInterval, pinging.PingTimeout = 200*time.Millisecond, 500*time.Millisecond
	c := dial(t, ch.URL, pinging)
	quiet := fast
	quiet.PingInterval = -1
	q := dial(t, ch.URL, quiet)

	var genesis string
	if err := c.Call(ctx, &genesis, "chain_getBlockHash", 0); err != nil {
		t.Fatal(err)
	}
	heads, err := c.Subscribe(ctx, "chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := heads.Next(ctx); err != nil { // the current head
		t.Fatal(err)
	}

	// A signed transfer from //Alice, built by polkadot-js, waits in the pool
	// (Manual blocks) under an author_submitAndWatchExtrinsic subscription.
	// (The runtime's own genesis hash, System.BlockHash(0), is what a
	// signature commits to; on a chopsticks chain started from a genesis it
	// is not chain_getBlockHash(0).)
	alice := substratetest.Alice(t).SS58Address()
	var xt string
	err = ch.PolkadotJS(ctx, `const api = await env.api();
		const alice = (await env.keyring()).addFromUri('//Alice');
		const genesis = (await api.query.system.blockHash(0)).toHex();
		const tx = api.tx.balances.transferKeepAlive(env.args.bob, 1000000000n);
		await tx.signAsync(alice, { era: 0, genesisHash: genesis, blockHash: genesis });
		return tx.toHex();`, map[string]string{"bob": substratetest.Bob(t).SS58Address()}, &xt)
	if err != nil {
		t.Fatal(err)
	}
	watch, err := c.Subscribe(ctx, "author_submitAndWatchExtrinsic", "author_unwatchExtrinsic", xt)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := watch.Next(ctx); err != nil || string(n.Result) != `{"ready":null}` {
		t.Fatalf("first extrinsic status %s, %v", n.Result, err)
	}

	// Freeze the node: sockets stay open, nothing answers.
	if err := ch.Pause(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	inflight := make(chan error, 10)
	for _, cl := range []*rpc.Client{c, q} {
		for range 5 {
			wg.Go(func() { inflight <- cl.Call(ctx, nil, "chain_getBlockHash", 0) })
		}
	}
	// The pinging client notices by itself.
	for c.Connected() {
		select {
		case <-ctx.Done():
			t.Fatal("the frozen node was not noticed")
		case <-time.After(20 * time.Millisecond):
		}
	}
	_, err = watch.Next(ctx)
	for err == nil {
		_, err = watch.Next(ctx) // statuses sent before the freeze, then the end
	}
	if !errors.Is(err, rpc.ErrConnectionLost) {
		t.Fatalf("watched extrinsic after the connection dropped: %v, want ErrConnectionLost", err)
	}
	// A call with a short deadline during the outage fails cleanly.
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	err = c.Call(short, nil, "system_chain")
	cancelShort()
	if !errors.Is(err, rpc.ErrNotConnected) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call during the outage: %v, want ErrNotConnected and DeadlineExceeded", err)
	}

	// Kill the frozen process: the quiet client's calls now fail too.
	ch.Kill()
	wg.Wait()
	close(inflight)
	for err := range inflight {
		if !errors.Is(err, rpc.ErrConnectionLost) {
			t.Errorf("call in flight: %v, want ErrConnectionLost", err)
		}
	}

	// Calls made during the outage with time to spare wait for the restart.
	waiting := make(chan error, 2)
	for _, cl := range []*rpc.Client{c, q} {
		go func() {
			var h string
			err := cl.Call(ctx, &h, "chain_getBlockHash", 0)
			if err == nil && h != genesis {
				err = errors.New("wrong genesis hash " + h)
			}
			waiting <- err
		}()
	}
	if err := ch.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-waiting; err != nil {
			t.Fatalf("call waiting through the outage: %v", err)
		}
	}
	if c.Reconnects() == 0 || q.Reconnects() == 0 {
		t.Fatalf("reconnects %d and %d, want both > 0", c.Reconnects(), q.Reconnects())
	}

	// The heads subscription is back, and says that it missed some.
	if _, err := ch.NewBlocks(ctx, 1); err != nil {
		t.Fatal(err)
	}
	n, err := heads.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Gap&rpc.GapReconnect == 0 {
		t.Fatalf("first head after reconnecting: gap %v, want reconnect", n.Gap)
	}
	var h head
	if err := json.Unmarshal(n.Result, &h); err != nil || h.Number == "" {
		t.Fatalf("head after reconnect %s: %v", n.Result, err)
	}

	// The transfer was never sent again: Alice's nonce is still 0 and the
	// pool is empty after a block.
	var nonce int
	if err := c.Call(ctx, &nonce, "system_accountNextIndex", alice); err != nil {
		t.Fatal(err)
	}
	var pool []string
	if err := c.Call(ctx, &pool, "author_pendingExtrinsics"); err != nil {
		t.Fatal(err)
	}
	if nonce != 0 || len(pool) != 0 {
		t.Fatalf("after reconnect: Alice's nonce %d, pool %v; the extrinsic was sent again", nonce, pool)
	}
}
