package rpc

import (
	"context"
	"encoding/json"
	"fmt"
)

// Call calls method with params (each encoded with encoding/json, sent as
// the JSON-RPC params array) and decodes the answer's result into result,
// which must be a pointer, a *json.RawMessage to keep the raw JSON, or nil to
// discard it. A JSON null result (state_getStorage of an absent key, for
// example) leaves result unchanged: decode into a pointer or a
// *json.RawMessage to tell it apart.
//
// ctx bounds the whole call; without a deadline Options.CallTimeout applies.
// While the Client is reconnecting the call waits for the connection, then
// sends. If ctx ends first, the call returns at once, its request id is
// forgotten and a late answer is dropped.
//
// Errors: *Error when the node answered a JSON-RPC error; ErrConnectionLost
// when the connection dropped before the answer (the node may have run the
// call; retryable); ErrNotConnected plus the context's error when ctx ended
// while reconnecting (nothing was sent); the context's error when it ended
// after sending; ErrClosed after Close. Call is safe for concurrent use.
func (cl *Client) Call(ctx context.Context, result any, method string, params ...any) error {
	p, err := encodeParams(method, params)
	if err != nil {
		return err
	}
	raw, err := cl.call(ctx, method, p, nil)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	if r, ok := result.(*json.RawMessage); ok {
		*r = raw
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("rpc: %s: decode result into %T: %w (result %s)", method, result, err, clip(raw))
	}
	return nil
}

// encodeParams encodes params as a JSON array ([] when there are none).
func encodeParams(method string, params []any) (json.RawMessage, error) {
	if len(params) == 0 {
		return json.RawMessage("[]"), nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("rpc: %s: encode params: %w", method, err)
	}
	return b, nil
}

// request is the wire form of a call.
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      uint64          `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

func encodeRequest(id uint64, method string, params json.RawMessage) ([]byte, error) {
	return json.Marshal(request{JSONRPC: "2.0", ID: id, Method: method, Params: params})
}

// call sends one request and waits for its answer; sub, when not nil, is the
// subscription this request (re-)establishes.
func (cl *Client) call(ctx context.Context, method string, params json.RawMessage, sub *Subscription) (json.RawMessage, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cl.opts.CallTimeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rpc: %s on %s: not sent: %w", method, cl.endpoint, err)
	}
	id := cl.nextID.Add(1)
	msg, err := encodeRequest(id, method, params)
	if err != nil {
		return nil, fmt.Errorf("rpc: %s: encode request: %w", method, err)
	}
	p := &pendingCall{method: method, ch: make(chan response, 1), sub: sub}
	var c *conn
	for {
		if c, err = cl.acquire(ctx, method, id, p); err != nil {
			return nil, err
		}
		sent, err := c.write(ctx, msg)
		if err == nil || sent {
			break // on a failed write connectionLost answers p with ErrConnectionLost
		}
		// Not sent: the connection went first, or ctx ended while waiting
		// for the writer.
		if !cl.forget(c, id, p) {
			<-p.ch // connectionLost answered it meanwhile
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("rpc: %s on %s: not sent: %w", method, cl.endpoint, ctx.Err())
		}
		// Nothing was sent, so it is safe to wait for the next connection.
	}
	select {
	case r := <-p.ch:
		return r.result, r.err
	case <-ctx.Done():
		if cl.forget(c, id, p) {
			return nil, fmt.Errorf("rpc: %s on %s: no answer: %w", method, cl.endpoint, ctx.Err())
		}
		// The answer came at the same moment: take it.
		r := <-p.ch
		return r.result, r.err
	}
}

// acquire waits for a live connection and enters call id in its pending set.
func (cl *Client) acquire(ctx context.Context, method string, id uint64, p *pendingCall) (*conn, error) {
	for {
		cl.mu.Lock()
		if cl.closed {
			cl.mu.Unlock()
			return nil, fmt.Errorf("%w: %s on %s", ErrClosed, method, cl.endpoint)
		}
		if c := cl.conn; c != nil {
			c.pending[id] = p
			cl.mu.Unlock()
			return c, nil
		}
		ready, last := cl.ready, cl.lastErr
		cl.mu.Unlock()
		select {
		case <-ready:
		case <-cl.ctx.Done():
			return nil, fmt.Errorf("%w: %s on %s", ErrClosed, method, cl.endpoint)
		case <-ctx.Done():
			return nil, fmt.Errorf("%w to %s (reconnecting; last error: %v): %s: %w", ErrNotConnected, cl.endpoint, last, method, ctx.Err())
		}
	}
}

// forget removes call id from c's pending set so that a late answer is
// dropped; it reports false when the call was answered already (its
// response is then in p.ch). A subscribe call given up on is remembered, so
// that a subscription the node makes anyway is taken down.
func (cl *Client) forget(c *conn, id uint64, p *pendingCall) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if _, ok := c.pending[id]; !ok {
		return false
	}
	delete(c.pending, id)
	if p.sub != nil {
		c.abandoned[id] = p.sub.unsubscribe
	}
	return true
}
