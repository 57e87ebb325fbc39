package signedhttp_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/signedhttp"
)

// BenchmarkGuard measures a guarded JSON handler without sockets, for
// each protocol: header checks, one sr25519 verification (key cached),
// the replay store, JSON decoding and encoding of a small body. It is
// the counterpart of the axon's BenchmarkServeHTTP.
func BenchmarkGuard(b *testing.B) {
	alice, bob := key(b, "//Alice"), key(b, "//Bob")
	for _, pr := range protos {
		b.Run(pr.name, func(b *testing.B) {
			g, err := signedhttp.NewGuard(pr.p, bob.SS58Address(), signedhttp.GuardOptions{MaxAge: time.Hour, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			h := g.Wrap(signedhttp.JSON(echo))
			s := pr.signer(alice, nil)
			type call struct {
				h    http.Header
				body []byte
			}
			calls := make([]call, b.N)
			for i := range calls {
				body := []byte(`{"text": "` + strconv.Itoa(i) + `"}`)
				calls[i] = call{signed(b, s, "POST", "http://x/echo", body, bob.SS58Address()), body}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				r := httptest.NewRequestWithContext(context.Background(), "POST", "/echo", bytes.NewReader(calls[i].body))
				r.Header = calls[i].h
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
