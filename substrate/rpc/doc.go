// Package rpc is a JSON-RPC 2.0 client over one websocket, the transport to
// Substrate nodes (node-subtensor on Bittensor's finney and test networks, or
// chopsticks in tests). It knows nothing of SCALE or of Bittensor: it moves
// JSON-RPC calls and subscriptions and keeps the connection alive.
//
// # Calls
//
//	c, err := rpc.Dial(ctx, "ws://127.0.0.1:9944", rpc.Options{})
//	if err != nil { return err } // *rpc.DialError: refused, host not found, TLS, not a websocket server…
//	defer c.Close()
//	var hash string
//	err = c.Call(ctx, &hash, "chain_getBlockHash", 0)
//
// Many goroutines may call at once: every call is a request with its own id
// on the one connection and its answer is matched by id. Every call is
// bounded: by its context, or by Options.CallTimeout when the context has no
// deadline. A call given up on frees its place at once; its answer, should
// it come later, is dropped.
//
// # Errors
//
// A node's JSON-RPC error object is an *Error (errors.As) with the code,
// message and data. Transport failures are sentinels to test with errors.Is,
// each message naming the endpoint and what to check:
//
//   - Dial: a *DialError whose Kind is ErrConnRefused, ErrHostNotFound,
//     ErrTLS, ErrHandshake (a server that is not a websocket JSON-RPC
//     endpoint), ErrDialTimeout or ErrDial.
//   - ErrConnectionLost: the connection dropped while the call was in
//     flight. The node may or may not have run it. This is the retryable
//     error; the transport never re-sends a request itself, so a submitted
//     extrinsic is never sent twice behind the caller's back.
//   - ErrNotConnected (with context.DeadlineExceeded or context.Canceled):
//     the call's context ended while the Client was reconnecting; nothing
//     was sent.
//   - ErrClosed: the Client was closed.
//
// # Subscriptions
//
//	sub, err := c.Subscribe(ctx, "chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
//	for {
//		n, err := sub.Next(ctx) // n.Result is the header's JSON
//		if err != nil { break } // ErrUnsubscribed, ErrClosed, ErrConnectionLost, ctx's error
//		if n.Gap != 0 { /* notifications were missed: re-read the state */ }
//	}
//
// Notifications are routed by subscription id into a per-subscription
// buffer of Options.SubscriptionBuffer; the connection's reader never waits
// for a subscriber. A full buffer drops its oldest notification and marks
// the next one read with GapOverflow.
//
// # Keep-alive and reconnect
//
// The Client pings the node every Options.PingInterval; a pong missing after
// Options.PingTimeout means a dead peer (a frozen process, a silently dropped
// route) and the connection is treated as lost, like a closed one. Then:
//
//   - calls in flight fail with ErrConnectionLost;
//   - calls made while reconnecting wait for the new connection, up to their
//     deadline;
//   - the Client redials with exponential, jittered backoff between
//     Options.ReconnectMin and ReconnectMax, until it connects or is closed;
//   - subscriptions are made again on the new connection and their next
//     notification carries GapReconnect, except the ones whose subscribe
//     call submits an extrinsic (see Resubscribes): those end with
//     ErrConnectionLost, because making them again would submit twice.
//
// Close unsubscribes, closes the connection and stops every goroutine the
// Client started; it is idempotent.
//
// # Why not an existing client
//
// go-substrate-rpc-client's client is its fork of go-ethereum's rpc package
// (gethrpc): calls take no context, and a lost connection is neither
// repaired nor its subscriptions re-established, which is the behaviour this
// package exists for. coder/websocket provides the websocket
// (context-aware reads, writes and pings); the multiplexer is written here.
package rpc
