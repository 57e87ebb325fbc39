package signedhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/internal/keyrate"
	"github.com/go-bittensor/bittensor/wallet"
)

// GuardOptions configure a Guard. The zero value works: the protocol's
// freshness window, receiver-bound requests only, any supported scheme,
// everyone admitted, no per-hotkey rate limit, and the limits documented
// per field.
type GuardOptions struct {
	// MaxAge is how old a request may be, and MaxSkew how far ahead of
	// this server's clock; 0 takes the protocol's Window (btauth/1: 10 s
	// and 2 s).
	MaxAge, MaxSkew time.Duration
	// AllowUnbound accepts requests signed for no receiver. By default they
	// are refused (WrongReceiver): a request not bound to this hotkey could
	// be replayed to another server by anyone who saw it.
	AllowUnbound bool
	// TrustedScheme, if set, returns the signature scheme this server
	// trusts a hotkey to use, from its own configuration or a registry
	// (never from the request); a request declaring another scheme is
	// refused (MalformedAuth) before any signature work. Return 0 to accept
	// the declared scheme. nil accepts any supported declared scheme.
	TrustedScheme func(hotkey string) Scheme
	// Admit, if set, decides from the claimed hotkey alone whether the
	// caller may be served at all (e.g. registered on the subnet, with a
	// validator permit and enough stake). It runs before the signature is
	// checked, so it must be cheap (an in-memory lookup); its error is sent
	// back with 403.
	Admit func(hotkey string) error
	// RateLimit, when positive, limits each verified hotkey to this many
	// requests per second (a token bucket of RateBurst, default
	// max(1, RateLimit)). Excess requests get 429; a hotkey whose bucket is
	// empty is refused before its body is read, yet only verified requests
	// take tokens, so a forger cannot spend another hotkey's.
	RateLimit float64
	RateBurst int
	// FailureRate limits how many requests per second whose signature
	// work was wasted (BadSignature, ReplayedRequest) one remote IP address
	// may send, in a token bucket of FailureBurst; once it is spent the
	// address gets 429 before any other check. Refusals that cost no
	// signature work are not counted, and an honest client makes none of
	// these. 0 means 20 per second with a burst of 100; a negative value
	// turns the limit off.
	FailureRate  float64
	FailureBurst int
	// MaxBodyBytes bounds a request body; 0 means 8 MiB. Larger bodies get
	// 413, before or while reading them.
	MaxBodyBytes int64
	// MaxInFlight is how many requests may be reading their body, being
	// verified or handled at once; 0 means 1024. Beyond it: 503. Memory for
	// bodies is bounded by MaxInFlight × MaxBodyBytes.
	MaxInFlight int
	// Replay remembers accepted requests; nil means a MemoryReplayStore
	// kept for the freshness window holding MaxReplayEntries.
	Replay ReplayStore
	// MaxReplayEntries bounds the default replay store; 0 means 1,048,576.
	MaxReplayEntries int
	// Now is the clock; nil means time.Now. For tests and replays of
	// recorded traffic.
	Now func() time.Time
	// Logger receives refusals at debug level; nil means slog.Default().
	Logger *slog.Logger
}

// Guard authenticates signed requests for one receiving hotkey in one
// Protocol, in front of any http.Handler (Wrap). Its checks and their order
// are in the package documentation. It is safe for concurrent use.
type Guard struct {
	p       Protocol
	self    string
	opts    GuardOptions
	now     func() time.Time
	log     *slog.Logger
	keys    keyCache
	limit   *keyrate.Limiter // per verified hotkey; nil: no limit
	fails   *keyrate.Limiter // per remote IP; nil: no limit
	slots   chan struct{}
	metrics *metrics
}

// NewGuard makes a guard admitting requests in protocol p signed for the
// hotkey self (SS58). It refuses an invalid self address, and a replay
// store that forgets sooner than the freshness window ends.
func NewGuard(p Protocol, self string, opts GuardOptions) (*Guard, error) {
	if !wallet.IsValidSS58(self) {
		return nil, fmt.Errorf("signedhttp: guard for %q: not an SS58 address", self)
	}
	defAge, defSkew := p.Window()
	if opts.MaxAge <= 0 {
		opts.MaxAge = defAge
	}
	if opts.MaxSkew <= 0 {
		opts.MaxSkew = defSkew
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 8 << 20
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 1024
	}
	if opts.MaxReplayEntries <= 0 {
		opts.MaxReplayEntries = 1 << 20
	}
	window := opts.MaxAge + opts.MaxSkew
	if opts.Replay == nil {
		opts.Replay = NewMemoryReplayStore(window, opts.MaxReplayEntries)
	} else if r := opts.Replay.Retention(); r < window {
		return nil, fmt.Errorf("signedhttp: the replay store keeps entries %v but the freshness window is %v: a replay inside the gap would be accepted", r, window)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	g := &Guard{p: p, self: self, opts: opts, now: opts.Now, log: opts.Logger,
		slots: make(chan struct{}, opts.MaxInFlight), metrics: newMetrics(p.Name())}
	if opts.RateLimit > 0 {
		burst := opts.RateBurst
		if burst <= 0 {
			burst = max(1, int(opts.RateLimit))
		}
		g.limit = keyrate.New(opts.RateLimit, burst)
	}
	switch {
	case opts.FailureRate == 0:
		g.fails = keyrate.New(20, 100)
	case opts.FailureRate > 0:
		burst := opts.FailureBurst
		if burst <= 0 {
			burst = max(1, int(opts.FailureRate))
		}
		g.fails = keyrate.New(opts.FailureRate, burst)
	}
	return g, nil
}

// Protocol returns the guard's protocol.
func (g *Guard) Protocol() Protocol { return g.p }

// Hotkey returns the SS58 address requests must be signed for.
func (g *Guard) Hotkey() string { return g.self }

// Caller is the authenticated sender of a request.
type Caller struct {
	// Hotkey is the sender's SS58 address.
	Hotkey string
	// Scheme is the scheme its signature verified under.
	Scheme Scheme
	// Time is when it signed, by its clock.
	Time time.Time
	// ID is the request's nonce (btauth/1, decimal) or uuid (Epistula).
	ID string
	// Protocol is the protocol's name.
	Protocol string
}

type callerKey struct{}

// CallerFrom returns the caller a Guard authenticated for the request
// whose context is ctx.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// WithCaller returns ctx carrying c, as a Guard passes it to handlers.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// Wrap returns a handler that serves next only for requests the guard
// authenticates: next finds the Caller with CallerFrom, and reads the
// verified body (already read, at most MaxBodyBytes) from r.Body as usual.
// Refused requests get their status and a JSON body {"error", "message"}.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := g.now()
		remote := remoteIP(r)
		claim, err := g.precheck(r.Header, remote, now)
		if err != nil {
			g.refuse(w, r, remote, now, err)
			return
		}
		if r.ContentLength > g.opts.MaxBodyBytes {
			g.refuse(w, r, remote, now, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, r.ContentLength, g.opts.MaxBodyBytes))
			return
		}
		select {
		case g.slots <- struct{}{}:
			g.metrics.inFlight.Inc()
			defer func() { <-g.slots; g.metrics.inFlight.Dec() }()
		default:
			g.refuse(w, r, remote, now, fmt.Errorf("%w: %d requests in flight", ErrBusy, cap(g.slots)))
			return
		}
		body, err := g.readBody(w, r)
		if err != nil {
			g.refuse(w, r, remote, now, err)
			return
		}
		caller, err := g.finish(claim, r.Method, RequestTarget(r), body, now)
		if err != nil {
			g.refuse(w, r, remote, now, err)
			return
		}
		g.metrics.ok.Inc()
		r = r.WithContext(WithCaller(r.Context(), caller))
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		next.ServeHTTP(w, r)
	})
}

// Verify authenticates a request whose body the caller has already read
// (exactly, and at most MaxBodyBytes): every check of Wrap but the size
// and in-flight limits. It is for frameworks that own the body; most
// servers use Wrap. The error wraps one of the package's sentinels.
func (g *Guard) Verify(r *http.Request, body []byte) (Caller, error) {
	now := g.now()
	remote := remoteIP(r)
	claim, err := g.precheck(r.Header, remote, now)
	if err == nil {
		var c Caller
		if c, err = g.finish(claim, r.Method, RequestTarget(r), body, now); err == nil {
			g.metrics.ok.Inc()
			return c, nil
		}
	}
	g.count(remote, now, err)
	return Caller{}, err
}

// precheck runs the checks that need only the headers: failure limit of
// the address, header syntax, scheme, receiver, freshness, admission and
// the hotkey's rate limit.
func (g *Guard) precheck(h http.Header, remote string, now time.Time) (*Claim, error) {
	if g.fails != nil && !g.fails.Peek(remote, now) {
		return nil, fmt.Errorf("%w: too many failed requests from %s", ErrRateLimited, remote)
	}
	c, err := g.p.Inspect(h)
	if err != nil {
		return nil, err
	}
	if g.opts.TrustedScheme != nil {
		if want := g.opts.TrustedScheme(c.Hotkey); want != 0 && want != c.Scheme {
			return nil, fmt.Errorf("%w: this server accepts only %v signatures from this hotkey", ErrMalformedAuth, want)
		}
	}
	switch {
	case !c.Bound && !g.opts.AllowUnbound:
		return nil, fmt.Errorf("%w: the request names no receiver; this server requires requests signed for its hotkey", ErrWrongReceiver)
	case c.Bound && c.Receiver != g.self:
		return nil, fmt.Errorf("%w: the request was signed for another hotkey", ErrWrongReceiver)
	}
	if age := now.Sub(c.Time); age > g.opts.MaxAge {
		return nil, fmt.Errorf("%w: signed %v ago, older than the %v window", ErrStaleRequest, age.Round(time.Millisecond), g.opts.MaxAge)
	} else if -age > g.opts.MaxSkew {
		return nil, fmt.Errorf("%w: signed %v in the future, more than the %v allowed", ErrStaleRequest, (-age).Round(time.Millisecond), g.opts.MaxSkew)
	}
	if g.opts.Admit != nil {
		if err := g.opts.Admit(c.Hotkey); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrForbidden, err)
		}
	}
	if g.limit != nil && !g.limit.Peek(c.Hotkey, now) {
		return nil, fmt.Errorf("%w: %s is limited to %g requests per second", ErrRateLimited, c.Hotkey, g.opts.RateLimit)
	}
	return c, nil
}

// finish verifies the signature, records the request in the replay store
// and takes a token from the hotkey's rate limit.
func (g *Guard) finish(c *Claim, method, target string, body []byte, now time.Time) (Caller, error) {
	var buf [512]byte
	msg := g.p.AppendMessage(buf[:0], c, method, target, body)
	if err := g.keys.verify(c.Scheme, c.Hotkey, msg, c.Signature); err != nil {
		return Caller{}, err
	}
	fresh, err := g.opts.Replay.Remember(c.Hotkey+"\x00"+c.ID, now)
	if err != nil {
		return Caller{}, err
	}
	if !fresh {
		return Caller{}, fmt.Errorf("%w: this hotkey's request %s was already accepted", ErrReplayedRequest, c.ID)
	}
	if g.limit != nil && !g.limit.Take(c.Hotkey, now) {
		return Caller{}, fmt.Errorf("%w: %s is limited to %g requests per second", ErrRateLimited, c.Hotkey, g.opts.RateLimit)
	}
	return Caller{Hotkey: c.Hotkey, Scheme: c.Scheme, Time: c.Time, ID: c.ID, Protocol: g.p.Name()}, nil
}

// readBody reads the body, at most MaxBodyBytes.
func (g *Guard) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := g.opts.MaxBodyBytes
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, fmt.Errorf("%w: limit %d bytes", ErrTooLarge, limit)
		}
		return nil, fmt.Errorf("%w: reading the body: %v", ErrBadRequest, err)
	}
	return buf.Bytes(), nil
}

// count records a refusal and charges the remote address for signature
// work it wasted.
func (g *Guard) count(remote string, now time.Time, err error) {
	name, _ := Class(err)
	g.metrics.requests.WithLabelValues(name).Inc()
	if g.fails != nil && (errors.Is(err, ErrBadSignature) || errors.Is(err, ErrReplayedRequest)) {
		g.fails.Take(remote, now)
	}
}

// refuse answers a refused request and accounts for it.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, remote string, now time.Time, err error) {
	g.count(remote, now, err)
	name, status := Class(err)
	if g.log.Enabled(r.Context(), slog.LevelDebug) {
		g.log.Debug("signedhttp: refused", "protocol", g.p.Name(), "remote", remote, "path", r.URL.Path, "status", status, "err", err)
	}
	WriteError(w, status, name, err.Error())
}

// WriteError answers with status and the JSON body {"error": class,
// "message": message} that a Guard and JSON handlers send.
func WriteError(w http.ResponseWriter, status int, class, message string) {
	body, _ := json.Marshal(errorBody{Error: class, Message: message})
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// remoteIP is the host part of r.RemoteAddr.
func remoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
