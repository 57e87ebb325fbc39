// Package axon is the server side of Bittensor's miner/validator protocol:
// an HTTP server that answers synapses from dendrites, wire-compatible with
// the Bittensor Python SDK 6.x axon (headers, body hash, signatures, nonces,
// status codes and messages, as bittensor/axon.py and bittensor/synapse.py of
// github.com/opentensor/bittensor 6.x define them).
//
// An Axon serves one route per attached synapse type (POST or GET
// /<SynapseName>), plus the built-in /Synapse ping. Each request runs these
// steps, cheapest first, and stops at the first refusal:
//
//  1. route (404 unknown synapse, 400 bad path, 405 other methods)
//  2. headers parsed into the synapse type (400)
//  3. blacklist (403)
//  4. verify: by default the nonce check, then the sr25519 signature of the
//     dendrite's hotkey over "<nonce>.<dendrite hotkey>.<our hotkey>.<uuid>.<body hash>" (401);
//     signatures of known hotkeys that arrive together are checked as one
//     batch, each request still getting its own verdict
//  5. per-hotkey rate limit, if configured (429)
//  6. capacity: at most MaxInFlight verified requests at once (503)
//  7. body read, at most MaxBodyBytes (413), parsed (500) and its hash
//     compared with the signed one (500 "Hash mismatch ...")
//  8. priority: requests wait for one of MaxWorkers workers, highest
//     priority first; a request still waiting when its timeout runs out is
//     answered 503
//  9. forward (500 if it fails or panics), then the answer: the synapse as
//     JSON, with the status in bt_header_axon_* headers.
//
// No signature is checked and no body byte is read before the blacklist has
// passed. Differences from the Python axon, all on refusals: the axon signs
// its answer (bt_header_axon_signature) only once the request is verified;
// oversized bodies get 413, rate-limited hotkeys 429 and a full axon 503
// where Python has no such limits; messages of 400 answers name the faulty
// header instead of echoing all headers.
package axon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/internal/keyrate"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// Errors returned by the Axon's methods.
var (
	// ErrStarted is returned by Attach after Start and by a second Start.
	ErrStarted = errors.New("axon: already started")
	// ErrDuplicate is returned by Attach for a synapse name already served.
	ErrDuplicate = errors.New("axon: synapse already attached")
	// ErrNoSecret is returned by New for a hotkey without its secret key.
	ErrNoSecret = errors.New("axon: hotkey has no secret key")
)

// DefaultPort is the port Bittensor axons listen on by default.
const DefaultPort = 8091

// Options configure an Axon. The zero value works: it listens on every
// interface on a port the system picks (set Port to DefaultPort for
// Bittensor's usual 8091), with the limits documented per field.
type Options struct {
	// IP is the address to listen on; "" listens on every interface.
	IP string
	// Port is the TCP port to listen on; 0 lets the system pick one
	// (Addr tells which after Start).
	Port int
	// ExternalIP is the address announced in Info; "" uses IP, or
	// "0.0.0.0" when IP is "". The axon never asks outside services.
	ExternalIP string
	// ExternalPort is the port announced in Info; 0 uses the listening port.
	ExternalPort int
	// Coldkey is the SS58 address of the owner's coldkey, for Info.
	Coldkey string
	// Version is the version int announced in headers and Info;
	// 0 means synapse.DefaultVersion (650, Bittensor 6.5.0).
	Version int

	// MaxWorkers is how many forward calls run at once; 0 means 16.
	// Further verified requests wait, highest priority first.
	MaxWorkers int
	// MaxInFlight is how many verified requests may be reading their body,
	// waiting for a worker or running at once; 0 means 1024. Beyond it the
	// axon answers 503 at once. Memory for bodies is bounded by
	// MaxInFlight × MaxBodyBytes.
	MaxInFlight int
	// MaxBodyBytes bounds a request body; 0 means 8 MiB. Larger bodies get 413.
	MaxBodyBytes int64
	// MaxHeaderBytes bounds the request line and headers; 0 means 16 KiB.
	// Larger requests get 431 from net/http.
	MaxHeaderBytes int
	// ReadHeaderTimeout bounds the time to read request headers; 0 means 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the time to read a whole request; 0 means 30s.
	ReadTimeout time.Duration
	// IdleTimeout bounds how long an idle keep-alive connection stays open;
	// 0 means 90s.
	IdleTimeout time.Duration

	// FreshnessWindow, when positive, makes the default verify also refuse
	// a nonce (read as Unix nanoseconds) older than now − window − the
	// request's timeout, or newer than now + window. Bittensor 6.x Python
	// dendrites use a monotonic clock for nonces and are refused when this
	// is set; this package's dendrite and 7.2+ ones pass. 0 (the default)
	// keeps 6.x behaviour: nonces need only increase.
	FreshnessWindow time.Duration
	// MaxNonceKeys bounds the (hotkey, uuid) pairs whose last nonce the
	// default verify remembers; 0 means 1,048,576 (about 150 MB at most).
	// Anyone can make keys, so without a blacklist of known hotkeys the
	// table would otherwise grow with every new signer. When it is full the
	// quarter seen longest ago is forgotten, and a request recorded from one
	// of those could be replayed once; a FreshnessWindow closes that gap.
	MaxNonceKeys int
	// RateLimit, when positive, limits each verified dendrite hotkey to this
	// many requests per second (token bucket of RateBurst, default
	// max(1, RateLimit)); excess requests get 429 before their body is read.
	RateLimit float64
	// RateBurst is the token bucket size of RateLimit.
	RateBurst int
	// NoResponseSignature skips signing answers. Bittensor 6.x dendrites do
	// not check the axon's signature; signing costs about as much as
	// verifying the request.
	NoResponseSignature bool

	// MetricsAddr, if set, is the address (e.g. ":9100") of a separate HTTP
	// server with Prometheus metrics at /metrics. MetricsHandler gives the
	// same handler for mounting elsewhere.
	MetricsAddr string
	// Logger receives the axon's logs; nil means slog.Default(). Refused
	// requests are logged at debug level.
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Version == 0 {
		o.Version = synapse.DefaultVersion
	}
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = 16
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 1024
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 8 << 20
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = 16 << 10
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 5 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 90 * time.Second
	}
	if o.MaxNonceKeys <= 0 {
		o.MaxNonceKeys = 1 << 20
	}
	if o.RateLimit > 0 && o.RateBurst <= 0 {
		o.RateBurst = max(1, int(o.RateLimit))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

func (o *Options) validate() error {
	if o.Port < 0 || o.Port > 65535 {
		return fmt.Errorf("axon: port %d out of range", o.Port)
	}
	if o.ExternalPort < 0 || o.ExternalPort > 65535 {
		return fmt.Errorf("axon: external port %d out of range", o.ExternalPort)
	}
	if o.IP != "" {
		if _, err := netip.ParseAddr(strings.Trim(o.IP, "[]")); err != nil {
			return fmt.Errorf("axon: ip %q: %w", o.IP, err)
		}
	}
	if o.ExternalIP != "" {
		if _, err := netip.ParseAddr(o.ExternalIP); err != nil {
			return fmt.Errorf("axon: external ip %q: %w", o.ExternalIP, err)
		}
	}
	if o.Coldkey != "" && !wallet.IsValidSS58(o.Coldkey) {
		return fmt.Errorf("axon: coldkey %q is not an SS58 address", o.Coldkey)
	}
	return nil
}

// Axon serves synapses. Create it with New, attach handlers with Attach or
// AttachStream, then Start; Stop shuts it down. Its methods are safe for
// concurrent use.
type Axon struct {
	hotkey     *wallet.Keypair
	hotkeySS58 string
	uuid       string
	opts       Options
	log        *slog.Logger

	nonceClock synapse.NonceSource
	verifier   *verifier
	sched      *scheduler
	inFlight   chan struct{}
	limiter    *keyrate.Limiter
	metrics    *metrics

	mu      sync.Mutex
	routes  map[string]*route // read-only once started
	started bool
	stopped bool
	ln      net.Listener
	srv     *http.Server
	msrv    *http.Server
	mln     net.Listener
	done    chan struct{} // closed when Serve returns
}

// New makes an axon that signs with hotkey (which must hold its secret
// key) and serves the built-in /Synapse ping. It listens only after Start.
func New(hotkey *wallet.Keypair, opts Options) (*Axon, error) {
	if hotkey == nil || !hotkey.HasSecret() {
		return nil, ErrNoSecret
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	opts.setDefaults()
	a := &Axon{
		hotkey:     hotkey,
		hotkeySS58: hotkey.SS58Address(),
		uuid:       synapse.NewUUID(),
		opts:       opts,
		log:        opts.Logger,
		verifier:   newVerifier(opts.FreshnessWindow, opts.MaxNonceKeys),
		sched:      newScheduler(opts.MaxWorkers),
		inFlight:   make(chan struct{}, opts.MaxInFlight),
		metrics:    newMetrics(),
		routes:     make(map[string]*route),
	}
	if opts.RateLimit > 0 {
		a.limiter = keyrate.New(opts.RateLimit, opts.RateBurst)
	}
	ping := func(context.Context, *synapse.Synapse) error { return nil }
	if err := Attach(a, ping, nil, nil, nil); err != nil {
		return nil, err
	}
	return a, nil
}

// Hotkey returns the SS58 address of the axon's hotkey.
func (a *Axon) Hotkey() string { return a.hotkeySS58 }

// UUID returns the identifier of this axon instance sent in its answers.
func (a *Axon) UUID() string { return a.uuid }

// Start listens on the configured address and serves in the background
// until Stop. It returns an error if the address cannot be bound.
func (a *Axon) Start() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return ErrStarted
	}
	addr := net.JoinHostPort(strings.Trim(a.opts.IP, "[]"), strconv.Itoa(a.opts.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("axon: listen %s: %w", addr, err)
	}
	if a.opts.MetricsAddr != "" {
		mln, err := net.Listen("tcp", a.opts.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("axon: metrics listen %s: %w", a.opts.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", a.MetricsHandler())
		a.mln = mln
		a.msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = a.msrv.Serve(mln) }()
	}
	a.ln = ln
	a.srv = &http.Server{
		Handler:           a,
		MaxHeaderBytes:    a.opts.MaxHeaderBytes,
		ReadHeaderTimeout: a.opts.ReadHeaderTimeout,
		ReadTimeout:       a.opts.ReadTimeout,
		IdleTimeout:       a.opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelDebug),
	}
	a.started = true
	a.done = make(chan struct{})
	go func() {
		defer close(a.done)
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("axon: serve", "err", err)
		}
	}()
	a.log.Info("axon started", "addr", ln.Addr().String(), "hotkey", a.hotkeySS58, "synapses", a.routeNames())
	return nil
}

// Stop stops accepting requests and waits for those in progress to finish
// or ctx to end, whichever is first; then it closes every connection.
func (a *Axon) Stop(ctx context.Context) error {
	a.mu.Lock()
	if !a.started || a.stopped {
		a.mu.Unlock()
		return nil
	}
	a.stopped = true
	srv, msrv, done := a.srv, a.msrv, a.done
	a.mu.Unlock()
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	if msrv != nil {
		msrv.Close()
	}
	<-done
	if err != nil {
		return fmt.Errorf("axon: stop: %w", err)
	}
	return nil
}

// Addr returns the address the axon listens on, or nil before Start.
func (a *Axon) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ln == nil {
		return nil
	}
	return a.ln.Addr()
}

// MetricsAddr returns the address of the metrics server, or nil if none.
func (a *Axon) MetricsAddr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.mln == nil {
		return nil
	}
	return a.mln.Addr()
}

// Info returns what the chain's serve_axon records for this axon: version,
// external ip (and its type), external port, hotkey, coldkey, protocol 4.
func (a *Axon) Info() synapse.AxonInfo {
	ip := a.opts.ExternalIP
	if ip == "" {
		ip = strings.Trim(a.opts.IP, "[]")
	}
	if ip == "" || ip == "::" {
		ip = "0.0.0.0"
	}
	ipType := synapse.IPv4
	if addr, err := netip.ParseAddr(ip); err == nil && addr.Is6() && !addr.Is4In6() {
		ipType = synapse.IPv6
	}
	port := a.opts.ExternalPort
	if port == 0 {
		port = a.opts.Port
		if addr, ok := a.Addr().(*net.TCPAddr); ok {
			port = addr.Port
		}
	}
	return synapse.AxonInfo{
		Version: a.opts.Version, IP: ip, Port: port, IPType: ipType,
		Hotkey: a.hotkeySS58, Coldkey: a.opts.Coldkey, Protocol: synapse.ProtocolHTTP,
	}
}

// String describes the axon as Bittensor does:
// "Axon(<ip>, <port>, <hotkey>, started|stopped, [<synapses>])".
func (a *Axon) String() string {
	info := a.Info()
	a.mu.Lock()
	state := "stopped"
	if a.started && !a.stopped {
		state = "started"
	}
	a.mu.Unlock()
	return fmt.Sprintf("Axon(%s, %d, %s, %s, [%s])", info.IP, info.Port, a.hotkeySS58, state, strings.Join(a.routeNames(), ", "))
}

// routeNames returns the served synapse names, sorted.
func (a *Axon) routeNames() []string {
	names := make([]string, 0, len(a.routes))
	for n := range a.routes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
