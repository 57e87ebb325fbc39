package neuron

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/subtensor/subnettest"
	"github.com/go-bittensor/bittensor/synapse"
)

// TestCommitmentEndpoints: a miner publishes its URL through the
// Commitments pallet of Bittensor's runtime (under chopsticks) and a
// validator's CommitmentEndpoints finds it there.
func TestCommitmentEndpoints(t *testing.T) {
	ch := substratetest.New(t, substratetest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := subtensor.ConnectSubstrate(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := ch.NewBlocks(ctx, 1); err != nil { // chopsticks cannot dry-run its genesis
		t.Fatal(err)
	}
	alice := substratetest.Alice(t)
	net := subnettest.New(t, ctx, c, ch, "//Commit//Owner", nil)
	netuid, owner, hot := net.Netuid, net.Owner, net.OwnerHot

	info := synapse.AxonInfo{IP: "203.0.113.9", Port: 8091, IPType: 4, Protocol: 4, Version: 1}
	long := &CommitmentPublisher{Chain: c, Hotkey: hot, Netuid: netuid, URL: "https://" + strings.Repeat("a", 130) + ".example"}
	if err := long.Publish(ctx, info); !errors.Is(err, ErrNotServable) {
		t.Errorf("publishing a 150-byte URL: %v, want ErrNotServable", err)
	}
	bad := &CommitmentPublisher{Chain: c, Hotkey: hot, Netuid: netuid, URL: "ftp://miner.example"}
	if err := bad.Publish(ctx, info); !errors.Is(err, ErrNotServable) {
		t.Errorf("publishing an ftp URL: %v, want ErrNotServable", err)
	}
	pub := &CommitmentPublisher{Chain: c, Hotkey: hot, Netuid: netuid}
	if err := pub.Publish(ctx, info); err != nil {
		t.Fatal(err)
	}
	first, ok, err := c.GetCommitment(ctx, netuid, types.AccountID(hot.PublicKey()), 0)
	if err != nil || !ok || first.Text() != "http://203.0.113.9:8091" {
		t.Fatalf("commitment after Publish: %+v %v %v", first, ok, err)
	}
	// Publishing what is already committed sends nothing (a second
	// commitment within the rate limit would be refused).
	if err := pub.Publish(ctx, info); err != nil {
		t.Errorf("publishing the same URL again: %v", err)
	}
	// A new URL within the rate limit: the runtime's refusal, named.
	moved := &CommitmentPublisher{Chain: c, Hotkey: hot, Netuid: netuid, URL: "https://miner.example.net/tensor"}
	if err := moved.Publish(ctx, info); err == nil || errors.Is(err, ErrNotServable) || !strings.Contains(err.Error(), "CommitmentSetRateLimitExceeded") {
		t.Errorf("a new URL within the rate limit: %v", err)
	}

	block, err := c.GetCurrentBlock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := Peer{UID: 1, Hotkey: types.AccountID(alice.PublicKey()).String(), Axon: synapse.AxonInfo{IP: "198.51.100.4", Port: 9000, IPType: 4}}
	gone := Peer{UID: 2, Hotkey: types.AccountID(owner.PublicKey()).String()}
	snap := NewSnapshot(netuid, block, []Peer{{UID: 0, Hotkey: types.AccountID(hot.PublicKey()).String()}, other, gone}, types.Hyperparams{})
	src := &CommitmentEndpoints{Chain: c, Fallback: AxonEndpoints{}}
	if err := src.Refresh(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if e, ok := src.Endpoint(snap.Peers[0]); !ok || e.URL != "http://203.0.113.9:8091" || e.Hotkey != snap.Peers[0].Hotkey {
		t.Errorf("the committed miner's endpoint: %+v %v", e, ok)
	}
	if e, ok := src.Endpoint(other); !ok || e.URL != "http://198.51.100.4:9000" {
		t.Errorf("a miner without a commitment falls back to its axon: %+v %v", e, ok)
	}
	if _, ok := src.Endpoint(gone); ok {
		t.Errorf("a miner with neither a commitment nor an axon has an endpoint")
	}
	// At a block before the commitment there is none.
	early := NewSnapshot(netuid, first.Block-1, snap.Peers, types.Hyperparams{})
	noFallback := &CommitmentEndpoints{Chain: c}
	if err := noFallback.Refresh(ctx, early); err != nil {
		t.Fatal(err)
	}
	if e, ok := noFallback.Endpoint(snap.Peers[0]); ok {
		t.Errorf("endpoint at block %d, before the commitment: %+v", early.Block, e)
	}
}

func TestEndpointsConfig(t *testing.T) {
	for _, c := range []struct {
		protocol, endpoints, url string
		want                     string // "" for valid
	}{
		{ProtocolSynapse, EndpointsAxon, "", ""},
		{ProtocolBtauth, EndpointsCommitment, "", ""},
		{ProtocolEpistula, EndpointsCommitment, "https://miner.example.net/tensor", ""},
		{ProtocolSynapse, EndpointsCommitment, "", "needs a signed-HTTP protocol"},
		{ProtocolBtauth, "chain", "", `--neuron.endpoints "chain": want axon or commitment`},
		{ProtocolBtauth, EndpointsAxon, "https://miner.example.net", "--neuron.public_url is published only with --neuron.endpoints commitment"},
		{ProtocolBtauth, EndpointsCommitment, "miner.example.net:8091", "not an http(s) URL with a host"},
		{ProtocolBtauth, EndpointsCommitment, "https://" + strings.Repeat("m", 130), "a commitment holds at most 128"},
	} {
		cfg := DefaultConfig("test")
		cfg.Neuron.Protocol, cfg.Neuron.Endpoints, cfg.Neuron.PublicURL = c.protocol, c.endpoints, c.url
		err := cfg.Validate()
		if c.want == "" {
			if err != nil {
				t.Errorf("%s/%s/%q: %v", c.protocol, c.endpoints, c.url, err)
			}
			continue
		}
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s/%q: %v, want ErrConfig saying %q", c.protocol, c.endpoints, c.url, err, c.want)
		}
	}
}

// TestEndpointsCommitmentNeedsThePallet: the dev chain has no Commitments
// pallet, and a miner asked to commit there says so before it starts.
func TestEndpointsCommitmentNeedsThePallet(t *testing.T) {
	n := newTestNet(t, member{name: "m", genesis: true})
	cfg := MinerConfig{Config: n.config(t, "m")}
	cfg.Neuron.Protocol, cfg.Neuron.Endpoints = ProtocolBtauth, EndpointsCommitment
	_, err := NewMiner(context.Background(), cfg)
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "has no Commitments pallet") {
		t.Errorf("a committing miner on the dev chain: %v", err)
	}
}
