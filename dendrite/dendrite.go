// Package dendrite is the client side of Bittensor's miner/validator
// protocol: it sends a synapse to many axons at once, signed with the
// caller's hotkey, and gathers one answer per axon, wire-compatible with the
// Bittensor Python SDK 6.x dendrite (bittensor/dendrite.py of
// github.com/opentensor/bittensor).
//
// Every axon's answer is a synapse whose dendrite status tells how the call
// went, as in Python: 200 success; the axon's own code (401, 403, 404, 500,
// ...) when it refused; 408 when the timeout ran out; 503 when the axon
// could not be reached; 422 when its answer could not be read. A query never
// fails as a whole.
package dendrite

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// ErrNoSecret is returned by New for a hotkey without its secret key.
var ErrNoSecret = errors.New("dendrite: hotkey has no secret key")

// Options configure a Dendrite; the zero value works.
type Options struct {
	// ExternalIP is the caller's public address, sent as
	// bt_header_dendrite_ip (the axon sees the real peer address anyway).
	// An axon announcing this same IP is reached at 0.0.0.0, as Bittensor
	// does. "" sends no IP; the dendrite never asks outside services.
	ExternalIP string
	// Version is the version int sent in headers; 0 means
	// synapse.DefaultVersion (650).
	Version int
	// MaxResponseBytes bounds an answer's body; 0 means 64 MiB. A larger
	// answer is a 422.
	MaxResponseBytes int64
	// MaxIdleConnsPerHost is how many idle keep-alive connections to keep
	// per axon; 0 means 4.
	MaxIdleConnsPerHost int
	// Transport, if set, replaces the dendrite's own HTTP transport (for
	// tests or proxies). The dendrite does not close it.
	Transport http.RoundTripper
}

// Dendrite sends synapses to axons. It holds one pooled HTTP client reused
// across calls; it is safe for concurrent use. Close it when done to drop
// idle connections.
type Dendrite struct {
	hotkey     *wallet.Keypair
	hotkeySS58 string
	uuid       string
	opts       Options
	nonces     synapse.NonceSource
	client     *http.Client
	transport  *http.Transport // nil when Options.Transport is set
}

// New makes a dendrite that signs with hotkey, which must hold its secret
// key.
func New(hotkey *wallet.Keypair, opts Options) (*Dendrite, error) {
	if hotkey == nil || !hotkey.HasSecret() {
		return nil, ErrNoSecret
	}
	if opts.Version == 0 {
		opts.Version = synapse.DefaultVersion
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 64 << 20
	}
	if opts.MaxIdleConnsPerHost <= 0 {
		opts.MaxIdleConnsPerHost = 4
	}
	d := &Dendrite{
		hotkey:     hotkey,
		hotkeySS58: hotkey.SS58Address(),
		uuid:       synapse.NewUUID(),
		opts:       opts,
	}
	rt := opts.Transport
	if rt == nil {
		d.transport = &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        4096,
			MaxIdleConnsPerHost: opts.MaxIdleConnsPerHost,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		}
		rt = d.transport
	}
	d.client = &http.Client{Transport: rt}
	return d, nil
}

// Hotkey returns the SS58 address the dendrite signs as.
func (d *Dendrite) Hotkey() string { return d.hotkeySS58 }

// UUID returns the identifier of this dendrite instance, sent with every
// request; axons track nonces per (hotkey, uuid).
func (d *Dendrite) UUID() string { return d.uuid }

// Close drops idle connections of the dendrite's own transport.
func (d *Dendrite) Close() {
	if d.transport != nil {
		d.transport.CloseIdleConnections()
	}
}

// Query sends syn to every axon concurrently and returns one answer per
// axon, in the order of axons. Each answer is a new synapse of syn's
// concrete type (so res[i].(*MySynapse) works); syn itself is not changed.
// A successful answer is decoded afresh from the axon's body; a failed one
// is a shallow copy of syn (see synapse.Clone), sharing its slices and maps.
// timeout bounds each call (connect, send, answer) and is sent to the axon
// as the synapse's timeout. ctx cancels all calls.
//
// Each request carries a fresh nonce. Axons require nonces from one
// dendrite to increase, so concurrent requests to the same axon (the same
// axon listed twice, or overlapping queries) can arrive out of order and the
// later-arriving one is refused with 401 "Nonce is too small", as with
// Bittensor's own dendrite.
func (d *Dendrite) Query(ctx context.Context, axons []synapse.AxonInfo, syn synapse.Message, timeout time.Duration) []synapse.Message {
	out := make([]synapse.Message, len(axons))
	prep, err := synapse.Prepare(syn)
	if err != nil {
		for i := range axons {
			out[i] = failed(syn, timeout, 422, "Failed to parse response object with error: "+err.Error())
		}
		return out
	}
	var wg sync.WaitGroup
	for i := range axons {
		wg.Go(func() { out[i] = d.call(ctx, axons[i], syn, prep, timeout) })
	}
	wg.Wait()
	return out
}

// Call sends syn to one axon and returns its answer (see Query).
func (d *Dendrite) Call(ctx context.Context, axon synapse.AxonInfo, syn synapse.Message, timeout time.Duration) synapse.Message {
	return d.Query(ctx, []synapse.AxonInfo{axon}, syn, timeout)[0]
}

// Forward is Query with typed answers: it returns []S instead of
// []synapse.Message.
func Forward[S synapse.Message](ctx context.Context, d *Dendrite, axons []synapse.AxonInfo, syn S, timeout time.Duration) []S {
	res := d.Query(ctx, axons, syn, timeout)
	out := make([]S, len(res))
	for i, r := range res {
		out[i] = r.(S)
	}
	return out
}

// request builds the signed HTTP request for one axon and the base fields
// it carries. The body is a fresh buffer: the transport may still read it
// after the call returns.
func (d *Dendrite) request(ctx context.Context, axon synapse.AxonInfo, syn synapse.Message, prep *synapse.Prepared, timeout time.Duration) (*http.Request, *synapse.Synapse, error) {
	base := *syn.Base()
	base.Timeout = timeout.Seconds()
	base.TotalSize = int64(prep.ExtraSize())
	nonce := d.nonces.Next()
	base.Dendrite = synapse.TerminalInfo{
		Version: synapse.Ptr(d.opts.Version),
		Nonce:   synapse.Ptr(nonce),
		UUID:    synapse.Ptr(d.uuid),
		Hotkey:  synapse.Ptr(d.hotkeySS58),
	}
	if d.opts.ExternalIP != "" {
		base.Dendrite.IP = synapse.Ptr(d.opts.ExternalIP)
	}
	base.Axon = synapse.TerminalInfo{IP: synapse.Ptr(axon.IP), Port: synapse.Ptr(axon.Port), Hotkey: synapse.Ptr(axon.Hotkey)}
	sig, err := d.hotkey.Sign(synapse.RequestMessage(nonce, d.hotkeySS58, axon.Hotkey, d.uuid, prep.BodyHash()))
	if err != nil {
		return nil, &base, err
	}
	base.Dendrite.Signature = synapse.Ptr("0x" + hex.EncodeToString(sig))

	body := prep.AppendBody(make([]byte, 0, 1024+prep.ExtraSize()), &base)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url(axon, prep.Name()), bytes.NewReader(body))
	if err != nil {
		return nil, &base, err
	}
	prep.WriteHeaders(req.Header, &base)
	req.Header["Content-Type"] = []string{"application/json"}
	return req, &base, nil
}

// url is http://<ip>:<port>/<name>, with 0.0.0.0 for our own external IP.
func (d *Dendrite) url(axon synapse.AxonInfo, name string) string {
	host := axon.IP
	if d.opts.ExternalIP != "" && host == d.opts.ExternalIP {
		host = "0.0.0.0"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(axon.Port)) + "/" + name
}

// call queries one axon.
func (d *Dendrite) call(ctx context.Context, axon synapse.AxonInfo, syn synapse.Message, prep *synapse.Prepared, timeout time.Duration) synapse.Message {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, base, err := d.request(ctx, axon, syn, prep, timeout)
	if err != nil {
		return local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		code, msg := d.transportFailure(ctx, err, axon, prep.Name(), timeout)
		return local(syn, base, code, msg, start)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, d.opts.MaxResponseBytes+1))
	if err == nil && int64(len(body)) > d.opts.MaxResponseBytes {
		err = fmt.Errorf("answer larger than %d bytes", d.opts.MaxResponseBytes)
	}
	if err != nil {
		code, msg := d.transportFailure(ctx, err, axon, prep.Name(), timeout)
		if code == 503 {
			code, msg = 422, "Failed to parse response object with error: "+err.Error()
		}
		return local(syn, base, code, msg, start)
	}
	return merge(syn, base, resp, body, start)
}

// transportFailure maps a failed exchange to Bittensor's client-side codes.
func (d *Dendrite) transportFailure(ctx context.Context, err error, axon synapse.AxonInfo, name string, timeout time.Duration) (int, string) {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err):
		return 408, "Timedout after " + pyFloat(timeout.Seconds()) + " seconds."
	case errors.Is(ctx.Err(), context.Canceled):
		return 408, "Cancelled before an answer: " + ctx.Err().Error()
	case isDialError(err):
		return 503, fmt.Sprintf("Service at %s/%s unavailable.", net.JoinHostPort(axon.IP, strconv.Itoa(axon.Port)), name)
	default:
		return 422, "Failed to parse response object with error: " + err.Error()
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// local returns the answer for a call that got no usable response: the
// request as sent, with the dendrite's status set.
func local(syn synapse.Message, base *synapse.Synapse, code int, msg string, start time.Time) synapse.Message {
	out := synapse.Clone(syn)
	if base != nil {
		*out.Base() = *base
	}
	b := out.Base()
	b.Dendrite.StatusCode = synapse.Ptr(code)
	b.Dendrite.StatusMessage = synapse.Ptr(msg)
	b.Dendrite.ProcessTime = synapse.Ptr(time.Since(start).Seconds())
	return out
}

// failed is local for a synapse that could not even be prepared.
func failed(syn synapse.Message, timeout time.Duration, code int, msg string) synapse.Message {
	out := synapse.Clone(syn)
	b := out.Base()
	b.Timeout = timeout.Seconds()
	b.Dendrite.StatusCode = synapse.Ptr(code)
	b.Dendrite.StatusMessage = synapse.Ptr(msg)
	b.Dendrite.ProcessTime = synapse.Ptr(0.0)
	return out
}

// merge builds the answer from a response as Bittensor does: on HTTP 200
// every field comes from the JSON body; otherwise the request is kept. Then
// the set TerminalInfo values of the response headers are laid over it, and
// the dendrite status is the axon's status from the headers (falling back
// to the HTTP status for a server that sends none).
func merge(syn synapse.Message, base *synapse.Synapse, resp *http.Response, body []byte, start time.Time) synapse.Message {
	var out synapse.Message
	if resp.StatusCode == http.StatusOK {
		out = synapse.New(syn)
		if err := synapse.Unmarshal(body, out); err != nil {
			return local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
		}
	} else {
		out = synapse.Clone(syn)
		*out.Base() = *base
	}
	if err := mergeHeaders(out, resp.Header); err != nil {
		return local(syn, base, 422, "Failed to parse response object with error: "+err.Error(), start)
	}
	b := out.Base()
	if b.Axon.StatusCode == nil {
		b.Axon.StatusCode = synapse.Ptr(resp.StatusCode)
		if b.Axon.StatusMessage == nil {
			b.Axon.StatusMessage = synapse.Ptr(http.StatusText(resp.StatusCode))
		}
	}
	b.Dendrite.StatusCode = synapse.Ptr(*b.Axon.StatusCode)
	b.Dendrite.StatusMessage = synapse.Ptr(b.Axon.Message())
	b.Dendrite.ProcessTime = synapse.Ptr(time.Since(start).Seconds())
	return out
}

// mergeHeaders lays the TerminalInfo values found in h over out's.
func mergeHeaders(out synapse.Message, h http.Header) error {
	var hs synapse.Synapse
	if err := synapse.FromHeaders(h, &hs); err != nil {
		return err
	}
	b := out.Base()
	overlay(&b.Axon, &hs.Axon)
	overlay(&b.Dendrite, &hs.Dendrite)
	return nil
}

func overlay(dst, src *synapse.TerminalInfo) {
	set(&dst.StatusCode, src.StatusCode)
	set(&dst.StatusMessage, src.StatusMessage)
	set(&dst.ProcessTime, src.ProcessTime)
	set(&dst.IP, src.IP)
	set(&dst.Port, src.Port)
	set(&dst.Version, src.Version)
	set(&dst.Nonce, src.Nonce)
	set(&dst.UUID, src.UUID)
	set(&dst.Hotkey, src.Hotkey)
	set(&dst.Signature, src.Signature)
}

func set[T any](dst **T, src *T) {
	if src != nil {
		*dst = src
	}
}

func pyFloat(f float64) string {
	s, _ := synapse.PyStr(f)
	return s
}
