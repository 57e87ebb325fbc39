package axon

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
)

// maxTimeout bounds how long the axon works on one request, whatever
// timeout the caller sends (which is only a float in a header).
const maxTimeout = time.Hour

// request is one call going through the pipeline.
type request struct {
	start  time.Time
	name   string // the synapse name asked for
	label  string // metric label: a served synapse name or "unknown"
	route  *route
	hdr    synapse.Message // the synapse built from headers
	signed bool            // verified: the answer may be signed
}

// ServeHTTP runs the request pipeline described in the package
// documentation. An Axon is usually served by Start; ServeHTTP lets it be
// mounted in another server.
func (a *Axon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &request{start: time.Now(), name: "Synapse", label: "unknown"}

	// 1. Route.
	path := r.URL.Path
	if len(path) < 2 || path[0] != '/' {
		a.refuse(w, req, http.StatusBadRequest, "Improperly formatted request. Could not parser request "+path+".")
		return
	}
	name := path[1:]
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	rt := a.routes[name]
	req.name = name
	if rt == nil {
		a.refuse(w, req, http.StatusNotFound, fmt.Sprintf("Synapse name '%s' not found. Available synapses %s", name, pyList(a.routeNames())))
		return
	}
	req.route, req.label = rt, rt.name
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		a.refuse(w, req, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}

	// 2. Headers.
	hs := rt.newMessage()
	if err := synapse.FromHeaders(r.Header, hs); err != nil {
		a.refuse(w, req, http.StatusBadRequest, fmt.Sprintf("Improperly formatted request. Could not parse headers into synapse of type %s: %v.", rt.name, err))
		return
	}
	req.hdr = hs
	a.preprocess(hs.Base(), r)
	timeout := hs.Base().Timeout
	if timeout <= 0 {
		timeout = synapse.DefaultTimeout
	}
	deadline := time.Duration(min(timeout, maxTimeout.Seconds()) * float64(time.Second))
	ctx, cancel := context.WithTimeout(r.Context(), deadline)
	defer cancel()

	// 3. Blacklist.
	if rt.blacklist != nil {
		if bad, reason := rt.blacklist(ctx, hs); bad {
			a.refuse(w, req, http.StatusForbidden, "Forbidden. Key is blacklisted: "+reason+".")
			return
		}
	}

	// 4. Verify.
	if err := a.callVerify(ctx, rt, hs); err != nil {
		a.refuse(w, req, http.StatusUnauthorized, "Not Verified with error: "+err.Error())
		return
	}
	req.signed = true

	// 5. Rate limit, by the verified hotkey.
	if a.limiter != nil {
		if hk := hs.Base().Dendrite.Hotkey; hk != nil && !a.limiter.Take(*hk, time.Now()) {
			a.refuse(w, req, http.StatusTooManyRequests, fmt.Sprintf("Too many requests from %s: limit %g per second.", *hk, a.opts.RateLimit))
			return
		}
	}

	// 6. Capacity.
	select {
	case a.inFlight <- struct{}{}:
		defer func() { <-a.inFlight }()
	default:
		a.refuse(w, req, http.StatusServiceUnavailable, fmt.Sprintf("Service unavailable: axon is at capacity (%d requests in flight).", cap(a.inFlight)))
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(deadline + 5*time.Second))

	// 7. Body.
	body, status, err := a.readBody(w, r)
	if err != nil {
		a.refuse(w, req, status, err.Error())
		return
	}
	bs := rt.newMessage()
	if err := synapse.Unmarshal(body, bs); err != nil {
		a.refuse(w, req, http.StatusInternalServerError, "Internal server error with error: "+err.Error())
		return
	}
	got, err := synapse.BodyHash(bs)
	if err != nil {
		a.refuse(w, req, http.StatusInternalServerError, "Internal server error with error: "+err.Error())
		return
	}
	if want := hs.Base().ComputedBodyHash; got != want {
		a.refuse(w, req, http.StatusInternalServerError, fmt.Sprintf("Internal server error with error: Hash mismatch between header body hash %s and parsed body hash %s", want, got))
		return
	}

	// 8. Priority.
	prio := 0.0
	if rt.priority != nil {
		prio = rt.priority(ctx, hs)
		if prio != prio { // NaN would break the queue's order
			prio = 0
		}
	}
	if err := a.sched.acquire(ctx, prio); err != nil {
		a.refuse(w, req, http.StatusServiceUnavailable, "Response timeout after: "+pyFloat(timeout)+"s")
		return
	}
	defer a.sched.release()

	// 9. Forward.
	if rt.stream != nil {
		a.runStream(ctx, w, req, bs)
		return
	}
	if err := callForward(ctx, rt, bs); err != nil {
		a.refuse(w, req, http.StatusInternalServerError, "Internal server error with error: "+err.Error())
		return
	}
	out, err := synapse.Marshal(bs)
	if err != nil {
		a.refuse(w, req, http.StatusInternalServerError, "Error while parsing or updating response headers. Postprocess exception: "+err.Error()+".")
		return
	}
	a.setStatus(req, http.StatusOK, "Success", false)
	h := w.Header()
	a.writeHeaders(h, req)
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(out))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	rt.okCount.Inc()
	rt.latency.Observe(time.Since(req.start).Seconds())
}

// preprocess fills what the axon states about itself and about the caller's
// address, as the Python axon does before any check.
func (a *Axon) preprocess(b *synapse.Synapse, r *http.Request) {
	// One allocation for the values the fields point to.
	v := &struct {
		version, code, port int
		nonce               int64
		uuid, msg, ip       string
	}{version: a.opts.Version, code: 100, nonce: a.nonceClock.Next(), uuid: a.uuid, msg: "Success"}
	b.Axon.Version = &v.version
	b.Axon.UUID = &v.uuid
	b.Axon.Nonce = &v.nonce
	b.Axon.StatusCode = &v.code
	b.Axon.StatusMessage = &v.msg
	if host, port, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		v.ip = host
		b.Dendrite.IP = &v.ip
		if p, err := strconv.Atoi(port); err == nil {
			v.port = p
			b.Dendrite.Port = &v.port
		}
	}
}

// callVerify runs the route's verify, turning a panic into a refusal.
func (a *Axon) callVerify(ctx context.Context, rt *route, hs synapse.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("axon: verify panicked", "synapse", rt.name, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("verify failed: %v", p)
		}
	}()
	return rt.verify(ctx, hs)
}

// callForward runs the route's forward, turning a panic into an error.
func callForward(ctx context.Context, rt *route, bs synapse.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("forward panicked: %v", p)
		}
	}()
	return rt.forward(ctx, bs)
}

// readBody reads the request body up to MaxBodyBytes.
func (a *Axon) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	limit := a.opts.MaxBodyBytes
	if r.ContentLength > limit {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("Request body too large: %d bytes, limit %d.", r.ContentLength, limit)
	}
	var body []byte
	if r.ContentLength > 0 {
		body = make([]byte, 0, r.ContentLength)
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	for {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)]
		}
		n, err := rd.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, 0, nil
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("Request body too large: limit %d bytes.", limit)
			}
			return nil, http.StatusBadRequest, fmt.Errorf("Could not read request body: %v.", err)
		}
	}
}

// setStatus records the axon's status on the header synapse; withTime also
// records the processing time (the Python axon's error answers carry it,
// its successful ones do not).
func (a *Axon) setStatus(req *request, code int, msg string, withTime bool) {
	if req.hdr == nil {
		base := &synapse.Synapse{Name: req.name, Timeout: synapse.DefaultTimeout}
		base.Axon.Version = synapse.Ptr(a.opts.Version)
		base.Axon.UUID = synapse.Ptr(a.uuid)
		req.hdr = base
	}
	b := req.hdr.Base()
	b.Axon.StatusCode = synapse.Ptr(code)
	b.Axon.StatusMessage = synapse.Ptr(msg)
	if withTime {
		b.Axon.ProcessTime = synapse.Ptr(time.Since(req.start).Seconds())
	}
}

// writeHeaders writes the header synapse's headers, signing the answer when
// the request was verified.
func (a *Axon) writeHeaders(h http.Header, req *request) {
	b := req.hdr.Base()
	if req.signed && !a.opts.NoResponseSignature {
		dh := ""
		if b.Dendrite.Hotkey != nil {
			dh = *b.Dendrite.Hotkey
		}
		ah := a.hotkeySS58
		if b.Axon.Hotkey != nil {
			ah = *b.Axon.Hotkey
		}
		msg := synapse.ResponseMessage(*b.Axon.Nonce, dh, ah, a.uuid)
		if sig, err := a.hotkey.Sign(msg); err == nil {
			b.Axon.Signature = synapse.Ptr("0x" + hex.EncodeToString(sig))
		}
	}
	if req.route != nil {
		req.route.empty.WriteHeaders(h, b)
	} else {
		synapse.WriteBaseHeaders(h, req.name, b, nil, emptyBodyHash, 0)
	}
}

// emptyBodyHash is the body hash of a synapse with no hashed fields.
var emptyBodyHash = synapse.Hash(nil)

// refuse answers with an error status: JSON {"message": msg} and the header
// synapse's headers carrying the same status.
func (a *Axon) refuse(w http.ResponseWriter, req *request, code int, msg string) {
	a.setStatus(req, code, msg, true)
	h := w.Header()
	a.writeHeaders(h, req)
	body, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{msg})
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(code)
	_, _ = w.Write(body)
	a.metrics.observe(req.label, code, time.Since(req.start))
	if a.log.Enabled(context.Background(), slog.LevelDebug) {
		a.log.Debug("axon: refused", "synapse", req.label, "status", code, "message", msg)
	}
}

// pyList writes names as Python prints a list of str: ['a', 'b'].
func pyList(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		s, _ := synapse.PyStr([]string{n})
		b.WriteString(s[1 : len(s)-1])
	}
	b.WriteByte(']')
	return b.String()
}

// pyFloat writes f as Python's str(float).
func pyFloat(f float64) string {
	s, _ := synapse.PyStr(f)
	return s
}
