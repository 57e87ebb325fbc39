package substratetest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blockNumber returns the head's number, asked over HTTP.
func blockNumber(t *testing.T, ctx context.Context, c *Chain) uint64 {
	t.Helper()
	var head struct {
		Number string `json:"number"`
	}
	if err := c.Call(ctx, &head, "chain_getHeader"); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(head.Number, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("head number %q: %v", head.Number, err)
	}
	return n
}

// TestChainLifecycle starts a Manual-mode chain, builds blocks, funds an
// account (checked through polkadot-js), kills it and restarts it afresh on
// the same port, and leaves no process behind.
func TestChainLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := New(t, Options{BlockMode: Manual})
	if c.Port == 0 || c.URL != "ws://127.0.0.1:"+strconv.Itoa(c.Port) {
		t.Fatalf("port %d, URL %q", c.Port, c.URL)
	}
	start := blockNumber(t, ctx, c)
	if _, err := c.NewBlocks(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if got := blockNumber(t, ctx, c); got != start+3 {
		t.Fatalf("after 3 new blocks: head %d, want %d", got, start+3)
	}

	// Alice is funded by the imported storage; polkadot-js reads the same.
	var free string
	err := c.PolkadotJS(ctx, `const api = await env.api();
		const a = await api.query.system.account(env.args.addr);
		return a.data.free.toString();`, map[string]string{"addr": Alice(t).SS58Address()}, &free)
	if err != nil {
		t.Fatal(err)
	}
	if free != "1000000000000000" {
		t.Fatalf("Alice's free balance through polkadot-js: %s", free)
	}
	bob := Bob(t).SS58Address()
	if err := c.Fund(ctx, bob, 5_000_000_000); err != nil {
		t.Fatal(err)
	}
	err = c.PolkadotJS(ctx, `const api = await env.api();
		return (await api.query.system.account(env.args.addr)).data.free.toString();`, map[string]string{"addr": bob}, &free)
	if err != nil {
		t.Fatal(err)
	}
	if free != "5000000000" {
		t.Fatalf("Bob's free balance after Fund: %s, want 5000000000", free)
	}

	pgid := c.proc.cmd.Process.Pid
	c.Kill()
	if err := syscall.Kill(-pgid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process group %d still alive after Kill (%v)", pgid, err)
	}
	if err := c.Call(ctx, nil, "chain_getHeader"); err == nil {
		t.Fatal("a killed chain answered")
	}
	port := c.Port
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Port != port {
		t.Fatalf("restarted on port %d, want %d", c.Port, port)
	}
	if got := blockNumber(t, ctx, c); got != start {
		t.Fatalf("after restart: head %d, want %d (a fresh chain)", got, start)
	}
	if _, err := c.NewBlocks(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := blockNumber(t, ctx, c); got != start+1 {
		t.Fatalf("a block after restart: head %d, want %d", got, start+1)
	}
	pgid = c.proc.cmd.Process.Pid
	c.Stop()
	if err := syscall.Kill(-pgid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process group %d still alive after Stop (%v)", pgid, err)
	}
}
