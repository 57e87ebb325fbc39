package rpc

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// Defaults of Options, used for every zero field.
const (
	DefaultCallTimeout        = 30 * time.Second
	DefaultDialTimeout        = 10 * time.Second
	DefaultWriteTimeout       = 10 * time.Second
	DefaultPingInterval       = 15 * time.Second
	DefaultPingTimeout        = 10 * time.Second
	DefaultMaxMessageSize     = 32 << 20 // bytes
	DefaultReconnectMin       = 100 * time.Millisecond
	DefaultReconnectMax       = 5 * time.Second
	DefaultSubscriptionBuffer = 128 // notifications
)

// Options configure a Client. The zero value is ready to use: every zero
// field takes the default named in its comment.
type Options struct {
	// CallTimeout bounds a call (or subscribe) whose context has no
	// deadline, from the moment it is made: waiting for a connection,
	// sending, and waiting for the answer (default 30 s). A context with a
	// deadline is used as it is.
	CallTimeout time.Duration

	// DialTimeout bounds one connection attempt: TCP, TLS and the websocket
	// handshake (default 10 s).
	DialTimeout time.Duration

	// WriteTimeout bounds writing one message to the socket (default 10 s).
	// A node that does not take a message for that long is treated as lost.
	WriteTimeout time.Duration

	// PingInterval is the time between keep-alive pings (default 15 s); a
	// negative value disables them (then a dead peer is only noticed when
	// the operating system gives up on the TCP connection).
	PingInterval time.Duration

	// PingTimeout is how long a ping may wait for its pong (default 10 s);
	// past it the connection is treated as lost (ErrPingTimeout).
	PingTimeout time.Duration

	// MaxMessageSize is the largest message accepted from the node, in bytes
	// (default 32 MiB). A node's metadata is about 0.4 MB as hex and the
	// largest runtime-API answers a few MB. A larger message closes the
	// connection (ErrMessageTooLarge).
	MaxMessageSize int64

	// ReconnectMin and ReconnectMax bound the wait before each reconnection
	// attempt: the first waits about ReconnectMin (default 100 ms), each
	// following one twice the previous, up to ReconnectMax (default 5 s).
	// Each wait is drawn at random between half and all of its nominal
	// value, so that many clients of one restarted node do not return in
	// step. The Client retries until it is closed.
	ReconnectMin, ReconnectMax time.Duration

	// SubscriptionBuffer is how many notifications a subscription holds for
	// a reader that falls behind (default 128). When it is full the oldest
	// is dropped and the next notification read reports GapOverflow: the
	// connection's reader never waits for a subscriber.
	SubscriptionBuffer int

	// Header holds extra HTTP headers for the websocket handshake (for
	// example an API key of a hosted endpoint). It is not modified.
	Header http.Header

	// Logger receives connection events: a lost connection and failed
	// reconnection attempts at Warn, a restored one at Info, dropped late
	// answers at Debug (default slog.Default()).
	Logger *slog.Logger
}

// withDefaults returns o with every zero field set to its default, or an
// error naming a field whose value makes no sense.
func (o Options) withDefaults() (Options, error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.CallTimeout, DefaultCallTimeout)
	def(&o.DialTimeout, DefaultDialTimeout)
	def(&o.WriteTimeout, DefaultWriteTimeout)
	def(&o.PingInterval, DefaultPingInterval)
	def(&o.PingTimeout, DefaultPingTimeout)
	def(&o.ReconnectMin, DefaultReconnectMin)
	def(&o.ReconnectMax, DefaultReconnectMax)
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.SubscriptionBuffer == 0 {
		o.SubscriptionBuffer = DefaultSubscriptionBuffer
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{
		{"CallTimeout", o.CallTimeout}, {"DialTimeout", o.DialTimeout}, {"WriteTimeout", o.WriteTimeout},
		{"PingTimeout", o.PingTimeout}, {"ReconnectMin", o.ReconnectMin}, {"ReconnectMax", o.ReconnectMax},
	} {
		if f.v < 0 {
			return o, fmt.Errorf("rpc: Options.%s is negative (%s)", f.name, f.v)
		}
	}
	switch {
	case o.ReconnectMax < o.ReconnectMin:
		return o, fmt.Errorf("rpc: Options.ReconnectMax (%s) is below ReconnectMin (%s)", o.ReconnectMax, o.ReconnectMin)
	case o.MaxMessageSize < 0:
		return o, fmt.Errorf("rpc: Options.MaxMessageSize is negative (%d)", o.MaxMessageSize)
	case o.SubscriptionBuffer < 0:
		return o, fmt.Errorf("rpc: Options.SubscriptionBuffer is negative (%d)", o.SubscriptionBuffer)
	}
	return o, nil
}

// backoff is the wait before reconnection attempt n (0-based): min·2ⁿ capped
// at max, drawn uniformly from its upper half.
func backoff(n int, min, max time.Duration) time.Duration {
	d := max
	if n < 32 && min<<n < max && min<<n > 0 {
		d = min << n
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
