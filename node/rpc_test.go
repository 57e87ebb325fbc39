package node

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLargeRequestGate: while large requests hold every slot, small
// requests go straight through, another large request waits for a slot
// (and gets it when one frees), and one that waits too long is answered
// busy (503, a JSON-RPC error), never reaching the handler.
func TestLargeRequestGate(t *testing.T) {
	entered := make(chan string, 4)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		entered <- name
		if strings.HasPrefix(name, "large") {
			<-release
		}
		w.Write([]byte(name))
	})
	srv := httptest.NewServer(newLargeRequestGate(h, 1, 2*time.Second))
	defer srv.Close()
	large := bytes.Repeat([]byte("x"), largeRequestBytes+1)
	send := func(name string, body []byte) chan *http.Response {
		out := make(chan *http.Response, 1)
		go func() {
			resp, err := http.Post(srv.URL+"/?name="+name, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				close(out)
				return
			}
			out <- resp
		}()
		return out
	}
	first := send("large1", large)
	if got := <-entered; got != "large1" {
		t.Fatalf("%s entered first", got)
	}
	second := send("large2", large)
	// A small request is not held behind the large ones.
	small := send("small", []byte(`{"jsonrpc":"2.0"}`))
	if got := <-entered; got != "small" {
		t.Fatalf("%s entered while large1 held the slot, want small", got)
	}
	if resp := <-small; resp == nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("small request: %v", resp)
	}
	select {
	case got := <-entered:
		t.Fatalf("%s entered while large1 held the only slot", got)
	case <-time.After(200 * time.Millisecond):
	}
	release <- struct{}{} // large1 finishes; large2 takes the slot
	if got := <-entered; got != "large2" {
		t.Fatalf("%s entered, want large2", got)
	}
	<-first
	// A third large request waits past the gate's patience: busy.
	third := send("large3", large)
	resp := <-third
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a large request that waited too long: %v, want 503", resp)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if !strings.Contains(body.String(), `"error"`) || !strings.Contains(body.String(), "busy") {
		t.Errorf("busy answer %s", body.String())
	}
	release <- struct{}{}
	<-second
	select {
	case got := <-entered:
		t.Fatalf("%s reached the handler after being answered busy", got)
	default:
	}
}
