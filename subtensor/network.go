package subtensor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultNetwork is the network btcli and the SDK use when none is given:
// a node on this machine, as started by `subtensor dev`.
const DefaultNetwork = "local"

// networks maps the network names go-bittensor knows to RPC endpoints.
// Bittensor's public networks (finney, test, archive) run Substrate, which
// this client does not speak; naming them is an error that says so.
var networks = map[string]string{
	"local": "http://127.0.0.1:9944",
}

var substrateNetworks = map[string]bool{"finney": true, "test": true, "archive": true}

// ResolveNetwork turns a network name or an endpoint into the network's name
// and an RPC URL. Accepted endpoints are host:port, http(s)://host:port and
// ws(s)://host:port (the node serves HTTP and websockets on one port). The
// name of an endpoint on this machine is "local", otherwise "unknown".
func ResolveNetwork(target string) (network, endpoint string, err error) {
	t := strings.TrimSpace(target)
	if t == "" {
		t = DefaultNetwork
	}
	if ep, ok := networks[t]; ok {
		return t, ep, nil
	}
	if substrateNetworks[t] {
		return "", "", fmt.Errorf("subtensor: network %q is Bittensor's Substrate chain, which go-bittensor cannot connect to; use \"local\" or an endpoint of a go-bittensor node (--subtensor.chain_endpoint host:port)", t)
	}
	if !strings.Contains(t, "://") {
		if _, _, err := net.SplitHostPort(t); err != nil {
			return "", "", fmt.Errorf("subtensor: %q is neither a known network (local) nor a host:port endpoint", t)
		}
		t = "http://" + t
	}
	u, err := url.Parse(t)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("subtensor: bad endpoint %q", target)
	}
	switch u.Scheme {
	case "http", "https":
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return "", "", fmt.Errorf("subtensor: endpoint %q: scheme %q is not http, https, ws or wss", target, u.Scheme)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/websocket"), "/")
	network = "unknown"
	if h := u.Hostname(); h == "127.0.0.1" || h == "localhost" || h == "::1" {
		network = "local"
	}
	return network, u.String(), nil
}

// Connect connects to the chain target names: a network name ("local",
// "finney", "test", "archive") or an endpoint, and returns it as a Chain.
func Connect(ctx context.Context, target string, opts Options) (Chain, error) {
	return ConnectCometBFT(ctx, target, opts)
}

// ErrNotSupported is returned by a Chain method that the connected chain
// does not offer; the error names what is missing and the chain.
var ErrNotSupported = errors.New("subtensor: not supported by this chain")
