package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// TestConcurrentCalls sends hundreds of calls at once over one connection
// and checks that each gets its own answer: block hashes by number, compared
// with the chain's answers over HTTP (the harness's own client).
func TestConcurrentCalls(t *testing.T) {
	ch := chain.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := ch.NewBlocks(ctx, 4); err != nil {
		t.Fatal(err)
	}
	var top head
	if err := ch.Call(ctx, &top, "chain_getHeader"); err != nil {
		t.Fatal(err)
	}
	n := top.number(t)
	want := make(map[uint64]string)
	for i := uint64(0); i <= n; i++ {
		var h string
		if err := ch.Call(ctx, &h, "chain_getBlockHash", i); err != nil {
			t.Fatal(err)
		}
		want[i] = h
	}

	c := dial(t, ch.URL, rpc.Options{})
	const calls = 400
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			num := uint64(i) % (n + 1)
			var got string
			if err := c.Call(ctx, &got, "chain_getBlockHash", num); err != nil {
				errs <- err
				return
			}
			if got != want[num] {
				errs <- fmt.Errorf("block %d: hash %s, want %s", num, got, want[num])
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestErrorObject: the node's JSON-RPC errors arrive as *rpc.Error.
func TestErrorObject(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{})
	ctx := context.Background()

	tests := []struct {
		name   string
		method string
		params []any
		code   int
	}{
		{"unknown method", "nosuch_method", nil, -32601},
		{"invalid extrinsic", "author_submitExtrinsic", []any{"0x00"}, 1011},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Call(ctx, nil, tt.method, tt.params...)
			var rerr *rpc.Error
			if !errors.As(err, &rerr) {
				t.Fatalf("error %v (%T), want *rpc.Error", err, err)
			}
			if rerr.Code != tt.code || rerr.Method != tt.method || rerr.Message == "" {
				t.Fatalf("error %+v, want code %d for %s", rerr, tt.code, tt.method)
			}
			if errors.Is(err, rpc.ErrConnectionLost) {
				t.Fatal("a node's refusal reads as a lost connection")
			}
			if !strings.Contains(err.Error(), tt.method) {
				t.Fatalf("message %q does not name the method", err)
			}
		})
	}
	// The connection is still good after errors.
	var h string
	if err := c.Call(ctx, &h, "chain_getBlockHash", 0); err != nil || !strings.HasPrefix(h, "0x") {
		t.Fatalf("after errors: %q, %v", h, err)
	}
}

// TestResultDecoding: results decode into the caller's type, a raw message,
// or nowhere; null leaves the target as it was; a type mismatch is an error
// that names the method.
func TestResultDecoding(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{})
	ctx := context.Background()

	var raw json.RawMessage
	if err := c.Call(ctx, &raw, "state_getRuntimeVersion"); err != nil {
		t.Fatal(err)
	}
	var v struct {
		SpecName    string `json:"specName"`
		SpecVersion int    `json:"specVersion"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.SpecName != "node-subtensor" || v.SpecVersion != 218 {
		t.Fatalf("runtime version %s: %+v %v", raw, v, err)
	}
	if err := c.Call(ctx, nil, "system_chain"); err != nil {
		t.Fatal(err)
	}
	// An absent storage key answers null.
	value := new(string)
	if err := c.Call(ctx, &value, "state_getStorage", "0x1234"); err != nil {
		t.Fatal(err)
	}
	if value != nil {
		t.Fatalf("absent key: %q, want nil", *value)
	}
	var n int
	err := c.Call(ctx, &n, "system_chain")
	if err == nil || !strings.Contains(err.Error(), "system_chain") {
		t.Fatalf("string into int: %v", err)
	}
}

// TestDeadlines: an expired context sends nothing, a cancelled one returns at
// once, and the connection stays usable.
func TestDeadlines(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Call(ctx, nil, "system_chain"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := c.Call(ctx, nil, "system_chain"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired context: %v", err)
	}
	// Many calls given up on while in flight; their late answers are dropped
	// and do not reach later calls.
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Microsecond)
			defer cancel()
			_ = c.Call(ctx, nil, "state_getMetadata")
		})
	}
	wg.Wait()
	for i := range 20 {
		var h string
		if err := c.Call(context.Background(), &h, "chain_getBlockHash", 0); err != nil {
			t.Fatal(err)
		}
		var want string
		if err := ch.Call(context.Background(), &want, "chain_getBlockHash", 0); err != nil {
			t.Fatal(err)
		}
		if h != want {
			t.Fatalf("call %d after abandoned ones: %s, want %s", i, h, want)
		}
	}
}

// TestNewHeads subscribes to new and finalized heads while blocks are built,
// then unsubscribes.
func TestNewHeads(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	heads, err := c.Subscribe(ctx, "chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
	if err != nil {
		t.Fatal(err)
	}
	final, err := c.Subscribe(ctx, "chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads")
	if err != nil {
		t.Fatal(err)
	}
	var top head
	if err := ch.Call(ctx, &top, "chain_getHeader"); err != nil {
		t.Fatal(err)
	}
	target := top.number(t) + 3
	for range 3 {
		if _, err := ch.NewBlocks(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*rpc.Subscription{heads, final} {
		var last uint64
		for last < target {
			n, err := s.Next(ctx)
			if err != nil {
				t.Fatalf("%s: %v", s.Method(), err)
			}
			var h head
			if err := json.Unmarshal(n.Result, &h); err != nil {
				t.Fatalf("%s: %s: %v", s.Method(), n.Result, err)
			}
			if got := h.number(t); got < last {
				t.Fatalf("%s: head %d after %d", s.Method(), got, last)
			} else {
				last = got
			}
			if n.Gap != 0 {
				t.Fatalf("%s: gap %v on a healthy connection", s.Method(), n.Gap)
			}
		}
	}
	if err := heads.Unsubscribe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := heads.Next(ctx); !errors.Is(err, rpc.ErrUnsubscribed) {
		t.Fatalf("Next after Unsubscribe: %v", err)
	}
	if err := heads.Unsubscribe(ctx); err != nil {
		t.Fatalf("second Unsubscribe: %v", err)
	}
	// final is left open: Close ends it.
	c.Close()
	if _, err := final.Next(ctx); !errors.Is(err, rpc.ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	select {
	case <-final.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
}

// TestSlowSubscriber: a subscriber that does not read never holds up the
// connection; its buffer keeps the newest notifications and the first one
// read reports the overflow.
func TestSlowSubscriber(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{SubscriptionBuffer: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	slow, err := c.Subscribe(ctx, "chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
	if err != nil {
		t.Fatal(err)
	}
	var top head
	if err := ch.Call(ctx, &top, "chain_getHeader"); err != nil {
		t.Fatal(err)
	}
	target := top.number(t) + 4
	for range 2 {
		if _, err := ch.NewBlocks(ctx, 2); err != nil {
			t.Fatal(err)
		}
		// Calls keep working while the subscriber sleeps.
		if err := c.Call(ctx, nil, "system_chain"); err != nil {
			t.Fatal(err)
		}
	}
	var got []rpc.Notification
	for {
		n, err := slow.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
		var h head
		if err := json.Unmarshal(n.Result, &h); err != nil {
			t.Fatal(err)
		}
		if h.number(t) >= target {
			break
		}
	}
	if got[0].Gap&rpc.GapOverflow == 0 {
		t.Fatalf("first notification after 5 into a buffer of 2: gap %v, want overflow", got[0].Gap)
	}
	if len(got) > 2 {
		t.Fatalf("read %d notifications from a buffer of 2", len(got))
	}
}

// TestClose: Close is idempotent, safe from many goroutines, and calls after
// it fail with ErrClosed.
func TestClose(t *testing.T) {
	ch := chain.Chain(t)
	c := dial(t, ch.URL, rpc.Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { c.Close() })
	}
	wg.Wait()
	if err := c.Call(context.Background(), nil, "system_chain"); !errors.Is(err, rpc.ErrClosed) {
		t.Fatalf("call after Close: %v", err)
	}
	if _, err := c.Subscribe(context.Background(), "chain_subscribeNewHeads", "chain_unsubscribeNewHeads"); !errors.Is(err, rpc.ErrClosed) {
		t.Fatalf("subscribe after Close: %v", err)
	}
	if c.Connected() {
		t.Fatal("Connected after Close")
	}
}
