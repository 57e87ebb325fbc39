package signedhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Endpoint is where a neuron answers signed requests: the base URL of its
// server ("http://1.2.3.4:8091") and the hotkey that answers there, which
// requests are signed for.
type Endpoint struct {
	Hotkey string
	URL    string
}

// ClientOptions configure a Client; the zero value works.
type ClientOptions struct {
	// Base sends the signed requests; nil means a transport of the
	// client's own (keep-alive connections, up to 8 idle per host, no
	// proxy: neurons talk to each other directly).
	Base http.RoundTripper
	// MaxResponseBytes bounds the answer read by PostJSON; 0 means 16 MiB.
	MaxResponseBytes int64
}

// Client sends signed requests to neurons. Its HTTP client signs every
// request for the receiver in the request's context (WithReceiver); the
// JSON helpers (PostJSON, PostJSONAll) set it from the Endpoint. A Client
// is safe for concurrent use; make one and reuse it.
type Client struct {
	http        *http.Client
	maxResponse int64
}

// NewClient returns a client signing with s.
func NewClient(s RequestSigner, opts ClientOptions) *Client {
	base := opts.Base
	if base == nil {
		base = &http.Transport{
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: 0,
			DisableCompression:    true,
		}
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 16 << 20
	}
	return &Client{http: &http.Client{Transport: &Transport{Signer: s, Base: base}}, maxResponse: opts.MaxResponseBytes}
}

// HTTP returns the client's signing *http.Client, for requests of any
// shape; name the receiver with WithReceiver on the request's context.
func (c *Client) HTTP() *http.Client { return c.http }

// Reply is the outcome of one call: the decoded answer, or why there is
// none. It is never "nothing": a refused, failed or timed-out call says so
// in Err.
type Reply[Out any] struct {
	// Endpoint is who was called.
	Endpoint Endpoint
	// Value is the decoded answer when Err is nil.
	Value *Out
	// Status is the HTTP status, 0 if no answer arrived.
	Status int
	// Latency is the time from sending to the end of the answer.
	Latency time.Duration
	// Err is nil on success. A refusal by the server's Guard (or a JSON
	// handler) is a *RemoteError matching the package's sentinels with
	// errors.Is (ErrStaleRequest, ErrForbidden, …).
	Err error
}

// RemoteError is a non-2xx answer: its status and the server's error body.
type RemoteError struct {
	Status  int
	Class   string // the server's error class ("StaleRequest", …), "" if not given
	Message string
}

// Error describes the refusal.
func (e *RemoteError) Error() string {
	if e.Class != "" {
		return fmt.Sprintf("signedhttp: %d %s: %s", e.Status, e.Class, e.Message)
	}
	return fmt.Sprintf("signedhttp: %d: %s", e.Status, e.Message)
}

// Unwrap returns the sentinel of the server's error class, if known.
func (e *RemoteError) Unwrap() error { return classError(e.Class) }

// PostJSON sends in, as JSON, to to.URL+path signed for to.Hotkey, and
// decodes a 2xx answer into Out. ctx bounds the call.
func PostJSON[Out any](ctx context.Context, c *Client, to Endpoint, path string, in any) Reply[Out] {
	body, err := json.Marshal(in)
	if err != nil {
		return Reply[Out]{Endpoint: to, Err: fmt.Errorf("signedhttp: encode request: %w", err)}
	}
	return postJSON[Out](ctx, c, to, path, body)
}

// PostJSONAll sends in to every endpoint at once (encoded once, signed for
// each receiver), each call bounded by timeout (0: by ctx only), and returns one Reply per
// endpoint, in order, when all are in.
func PostJSONAll[Out any](ctx context.Context, c *Client, to []Endpoint, path string, in any, timeout time.Duration) []Reply[Out] {
	out := make([]Reply[Out], len(to))
	body, err := json.Marshal(in)
	if err != nil {
		for i := range out {
			out[i] = Reply[Out]{Endpoint: to[i], Err: fmt.Errorf("signedhttp: encode request: %w", err)}
		}
		return out
	}
	var wg sync.WaitGroup
	for i := range to {
		wg.Go(func() {
			cctx := ctx
			if timeout > 0 {
				var cancel context.CancelFunc
				cctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			out[i] = postJSON[Out](cctx, c, to[i], path, body)
		})
	}
	wg.Wait()
	return out
}

func postJSON[Out any](ctx context.Context, c *Client, to Endpoint, path string, body []byte) Reply[Out] {
	r := Reply[Out]{Endpoint: to}
	req, err := http.NewRequestWithContext(WithReceiver(ctx, to.Hotkey), http.MethodPost, strings.TrimSuffix(to.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		r.Err = fmt.Errorf("signedhttp: %w", err)
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		r.Latency, r.Err = time.Since(start), err
		return r
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponse+1))
	r.Latency = time.Since(start)
	switch {
	case err != nil:
		r.Err = fmt.Errorf("signedhttp: read answer: %w", err)
	case int64(len(data)) > c.maxResponse:
		r.Err = fmt.Errorf("signedhttp: answer larger than %d bytes", c.maxResponse)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		r.Err = remoteError(resp.StatusCode, data)
	default:
		v := new(Out)
		if err := json.Unmarshal(data, v); err != nil {
			r.Err = fmt.Errorf("signedhttp: decode answer: %w", err)
		} else {
			r.Value = v
		}
	}
	return r
}

// remoteError reads a refusal's body.
func remoteError(status int, data []byte) error {
	var b errorBody
	if json.Unmarshal(data, &b) == nil && (b.Error != "" || b.Message != "") {
		return &RemoteError{Status: status, Class: b.Error, Message: b.Message}
	}
	msg := strings.TrimSpace(string(data))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return &RemoteError{Status: status, Message: msg}
}
