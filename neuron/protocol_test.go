package neuron

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/synapse"
)

func TestProtocolFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		ok   bool
	}{
		{nil, ProtocolSynapse, true},
		{[]string{"--neuron.protocol", "btauth"}, ProtocolBtauth, true},
		{[]string{"--neuron.protocol", "epistula"}, ProtocolEpistula, true},
		{[]string{"--neuron.protocol", "grpc"}, "grpc", false},
	} {
		cfg := DefaultMinerConfig("m")
		fs := pflag.NewFlagSet("m", pflag.ContinueOnError)
		cfg.AddFlags(fs)
		if err := ParseFlags(fs, c.args); err != nil {
			t.Fatal(err)
		}
		err := cfg.Validate()
		if cfg.Neuron.Protocol != c.want || (err == nil) != c.ok {
			t.Errorf("%v: protocol %q, validate %v", c.args, cfg.Neuron.Protocol, err)
		}
		if !c.ok && (!errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "--neuron.protocol")) {
			t.Errorf("%v: %v, want ErrConfig naming the flag", c.args, err)
		}
	}
}

// TestSignedHTTPMiner runs a real miner in each signed-HTTP protocol on a
// real chain and calls it from three hotkeys: its blacklist (registered,
// validator permit) is the guard's admission, so the validator is answered
// and the others refused with the reason, before any signature is checked.
func TestSignedHTTPMiner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t,
		member{name: "val", stake: 500e9, permit: true, genesis: true},
		member{name: "peer", stake: 7e9, genesis: true},
		member{name: "miner", genesis: true},
		member{name: "stranger"},
	)
	for _, proto := range []string{ProtocolBtauth, ProtocolEpistula} {
		t.Run(proto, func(t *testing.T) {
			cfg := DefaultMinerConfig("test-miner")
			cfg.Config = n.config(t, "miner")
			cfg.Neuron.Protocol = proto
			m, _ := n.startMiner(t, cfg, func(x int) int { return x * x })
			if m.Axon().Addr() != nil {
				t.Error("the axon listens too")
			}
			if info := m.Info(); info.IP != "127.0.0.2" || info.Protocol != synapse.ProtocolHTTP {
				t.Errorf("served %+v", info)
			}
			to, ok := AxonEndpoints{ExternalIP: "127.0.0.2"}.Endpoint(Peer{Hotkey: m.Hotkey().SS58Address(), Axon: m.Info()})
			if !ok {
				t.Fatal("no endpoint")
			}
			for caller, want := range map[string]struct {
				status int
				reason string
			}{
				"val":      {200, ""},
				"peer":     {403, "has no validator permit"},
				"stranger": {403, "is not registered on subnet 1"},
			} {
				vcfg := n.config(t, caller)
				vcfg.Neuron.Protocol = proto
				c := signedhttp.NewClient(vcfg.requestSigner(keyOf(t, "//"+caller)), signedhttp.ClientOptions{})
				r := signedhttp.PostJSON[squareOut](context.Background(), c, to, "/square", squareIn{X: 3})
				if r.Status != want.status {
					t.Errorf("%s: status %d (%v), want %d", caller, r.Status, r.Err, want.status)
				}
				if want.status == 200 && (r.Err != nil || r.Value.Y != 9) {
					t.Errorf("%s: %+v", caller, r)
				}
				if want.reason != "" && (!errors.Is(r.Err, signedhttp.ErrForbidden) || !strings.Contains(r.Err.Error(), want.reason)) {
					t.Errorf("%s: %v, want Forbidden saying %q", caller, r.Err, want.reason)
				}
			}
			if got := testutilCount(t, m.Guard(), "Forbidden"); got != 2 {
				t.Errorf("guard counted %v refusals", got)
			}
		})
	}
}

// testutilCount reads the guard's count of one result.
func testutilCount(t *testing.T, g *signedhttp.Guard, result string) float64 {
	t.Helper()
	mfs, err := g.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestMinerServesItsProtocol: a miner with routes only for another
// protocol refuses to run, naming the flag.
func TestMinerServesItsProtocol(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t, member{name: "m", genesis: true})
	ctx := context.Background()

	cfg := DefaultMinerConfig("test-miner")
	cfg.Config = n.config(t, "m")
	cfg.Neuron.Protocol = ProtocolBtauth
	m, err := NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := Attach(m, func(context.Context, *Square) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "run it with --neuron.protocol synapse") {
		t.Errorf("synapses only, run with btauth: %v", err)
	}

	cfg.Neuron.Protocol = ProtocolSynapse
	m, err = NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.Handle("/", signedhttp.JSON(func(context.Context, signedhttp.Caller, *squareIn) (*squareOut, error) { return nil, nil }))
	if err := m.Run(ctx); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "--neuron.protocol btauth or epistula") {
		t.Errorf("routes only, run with synapse: %v", err)
	}
}

// TestSignedHTTPValidatorLoop is TestValidatorLoop over btauth/1: a
// validator with no axon queries two honest miners and a liar through
// their signed-HTTP endpoints found in the metagraph, and its weights go to
// the honest ones only.
func TestSignedHTTPValidatorLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and four neurons")
	}
	n := newTestNet(t,
		member{name: "val", stake: 1000e9, permit: true, genesis: true},
		member{name: "honest1", genesis: true},
		member{name: "honest2", genesis: true},
		member{name: "liar", genesis: true},
	)
	miner := func(name string, answer func(int) int, setup ...func(*Miner)) {
		cfg := MinerConfig{Config: n.config(t, name)}
		cfg.Neuron.Protocol = ProtocolBtauth
		n.startMiner(t, cfg, answer, setup...)
	}
	// honest1 publishes through a Publisher of its own (here serve_axon
	// too, counting its calls), as a miner publishing a commitment would.
	pub := &countingPublisher{}
	miner("honest1", func(x int) int { return x * x }, func(m *Miner) { pub.m = m; m.SetPublisher(pub) })
	miner("honest2", func(x int) int { return x * x })
	miner("liar", func(x int) int { return x*x + 1 })

	vcfg := n.validatorConfig(t, "val")
	vcfg.Neuron.Protocol = ProtocolBtauth
	ctx, cancel := context.WithCancel(context.Background())
	v, err := NewValidator(ctx, vcfg)
	if err != nil {
		t.Fatal(err)
	}
	// The validator finds miners through a refresher rebuilt at each sync,
	// as one reading commitments would be.
	src := &snapshotEndpoints{}
	v.SetEndpoints(src)
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx, squareQuery) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// uids: 0 val, 1 honest1, 2 honest2, 3 liar.
	n.waitFor(t, "weights on both honest miners", func() bool {
		w := n.weights(t, v.Hotkey())
		return w[1] > 60000 && w[2] > 60000 && w[3] == 0
	})
	if r := src.refreshes.Load(); r < 2 {
		t.Errorf("the endpoint source was refreshed %d times", r)
	}
	if c := pub.calls.Load(); c < 2 {
		t.Errorf("the publisher was called %d times", c)
	}
}

// snapshotEndpoints is an EndpointRefresher: it keeps the axon endpoints of
// the last snapshot it was refreshed with.
type snapshotEndpoints struct {
	refreshes atomic.Int64
	mu        sync.Mutex
	byHotkey  map[string]signedhttp.Endpoint
}

func (s *snapshotEndpoints) Refresh(_ context.Context, snap *Snapshot) error {
	m := map[string]signedhttp.Endpoint{}
	for _, p := range snap.Peers {
		if e, ok := (AxonEndpoints{ExternalIP: "127.0.0.2"}).Endpoint(p); ok {
			m[p.Hotkey] = e
		}
	}
	s.mu.Lock()
	s.byHotkey = m
	s.mu.Unlock()
	s.refreshes.Add(1)
	return nil
}

func (s *snapshotEndpoints) Endpoint(p Peer) (signedhttp.Endpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byHotkey[p.Hotkey]
	return e, ok
}

// countingPublisher publishes with serve_axon and counts its calls.
type countingPublisher struct {
	m     *Miner
	calls atomic.Int64
}

func (p *countingPublisher) Publish(ctx context.Context, info synapse.AxonInfo) error {
	p.calls.Add(1)
	return p.m.EnsureServed(ctx, info)
}

// TestEndpointSources: AxonEndpoints reads serve_axon's address, our own
// external address reached on this machine.
func TestEndpointSources(t *testing.T) {
	src := AxonEndpoints{ExternalIP: "127.0.0.2"}
	for _, c := range []struct {
		axon synapse.AxonInfo
		url  string
		ok   bool
	}{
		{synapse.AxonInfo{IP: "0.0.0.0", Port: 8091}, "", false},
		{synapse.AxonInfo{IP: "1.2.3.4", Port: 8091}, "http://1.2.3.4:8091", true},
		{synapse.AxonInfo{IP: "127.0.0.2", Port: 9000}, "http://0.0.0.0:9000", true},
		{synapse.AxonInfo{IP: "2001:db8::1", Port: 8091}, "http://[2001:db8::1]:8091", true},
	} {
		e, ok := src.Endpoint(Peer{Hotkey: "hk", Axon: c.axon})
		if ok != c.ok || e.URL != c.url || (ok && e.Hotkey != "hk") {
			t.Errorf("%+v: %+v %v", c.axon, e, ok)
		}
	}
}
