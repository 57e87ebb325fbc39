package topk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/neuron/neurontest"
	"github.com/go-bittensor/bittensor/tensor"
)

// run starts a program with args until the test ends; it reports an error
// the program returns before that.
func run(t *testing.T, name string, prog func(context.Context, []string) error, args []string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- prog(ctx, args) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", name, err)
		}
	})
}

// TestTensorSubnet runs the tensor subnet's real programs on a real chain:
// a validator, two honest miners, one started with --miner.wrong and one
// (built here on the SDK) answering garbage. The validator's weights must
// go to the honest miners only, and it must keep running.
func TestTensorSubnet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and five neurons")
	}
	net := neurontest.Start(t,
		neurontest.Member{Name: "val", Stake: balance.FromTAO(100), Permit: true, Registered: true},
		neurontest.Member{Name: "honest1", Registered: true},
		neurontest.Member{Name: "honest2", Registered: true},
		neurontest.Member{Name: "wrong", Registered: true},
		neurontest.Member{Name: "garbage", Registered: true},
	)
	run(t, "honest1", RunMiner, net.MinerArgs(t, "honest1"))
	run(t, "honest2", RunMiner, net.MinerArgs(t, "honest2"))
	run(t, "wrong", RunMiner, net.MinerArgs(t, "wrong", "--miner.wrong"))
	runGarbageMiner(t, net)
	run(t, "val", RunValidator, net.ValidatorArgs(t, "val", "--neuron.epoch_length", "3", "--topk.size", "256"))

	// uids: 0 val, 1 honest1, 2 honest2, 3 wrong, 4 garbage.
	net.WaitFor(t, "weights on the honest miners only", func() bool {
		w := net.Weights(t, "val")
		return w[1] > 50000 && w[2] > 50000 && w[3] == 0 && w[4] == 0
	})
}

// TestTensorSubnetSignedHTTP is TestTensorSubnet over btauth/1 and
// Epistula v2 (--neuron.protocol): the validator, which serves nothing,
// finds the miners' HTTP endpoints in the metagraph, and its weights go to
// the honest miners only, not to the one answering wrongly nor to one
// answering garbage over HTTP.
func TestTensorSubnetSignedHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and four neurons")
	}
	for _, proto := range []string{neuron.ProtocolBtauth, neuron.ProtocolEpistula} {
		t.Run(proto, func(t *testing.T) {
			net := neurontest.Start(t,
				neurontest.Member{Name: "val", Stake: balance.FromTAO(100), Permit: true, Registered: true},
				neurontest.Member{Name: "honest", Registered: true},
				neurontest.Member{Name: "wrong", Registered: true},
				neurontest.Member{Name: "garbage", Registered: true},
			)
			p := []string{"--neuron.protocol", proto}
			run(t, "honest", RunMiner, net.MinerArgs(t, "honest", p...))
			run(t, "wrong", RunMiner, net.MinerArgs(t, "wrong", append(p, "--miner.wrong")...))
			runGarbageHTTPMiner(t, net, proto)
			run(t, "val", RunValidator, net.ValidatorArgs(t, "val", append(p, "--neuron.epoch_length", "3", "--topk.size", "256")...))

			// uids: 0 val, 1 honest, 2 wrong, 3 garbage.
			net.WaitFor(t, "weights on the honest miner only", func() bool {
				w := net.Weights(t, "val")
				return w[1] > 60000 && w[2] == 0 && w[3] == 0
			})
		})
	}
}

// runGarbageHTTPMiner serves POST /topk with answers no validator can use:
// JSON that is not a Response, malformed tensors, a server error, a
// status that is not an answer.
func runGarbageHTTPMiner(t *testing.T, net *neurontest.Net, proto string) {
	cfg := neuron.DefaultMinerConfig("garbage")
	cfg.Wallet.Name, cfg.Wallet.Path = "garbage", net.WalletPath
	cfg.Subtensor.ChainEndpoint, cfg.Netuid = net.Dev.RPC, neurontest.Netuid
	cfg.Axon.IP, cfg.Axon.Port, cfg.Axon.ExternalIP = "127.0.0.1", 0, neurontest.ExternalIP
	cfg.Neuron.SyncBlocks, cfg.Neuron.Protocol = 1, proto
	ctx, cancel := context.WithCancel(context.Background())
	m, err := neuron.NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	m.Handle("POST "+Route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		switch k % 5 {
		case 0:
			w.Write([]byte(`{"values": "not a tensor", "indices": [1, 2]}`))
		case 1:
			w.Write([]byte(`{"values": {"buffer": "%%%", "dtype": "torch.complex", "shape": [-1]}}`))
		case 2:
			http.Error(w, "no answer today", http.StatusInternalServerError)
		case 3:
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Write([]byte(`{"values": {"buffer": "AAAA", "dtype": "torch.float32", "shape": [1073741824]}, "indices": null}`))
		}
	}))
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("garbage miner: %v", err)
		}
	})
}

// runGarbageMiner serves Topk with answers no validator can use: every
// kind of malformed tensor in turn.
func runGarbageMiner(t *testing.T, net *neurontest.Net) {
	cfg := neuron.DefaultMinerConfig("garbage")
	cfg.Wallet.Name, cfg.Wallet.Path = "garbage", net.WalletPath
	cfg.Subtensor.ChainEndpoint, cfg.Netuid = net.Dev.RPC, neurontest.Netuid
	cfg.Axon.IP, cfg.Axon.Port, cfg.Axon.ExternalIP = "127.0.0.1", 0, neurontest.ExternalIP
	cfg.Neuron.SyncBlocks = 1
	ctx, cancel := context.WithCancel(context.Background())
	m, err := neuron.NewMiner(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f64, _ := tensor.New([]float64{1, 2, 3})
	huge := tensor.Tensor{Buffer: strings.Repeat("A", 1<<16), Dtype: tensor.Float32, Shape: []int{1 << 30}}
	garbage := []func(*Topk){
		func(s *Topk) { s.Values, s.Indices = nil, nil },
		func(s *Topk) { s.Values, s.Indices = &f64, &f64 },
		func(s *Topk) { s.Values, s.Indices = &huge, &huge },
		func(s *Topk) {
			bad := tensor.Tensor{Buffer: "%%%", Dtype: "torch.complex", Shape: []int{-1}}
			s.Values, s.Indices = &bad, &bad
		},
	}
	n := 0
	err = neuron.Attach(m, func(ctx context.Context, s *Topk) error {
		n++
		if n%5 == 0 {
			return errors.New("no answer today")
		}
		garbage[n%len(garbage)](s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("garbage miner: %v", err)
		}
	})
}
