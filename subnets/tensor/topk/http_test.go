package topk

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/signedhttp/btauth"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestServeOverSignedHTTP sends challenges to the real handlers behind a
// btauth/1 guard on a real HTTP server: the honest answer scores near 1,
// the lie 0, a question Solve refuses is a 400 scoring 0.
func TestServeOverSignedHTTP(t *testing.T) {
	miner, err := wallet.KeypairFromURI("//Miner")
	if err != nil {
		t.Fatal(err)
	}
	val, err := wallet.KeypairFromURI("//Validator")
	if err != nil {
		t.Fatal(err)
	}
	g, err := signedhttp.NewGuard(btauth.Protocol{}, miner.SS58Address(), signedhttp.GuardOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+Route, signedhttp.JSON(Serve))
	mux.Handle("POST /lie", signedhttp.JSON(ServeLie))
	srv := httptest.NewServer(g.Wrap(mux))
	defer srv.Close()
	c := signedhttp.NewClient(&btauth.Signer{Key: val}, signedhttp.ClientOptions{})
	to := signedhttp.Endpoint{Hotkey: miner.SS58Address(), URL: srv.URL}

	rng := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		ch, err := NewChallenge(rng, 512, 16)
		if err != nil {
			t.Fatal(err)
		}
		r := signedhttp.PostJSON[Response](context.Background(), c, to, Route, ch.Request())
		if s := ch.ScoreReply(r, 10*time.Second); r.Err != nil || s < 0.9 {
			t.Fatalf("honest: score %v, reply %+v", s, r.Err)
		}
		r = signedhttp.PostJSON[Response](context.Background(), c, to, "/lie", ch.Request())
		if s := ch.ScoreReply(r, 10*time.Second); r.Err != nil || s != 0 {
			t.Fatalf("lie: score %v, err %v", s, r.Err)
		}
	}
	ch, _ := NewChallenge(rng, 8, 4)
	bad := ch.Request()
	bad.K = 0
	r := signedhttp.PostJSON[Response](context.Background(), c, to, Route, bad)
	var re *signedhttp.RemoteError
	if !errors.As(r.Err, &re) || re.Status != 400 || ch.ScoreReply(r, time.Second) != 0 {
		t.Fatalf("k = 0: %+v", r)
	}
	// A reply that took the whole timeout scores 1/2; a missing one 0.
	ok := signedhttp.PostJSON[Response](context.Background(), c, to, Route, ch.Request())
	ok.Latency = time.Second
	if s := ch.ScoreReply(ok, time.Second); s != 0.5 {
		t.Fatalf("slow answer: %v", s)
	}
	if s := ch.ScoreReply(signedhttp.Reply[Response]{Err: errors.New("timeout")}, time.Second); s != 0 {
		t.Fatalf("no answer: %v", s)
	}
}
