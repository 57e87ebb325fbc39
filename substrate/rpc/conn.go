package rpc

// One websocket connection: its reader (which routes answers by id and
// notifications by subscription id), its keep-alive pinger and its writes.
// Everything a connection holds dies with it; the Client replaces it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// earlyLimit bounds the notifications kept for subscription ids not (yet)
// known on a connection: a node may send a subscription's first notification
// before the answer that names it.
const earlyLimit = 64

// conn is one websocket connection of a Client. Its maps are guarded by the
// Client's mu.
type conn struct {
	cl     *Client
	ws     *websocket.Conn
	ctx    context.Context // ends when the connection fails or is closed
	cancel context.CancelFunc
	wmu    chan struct{} // one writer at a time; a call waiting here can give up

	pending   map[uint64]*pendingCall  // calls sent and not yet answered, by id
	abandoned map[uint64]string        // subscribe calls given up on: id → unsubscribe method
	subs      map[string]*Subscription // by the node's subscription id
	early     []notification           // notifications for unknown subscription ids, oldest first

	lost     chan struct{} // closed when the connection has failed or is closed
	lostOnce sync.Once
	err      error // why it was lost; set before lost is closed
	wg       sync.WaitGroup
}

// pendingCall is a call waiting for its answer. The reader (or the code that
// fails the connection) deletes it from pending and sends exactly one
// response on ch, under the Client's mu.
type pendingCall struct {
	method string
	ch     chan response // capacity 1
	sub    *Subscription // for a subscribe call: registered when the answer arrives
}

type response struct {
	result json.RawMessage
	err    error
}

type notification struct {
	sub    string
	result json.RawMessage
}

// dial makes one connection attempt bounded by ctx and DialTimeout.
func (cl *Client) dial(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, cl.opts.DialTimeout)
	defer cancel()
	timeout := cl.opts.DialTimeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < timeout {
		timeout = time.Until(d).Round(time.Millisecond)
	}
	ws, resp, err := websocket.Dial(ctx, cl.endpoint, &websocket.DialOptions{
		HTTPHeader: cl.opts.Header,
		HTTPClient: &http.Client{}, // no shared client: Close must leave nothing behind
	})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
			if resp.Body != nil {
				resp.Body.Close()
			}
		}
		return nil, classifyDial(cl.endpoint, status, timeout, err)
	}
	if cl.opts.MaxMessageSize > 0 {
		ws.SetReadLimit(cl.opts.MaxMessageSize)
	} else {
		ws.SetReadLimit(-1)
	}
	c := &conn{
		cl:        cl,
		ws:        ws,
		wmu:       make(chan struct{}, 1),
		pending:   make(map[uint64]*pendingCall),
		abandoned: make(map[uint64]string),
		subs:      make(map[string]*Subscription),
		lost:      make(chan struct{}),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// start runs the connection's reader and pinger.
func (c *conn) start() {
	c.wg.Go(c.read)
	if c.cl.opts.PingInterval > 0 {
		c.wg.Go(c.ping)
	}
}

// wait returns when the connection's goroutines have ended.
func (c *conn) wait() { c.wg.Wait() }

// fail marks the connection lost for cause (the first cause wins): it closes
// the socket, which ends its goroutines, fails the calls in flight at once
// and detaches the connection from the Client, whose supervisor then
// reconnects. The caller must not hold the Client's mu.
func (c *conn) fail(cause error) {
	c.lostOnce.Do(func() {
		c.err = cause
		c.cancel()
		c.ws.CloseNow()
		c.cl.connectionLost(c)
		close(c.lost)
	})
}

// close ends the connection politely (a close frame, at most a second's wait
// for the node's) and waits for its goroutines.
func (c *conn) close() {
	c.lostOnce.Do(func() {
		c.err = ErrClosed
		done := make(chan struct{})
		go func() {
			c.ws.Close(websocket.StatusNormalClosure, "client closed")
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Second):
			c.ws.CloseNow()
			<-done
		}
		c.cancel()
		close(c.lost)
	})
	c.wait()
}

// write sends one message. It waits for its turn at most until ctx ends (then
// nothing was sent: sent is false); the write itself is bounded by
// WriteTimeout, and a failed write fails the connection.
func (c *conn) write(ctx context.Context, msg []byte) (sent bool, err error) {
	select {
	case c.wmu <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.lost:
		return false, c.err
	}
	defer func() { <-c.wmu }()
	wctx, cancel := context.WithTimeout(c.ctx, c.cl.opts.WriteTimeout)
	defer cancel()
	if err := c.ws.Write(wctx, websocket.MessageText, msg); err != nil {
		if wctx.Err() == context.DeadlineExceeded && c.ctx.Err() == nil {
			err = fmt.Errorf("node took no message for %s: %w", c.cl.opts.WriteTimeout, err)
		}
		c.fail(fmt.Errorf("write: %w", err))
		return true, c.err
	}
	return true, nil
}

// ping sends a keep-alive ping every PingInterval; a pong missing after
// PingTimeout fails the connection.
func (c *conn) ping() {
	o := c.cl.opts
	t := time.NewTicker(o.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(c.ctx, o.PingTimeout)
		err := c.ws.Ping(ctx)
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		switch {
		case c.ctx.Err() != nil:
			return
		case timedOut:
			c.fail(fmt.Errorf("%w within %s", ErrPingTimeout, o.PingTimeout))
			return
		case err != nil:
			c.fail(fmt.Errorf("ping: %w", err))
			return
		}
	}
}

// read reads messages until the connection fails, routing each.
func (c *conn) read() {
	for {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.fail(c.readError(err))
			return
		}
		if err := c.route(data); err != nil {
			c.fail(err)
			return
		}
	}
}

// readError says why reading failed in words a user can act on.
func (c *conn) readError(err error) error {
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	if errors.Is(err, websocket.ErrMessageTooBig) {
		return fmt.Errorf("%w: the node sent a message over Options.MaxMessageSize (%d bytes)", ErrMessageTooLarge, c.cl.opts.MaxMessageSize)
	}
	if s := websocket.CloseStatus(err); s != -1 {
		return fmt.Errorf("the node closed the connection (%v)", err)
	}
	return fmt.Errorf("read: %w", err)
}

// message is any JSON-RPC message a node sends: an answer (id with result or
// error) or a notification (method with params naming a subscription).
type message struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *errorObject    `json:"error"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// notificationParams are the params of a subscription notification.
type notificationParams struct {
	Subscription json.RawMessage `json:"subscription"`
	Result       json.RawMessage `json:"result"`
	Error        json.RawMessage `json:"error"`
}

// route delivers one message. It returns an error only for a message that is
// not JSON-RPC at all, which fails the connection.
func (c *conn) route(data []byte) error {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%w: %v: %q", ErrProtocol, err, clip(data))
	}
	if m.Method != "" {
		var p notificationParams
		if json.Unmarshal(m.Params, &p) == nil && len(p.Subscription) > 0 {
			result := p.Result
			if result == nil {
				result = p.Error
			}
			c.notify(notification{sub: subID(p.Subscription), result: result})
			return nil
		}
		// A request from the node to the client: nothing here serves any.
		c.cl.log.Debug("rpc: node sent a request; ignored", "method", m.Method)
		return nil
	}
	switch {
	case len(m.ID) > 0 && string(m.ID) != "null":
		id, err := strconv.ParseUint(string(m.ID), 10, 64)
		if err != nil {
			c.cl.log.Debug("rpc: answer with an id this client never sent", "id", string(m.ID))
			return nil
		}
		c.answer(id, &m)
		return nil
	case m.Error != nil:
		// An error the node could not attach to a request (id null).
		c.cl.log.Warn("rpc: node reported an error for no request", "code", m.Error.Code, "message", m.Error.Message)
		return nil
	}
	return fmt.Errorf("%w: neither an answer nor a notification: %q", ErrProtocol, clip(data))
}

// answer delivers the answer to call id, if anyone still waits for it.
func (c *conn) answer(id uint64, m *message) {
	cl := c.cl
	cl.mu.Lock()
	defer cl.mu.Unlock()
	p, ok := c.pending[id]
	if !ok {
		if unsub, ok := c.abandoned[id]; ok {
			// A subscribe call given up on: if the node made the
			// subscription, take it down again.
			delete(c.abandoned, id)
			if m.Error == nil && len(m.Result) > 0 {
				c.sendUnsubscribe(unsub, m.Result)
			}
			return
		}
		cl.log.Debug("rpc: late answer dropped (its call had given up)", "id", id)
		return
	}
	delete(c.pending, id)
	var r response
	switch {
	case m.Error != nil:
		r.err = &Error{Method: p.method, Code: m.Error.Code, Message: m.Error.Message, Data: m.Error.Data}
	case m.Result == nil:
		r.err = fmt.Errorf("%w: %s on %s: answer has neither result nor error", ErrProtocol, p.method, cl.endpoint)
	default:
		r.result = m.Result
		if p.sub != nil {
			r.err = c.register(p.sub, m.Result)
		}
	}
	p.ch <- r
}

// register records s as the subscription the node named with raw (the answer
// to its subscribe call), and delivers notifications that came first. The
// caller holds the Client's mu.
func (c *conn) register(s *Subscription, raw json.RawMessage) error {
	id := subID(raw)
	if id == "" {
		return fmt.Errorf("%w: %s on %s: subscription id %s is neither a string nor a number", ErrProtocol, s.method, c.cl.endpoint, clip(raw))
	}
	if s.ended() {
		// Unsubscribed while this (re-)subscribe was on its way.
		c.sendUnsubscribe(s.unsubscribe, raw)
		return nil
	}
	if s.subscribed {
		s.addGap(GapReconnect)
	}
	s.subscribed = true
	s.conn, s.id, s.rawID = c, id, append(json.RawMessage(nil), raw...)
	c.subs[id] = s
	c.cl.subs[s] = struct{}{}
	kept := c.early[:0]
	for _, n := range c.early {
		if n.sub == id {
			s.push(n.result)
		} else {
			kept = append(kept, n)
		}
	}
	c.early = kept
	return nil
}

// notify routes a notification to its subscription. A notification for an
// id not known yet is kept (a bounded few) for a subscription answer still
// to come; one for a subscription already gone is dropped.
func (c *conn) notify(n notification) {
	cl := c.cl
	cl.mu.Lock()
	s := c.subs[n.sub]
	if s == nil {
		if len(c.early) == earlyLimit {
			copy(c.early, c.early[1:])
			c.early = c.early[:earlyLimit-1]
		}
		c.early = append(c.early, n)
		cl.mu.Unlock()
		return
	}
	cl.mu.Unlock()
	s.push(n.result)
}

// sendUnsubscribe sends method(id) without waiting for the answer (which the
// reader drops). The caller holds the Client's mu.
func (c *conn) sendUnsubscribe(method string, id json.RawMessage) {
	reqID := c.cl.nextID.Add(1)
	msg, err := encodeRequest(reqID, method, json.RawMessage("["+string(id)+"]"))
	if err != nil {
		return
	}
	c.wg.Go(func() { _, _ = c.write(c.ctx, msg) })
}

// subID returns a subscription id as a map key: a JSON string's text, or a
// number's digits; "" for anything else.
func subID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if _, err := strconv.ParseUint(string(raw), 10, 64); err == nil {
		return string(raw)
	}
	return ""
}

// clip shortens a message quoted in an error.
func clip(b []byte) string {
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
