package axon

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/go-bittensor/bittensor/synapse"
)

// FuzzServeHTTP drives the whole request pipeline (path, header parsing,
// verification, body decoding and hashing) with arbitrary input. The dummy
// route accepts any caller so that fuzzed bodies reach the decoder; the
// ping keeps the default verify. Every answer must carry a known status in
// both the status line and the headers, and error answers must be JSON.
func FuzzServeHTTP(f *testing.F) {
	alice := key(f, "//Alice")
	good := signed(f, alice, bobSS58, &dummy{DummyInput: 7}, 5, "u")
	ping := signed(f, alice, bobSS58, &synapse.Synapse{}, 6, "u")
	f.Add("/dummy", first(good.hdr["bt_header_dendrite_nonce"]), first(good.hdr["bt_header_input_obj_dummy_input"]), first(good.hdr["computed_body_hash"]), first(good.hdr["timeout"]), good.body)
	f.Add("/Synapse", first(ping.hdr["bt_header_dendrite_nonce"]), "", first(ping.hdr["computed_body_hash"]), "12.0", ping.body)
	f.Add("/dummy", "1", "MA==", "", "1e308", []byte(`{"dummy_input": 1e400}`))
	f.Add("/x/y", "-1", "!!", "zz", "nan", []byte(`[`))

	a, err := New(key(f, "//Bob"), Options{MaxBodyBytes: 1 << 16, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	accept := func(context.Context, *dummy) error { return nil }
	if err := Attach(a, func(ctx context.Context, d *dummy) error { d.DummyOutput = synapse.Ptr(d.DummyInput); return nil }, nil, nil, accept); err != nil {
		f.Fatal(err)
	}
	known := map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 405: true, 413: true, 500: true, 503: true}

	f.Fuzz(func(t *testing.T, path, nonce, inputObj, bodyHash, timeout string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.URL.Path = path
		for k, v := range good.hdr {
			r.Header[k] = v
		}
		r.Header["bt_header_dendrite_nonce"] = []string{nonce}
		r.Header["bt_header_input_obj_dummy_input"] = []string{inputObj}
		r.Header["computed_body_hash"] = []string{bodyHash}
		r.Header["timeout"] = []string{timeout}
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if !known[w.Code] {
			t.Fatalf("status %d", w.Code)
		}
		if got := first(w.Header()["bt_header_axon_status_code"]); got != strconv.Itoa(w.Code) {
			t.Fatalf("header status %q, line %d", got, w.Code)
		}
		if w.Code != 200 {
			var m struct{ Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m.Message == "" {
				t.Fatalf("error answer %q", w.Body.Bytes())
			}
		}
	})
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
