package axon

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/go-bittensor/bittensor/synapse"
)

// BenchmarkServeHTTP measures the pipeline alone (no sockets) for a small
// synapse with the default verify: header parsing, one sr25519
// verification, body decoding and hashing, forward, answer.
func BenchmarkServeHTTP(b *testing.B) {
	for _, sign := range []bool{false, true} {
		b.Run("sign="+strconv.FormatBool(sign), func(b *testing.B) {
			a, err := New(key(b, "//Bob"), Options{NoResponseSignature: !sign, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			if err := Attach(a, func(ctx context.Context, d *dummy) error { d.DummyOutput = synapse.Ptr(d.DummyInput); return nil }, nil, nil, nil); err != nil {
				b.Fatal(err)
			}
			alice := key(b, "//Alice")
			calls := make([]*call, b.N)
			for i := range calls {
				calls[i] = signed(b, alice, bobSS58, &dummy{DummyInput: i}, int64(i+1), "bench")
			}
			b.ResetTimer()
			for i := range b.N {
				c := calls[i]
				r := httptest.NewRequest(http.MethodPost, "/dummy", bytes.NewReader(c.body))
				for k, v := range c.hdr {
					r.Header[k] = v
				}
				w := httptest.NewRecorder()
				a.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
