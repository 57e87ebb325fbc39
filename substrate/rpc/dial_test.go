package rpc_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// TestDialErrors: each way of not reaching a JSON-RPC websocket gives its
// own error, naming the endpoint.
func TestDialErrors(t *testing.T) {
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := "ws://" + l.Addr().String()
	l.Close()

	// An HTTP server that is not a websocket server.
	web := httptest.NewServer(http.NotFoundHandler())
	defer web.Close()
	webOK := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer webOK.Close()

	// A TCP listener that never answers the handshake.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	tests := []struct {
		name     string
		endpoint string
		want     error
		status   int
		words    string
	}{
		{"not listening", closedPort, rpc.ErrConnRefused, 0, "nothing listens there"},
		{"plain HTTP 404", "ws" + strings.TrimPrefix(web.URL, "http"), rpc.ErrHandshake, 404, "not a websocket JSON-RPC endpoint"},
		{"plain HTTP 200", "ws" + strings.TrimPrefix(webOK.URL, "http"), rpc.ErrHandshake, 200, "HTTP 200"},
		{"TLS to a plain server", "wss" + strings.TrimPrefix(webOK.URL, "http"), rpc.ErrTLS, 0, "TLS"},
		{"unknown host", "ws://no-such-host.invalid:9944", rpc.ErrHostNotFound, 0, "host not found"},
		{"no answer", "ws://" + silent.Addr().String(), rpc.ErrDialTimeout, 0, "no connection within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := rpc.Dial(ctx, tt.endpoint, rpc.Options{DialTimeout: 500 * time.Millisecond})
			if err == nil {
				c.Close()
				t.Fatal("connected")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var de *rpc.DialError
			if !errors.As(err, &de) || de.Endpoint != tt.endpoint || de.Status != tt.status {
				t.Fatalf("error %#v, want a DialError for %s with status %d", err, tt.endpoint, tt.status)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.endpoint) || !strings.Contains(msg, tt.words) {
				t.Fatalf("message %q lacks the endpoint or %q", msg, tt.words)
			}
		})
	}
	checkNoLeaks(t)
}

// TestBadEndpointsAndOptions are refused before any connection attempt.
func TestBadEndpointsAndOptions(t *testing.T) {
	ctx := context.Background()
	for _, e := range []string{"127.0.0.1:9944", "tcp://127.0.0.1:9944", "ws://", ""} {
		if _, err := rpc.Dial(ctx, e, rpc.Options{}); !errors.Is(err, rpc.ErrEndpoint) {
			t.Errorf("endpoint %q: %v, want ErrEndpoint", e, err)
		}
	}
	for _, o := range []rpc.Options{
		{CallTimeout: -1},
		{ReconnectMin: time.Second, ReconnectMax: time.Millisecond},
		{MaxMessageSize: -5},
	} {
		if _, err := rpc.Dial(ctx, "ws://127.0.0.1:1", o); err == nil || !strings.Contains(err.Error(), "Options.") {
			t.Errorf("options %+v: %v, want an error naming the field", o, err)
		}
	}
}

// TestNotJSONRPC: a websocket server that answers something other than
// JSON-RPC fails the calls in flight with ErrProtocol instead of leaving them
// hanging.
func TestNotJSONRPC(t *testing.T) {
	url := echoServer(t, func([]byte) []byte { return []byte("hello, I am a chat server") })
	c := dial(t, url, rpc.Options{ReconnectMin: time.Hour, ReconnectMax: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.Call(ctx, nil, "system_chain")
	if !errors.Is(err, rpc.ErrProtocol) || !errors.Is(err, rpc.ErrConnectionLost) {
		t.Fatalf("error %v, want ErrProtocol and ErrConnectionLost", err)
	}
	if !strings.Contains(err.Error(), "chat server") {
		t.Fatalf("message %q does not quote what the server sent", err)
	}
}

// TestMessageTooLarge: an answer over MaxMessageSize ends the connection and
// says so; the client reconnects and smaller answers pass.
func TestMessageTooLarge(t *testing.T) {
	url := echoServer(t, nil)
	c := dial(t, url, rpc.Options{MaxMessageSize: 4096, ReconnectMin: time.Millisecond, ReconnectMax: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	big := strings.Repeat("ab", 4096)
	err := c.Call(ctx, nil, "echo", big)
	if !errors.Is(err, rpc.ErrMessageTooLarge) || !errors.Is(err, rpc.ErrConnectionLost) {
		t.Fatalf("error %v, want ErrMessageTooLarge", err)
	}
	var got string
	if err := c.Call(ctx, &got, "echo", "small"); err != nil || got != "small" {
		t.Fatalf("after reconnect: %q, %v", got, err)
	}
	if c.Reconnects() != 1 {
		t.Fatalf("reconnects %d, want 1", c.Reconnects())
	}
}
