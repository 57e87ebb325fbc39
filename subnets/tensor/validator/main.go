// Command validator is the tensor subnet's validator: it sends miners
// random vectors, checks their top-k answers exactly, and sets weights from
// the moving average of their scores.
//
//	go run ./subnets/tensor/validator --netuid 1 --wallet.name validator
//
// See `--help` for every flag and docs/write-a-subnet.md for the code.
package main

import (
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/tensor/topk"
)

func main() { neuron.Main("tensor-validator", topk.RunValidator) }
