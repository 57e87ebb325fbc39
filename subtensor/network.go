package subtensor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// DefaultNetwork is the network btcli and the SDK use when none is given:
// a node on this machine (a go-bittensor `subtensor dev` or `btcli localnet`,
// or a local node-subtensor), at 127.0.0.1:9944.
const DefaultNetwork = "local"

// Backend is the kind of node a chain runs.
type Backend int

const (
	// BackendAuto asks the endpoint which kind of node answers there.
	BackendAuto Backend = iota
	// BackendCometBFT is go-bittensor's own chain (CometBFTClient).
	BackendCometBFT
	// BackendSubstrate is Bittensor's node-subtensor (SubstrateClient).
	BackendSubstrate
)

func (b Backend) String() string {
	switch b {
	case BackendCometBFT:
		return "cometbft"
	case BackendSubstrate:
		return "substrate"
	}
	return "auto"
}

// network is a network name's endpoint and, when known, its backend.
type network struct {
	url     string
	backend Backend
}

// networks are the network names go-bittensor knows: Bittensor's public
// Substrate networks (the endpoints its SDK uses) and this machine.
var networks = map[string]network{
	"local":   {"ws://127.0.0.1:9944", BackendAuto},
	"finney":  {"wss://entrypoint-finney.opentensor.ai:443", BackendSubstrate},
	"test":    {"wss://test.finney.opentensor.ai:443", BackendSubstrate},
	"archive": {"wss://archive.chain.opentensor.ai:443", BackendSubstrate},
}

// resolved is a network name or endpoint made concrete.
type resolved struct {
	network string
	u       url.URL // scheme ws or wss; the path as given
	backend Backend
}

// wsURL is the endpoint as a websocket URL (a Substrate node's RPC).
func (r resolved) wsURL() string { return r.u.String() }

// httpURL is the endpoint as an HTTP URL (a CometBFT node's RPC, and a
// Substrate node's JSON-RPC over POST).
func (r resolved) httpURL() string {
	u := r.u
	u.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/websocket"), "/")
	return u.String()
}

// resolve turns a network name or an endpoint into a URL. Endpoints are
// host:port, http(s):// or ws(s)://host:port[/path]. The network of an
// endpoint on this machine is "local", of another "unknown".
func resolve(target string) (resolved, error) {
	t := strings.TrimSpace(target)
	if t == "" {
		t = DefaultNetwork
	}
	if n, ok := networks[t]; ok {
		u, _ := url.Parse(n.url)
		return resolved{network: t, u: *u, backend: n.backend}, nil
	}
	if !strings.Contains(t, "://") {
		if _, _, err := net.SplitHostPort(t); err != nil {
			return resolved{}, fmt.Errorf("subtensor: %q is neither a known network (local, finney, test, archive) nor a host:port endpoint", t)
		}
		t = "ws://" + t
	}
	u, err := url.Parse(t)
	if err != nil || u.Host == "" {
		return resolved{}, fmt.Errorf("subtensor: bad endpoint %q", target)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return resolved{}, fmt.Errorf("subtensor: endpoint %q: scheme %q is not ws, wss, http or https", target, u.Scheme)
	}
	r := resolved{network: "unknown", u: *u}
	if h := u.Hostname(); h == "127.0.0.1" || h == "localhost" || h == "::1" {
		r.network = "local"
	}
	return r, nil
}

// ResolveNetwork turns a network name or an endpoint into the network's
// name and the URL of its RPC over HTTP (see Connect for what is accepted).
func ResolveNetwork(target string) (network, endpoint string, err error) {
	r, err := resolve(target)
	if err != nil {
		return "", "", err
	}
	return r.network, r.httpURL(), nil
}

// Connect connects to the chain target names: a network name ("local",
// "finney", "test", "archive") or an endpoint (host:port, ws(s)://…,
// http(s)://…), and returns it as a Chain. finney, test and archive are
// Bittensor's Substrate networks. For "local" and endpoints Connect asks
// the node what it is (opts.Backend forces one): a Substrate node answers
// state_getRuntimeVersion, a go-bittensor node CometBFT's status.
func Connect(ctx context.Context, target string, opts Options) (Chain, error) {
	r, err := resolve(target)
	if err != nil {
		return nil, err
	}
	backend := opts.Backend
	if backend == BackendAuto {
		backend = r.backend
	}
	if backend == BackendAuto {
		if backend, err = probe(ctx, r); err != nil {
			return nil, err
		}
	}
	if backend == BackendSubstrate {
		return connectSubstrate(ctx, r, opts)
	}
	return connectCometBFT(ctx, r, opts)
}

// probe asks the node at r which kind it is: Substrate's
// state_getRuntimeVersion, then CometBFT's status, as JSON-RPC over HTTP POST,
// which nodes of either kind answer on their RPC port (each answers the
// other's method with an error). When the POST is refused (a
// websocket-only gateway), a Substrate websocket handshake decides.
func probe(ctx context.Context, r resolved) (Backend, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	status := ""
	for _, q := range []struct {
		method, params string
		backend        Backend
	}{
		{"state_getRuntimeVersion", "[]", BackendSubstrate},
		{"status", "{}", BackendCometBFT},
	} {
		ok, st, err := askJSONRPC(ctx, r.httpURL(), q.method, q.params)
		if err != nil {
			return 0, fmt.Errorf("%w at %s (is a node running? start one with `btcli localnet up` or `subtensor dev`): %v", ErrUnavailable, r.wsURL(), err)
		}
		if ok {
			return q.backend, nil
		}
		status = st
	}
	// Not a JSON-RPC answer over HTTP: try a Substrate websocket.
	c, werr := rpc.Dial(ctx, r.wsURL(), rpc.Options{Logger: discardLogger()})
	if werr == nil {
		var v struct {
			SpecVersion uint32 `json:"specVersion"`
		}
		err := c.Call(ctx, &v, "state_getRuntimeVersion")
		c.Close()
		if err == nil && v.SpecVersion != 0 {
			return BackendSubstrate, nil
		}
	}
	return 0, fmt.Errorf("subtensor: %s is not a subtensor node: it answers neither Substrate's state_getRuntimeVersion nor CometBFT's status (HTTP %s)", r.wsURL(), status)
}

// askJSONRPC posts one JSON-RPC call and reports whether it answered a
// non-null result; err is a transport failure (nothing answers there).
func askJSONRPC(ctx context.Context, url, method, params string) (ok bool, status string, err error) {
	body := `{"jsonrpc":"2.0","id":1,"method":"` + method + `","params":` + params + `}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return false, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var answer struct {
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(raw, &answer) != nil {
		return false, resp.Status, nil
	}
	return len(answer.Result) > 0 && string(answer.Result) != "null", resp.Status, nil
}

// ErrNotSupported is returned by a Chain method that the connected chain
// does not offer; the error names what is missing and the chain.
var ErrNotSupported = errors.New("subtensor: not supported by this chain")
