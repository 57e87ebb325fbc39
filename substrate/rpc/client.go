package rpc

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Client is a JSON-RPC 2.0 client over one websocket connection to a
// Substrate node, reconnecting by itself when the connection is lost.
//
// A Client is safe for concurrent use by many goroutines: calls and
// subscriptions share its one connection and are told apart by request id.
// Create it with Dial; Close releases everything it holds.
type Client struct {
	endpoint string
	opts     Options
	log      *slog.Logger
	nextID   atomic.Uint64

	// ctx is cancelled by Close; everything the Client started ends with it.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the supervisor has stopped

	mu      sync.Mutex
	conn    *conn                      // the live connection; nil while reconnecting or closed
	ready   chan struct{}              // closed when conn becomes non-nil; replaced when it is lost
	lastErr error                      // why the last connection ended
	subs    map[*Subscription]struct{} // subscriptions alive (subscribed, or waiting to be re-subscribed)
	closed  bool

	reconnects atomic.Uint64
	closeOnce  sync.Once
}

// Dial connects to a node's websocket JSON-RPC endpoint ("ws://host:port" or
// "wss://host/path") and returns a Client. It makes one attempt, bounded by
// ctx and Options.DialTimeout, and returns a *DialError that says what went
// wrong and what to check (errors.Is(err, ErrConnRefused), ErrHostNotFound,
// ErrTLS, ErrHandshake, ErrDialTimeout). Once connected, the Client repairs a
// lost connection by itself until Close.
func Dial(ctx context.Context, endpoint string, opts Options) (*Client, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkEndpoint(endpoint); err != nil {
		return nil, err
	}
	cl := &Client{
		endpoint: endpoint,
		opts:     o,
		log:      o.Logger.With("endpoint", endpoint),
		done:     make(chan struct{}),
		ready:    make(chan struct{}),
		subs:     make(map[*Subscription]struct{}),
	}
	cl.ctx, cl.cancel = context.WithCancel(context.Background())
	c, err := cl.dial(ctx)
	if err != nil {
		cl.cancel()
		return nil, err
	}
	cl.conn = c
	close(cl.ready)
	c.start()
	go cl.supervise(c)
	return cl, nil
}

// checkEndpoint accepts ws://, wss:// (and http://, https://, which the
// websocket handshake upgrades the same way) URLs with a host.
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("%w %q: %v (want ws://host:port or wss://host/path)", ErrEndpoint, endpoint, err)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return fmt.Errorf("%w %q: scheme %q (want ws://host:port or wss://host/path)", ErrEndpoint, endpoint, u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%w %q: no host (want ws://host:port or wss://host/path)", ErrEndpoint, endpoint)
	}
	return nil
}

// Endpoint returns the URL the Client connects to.
func (cl *Client) Endpoint() string { return cl.endpoint }

// Connected reports whether the Client has a live connection at this moment.
func (cl *Client) Connected() bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.conn != nil
}

// Reconnects returns how many times the Client has restored a lost
// connection since Dial.
func (cl *Client) Reconnects() uint64 { return cl.reconnects.Load() }

// Close unsubscribes every live subscription (best effort, within about a
// second), closes the connection and stops the Client's goroutines. Calls in
// flight and waiting fail with ErrClosed; subscriptions end with ErrClosed.
// Close is idempotent and safe to call concurrently; it always returns nil.
func (cl *Client) Close() error {
	cl.closeOnce.Do(func() {
		cl.unsubscribeAll(time.Second)
		cl.mu.Lock()
		cl.closed = true
		cl.mu.Unlock()
		cl.cancel()
		<-cl.done
	})
	return nil
}

// unsubscribeAll sends the unsubscribe call of every subscription live on the
// current connection and waits for the answers, at most wait.
func (cl *Client) unsubscribeAll(wait time.Duration) {
	cl.mu.Lock()
	var subs []*Subscription
	for s := range cl.subs {
		subs = append(subs, s)
	}
	cl.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(cl.ctx, wait)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() {
			_ = s.stop(ctx, fmt.Errorf("%w: %s subscription on %s", ErrClosed, s.method, cl.endpoint))
		})
	}
	wg.Wait()
}

// supervise watches the live connection; when it is lost it fails what was in
// flight, reconnects with backoff and re-subscribes. It returns when the
// Client is closed.
func (cl *Client) supervise(c *conn) {
	defer close(cl.done)
	for {
		select {
		case <-cl.ctx.Done():
			cl.shutdown(c)
			return
		case <-c.lost:
		}
		c.wait() // fail has already answered its calls (connectionLost)
		cl.log.Warn("rpc: connection lost; reconnecting", "err", c.err)
		c = cl.reconnect()
		if c == nil {
			cl.shutdown(nil)
			return
		}
		cl.resubscribe(c)
	}
}

// reconnect dials until it succeeds (then the new connection is live) or the
// Client is closed (then it returns nil).
func (cl *Client) reconnect() *conn {
	for attempt := 0; ; attempt++ {
		t := time.NewTimer(backoff(attempt, cl.opts.ReconnectMin, cl.opts.ReconnectMax))
		select {
		case <-cl.ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		c, err := cl.dial(cl.ctx)
		if err != nil {
			if cl.ctx.Err() != nil {
				return nil
			}
			cl.mu.Lock()
			cl.lastErr = err
			cl.mu.Unlock()
			// Warn at attempts 1, 2, 4, 8…: an outage is visible without
			// a line every few seconds.
			level := slog.LevelDebug
			if n := attempt + 1; n&(n-1) == 0 {
				level = slog.LevelWarn
			}
			cl.log.Log(cl.ctx, level, "rpc: reconnect failed", "attempt", attempt+1, "err", err)
			continue
		}
		cl.mu.Lock()
		if cl.closed {
			cl.mu.Unlock()
			c.ws.CloseNow()
			return nil
		}
		cl.conn = c
		close(cl.ready)
		cl.mu.Unlock()
		c.start()
		cl.reconnects.Add(1)
		cl.log.Info("rpc: reconnected", "attempts", attempt+1)
		return c
	}
}

// connectionLost detaches the lost connection c: the calls in flight on it
// fail with ErrConnectionLost, subscriptions that may be re-established wait
// for the next connection, the others end. It runs once per connection,
// from conn.fail.
func (cl *Client) connectionLost(c *conn) {
	cl.mu.Lock()
	if cl.conn == c {
		cl.conn = nil
		cl.ready = make(chan struct{})
	}
	cl.lastErr = c.err
	pending := c.pending
	c.pending = nil
	for _, p := range pending {
		p.ch <- response{err: cl.lostError(p.method, c.err)}
	}
	var ended []*Subscription
	for s := range cl.subs {
		if s.conn != c {
			continue
		}
		s.conn, s.id, s.rawID = nil, "", nil
		if !Resubscribes(s.method) {
			delete(cl.subs, s)
			ended = append(ended, s)
		}
	}
	c.subs = map[string]*Subscription{} // late notifications find nothing
	cl.mu.Unlock()
	for _, s := range ended {
		s.end(fmt.Errorf("%w: %s subscription on %s: %w; it is not re-established, because that would submit "+
			"the extrinsic again: look the extrinsic up on chain before submitting it again", ErrConnectionLost, s.method, cl.endpoint, c.err))
	}
}

// lostError is the error of a call in flight on a connection lost for cause.
func (cl *Client) lostError(method string, cause error) error {
	return fmt.Errorf("%w: %s on %s: %w; the node may or may not have run it: retry a read, "+
		"look a transaction up on chain before sending it again", ErrConnectionLost, method, cl.endpoint, cause)
}

// resubscribe re-establishes, on the new connection c, every subscription
// that waits for one. One that the node refuses ends with the node's error;
// if c is lost meanwhile, the rest wait for the next connection.
func (cl *Client) resubscribe(c *conn) {
	cl.mu.Lock()
	var waiting []*Subscription
	for s := range cl.subs {
		if s.conn == nil {
			waiting = append(waiting, s)
		}
	}
	cl.mu.Unlock()
	for _, s := range waiting {
		ctx, cancel := context.WithTimeout(cl.ctx, cl.opts.CallTimeout)
		_, err := cl.call(ctx, s.method, s.params, s)
		cancel()
		switch {
		case err == nil:
		case cl.ctx.Err() != nil:
			return
		default:
			select {
			case <-c.lost:
				return // the next round re-subscribes it
			default:
			}
			cl.mu.Lock()
			delete(cl.subs, s)
			cl.mu.Unlock()
			s.end(fmt.Errorf("rpc: re-subscribing %s after reconnecting to %s: %w", s.method, cl.endpoint, err))
		}
	}
}

// shutdown closes the connection c (if any) and fails everything still
// waiting with ErrClosed.
func (cl *Client) shutdown(c *conn) {
	if c != nil {
		c.close()
	}
	cl.mu.Lock()
	cl.closed = true
	cl.conn = nil
	var pending map[uint64]*pendingCall
	if c != nil {
		pending, c.pending = c.pending, nil
	}
	subs := cl.subs
	cl.subs = map[*Subscription]struct{}{}
	cl.mu.Unlock()
	for _, p := range pending {
		p.ch <- response{err: fmt.Errorf("%w: %s on %s", ErrClosed, p.method, cl.endpoint)}
	}
	for s := range subs {
		s.end(fmt.Errorf("%w: %s subscription on %s", ErrClosed, s.method, cl.endpoint))
	}
}
