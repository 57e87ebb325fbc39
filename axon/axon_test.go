package axon

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

const (
	aliceSS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bobSS58   = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
)

// recorded reads a request as a 6.5.0 Python dendrite (aiohttp) sends it:
// dendrite //Alice calling axon //Bob, with the base Synapse's headers and
// a signature by //Alice of its message (nonce.dendrite.axon.uuid.body_hash)
// made with go-schnorrkel.
func recorded(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/python-6.5.0-synapse-request.http")
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("testdata is not an HTTP request: %v", err)
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(req.Body); err != nil || int64(body.Len()) != req.ContentLength {
		t.Fatalf("testdata body: %d bytes, Content-Length %d, %v", body.Len(), req.ContentLength, err)
	}
	return raw
}

// sendRaw writes raw bytes to the axon and reads one answer.
func sendRaw(t *testing.T, addr string, raw []byte) result {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, body: body.Bytes()}
	if resp.StatusCode != http.StatusOK {
		var m struct{ Message string }
		_ = json.Unmarshal(r.body, &m)
		r.message = m.Message
	}
	return r
}

func TestRecordedPythonRequest(t *testing.T) {
	raw := recorded(t)
	a, _ := startAxon(t, key(t, "//Bob"), Options{}, nil)
	addr := a.Addr().String()

	r := sendRaw(t, addr, raw)
	if r.status != http.StatusOK {
		t.Fatalf("recorded request: %d %s", r.status, r.message)
	}
	if code, msg := r.axonStatus(t); code != 200 || msg != "Success" {
		t.Errorf("axon status %d %q", code, msg)
	}
	for _, h := range []string{"bt_header_axon_hotkey", "bt_header_dendrite_hotkey", "bt_header_dendrite_nonce", "bt_header_axon_uuid", "bt_header_axon_nonce", "bt_header_axon_signature"} {
		if r.header.Get(h) == "" {
			t.Errorf("answer lacks %s", h)
		}
	}
	if r.header.Get("bt_header_axon_process_time") != "" {
		t.Error("a successful answer carries process_time (Python's do not)")
	}
	if got := r.header.Get("bt_header_dendrite_ip"); got != "127.0.0.1" {
		t.Errorf("dendrite ip = %q, want the TCP peer", got)
	}
	// The axon's signature verifies with its hotkey over its response
	// message (nonce.dendrite.axon.uuid, as Bittensor 6.x's axon signs it).
	nonce, err := strconv.ParseInt(r.header.Get("bt_header_axon_nonce"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	msg := synapse.ResponseMessage(nonce, aliceSS58, bobSS58, a.UUID())
	sig, err := wallet.DecodeSignature(r.header.Get("bt_header_axon_signature"))
	if err != nil || !key(t, "//Bob").Verify(msg, sig) {
		t.Errorf("answer signature does not verify: %v", err)
	}
	// The body is the ping echoed.
	var echo synapse.Synapse
	if err := json.Unmarshal(r.body, &echo); err != nil || echo.Name != "Synapse" || echo.Timeout != 12 {
		t.Errorf("body %s: %v", r.body, err)
	}

	// The same request again is a replay.
	r = sendRaw(t, addr, raw)
	if r.status != http.StatusUnauthorized || r.message != "Not Verified with error: Nonce is too small" {
		t.Errorf("replay: %d %q", r.status, r.message)
	}
}

func TestRecordedBodyBytes(t *testing.T) {
	// Our JSON for the recorded synapse is byte for byte what Python sent.
	raw := recorded(t)
	req, _ := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	var body bytes.Buffer
	_, _ = body.ReadFrom(req.Body)
	var s synapse.Synapse
	if err := synapse.Unmarshal(body.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	out, err := synapse.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, body.Bytes()) {
		t.Errorf("Marshal:\n got %s\nwant %s", out, body.Bytes())
	}
}

func TestForgedRecordedRequests(t *testing.T) {
	raw := string(recorded(t))
	sig := "0x3849d4bfc537f5862c7314b9d4fc8e1c71a262d38648e6776fb7da480382cb1abc833f680b26bffb5a4fc3e00aeb5ceda6fce98c2ba8286a028519f9224c8e85"
	tests := []struct {
		name     string
		axonKey  string
		old, new string
		want     string
	}{
		{"flipped signature", "//Bob", sig[:10] + "c537", sig[:10] + "c538", "Signature mismatch with "},
		{"other nonce", "//Bob", "bt_header_dendrite_nonce: 1234567890", "bt_header_dendrite_nonce: 1234567891", "Signature mismatch with 1234567891."},
		{"other body hash", "//Bob", "computed_body_hash: a7ff", "computed_body_hash: b7ff", "Signature mismatch with "},
		{"claims another dendrite", "//Bob", "bt_header_dendrite_hotkey: 5Grw", "bt_header_dendrite_hotkey: 5Grx", "Signature mismatch with "},
		{"meant for another axon", "//Charlie", "", "", "Signature mismatch with "},
		{"no signature", "//Bob", "bt_header_dendrite_signature:", "x_dropped:", ErrMissingDendrite.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := startAxon(t, key(t, tt.axonKey), Options{}, nil)
			req := strings.Replace(raw, tt.old, tt.new, 1)
			if tt.old != "" && req == raw {
				t.Fatal("test did not change the request")
			}
			r := sendRaw(t, a.Addr().String(), []byte(req))
			if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.message, "Not Verified with error: "+tt.want) {
				t.Errorf("got %d %q", r.status, r.message)
			}
			if code, msg := r.axonStatus(t); code != 401 || msg != r.message {
				t.Errorf("headers say %d %q", code, msg)
			}
			if r.header.Get("bt_header_axon_process_time") == "" {
				t.Error("error answer lacks process_time")
			}
		})
	}
}

func TestStatusCodes(t *testing.T) {
	alice := key(t, "//Alice")
	var mu sync.Mutex
	nonce := int64(1)
	next := func() int64 { mu.Lock(); defer mu.Unlock(); nonce++; return nonce }
	blocked := make(chan struct{}, 1)
	ax, base := startAxon(t, key(t, "//Bob"), Options{MaxBodyBytes: 4096, MaxWorkers: 1}, func(a *Axon) {
		err := Attach(a, func(ctx context.Context, d *dummy) error {
			switch d.DummyInput {
			case 13:
				return errors.New("unlucky")
			case 14:
				panic("boom")
			case 99:
				select { // hold the only worker
				case <-blocked:
				case <-ctx.Done():
				}
			}
			d.DummyOutput = synapse.Ptr(d.DummyInput * 2)
			return nil
		}, func(ctx context.Context, d *dummy) (bool, string) {
			if *d.Dendrite.Hotkey == key(t, "//Eve").SS58Address() {
				return true, "eve is not welcome"
			}
			return false, ""
		}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
	})

	ok := signed(t, alice, bobSS58, &dummy{DummyInput: 21}, next(), "u1").send(t, base)
	if ok.status != 200 {
		t.Fatalf("valid call: %d %s", ok.status, ok.message)
	}
	var got dummy
	if err := json.Unmarshal(ok.body, &got); err != nil || got.DummyOutput == nil || *got.DummyOutput != 42 {
		t.Fatalf("valid call body %s (%v)", ok.body, err)
	}

	tests := []struct {
		name    string
		build   func() *http.Request
		status  int
		message string // prefix
	}{
		{"unknown synapse", func() *http.Request {
			return req(t, http.MethodPost, base+"/Prompting", nil, nil)
		}, 404, "Synapse name 'Prompting' not found. Available synapses ['Synapse', 'dummy']"},
		{"bad path", func() *http.Request { return req(t, http.MethodPost, base+"/", nil, nil) }, 400, "Improperly formatted request. Could not parser request /."},
		{"wrong method", func() *http.Request { return req(t, http.MethodDelete, base+"/dummy", nil, nil) }, 405, "Method Not Allowed"},
		{"missing required input header", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			delete(c.hdr, "bt_header_input_obj_dummy_input")
			return c.request(t, base)
		}, 400, "Improperly formatted request. Could not parse headers into synapse of type dummy: synapse: bad headers: required field \"dummy_input\""},
		{"malformed nonce", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			c.hdr["bt_header_dendrite_nonce"] = []string{"soon"}
			return c.request(t, base)
		}, 400, "Improperly formatted request. Could not parse headers"},
		{"blacklisted", func() *http.Request {
			return signed(t, key(t, "//Eve"), bobSS58, &dummy{DummyInput: 1}, next(), "u1").request(t, base)
		}, 403, "Forbidden. Key is blacklisted: eve is not welcome."},
		{"bad signature", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			c.hdr["bt_header_dendrite_signature"] = []string{"0x" + strings.Repeat("00", 64)}
			return c.request(t, base)
		}, 401, "Not Verified with error: Signature mismatch with "},
		{"stale nonce", func() *http.Request {
			return signed(t, alice, bobSS58, &dummy{DummyInput: 1}, 1, "u1").request(t, base)
		}, 401, "Not Verified with error: Nonce is too small"},
		{"body does not match signed hash", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			c.body = bytes.Replace(c.body, []byte(`"dummy_input": 1`), []byte(`"dummy_input": 2`), 1)
			return c.request(t, base)
		}, 500, "Internal server error with error: Hash mismatch between header body hash "},
		{"body not JSON", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			c.body = []byte("{not json")
			return c.request(t, base)
		}, 500, "Internal server error with error: synapse: bad body"},
		{"body too large", func() *http.Request {
			c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, next(), "u1")
			c.body = bytes.Repeat([]byte(" "), 5000)
			return c.request(t, base)
		}, 413, "Request body too large"},
		{"forward fails", func() *http.Request {
			return signed(t, alice, bobSS58, &dummy{DummyInput: 13}, next(), "u1").request(t, base)
		}, 500, "Internal server error with error: unlucky"},
		{"forward panics", func() *http.Request {
			return signed(t, alice, bobSS58, &dummy{DummyInput: 14}, next(), "u1").request(t, base)
		}, 500, "Internal server error with error: forward panicked: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.build())
			if r.status != tt.status || !strings.HasPrefix(r.message, tt.message) {
				t.Errorf("got %d %q, want %d %q…", r.status, r.message, tt.status, tt.message)
			}
			if code, msg := r.axonStatus(t); code != tt.status || msg != r.message {
				t.Errorf("headers say %d %q", code, msg)
			}
		})
	}

	// Priority timeout: the only worker is held, so a call with a short
	// timeout waits in the queue until its timeout and gets 503.
	holder := make(chan result, 1)
	go func() { holder <- signed(t, alice, bobSS58, &dummy{DummyInput: 99}, next(), "u-hold").send(t, base) }()
	waitFor(t, func() bool { return ax.sched.idle() == 0 })
	short := &dummy{DummyInput: 5}
	short.Timeout = 0.3
	c := signed(t, alice, bobSS58, short, next(), "u1")
	if r := c.send(t, base); r.status != 503 || r.message != "Response timeout after: 0.3s" {
		t.Errorf("priority timeout: %d %q", r.status, r.message)
	}
	blocked <- struct{}{}
	if r := <-holder; r.status != 200 {
		t.Errorf("held call: %d %q", r.status, r.message)
	}
}

func (c *call) request(t testing.TB, base string) *http.Request {
	r := req(t, http.MethodPost, base+"/"+c.name, c.hdr, c.body)
	return r
}

func req(t testing.TB, method, url string, h http.Header, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		r.Header[k] = v
	}
	return r
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPriorityOrdersWork(t *testing.T) {
	alice := key(t, "//Alice")
	release := make(chan struct{})
	var mu sync.Mutex
	var order []int
	a, base := startAxon(t, key(t, "//Bob"), Options{MaxWorkers: 1}, func(a *Axon) {
		err := Attach(a, func(ctx context.Context, d *dummy) error {
			if d.DummyInput == 0 {
				<-release
			}
			mu.Lock()
			order = append(order, d.DummyInput)
			mu.Unlock()
			return nil
		}, nil, func(ctx context.Context, d *dummy) float64 {
			// The priority sees the header synapse, which has no input
			// values; rank by nonce parity instead: read from the uuid.
			switch *d.Dendrite.UUID {
			case "low":
				return 1
			case "mid":
				return 2
			case "high":
				return 3
			}
			return 0
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	})
	var wg sync.WaitGroup
	send := func(input int, uuid string) {
		wg.Go(func() {
			r := signed(t, alice, bobSS58, &dummy{DummyInput: input}, 1, uuid).send(t, base)
			if r.status != 200 {
				t.Errorf("input %d: %d %s", input, r.status, r.message)
			}
		})
	}
	send(0, "first") // takes the only worker and blocks
	waitFor(t, func() bool { return a.sched.idle() == 0 })
	send(1, "low")
	waitFor(t, func() bool { return a.sched.waiting() == 1 })
	send(3, "high")
	waitFor(t, func() bool { return a.sched.waiting() == 2 })
	send(2, "mid")
	waitFor(t, func() bool { return a.sched.waiting() == 3 })
	close(release)
	wg.Wait()
	if want := []int{0, 3, 2, 1}; !equalInts(order, want) {
		t.Errorf("forward order %v, want %v", order, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRateLimitPerHotkey(t *testing.T) {
	alice, charlie := key(t, "//Alice"), key(t, "//Charlie")
	_, base := startAxon(t, key(t, "//Bob"), Options{RateLimit: 0.001, RateBurst: 2}, nil)
	for i := range 2 {
		if r := signed(t, alice, bobSS58, &synapse.Synapse{}, int64(10+i), "u").send(t, base); r.status != 200 {
			t.Fatalf("call %d: %d %s", i, r.status, r.message)
		}
	}
	r := signed(t, alice, bobSS58, &synapse.Synapse{}, 20, "u").send(t, base)
	if r.status != http.StatusTooManyRequests || !strings.HasPrefix(r.message, "Too many requests from "+aliceSS58) {
		t.Errorf("third call: %d %q", r.status, r.message)
	}
	// Another hotkey has its own bucket; a forged request naming Alice
	// does not use hers (it fails verification first).
	if r := signed(t, charlie, bobSS58, &synapse.Synapse{}, 1, "u").send(t, base); r.status != 200 {
		t.Errorf("charlie: %d %s", r.status, r.message)
	}
}

func TestCapacity(t *testing.T) {
	alice := key(t, "//Alice")
	release := make(chan struct{})
	a, base := startAxon(t, key(t, "//Bob"), Options{MaxInFlight: 1}, func(a *Axon) {
		if err := Attach(a, func(ctx context.Context, d *dummy) error { <-release; return nil }, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
	})
	done := make(chan result)
	go func() { done <- signed(t, alice, bobSS58, &dummy{}, 1, "u").send(t, base) }()
	waitFor(t, func() bool { return len(a.inFlight) == 1 })
	r := signed(t, alice, bobSS58, &dummy{}, 2, "u").send(t, base)
	if r.status != 503 || !strings.HasPrefix(r.message, "Service unavailable: axon is at capacity") {
		t.Errorf("over capacity: %d %q", r.status, r.message)
	}
	close(release)
	if r := <-done; r.status != 200 {
		t.Errorf("first call: %d %s", r.status, r.message)
	}
}

func TestFreshnessWindow(t *testing.T) {
	alice := key(t, "//Alice")
	_, base := startAxon(t, key(t, "//Bob"), Options{FreshnessWindow: 4 * time.Second}, nil)
	now := time.Now().UnixNano()
	if r := signed(t, alice, bobSS58, &synapse.Synapse{}, now, "u").send(t, base); r.status != 200 {
		t.Errorf("fresh nonce: %d %s", r.status, r.message)
	}
	// A 6.x Python nonce (monotonic clock, small) is refused.
	if r := signed(t, alice, bobSS58, &synapse.Synapse{}, 1234567890, "v").send(t, base); r.status != 401 || r.message != "Not Verified with error: "+ErrNonceStale.Error() {
		t.Errorf("old nonce: %d %q", r.status, r.message)
	}
}

func TestSlowClientIsCutOff(t *testing.T) {
	a, _ := startAxon(t, key(t, "//Bob"), Options{ReadHeaderTimeout: 200 * time.Millisecond}, nil)
	conn, err := net.Dial("tcp", a.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST /Synapse HTTP/1.1\r\nHost: x\r\nname: Syn")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	var err2 error
	for err2 == nil {
		_, err2 = conn.Read(buf)
	}
	var ne net.Error
	if errors.As(err2, &ne) && ne.Timeout() {
		t.Fatal("the axon kept a stalled client's connection open")
	}
}

func TestOversizedHeaders(t *testing.T) {
	_, base := startAxon(t, key(t, "//Bob"), Options{MaxHeaderBytes: 1024}, nil)
	h := http.Header{"bt_header_dendrite_uuid": {strings.Repeat("x", 8000)}}
	resp, err := http.DefaultClient.Do(req(t, http.MethodPost, base+"/Synapse", h, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		alice := key(t, "//Alice")
		a, err := New(key(t, "//Bob"), Options{IP: "127.0.0.1", ReadHeaderTimeout: 100 * time.Millisecond, MaxBodyBytes: 1024})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + a.Addr().String()
		client := &http.Client{Transport: &http.Transport{}}
		for i := range 20 {
			c := signed(t, alice, bobSS58, &synapse.Synapse{}, int64(i+1), "u")
			if i%3 == 0 {
				c.hdr["bt_header_dendrite_signature"] = []string{"0x00"}
			}
			if i%4 == 0 {
				c.body = bytes.Repeat([]byte("x"), 4096)
			}
			resp, err := client.Do(c.request(t, base))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		// A stalled client.
		conn, err := net.Dial("tcp", a.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = conn.Write([]byte("POST /Synapse HTTP/1.1\r\n"))
		defer conn.Close()
		client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	settleGoroutines(t, before)
}

func TestInfoAndString(t *testing.T) {
	a, err := New(key(t, "//Bob"), Options{IP: "127.0.0.1", Port: 8091, ExternalIP: "203.0.113.7", Coldkey: aliceSS58})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version": 650, "ip": "203.0.113.7", "port": 8091, "ip_type": 4, "hotkey": "` + bobSS58 + `", "coldkey": "` + aliceSS58 + `", "protocol": 4, "placeholder1": 0, "placeholder2": 0}`
	if got := a.Info().String(); got != want {
		t.Errorf("Info = %s", got)
	}
	if got := a.String(); got != "Axon(203.0.113.7, 8091, "+bobSS58+", stopped, [Synapse])" {
		t.Errorf("String = %s", got)
	}
	b, _ := New(key(t, "//Bob"), Options{IP: "::1", ExternalPort: 9000})
	if info := b.Info(); info.IP != "::1" || info.IPType != 6 || info.Port != 9000 {
		t.Errorf("IPv6 info %+v", info)
	}
	if _, err := New(key(t, "//Bob"), Options{Port: 70000}); err == nil {
		t.Error("port 70000 accepted")
	}
	if _, err := New(key(t, "//Bob").PublicOnly(), Options{}); !errors.Is(err, ErrNoSecret) {
		t.Errorf("public-only hotkey: %v", err)
	}
	if err := Attach(a, func(context.Context, *dummy) error { return nil }, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := Attach(a, func(context.Context, *dummy) error { return nil }, nil, nil, nil); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second attach: %v", err)
	}
}

func TestMetrics(t *testing.T) {
	alice := key(t, "//Alice")
	a, base := startAxon(t, key(t, "//Bob"), Options{MetricsAddr: "127.0.0.1:0"}, nil)
	signed(t, alice, bobSS58, &synapse.Synapse{}, 1, "u").send(t, base)
	do(t, req(t, http.MethodPost, base+"/Nope", nil, nil))
	resp, err := http.Get("http://" + a.MetricsAddr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	for _, want := range []string{
		`bittensor_axon_requests_total{status="200",synapse="Synapse"} 1`,
		`bittensor_axon_requests_total{status="404",synapse="unknown"} 1`,
		`bittensor_axon_request_duration_seconds_count{synapse="Synapse"} 1`,
	} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestCheapRefusalsFirst checks that the route, header and blacklist
// refusals come before any signature check and before the body is read: a
// client that announces a large body and never sends it still gets its
// answer at once, and the verify function is never called.
func TestCheapRefusalsFirst(t *testing.T) {
	called := make(chan struct{}, 10)
	a, _ := startAxon(t, key(t, "//Bob"), Options{}, func(a *Axon) {
		err := Attach(a, func(context.Context, *dummy) error { return nil },
			func(ctx context.Context, d *dummy) (bool, string) { return true, "no" },
			nil,
			func(ctx context.Context, d *dummy) error { called <- struct{}{}; return nil })
		if err != nil {
			t.Fatal(err)
		}
	})
	alice := key(t, "//Alice")
	c := signed(t, alice, bobSS58, &dummy{DummyInput: 1}, 1, "u")
	var head strings.Builder
	head.WriteString("POST /dummy HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n")
	for k, v := range c.hdr {
		head.WriteString(k + ": " + v[0] + "\r\n")
	}
	head.WriteString("\r\n")
	for _, tt := range []struct {
		name string
		raw  string
		want int
	}{
		{"unknown route", "POST /Nope HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 404},
		{"bad headers", "POST /dummy HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\ntimeout: x\r\n\r\n", 400},
		{"blacklisted", head.String(), 403},
	} {
		conn, err := net.Dial("tcp", a.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
		if _, err := conn.Write([]byte(tt.raw)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer before the body was sent: %v", tt.name, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	if len(called) != 0 {
		t.Errorf("verify ran %d times for refused requests", len(called))
	}
}

func TestNonceTableIsBounded(t *testing.T) {
	_, base := startAxon(t, key(t, "//Bob"), Options{MaxNonceKeys: 8}, nil)
	alice := key(t, "//Alice")
	first := signed(t, alice, bobSS58, &synapse.Synapse{}, 5, "uuid-0")
	if r := first.send(t, base); r.status != 200 {
		t.Fatalf("first: %d %s", r.status, r.message)
	}
	for i := 1; i < 40; i++ {
		if r := signed(t, alice, bobSS58, &synapse.Synapse{}, 5, "uuid-"+strconv.Itoa(i)).send(t, base); r.status != 200 {
			t.Fatalf("uuid %d: %d %s", i, r.status, r.message)
		}
	}
	// The most recent keys are still remembered.
	if r := signed(t, alice, bobSS58, &synapse.Synapse{}, 5, "uuid-39").send(t, base); r.status != 401 {
		t.Errorf("recent replay: %d %s", r.status, r.message)
	}
}

func TestVerifierEviction(t *testing.T) {
	v := newVerifier(0, 8)
	for i := range 100 {
		if !v.storeNonce("k"+strconv.Itoa(i), 1) {
			t.Fatal("new key refused")
		}
		if len(v.nonces) > 8 {
			t.Fatalf("%d keys stored, bound is 8", len(v.nonces))
		}
	}
	if v.storeNonce("k99", 1) {
		t.Error("replay of the newest key accepted")
	}
}

func TestHugeTimeoutIsBounded(t *testing.T) {
	_, base := startAxon(t, key(t, "//Bob"), Options{}, nil)
	s := &synapse.Synapse{}
	s.Timeout = 1e300 // would overflow a time.Duration
	if r := signed(t, key(t, "//Alice"), bobSS58, s, 1, "u").send(t, base); r.status != 200 {
		t.Errorf("huge timeout: %d %s", r.status, r.message)
	}
}
