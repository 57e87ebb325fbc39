package subtensor_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	btchain "github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// countingProxy is a real HTTP reverse proxy in front of a node that counts
// requests by path and answers 404 (as CometBFT's RPC answers an unknown
// path) for the paths hide says it hides: a node from before the query
// route, or a proxy that passes only CometBFT's routes.
type countingProxy struct {
	mu   sync.Mutex
	hits map[string]int
}

func newCountingProxy(t *testing.T, rpc string, hide func(path string) bool) (*countingProxy, string) {
	t.Helper()
	target, err := url.Parse("http://" + rpc)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &countingProxy{hits: make(map[string]int)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits[r.URL.Path]++
		p.mu.Unlock()
		if hide(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *countingProxy) count(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

func (p *countingProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.hits)
}

// smallSubnet adds subnet 1 with n neurons, the first validating with
// weights and bonds on every uid.
func smallSubnet(n int) func(*btchain.Genesis) {
	return func(g *btchain.Genesis) {
		h := g.Params.Subtensor.SubnetDefaults
		row := make([][2]uint16, n)
		for j := range row {
			row[j] = [2]uint16{uint16(j), uint16(1000 + j)}
		}
		neurons := make([]btchain.GenesisNeuron, n)
		for i := range neurons {
			copy(neurons[i].Hotkey[:], fmt.Sprintf("query-hotkey-%04d", i))
			copy(neurons[i].Coldkey[:], fmt.Sprintf("query-coldkey-%04d", i))
			neurons[i].Stake = uint64(i+1) * 1_000_000_000
		}
		neurons[0].ValidatorPermit, neurons[0].Weights, neurons[0].Bonds = true, row, row
		g.Subnets = append(g.Subnets, btchain.GenesisSubnet{Netuid: 1, Owner: g.Balances[0].Address, Lock: 1_000_000_000_000, Hyperparams: &h, Neurons: neurons})
	}
}

// TestQueryTransport: a client uses the node's query route when the node
// advertises it, and CometBFT's abci_query when it does not (an older node)
// or when the route turns out to be missing; either way every answer and
// every refusal is the same.
func TestQueryTransport(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: smallSubnet(8)})
	ctx := context.Background()
	alice := types.AccountID(mustKey(t, "//Alice").PublicKey())
	type answers struct {
		account types.AccountInfo
		neurons *types.NeuronsInfo
		lite    *types.NeuronsInfo
		subnets []types.SubnetInfo
	}
	// read makes the client's queries at a fixed height, and checks that
	// the chain's refusals come back as the chain's errors.
	read := func(t *testing.T, c *subtensor.CometBFTClient, height uint64) answers {
		t.Helper()
		var a answers
		var err error
		if a.account, err = c.GetAccount(ctx, alice, height); err != nil {
			t.Fatal(err)
		}
		if a.neurons, err = c.Neurons(ctx, 1, height); err != nil {
			t.Fatal(err)
		}
		if a.lite, err = c.NeuronsLite(ctx, 1, height); err != nil {
			t.Fatal(err)
		}
		if a.subnets, err = c.GetSubnets(ctx, height); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Neuron(ctx, 1, 100, height); !errors.Is(err, types.ErrNotFound) {
			t.Fatalf("a missing uid: %v, want NotFound", err)
		}
		if _, err := c.GetAccount(ctx, alice, 1<<40); !errors.Is(err, types.ErrHeightPruned) {
			t.Fatalf("a height not committed: %v, want HeightUnavailable", err)
		}
		return a
	}
	height := uint64(2)

	direct := dev.Client(t)
	want := read(t, direct, height)
	if len(want.neurons.Neurons) != 8 || len(want.neurons.Neurons[0].Weights) != 8 || want.lite.Neurons[0].Weights != nil {
		t.Fatalf("neurons %+v", want.neurons.Neurons[0])
	}

	for _, tc := range []struct {
		name       string
		hide       func(path string) bool
		wantRoute  bool // queries go over the query route
		wantLookup int  // requests to NodeRoutesPath
	}{
		{"new node", func(string) bool { return false }, true, 1},
		{"old node", func(p string) bool { return strings.HasPrefix(p, types.NodeRoutesPath) }, false, 1},
		{"route advertised but missing", func(p string) bool { return p == types.QueryRoutePath }, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, endpoint := newCountingProxy(t, dev.RPC, tc.hide)
			c := connect(t, endpoint, subtensor.Options{})
			got := read(t, c, height)
			if fmt.Sprint(got.account) != fmt.Sprint(want.account) || fmt.Sprint(*got.neurons) != fmt.Sprint(*want.neurons) ||
				fmt.Sprint(*got.lite) != fmt.Sprint(*want.lite) || fmt.Sprint(got.subnets) != fmt.Sprint(want.subnets) {
				t.Fatalf("answers differ from the direct client's")
			}
			// CometBFT's client posts abci_query as JSON-RPC to "/".
			route, abci := p.count(types.QueryRoutePath), p.count("/")
			if tc.wantRoute && (route < 6 || abci > 1) || !tc.wantRoute && abci < 6 { // 1: the status call of Connect
				t.Fatalf("%d queries over the route, %d over abci_query", route, abci)
			}
			if n := p.count(types.NodeRoutesPath); n != tc.wantLookup {
				t.Fatalf("asked for the routes %d times, want %d", n, tc.wantLookup)
			}
			if !tc.wantRoute && route > 1 {
				t.Fatalf("the client kept trying a missing route: %d requests", route)
			}
			// The answer is remembered: more queries ask nothing more.
			p.reset()
			if _, err := c.GetCurrentBlock(ctx); err != nil {
				t.Fatal(err)
			}
			if p.count(types.NodeRoutesPath) != 0 {
				t.Fatal("the client asked for the routes again")
			}
		})
	}
}
