package signedhttp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
)

// TestRoundTrip sends requests from a signedhttp.Client to a guarded
// server over real HTTP, in both protocols: JSON through PostJSON and
// PostJSONAll, a GET with no body through the signing http.Client, and a
// percent-encoded path with a query.
func TestRoundTrip(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	for _, pr := range protos {
		t.Run(pr.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("POST /echo", signedhttp.JSON(echo))
			mux.HandleFunc("GET /a b/c", func(w http.ResponseWriter, r *http.Request) {
				c, _ := signedhttp.CallerFrom(r.Context())
				fmt.Fprintf(w, "%s %s %s", c.Hotkey, r.URL.RawQuery, c.Protocol)
			})
			srv, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{}, mux)
			c := signedhttp.NewClient(pr.signer(alice, nil), signedhttp.ClientOptions{})
			to := signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: srv.URL}

			r := signedhttp.PostJSON[echoOut](context.Background(), c, to, "/echo", echoIn{Text: "hello"})
			if r.Err != nil || r.Status != 200 || r.Value.Caller != alice.SS58Address() || r.Value.Text != "hello" || r.Value.Scheme != "sr25519" {
				t.Fatalf("reply %+v", r)
			}
			all := signedhttp.PostJSONAll[echoOut](context.Background(), c, []signedhttp.Endpoint{to, to, to}, "/echo", echoIn{Text: "x"}, 5*time.Second)
			for i, r := range all {
				if r.Err != nil || r.Value.Text != "x" || r.Latency <= 0 {
					t.Fatalf("reply %d: %+v", i, r)
				}
			}

			req, _ := http.NewRequestWithContext(signedhttp.WithReceiver(context.Background(), bob.SS58Address()), "GET", srv.URL+"/a%20b/c?q=1&r=%2F", nil)
			resp, err := c.HTTP().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := alice.SS58Address() + " q=1&r=%2F " + pr.p.Name(); resp.StatusCode != 200 || string(got) != want {
				t.Fatalf("GET: %d %q, want %q", resp.StatusCode, got, want)
			}
		})
	}
	t.Run("btauth ed25519", func(t *testing.T) {
		srv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
		ed := signedhttp.NewEd25519Key(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)))
		c := signedhttp.NewClient(&btauth.Signer{Key: ed}, signedhttp.ClientOptions{})
		r := signedhttp.PostJSON[echoOut](context.Background(), c, signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: srv.URL}, "/", echoIn{Text: "ed"})
		if r.Err != nil || r.Value.Caller != ed.SS58Address() || r.Value.Scheme != "ed25519" {
			t.Fatalf("reply %+v", r)
		}
	})
	t.Run("transport with a fixed receiver", func(t *testing.T) {
		srv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
		hc := &http.Client{Transport: &signedhttp.Transport{Signer: &btauth.Signer{Key: alice}, Receiver: bob.SS58Address()}}
		for range 2 { // a second request gets a new nonce: no replay
			resp, err := hc.Post(srv.URL+"/x", "application/json", strings.NewReader(`{"text":"t"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

// TestRefusals sends, over real HTTP, one request of each kind a guard
// refuses, in both protocols, and checks the status, the error class, and
// that the client reads the class back as the package's sentinel.
func TestRefusals(t *testing.T) {
	alice, bob, eve := key(t, "//Alice"), key(t, "//Bob"), key(t, "//Eve")
	body := []byte(`{"text":"hi"}`)
	for _, pr := range protos {
		maxAge, skew := pr.p.Window()
		now := func() time.Time { return time.Now() }
		sign := func(t *testing.T, method, url string, body []byte, receiver string) http.Header {
			return signed(t, pr.signer(alice, now), method, url, body, receiver)
		}
		t.Run(pr.name, func(t *testing.T) {
			srv, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{FailureRate: -1}, nil)
			url := srv.URL + "/echo"
			check := func(t *testing.T, a answer, status int, class string) {
				t.Helper()
				if a.status != status || a.class != class {
					t.Fatalf("got %d %q, want %d %q", a.status, a.class, status, class)
				}
			}

			t.Run("signed for another hotkey", func(t *testing.T) {
				check(t, send(t, "POST", url, sign(t, "POST", url, body, eve.SS58Address()), body), 401, "WrongReceiver")
			})
			t.Run("signed for no hotkey", func(t *testing.T) {
				check(t, send(t, "POST", url, sign(t, "POST", url, body, ""), body), 401, "WrongReceiver")
				open, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{AllowUnbound: true}, nil)
				check(t, send(t, "POST", open.URL, sign(t, "POST", open.URL, body, ""), body), 200, "")
			})
			t.Run("stale", func(t *testing.T) {
				old := signed(t, pr.signer(alice, func() time.Time { return time.Now().Add(-maxAge - time.Second) }), "POST", url, body, bob.SS58Address())
				check(t, send(t, "POST", url, old, body), 401, "StaleRequest")
			})
			t.Run("from the future", func(t *testing.T) {
				ahead := signed(t, pr.signer(alice, func() time.Time { return time.Now().Add(skew + time.Second) }), "POST", url, body, bob.SS58Address())
				check(t, send(t, "POST", url, ahead, body), 401, "StaleRequest")
			})
			t.Run("body changed", func(t *testing.T) {
				check(t, send(t, "POST", url, sign(t, "POST", url, body, bob.SS58Address()), []byte(`{"text":"ho"}`)), 401, "BadSignature")
			})
			t.Run("signed by another key", func(t *testing.T) {
				h := sign(t, "POST", url, body, bob.SS58Address())
				forged := signed(t, pr.signer(eve, now), "POST", url, body, bob.SS58Address())
				for k, v := range forged {
					if strings.Contains(strings.ToLower(k), "signature") {
						h[k] = v
					}
				}
				check(t, send(t, "POST", url, h, body), 401, "BadSignature")
			})
			t.Run("other route or method", func(t *testing.T) {
				h := sign(t, "POST", url, body, bob.SS58Address())
				a := send(t, "PUT", srv.URL+"/other", h, body)
				if pr.signsTarget {
					check(t, a, 401, "BadSignature")
				} else {
					// Epistula signs neither: the request is accepted once,
					// wherever it is sent, and never again.
					check(t, a, 200, "")
					check(t, send(t, "POST", url, h, body), 401, "ReplayedRequest")
				}
			})
			t.Run("replayed", func(t *testing.T) {
				h := sign(t, "POST", url, body, bob.SS58Address())
				check(t, send(t, "POST", url, h, body), 200, "")
				check(t, send(t, "POST", url, h, body), 401, "ReplayedRequest")
			})
			t.Run("header names in lower case", func(t *testing.T) {
				h := http.Header{}
				for k, v := range sign(t, "POST", url, body, bob.SS58Address()) {
					h[strings.ToLower(k)] = v
				}
				check(t, send(t, "POST", url, h, body), 200, "")
			})
			t.Run("not admitted", func(t *testing.T) {
				refuse := func(hotkey string) error {
					if hotkey == alice.SS58Address() {
						return errors.New("not a validator")
					}
					return nil
				}
				closed, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{Admit: refuse}, nil)
				check(t, send(t, "POST", closed.URL, sign(t, "POST", closed.URL, body, bob.SS58Address()), body), 403, "Forbidden")
				// Admission comes before the signature: a forgery claiming
				// a refused hotkey costs no verification.
				h := sign(t, "POST", closed.URL, body, bob.SS58Address())
				check(t, send(t, "POST", closed.URL, h, []byte("tampered")), 403, "Forbidden")
			})
			t.Run("rate limited", func(t *testing.T) {
				limited, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{RateLimit: 0.001, RateBurst: 2, FailureRate: -1}, nil)
				u := limited.URL
				// Forgeries claiming alice do not spend her tokens.
				for range 5 {
					check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), []byte("forged")), 401, "BadSignature")
				}
				check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), body), 200, "")
				check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), body), 200, "")
				check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), body), 429, "RateLimited")
				// Another hotkey has its own bucket.
				other := signed(t, pr.signer(eve, now), "POST", u, body, bob.SS58Address())
				check(t, send(t, "POST", u, other, body), 200, "")
			})
			t.Run("body too large", func(t *testing.T) {
				small, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{MaxBodyBytes: 16}, nil)
				big := bytes.Repeat([]byte("x"), 17)
				check(t, send(t, "POST", small.URL, sign(t, "POST", small.URL, big, bob.SS58Address()), big), 413, "TooLarge")
				// Without a Content-Length (chunked), it is cut while read.
				req, _ := http.NewRequest("POST", small.URL, io.MultiReader(bytes.NewReader(big)))
				for k, v := range sign(t, "POST", small.URL, big, bob.SS58Address()) {
					req.Header[k] = v
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 413 || req.ContentLength != 0 {
					t.Fatalf("chunked: status %d (content length %d)", resp.StatusCode, req.ContentLength)
				}
			})
			t.Run("busy", func(t *testing.T) {
				entered, release := make(chan struct{}), make(chan struct{})
				slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					entered <- struct{}{}
					<-release
				})
				busy, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{MaxInFlight: 1}, slow)
				done := make(chan answer)
				go func() {
					h := sign(t, "POST", busy.URL, body, bob.SS58Address())
					req, _ := http.NewRequest("POST", busy.URL, bytes.NewReader(body))
					req.Header = h
					resp, err := http.DefaultClient.Do(req)
					if err == nil {
						resp.Body.Close()
						done <- answer{status: resp.StatusCode}
						return
					}
					done <- answer{}
				}()
				<-entered
				check(t, send(t, "POST", busy.URL, sign(t, "POST", busy.URL, body, bob.SS58Address()), body), 503, "Busy")
				close(release)
				if a := <-done; a.status != 200 {
					t.Fatalf("the first request: %d", a.status)
				}
			})
			t.Run("replay store full", func(t *testing.T) {
				full, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{Replay: signedhttp.NewMemoryReplayStore(time.Minute, 1)}, nil)
				check(t, send(t, "POST", full.URL, sign(t, "POST", full.URL, body, bob.SS58Address()), body), 200, "")
				check(t, send(t, "POST", full.URL, sign(t, "POST", full.URL, body, bob.SS58Address()), body), 503, "Busy")
			})
			t.Run("too many bad signatures from one address", func(t *testing.T) {
				strict, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{FailureRate: 0.001, FailureBurst: 3}, nil)
				u := strict.URL
				// Refusals that cost no signature work are not counted.
				for range 5 {
					check(t, send(t, "POST", u, sign(t, "POST", u, body, eve.SS58Address()), body), 401, "WrongReceiver")
				}
				for range 3 {
					check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), []byte("forged")), 401, "BadSignature")
				}
				check(t, send(t, "POST", u, sign(t, "POST", u, body, bob.SS58Address()), body), 429, "RateLimited")
			})
		})
	}
}

// TestRefusalsBtauth covers what only btauth/1 has: its crypto header.
func TestRefusalsBtauth(t *testing.T) {
	bob := key(t, "//Bob")
	ed := signedhttp.NewEd25519Key(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	body := []byte(`{"text":"hi"}`)
	srv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
	s := &btauth.Signer{Key: ed}

	// An ed25519 signature presented as sr25519 fails: verification never
	// tries the other scheme.
	h := signed(t, s, "POST", srv.URL, body, bob.SS58Address())
	h.Del(btauth.HeaderCrypto)
	if a := send(t, "POST", srv.URL, h, body); a.status != 401 || a.class != "BadSignature" {
		t.Fatalf("scheme confusion: %+v", a)
	}
	// A server that trusts this hotkey with sr25519 only refuses ed25519
	// before any signature work.
	pinned, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{
		TrustedScheme: func(string) signedhttp.Scheme { return signedhttp.SR25519 },
	}, nil)
	if a := send(t, "POST", pinned.URL, signed(t, s, "POST", pinned.URL, body, bob.SS58Address()), body); a.status != 401 || a.class != "MalformedAuth" {
		t.Fatalf("pinned scheme: %+v", a)
	}
	for _, name := range []string{btauth.HeaderVersion, btauth.HeaderHotkey, btauth.HeaderNonce, btauth.HeaderSignature} {
		h := signed(t, s, "POST", srv.URL, body, bob.SS58Address())
		h.Del(name)
		if a := send(t, "POST", srv.URL, h, body); a.status != 401 || a.class != "MalformedAuth" {
			t.Fatalf("without %s: %+v", name, a)
		}
	}
	// A hotkey that is not an SS58 address is malformed, found when the
	// signature is checked.
	h = signed(t, s, "POST", srv.URL, body, bob.SS58Address())
	h.Set(btauth.HeaderHotkey, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ")
	if a := send(t, "POST", srv.URL, h, body); a.status != 401 || a.class != "MalformedAuth" {
		t.Fatalf("bad address: %+v", a)
	}
}

// TestClientErrors: a refusal comes back as a RemoteError matching the
// sentinel of its class; a server that is not there is an error with no
// status.
func TestClientErrors(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	srv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{
		Admit: func(string) error { return errors.New("no permit") },
	}, nil)
	c := signedhttp.NewClient(&btauth.Signer{Key: alice}, signedhttp.ClientOptions{})
	r := signedhttp.PostJSON[echoOut](context.Background(), c, signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: srv.URL}, "/", echoIn{})
	var re *signedhttp.RemoteError
	if !errors.Is(r.Err, signedhttp.ErrForbidden) || !errors.As(r.Err, &re) || re.Status != 403 || !strings.Contains(re.Message, "no permit") || r.Status != 403 {
		t.Fatalf("reply %+v", r)
	}
	// Signed for the wrong hotkey: WrongReceiver.
	r = signedhttp.PostJSON[echoOut](context.Background(), c, signedhttp.Endpoint{Hotkey: alice.SS58Address(), URL: srv.URL}, "/", echoIn{})
	if !errors.Is(r.Err, signedhttp.ErrWrongReceiver) {
		t.Fatalf("reply %+v", r)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r = signedhttp.PostJSON[echoOut](context.Background(), c, signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: "http://" + addr}, "/", echoIn{})
	if r.Err == nil || r.Status != 0 || r.Value != nil {
		t.Fatalf("reply from nowhere %+v", r)
	}
}

// TestJSONHandler: a body that is not JSON is 400, a handler's error 500 or
// its StatusError's code, a panic 500.
func TestJSONHandler(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	h := signedhttp.JSON(func(_ context.Context, _ signedhttp.Caller, in *echoIn) (*echoOut, error) {
		switch in.Text {
		case "fail":
			return nil, errors.New("cannot")
		case "teapot":
			return nil, &signedhttp.StatusError{Code: 418, Err: errors.New("short and stout")}
		case "bad":
			return nil, fmt.Errorf("%w: no", signedhttp.ErrBadRequest)
		case "panic":
			panic("boom")
		}
		return &echoOut{Text: in.Text}, nil
	})
	srv, _ := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, h)
	s := &btauth.Signer{Key: alice}
	for _, c := range []struct {
		body   string
		status int
	}{{`{"text":"ok"}`, 200}, {`not json`, 400}, {`{"text":"fail"}`, 500}, {`{"text":"teapot"}`, 418}, {`{"text":"bad"}`, 400}, {`{"text":"panic"}`, 500}} {
		a := send(t, "POST", srv.URL, signed(t, s, "POST", srv.URL, []byte(c.body), bob.SS58Address()), []byte(c.body))
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d", c.body, a.status, c.status)
		}
	}
	// Without a guard, a JSON handler refuses to run.
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, (&http.Request{Method: "POST", Body: io.NopCloser(strings.NewReader("{}"))}).WithContext(context.Background()))
	if rec.status != 500 {
		t.Errorf("unguarded: status %d", rec.status)
	}
}

type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.status = code }

func TestNewGuard(t *testing.T) {
	if _, err := signedhttp.NewGuard(btauth.Protocol{}, "not an address", signedhttp.GuardOptions{}); err == nil {
		t.Error("a guard for a non-address")
	}
	short := signedhttp.NewMemoryReplayStore(5*time.Second, 10)
	if _, err := signedhttp.NewGuard(btauth.Protocol{}, key(t, "//Bob").SS58Address(), signedhttp.GuardOptions{Replay: short}); err == nil {
		t.Error("a replay store forgetting within the 12 s window was accepted")
	}
	if _, err := signedhttp.NewGuard(btauth.Protocol{}, key(t, "//Bob").SS58Address(), signedhttp.GuardOptions{Replay: short, MaxAge: 2 * time.Second, MaxSkew: time.Second}); err != nil {
		t.Errorf("a 3 s window with a 5 s store: %v", err)
	}
}

// TestMemoryReplayStore: an entry is remembered for at least the retention
// (here 10 s) and forgotten within twice that; a full store refuses.
func TestMemoryReplayStore(t *testing.T) {
	s := signedhttp.NewMemoryReplayStore(10*time.Second, 3)
	t0 := time.Unix(1000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	remember := func(key string, when time.Time, want bool) {
		t.Helper()
		fresh, err := s.Remember(key, when)
		if err != nil || fresh != want {
			t.Fatalf("Remember(%s, %v) = %v, %v; want %v", key, when.Sub(t0), fresh, err, want)
		}
	}
	remember("a", at(0), true)
	remember("a", at(time.Second), false)
	remember("b", at(9*time.Second), true)
	remember("a", at(10*time.Second), false) // rotated: a is in the old generation
	remember("b", at(19*time.Second), false) // b, put at 9 s, lasts until at least 19 s
	remember("c", at(19*time.Second), true)
	if _, err := s.Remember("d", at(19*time.Second)); !errors.Is(err, signedhttp.ErrBusy) {
		t.Fatalf("full store: %v", err)
	}
	remember("a", at(21*time.Second), true) // rotated again: a (0 s) and b (9 s) are gone
	if n := s.Len(); n != 2 {               // c (put at 19 s) and a
		t.Fatalf("len %d", n)
	}
	remember("z", at(60*time.Second), true) // long idle: everything expired
	if n := s.Len(); n != 1 {
		t.Fatalf("len after idle %d", n)
	}
}

// TestMetrics: the guard counts accepted and refused requests by class.
func TestMetrics(t *testing.T) {
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	srv, g := serve(t, btauth.Protocol{}, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
	s := &btauth.Signer{Key: alice}
	body := []byte(`{}`)
	send(t, "POST", srv.URL, signed(t, s, "POST", srv.URL, body, bob.SS58Address()), body)
	send(t, "POST", srv.URL, signed(t, s, "POST", srv.URL, body, alice.SS58Address()), body)
	send(t, "POST", srv.URL, http.Header{}, body)
	want := `
# HELP bittensor_signedhttp_requests_total Requests seen by the guard, by result: ok, or the refusal's class (MalformedAuth, StaleRequest, Forbidden, …).
# TYPE bittensor_signedhttp_requests_total counter
bittensor_signedhttp_requests_total{protocol="btauth/1",result="MalformedAuth"} 1
bittensor_signedhttp_requests_total{protocol="btauth/1",result="WrongReceiver"} 1
bittensor_signedhttp_requests_total{protocol="btauth/1",result="ok"} 1
`
	if err := testutil.GatherAndCompare(g.Gatherer(), strings.NewReader(want), "bittensor_signedhttp_requests_total"); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrent: many clients at once, each request accepted exactly once.
func TestConcurrent(t *testing.T) {
	bob := key(t, "//Bob")
	for _, pr := range protos {
		t.Run(pr.name, func(t *testing.T) {
			srv, _ := serve(t, pr.p, bob.SS58Address(), signedhttp.GuardOptions{}, nil)
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for i := range 8 {
				k := key(t, fmt.Sprintf("//Caller%d", i))
				c := signedhttp.NewClient(pr.signer(k, nil), signedhttp.ClientOptions{})
				wg.Go(func() {
					for range 8 {
						r := signedhttp.PostJSON[echoOut](context.Background(), c, signedhttp.Endpoint{Hotkey: bob.SS58Address(), URL: srv.URL}, "/", echoIn{Text: "c"})
						if r.Err != nil || r.Value.Caller != k.SS58Address() {
							errs <- fmt.Errorf("reply %+v", r)
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
