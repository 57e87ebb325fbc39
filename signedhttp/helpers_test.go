package signedhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/signedhttp/epistula"
	"github.com/go-bittensor/bittensor/wallet"
)

// proto is one protocol under test: how to make a signer whose clock is
// at (nil: the real clock).
type proto struct {
	name   string
	p      signedhttp.Protocol
	signer func(k signedhttp.Key, at func() time.Time) signedhttp.RequestSigner
	// signsTarget: the signature covers the method and target.
	signsTarget bool
}

var protos = []proto{
	{name: "btauth", p: btauth.Protocol{}, signsTarget: true, signer: func(k signedhttp.Key, at func() time.Time) signedhttp.RequestSigner {
		s := &btauth.Signer{Key: k}
		if at != nil {
			s.Nonce = func() int64 { return at().UnixNano() }
		}
		return s
	}},
	{name: "epistula", p: epistula.Protocol{}, signer: func(k signedhttp.Key, at func() time.Time) signedhttp.RequestSigner {
		return &epistula.Signer{Key: k, Now: at}
	}},
}

func key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// echo is the JSON handler of the tests: it answers who called and what
// they sent.
type echoIn struct {
	Text string `json:"text"`
}
type echoOut struct {
	Caller string `json:"caller"`
	Scheme string `json:"scheme"`
	Text   string `json:"text"`
}

func echo(_ context.Context, c signedhttp.Caller, in *echoIn) (*echoOut, error) {
	return &echoOut{Caller: c.Hotkey, Scheme: c.Scheme.String(), Text: in.Text}, nil
}

// serve starts a real HTTP server for hotkey self's guard in protocol p
// around handler (nil: the echo JSON handler at every path).
func serve(t testing.TB, p signedhttp.Protocol, self string, opts signedhttp.GuardOptions, handler http.Handler) (*httptest.Server, *signedhttp.Guard) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	g, err := signedhttp.NewGuard(p, self, opts)
	if err != nil {
		t.Fatal(err)
	}
	if handler == nil {
		handler = signedhttp.JSON(echo)
	}
	srv := httptest.NewServer(g.Wrap(handler))
	t.Cleanup(srv.Close)
	return srv, g
}

// answer is what a test client got back.
type answer struct {
	status int
	class  string
	out    echoOut
}

// send sends one request with these headers (already signed or not) and
// body, with a plain client, and reads the answer.
func send(t testing.TB, method, url string, h http.Header, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &a.out); err != nil {
			t.Fatalf("answer %q: %v", data, err)
		}
		return a
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("refusal %d %q: %v", resp.StatusCode, data, err)
	}
	a.class = e.Error
	return a
}

// signed returns the headers signer puts on a request.
func signed(t testing.TB, s signedhttp.RequestSigner, method, url string, body []byte, receiver string) http.Header {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignRequest(req, body, receiver); err != nil {
		t.Fatal(err)
	}
	return req.Header
}

func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
