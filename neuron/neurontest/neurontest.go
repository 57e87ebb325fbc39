// Package neurontest runs a subnet for tests of miners and validators: a
// real dev chain (node/nodetest) whose subnet 1 exists from genesis, with
// a wallet on disk for every member, and the command-line flags that point
// a neuron program at it.
//
//	net := neurontest.Start(t,
//		neurontest.Member{Name: "val", Stake: balance.FromTAO(1000), Permit: true, Registered: true},
//		neurontest.Member{Name: "miner", Registered: true},
//	)
//	go topk.RunMiner(ctx, net.MinerArgs(t, "miner"))
//	go topk.RunValidator(ctx, net.ValidatorArgs(t, "val", "--neuron.epoch_length", "3"))
//	net.WaitFor(t, "weights", func() bool { return net.Weights(t, "val")[1] > 0 })
//
// Validator permits come from genesis here, so validators can set weights
// from the first block, before any epoch.
package neurontest

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/axon"
	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
	"github.com/go-bittensor/bittensor/wallet"
)

// Netuid is the test subnet.
const Netuid = 1

// ExternalIP is what test miners announce and test validators send: see
// MinerArgs.
const ExternalIP = "127.0.0.2"

// Funds is what each member's coldkey holds at genesis.
var Funds = balance.FromTAO(1000)

// Member is one wallet of the test network, named Name: coldkey
// //<Name>/cold, hotkey //<Name> (hotkey file "default").
type Member struct {
	Name string
	// Stake is staked by the coldkey on the hotkey at genesis.
	Stake balance.Balance
	// Permit gives a validator permit at genesis. The subnet allows as
	// many validators as members have Permit, and its epochs grant the
	// permits by stake: give these members the most stake to keep them.
	Permit bool
	// Registered registers the hotkey on the subnet at genesis; members
	// are given uids 0, 1, … in the order they are listed.
	Registered bool
}

// Net is a running test network.
type Net struct {
	Dev *nodetest.Dev
	// Client is connected to the chain.
	Client *subtensor.CometBFTClient
	// WalletPath is the directory of the members' wallets.
	WalletPath string
}

// Start starts the chain with subnet Netuid and the members' wallets; both
// go away when the test ends.
func Start(t testing.TB, members ...Member) *Net {
	t.Helper()
	dir := t.TempDir()
	var neurons []chain.GenesisNeuron
	var balances []chain.GenesisBalance
	permits := 0
	for _, m := range members {
		if m.Permit {
			permits++
		}
		cold, hot := Key(t, "//"+m.Name+"/cold"), Key(t, "//"+m.Name)
		w := wallet.New(m.Name, wallet.DefaultHotkey, dir)
		if err := w.SetColdkey(cold, wallet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := w.SetHotkey(hot, wallet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		balances = append(balances, chain.GenesisBalance{Address: types.AccountID(cold.PublicKey()), Free: Funds.RAO()})
		if m.Registered {
			neurons = append(neurons, chain.GenesisNeuron{
				Hotkey: types.AccountID(hot.PublicKey()), Coldkey: types.AccountID(cold.PublicKey()),
				Stake: m.Stake.RAO(), ValidatorPermit: m.Permit,
			})
		}
	}
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		g.Balances = append(g.Balances, balances...)
		hp := g.Params.Subtensor.SubnetDefaults
		hp.MaxAllowedValidators = uint16(max(1, permits))
		g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: Netuid, Owner: g.Balances[0].Address, Lock: balance.FromTAO(10).RAO(), Hyperparams: &hp, Neurons: neurons})
	}})
	return &Net{Dev: dev, Client: dev.Client(t), WalletPath: dir}
}

// Key returns the keypair of a URI.
func Key(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Hotkey returns a member's hotkey.
func (n *Net) Hotkey(t testing.TB, name string) *wallet.Keypair { return Key(t, "//"+name) }

// Args are the flags every neuron program of the member name needs on this
// network: its wallet, the chain, the subnet, a state directory of its
// own, and a metagraph sync every block; extra flags follow.
func (n *Net) Args(t testing.TB, name string, extra ...string) []string {
	a := []string{
		"--wallet.path", n.WalletPath, "--wallet.name", name,
		"--subtensor.chain_endpoint", n.Dev.RPC, "--netuid", strconv.Itoa(Netuid),
		"--axon.external_ip", ExternalIP, "--neuron.full_path", t.TempDir(), "--neuron.sync_blocks", "1",
	}
	return append(a, extra...)
}

// MinerArgs are Args plus an axon on a free port of 127.0.0.1 announcing
// ExternalIP (the chain refuses 127.0.0.1); validators started with Args
// send ExternalIP as their own address, and so reach such axons on this
// machine.
func (n *Net) MinerArgs(t testing.TB, name string, extra ...string) []string {
	return n.Args(t, name, append([]string{"--axon.ip", "127.0.0.1", "--axon.port", "0"}, extra...)...)
}

// ValidatorArgs are Args plus a validator that queries every miner each
// round with a one-second timeout.
func (n *Net) ValidatorArgs(t testing.TB, name string, extra ...string) []string {
	return n.Args(t, name, append([]string{"--neuron.sample_size", "0", "--neuron.timeout", "1"}, extra...)...)
}

// Weights returns the weights a member has set on the subnet, by uid.
func (n *Net) Weights(t testing.TB, name string) map[uint16]uint16 {
	t.Helper()
	nr, err := n.Client.NeuronForHotkey(context.Background(), Netuid, types.AccountID(n.Hotkey(t, name).PublicKey()), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint16]uint16{}
	for _, w := range nr.Weights {
		out[w[0]] = w[1]
	}
	return out
}

// Neuron returns a member's neuron on the subnet.
func (n *Net) Neuron(t testing.TB, name string) types.NeuronInfo {
	t.Helper()
	nr, err := n.Client.NeuronForHotkey(context.Background(), Netuid, types.AccountID(n.Hotkey(t, name).PublicKey()), 0)
	if err != nil {
		t.Fatal(err)
	}
	return nr
}

// WaitFor polls cond every 50 ms and fails the test if it is not true
// within 30 seconds.
func (n *Net) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartAxons starts n axons on free loopback ports, each with its own
// hotkey (//Axon0, //Axon1, …) and the synapses attach adds, and returns
// what a dendrite queries them with; they stop when the test ends. Use it
// to measure a validator's round or a miner's throughput without a chain.
func StartAxons(t testing.TB, n int, attach func(*axon.Axon) error) []synapse.AxonInfo {
	t.Helper()
	infos := make([]synapse.AxonInfo, n)
	for i := range n {
		a, err := axon.New(Key(t, "//Axon"+strconv.Itoa(i)), axon.Options{IP: "127.0.0.1", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if attach != nil {
			if err := attach(a); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Stop(context.Background()) })
		infos[i] = a.Info()
		infos[i].IP = "127.0.0.1"
	}
	return infos
}
