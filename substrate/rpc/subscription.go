package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Gap tells a subscriber that notifications before this one may be missing,
// and why. Its values are flags; a notification may carry both.
type Gap uint8

const (
	// GapReconnect: the connection was lost and the subscription made
	// again; whatever the node sent meanwhile is lost (new heads, storage
	// changes…). Read the current state again if it matters.
	GapReconnect Gap = 1 << iota
	// GapOverflow: the subscriber read too slowly, the buffer
	// (Options.SubscriptionBuffer) filled and older notifications were
	// dropped.
	GapOverflow
)

func (g Gap) String() string {
	var parts []string
	if g&GapReconnect != 0 {
		parts = append(parts, "reconnect")
	}
	if g&GapOverflow != 0 {
		parts = append(parts, "overflow")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Notification is one message of a subscription.
type Notification struct {
	// Result is the notification's payload (params.result) as the node sent
	// it; decode it with encoding/json. It is the caller's to keep.
	Result json.RawMessage
	// Gap is non-zero when notifications before this one may be missing.
	Gap Gap
}

// Resubscribes reports whether a subscription made with method is made again
// after the Client reconnects. Every subscription is, except those whose
// subscribe call submits a transaction (author_submitAndWatchExtrinsic,
// transactionWatch_v1_submitAndWatch): making them again would submit the
// extrinsic twice, so they end with ErrConnectionLost instead.
func Resubscribes(method string) bool {
	switch method {
	case "author_submitAndWatchExtrinsic", "transactionWatch_v1_submitAndWatch":
		return false
	}
	return true
}

// Subscription is a live JSON-RPC subscription; read it with Next, end it
// with Unsubscribe (or the Client's Close). Notifications wait in a bounded
// buffer (Options.SubscriptionBuffer) so that a slow reader never holds up
// the connection: when it is full the oldest is dropped and the next one read
// has GapOverflow. A Subscription is safe for concurrent use.
type Subscription struct {
	cl          *Client
	method      string
	unsubscribe string
	params      json.RawMessage

	// Guarded by cl.mu: where the subscription lives now.
	conn       *conn           // nil while waiting to be re-subscribed
	id         string          // the node's subscription id on conn, as a map key
	rawID      json.RawMessage // the same as the node sent it
	subscribed bool            // it was subscribed at least once

	mu    sync.Mutex
	queue []Notification
	gap   Gap   // to mark the next notification pushed
	err   error // why it ended; nil while alive
	wake  chan struct{}
	done  chan struct{}
	limit int
}

// Subscribe calls method with params to start a subscription, whose
// notifications Next returns. unsubscribe names the method that ends it (for
// chain_subscribeNewHeads, chain_unsubscribeNewHeads); it is called by
// Unsubscribe and Close. ctx bounds the subscribe call only (as for Call),
// not the subscription's life.
//
// After a reconnect the subscription is made again with the same params and
// its next notification has GapReconnect, unless Resubscribes(method) is
// false: then it ends with ErrConnectionLost. If the node refuses to make it
// again, it ends with the node's *Error.
func (cl *Client) Subscribe(ctx context.Context, method, unsubscribe string, params ...any) (*Subscription, error) {
	if method == "" || unsubscribe == "" {
		return nil, fmt.Errorf("rpc: Subscribe needs both the subscribe and the unsubscribe method (got %q, %q)", method, unsubscribe)
	}
	p, err := encodeParams(method, params)
	if err != nil {
		return nil, err
	}
	s := &Subscription{
		cl:          cl,
		method:      method,
		unsubscribe: unsubscribe,
		params:      p,
		wake:        make(chan struct{}, 1),
		done:        make(chan struct{}),
		limit:       cl.opts.SubscriptionBuffer,
	}
	if _, err := cl.call(ctx, method, p, s); err != nil {
		s.end(err)
		return nil, err
	}
	return s, nil
}

// Method returns the subscribe method.
func (s *Subscription) Method() string { return s.method }

// Next returns the next notification, waiting until one arrives, ctx ends
// (ctx's error) or the subscription ends. Once it has ended, Next returns
// what is still buffered, then the reason: ErrUnsubscribed after
// Unsubscribe, ErrClosed after the Client's Close, ErrConnectionLost for a
// subscription that is not re-established, or the node's *Error when it
// refused to re-establish it.
func (s *Subscription) Next(ctx context.Context) (Notification, error) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			n := s.queue[0]
			s.queue[0] = Notification{}
			s.queue = s.queue[1:]
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more {
				s.signal() // another reader may be waiting
			}
			return n, nil
		}
		err := s.err
		s.mu.Unlock()
		if err != nil {
			return Notification{}, err
		}
		select {
		case <-s.wake:
		case <-s.done:
		case <-ctx.Done():
			return Notification{}, ctx.Err()
		}
	}
}

// Done is closed when the subscription has ended (Next then drains the
// buffer and returns the reason).
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Unsubscribe ends the subscription: Next returns ErrUnsubscribed after the
// buffered notifications. It calls the unsubscribe method on the node when
// the subscription is live there, bounded by ctx; its error is returned
// (the subscription has ended anyway). Calling it again does nothing.
func (s *Subscription) Unsubscribe(ctx context.Context) error {
	return s.stop(ctx, fmt.Errorf("%w: %s subscription", ErrUnsubscribed, s.method))
}

// stop ends the subscription with reason and, if it is live on the node,
// calls the unsubscribe method there.
func (s *Subscription) stop(ctx context.Context, reason error) error {
	if !s.end(reason) {
		return nil
	}
	cl := s.cl
	cl.mu.Lock()
	c, id, raw := s.conn, s.id, s.rawID
	delete(cl.subs, s)
	if c != nil {
		delete(c.subs, id)
	}
	s.conn, s.id, s.rawID = nil, "", nil
	cl.mu.Unlock()
	if c == nil {
		return nil
	}
	if err := cl.Call(ctx, nil, s.unsubscribe, raw); err != nil {
		if errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrClosed) {
			return nil // the node dropped the subscription with the connection
		}
		return err
	}
	return nil
}

// push appends a notification, dropping the oldest when the buffer is full.
func (s *Subscription) push(result json.RawMessage) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	n := Notification{Result: result, Gap: s.gap}
	s.gap = 0
	if s.limit > 0 && len(s.queue) >= s.limit {
		// Drop the oldest; the one that is now first inherits its marks.
		lost := s.queue[0].Gap | GapOverflow
		s.queue[0] = Notification{}
		s.queue = s.queue[1:]
		if len(s.queue) > 0 {
			s.queue[0].Gap |= lost
		} else {
			n.Gap |= lost
		}
	}
	s.queue = append(s.queue, n)
	s.mu.Unlock()
	s.signal()
}

// addGap marks the next notification pushed.
func (s *Subscription) addGap(g Gap) {
	s.mu.Lock()
	s.gap |= g
	s.mu.Unlock()
}

// end ends the subscription with err; it reports false if it had ended
// already.
func (s *Subscription) end(err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false
	}
	s.err = err
	close(s.done)
	return true
}

func (s *Subscription) ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

func (s *Subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
