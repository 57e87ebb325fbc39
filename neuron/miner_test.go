package neuron

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/dendrite"
	"github.com/go-bittensor/bittensor/wallet"
)

// TestMinerBlacklistAndPriority queries a real miner from three
// dendrites: a validator (registered, permit, stake) is answered; a
// registered neuron without a permit and an unregistered key are refused
// with a reason, unless the miner's configuration admits them.
func TestMinerBlacklistAndPriority(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t,
		member{name: "val", stake: 500e9, permit: true, genesis: true},
		member{name: "peer", stake: 7e9, genesis: true},
		member{name: "miner", genesis: true},
		member{name: "stranger"},
	)
	tests := []struct {
		name   string
		config func(*MinerConfig)
		codes  map[string]int // caller → status
		reason map[string]string
	}{
		{
			name:   "defaults: validators only",
			config: func(c *MinerConfig) {},
			codes:  map[string]int{"val": 200, "peer": 403, "stranger": 403},
			reason: map[string]string{"peer": "has no validator permit", "stranger": "is not registered on subnet 1"},
		},
		{
			name:   "permit not needed",
			config: func(c *MinerConfig) { c.Blacklist.ForceValidatorPermit = false },
			codes:  map[string]int{"val": 200, "peer": 200, "stranger": 403},
		},
		{
			name:   "anyone",
			config: func(c *MinerConfig) { c.Blacklist.ForceValidatorPermit, c.Blacklist.AllowNonRegistered = false, true },
			codes:  map[string]int{"val": 200, "peer": 200, "stranger": 200},
		},
		{
			name:   "minimum stake",
			config: func(c *MinerConfig) { c.Blacklist.ForceValidatorPermit, c.Blacklist.MinStake = false, 10e9 },
			codes:  map[string]int{"val": 200, "peer": 403},
			reason: map[string]string{"peer": "below τ10.000000000"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultMinerConfig("test-miner")
			cfg.Config = n.config(t, "miner")
			tc.config(&cfg)
			m, _ := n.startMiner(t, cfg, func(x int) int { return x * x })
			for caller, want := range tc.codes {
				d, err := dendrite.New(keyOf(t, "//"+caller), dendrite.Options{ExternalIP: "127.0.0.2"})
				if err != nil {
					t.Fatal(err)
				}
				ans := d.Call(context.Background(), m.Axon().Info(), &Square{X: 3}, 2*time.Second).(*Square)
				if ans.StatusCode() != want {
					t.Errorf("%s: status %d (%s), want %d", caller, ans.StatusCode(), ans.StatusMessage(), want)
				}
				if r := tc.reason[caller]; r != "" && !strings.Contains(ans.StatusMessage(), r) {
					t.Errorf("%s: message %q, want it to say %q", caller, ans.StatusMessage(), r)
				}
				if want == 200 && (ans.Y == nil || *ans.Y != 9) {
					t.Errorf("%s: answer %v, want 9", caller, ans.Y)
				}
			}
		})
	}

	cfg := DefaultMinerConfig("test-miner")
	cfg.Config = n.config(t, "miner")
	m, _ := n.startMiner(t, cfg, func(x int) int { return x })
	for who, want := range map[string]float64{"val": 500, "peer": 7, "stranger": 0} {
		if got := m.Priority(keyOf(t, "//"+who).SS58Address()); got != want {
			t.Errorf("priority of %s = %v, want %v (its stake in TAO)", who, got, want)
		}
	}
}

// TestMinerRegistersAndServes starts a miner whose hotkey is not
// registered: without registration allowed it stops with
// ErrNotRegistered; with burn it registers, serves its axon, and after a
// restart on another port serves the new port.
func TestMinerRegistersAndServes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t, member{name: "val", stake: 1e9, permit: true, genesis: true}, member{name: "newcomer"})
	ctx := context.Background()
	cfg := DefaultMinerConfig("test-miner")
	cfg.Config = n.config(t, "newcomer")

	m, err := NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); !errors.Is(err, ErrNotRegistered) {
		t.Fatalf("Run without registration: %v, want ErrNotRegistered", err)
	}

	cfg.Neuron.Register = RegisterBurn
	m1, stop := n.startMiner(t, cfg, func(x int) int { return x })
	hot := types.AccountID(m1.Hotkey().PublicKey())
	nr, err := n.client.NeuronForHotkey(ctx, testNetuid, hot, 0)
	if err != nil {
		t.Fatal(err)
	}
	if nr.UID != 1 || nr.Axon.IP != "127.0.0.2" || int(nr.Axon.Port) != m1.Axon().Info().Port {
		t.Fatalf("after Run: uid %d axon %s:%d, want uid 1 at 127.0.0.2:%d", nr.UID, nr.Axon.IP, nr.Axon.Port, m1.Axon().Info().Port)
	}
	stop()
	m2, _ := n.startMiner(t, cfg, func(x int) int { return x }) // waits for the new port on chain
	if m2.Axon().Info().Port == m1.Axon().Info().Port {
		t.Log("the system gave the same port twice; the re-serve path was not exercised")
	}
	bal, _ := n.client.GetBalance(ctx, types.AccountID(keyOf(t, "//newcomer/cold").PublicKey()), 0)
	if bal.RAO() >= 1000e9 || bal.RAO() < 998e9 {
		t.Errorf("coldkey balance %v after one burn of about 1 TAO", bal)
	}
}

// TestMinerNotServable: an axon announcing no usable address is an error
// naming the flag, before anything is served.
func TestMinerNotServable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t, member{name: "m", genesis: true})
	for _, ip := range []string{"", "127.0.0.1"} {
		cfg := DefaultMinerConfig("test-miner")
		cfg.Config = n.config(t, "m")
		cfg.Axon.ExternalIP = ip
		m, err := NewMiner(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = m.Run(context.Background())
		if !errors.Is(err, ErrNotServable) || !strings.Contains(err.Error(), "--axon.external_ip") {
			t.Errorf("external ip %q: %v, want ErrNotServable naming --axon.external_ip", ip, err)
		}
	}
}

// TestNewErrors: a missing hotkey and an unreachable chain are errors that
// say what to do.
func TestNewErrors(t *testing.T) {
	cfg := DefaultConfig("test")
	cfg.Wallet.Path = t.TempDir()
	cfg.Subtensor.ChainEndpoint = "127.0.0.1:1"
	if _, err := New(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "btcli wallet new_hotkey") {
		t.Errorf("missing hotkey: %v", err)
	}
	w := wallet.New("default", "default", cfg.Wallet.Path)
	if err := w.SetHotkey(keyOf(t, "//x"), wallet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := New(ctx, cfg); err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Errorf("unreachable chain: %v", err)
	}
}
