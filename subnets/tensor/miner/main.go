// Command miner is the tensor subnet's miner: it answers validators' Topk
// requests (the k largest values of a vector and their positions).
//
//	go run ./subnets/tensor/miner --netuid 1 --wallet.name miner \
//	    --axon.port 8091 --axon.external_ip 203.0.113.7 --neuron.register burn
//
// See `--help` for every flag and docs/write-a-subnet.md for the code.
package main

import (
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/tensor/topk"
)

func main() { neuron.Main("tensor-miner", topk.RunMiner) }
