package subtensor

import (
	"strings"
	"testing"
)

func TestResolveNetwork(t *testing.T) {
	tests := []struct {
		in, network, endpoint, err string
	}{
		{"", "local", "http://127.0.0.1:9944", ""},
		{"local", "local", "http://127.0.0.1:9944", ""},
		{"127.0.0.1:9955", "local", "http://127.0.0.1:9955", ""},
		{"localhost:9944", "local", "http://localhost:9944", ""},
		{"ws://10.0.0.5:9944", "unknown", "http://10.0.0.5:9944", ""},
		{"wss://node.example.org/websocket", "unknown", "https://node.example.org", ""},
		{"http://node.example.org:26657/", "unknown", "http://node.example.org:26657", ""},
		{"finney", "finney", "https://entrypoint-finney.opentensor.ai:443", ""},
		{"test", "test", "https://test.finney.opentensor.ai:443", ""},
		{"mainnet", "", "", "neither a known network"},
		{"ftp://x:1", "", "", "scheme"},
	}
	for _, tt := range tests {
		n, ep, err := ResolveNetwork(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ResolveNetwork(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || n != tt.network || ep != tt.endpoint {
			t.Errorf("ResolveNetwork(%q) = %q, %q, %v; want %q, %q", tt.in, n, ep, err, tt.network, tt.endpoint)
		}
	}
}
