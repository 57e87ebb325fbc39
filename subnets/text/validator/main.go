// Command validator is the text subnet's validator: it sends miners
// prompts, scores their answers against its own model's answer and their
// latency, and sets weights from the moving average of the scores.
//
//	go run ./subnets/text/validator --netuid 2 --wallet.name validator
//
// See `--help` for every flag (the model flags are the miner's).
package main

import (
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/text/prompting"
)

func main() { neuron.Main("text-validator", prompting.RunValidator) }
