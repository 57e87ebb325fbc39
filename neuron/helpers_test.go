package neuron

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/neuron/neurontest"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/signedhttp"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// testNetuid is the genesis subnet of the test chains.
const testNetuid = neurontest.Netuid

// member is a wallet of a test network.
type member struct {
	name    string
	stake   balance.Balance // staked at genesis
	permit  bool            // validator permit at genesis
	genesis bool            // registered on the subnet at genesis
}

// testNet is a real dev chain whose subnet 1 exists from genesis with the
// members marked genesis, in order (uids 0, 1, …), and every member's
// wallet on disk.
type testNet struct {
	*neurontest.Net
	client *subtensor.CometBFTClient
	wallet string
	dev    *nodetest.Dev
}

func newTestNet(t *testing.T, members ...member) *testNet {
	t.Helper()
	var ms []neurontest.Member
	for _, m := range members {
		ms = append(ms, neurontest.Member{Name: m.name, Stake: m.stake, Permit: m.permit, Registered: m.genesis})
	}
	net := neurontest.Start(t, ms...)
	return &testNet{Net: net, client: net.Client, wallet: net.WalletPath, dev: net.Dev}
}

func keyOf(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// config is the configuration of a member's neuron on the test network:
// its axon on a free loopback port announcing 127.0.0.2 (reached by test
// validators, which send the same address), a sync every block, state in
// a temporary directory.
func (n *testNet) config(t *testing.T, name string) Config {
	c := DefaultConfig("test-" + name)
	c.Wallet.Name, c.Wallet.Path = name, n.wallet
	c.Subtensor.ChainEndpoint = n.dev.RPC
	c.Netuid = testNetuid
	c.Axon.IP, c.Axon.Port, c.Axon.ExternalIP = "127.0.0.1", 0, neurontest.ExternalIP
	c.Neuron.FullPath = t.TempDir()
	c.Neuron.SyncBlocks = 1
	c.Logger = testLogger(t, name)
	return c
}

func (n *testNet) validatorConfig(t *testing.T, name string) ValidatorConfig {
	c := DefaultValidatorConfig("test-" + name)
	c.Config = n.config(t, name)
	c.EpochLength, c.SampleSize, c.Alpha, c.Timeout = 3, 0, 0.5, time.Second
	return c
}

// testLogger logs to the test's output when -v is given, else nowhere.
func testLogger(t *testing.T, name string) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})).With("who", name)
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

var _ io.Writer = tWriter{}

// Square is the test subnet's synapse: the validator sends X, a miner
// answers Y = X².
type Square struct {
	synapse.Synapse
	X int  `json:"x" bt:"required,hash"`
	Y *int `json:"y"`
}

// squareIn and squareOut are the Square question and answer over signed
// HTTP, at POST /square.
type squareIn struct {
	X int `json:"x"`
}
type squareOut struct {
	Y int `json:"y"`
}

// squareQuery rewards 1 for the right square and 0 for anything else, in
// the round's protocol.
func squareQuery(ctx context.Context, r *Round) ([]float64, error) {
	x := 1 + r.Rand.IntN(1000)
	out := make([]float64, len(r.Miners))
	if r.Protocol != ProtocolSynapse {
		for i, a := range signedhttp.PostJSONAll[squareOut](ctx, r.Client, r.Endpoints(), "/square", squareIn{X: x}, r.Timeout) {
			if a.Err == nil && a.Value.Y == x*x {
				out[i] = 1
			}
		}
		return out, nil
	}
	for i, a := range r.Dendrite.Query(ctx, r.Axons(), &Square{X: x}, r.Timeout) {
		if s := a.(*Square); s.IsSuccess() && s.Y != nil && *s.Y == x*x {
			out[i] = 1
		}
	}
	return out, nil
}

// startMiner runs a miner answering Square with answer(x) (as a synapse
// and at POST /square) until the test ends or stop is called; it waits
// until the miner serves on chain. setup, if given, runs before Run.
func (n *testNet) startMiner(t *testing.T, cfg MinerConfig, answer func(x int) int, setup ...func(*Miner)) (m *Miner, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(m)
	}
	if err := Attach(m, func(_ context.Context, s *Square) error { y := answer(s.X); s.Y = &y; return nil }); err != nil {
		t.Fatal(err)
	}
	m.Handle("POST /square", signedhttp.JSON(func(_ context.Context, _ signedhttp.Caller, in *squareIn) (*squareOut, error) {
		return &squareOut{Y: answer(in.X)}, nil
	}))
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("miner %s: %v", cfg.Wallet.Name, err)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			stop()
		}
	})
	n.waitFor(t, "miner "+cfg.Wallet.Name+" serving", func() bool {
		nr, err := n.client.NeuronForHotkey(context.Background(), testNetuid, types.AccountID(m.Hotkey().PublicKey()), 0)
		return err == nil && m.Addr() != nil && int(nr.Axon.Port) == m.Info().Port
	})
	return m, stop
}

// waitFor polls cond (see neurontest.Net.WaitFor).
func (n *testNet) waitFor(t *testing.T, what string, cond func() bool) { n.WaitFor(t, what, cond) }

// weights returns the weights row a hotkey has on the subnet, by uid.
func (n *testNet) weights(t *testing.T, hotkey *wallet.Keypair) map[uint16]uint16 {
	t.Helper()
	nr, err := n.client.NeuronForHotkey(context.Background(), testNetuid, types.AccountID(hotkey.PublicKey()), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint16]uint16{}
	for _, w := range nr.Weights {
		out[w[0]] = w[1]
	}
	return out
}
