// Command miner is the text subnet's miner: it answers validators' prompts
// with a language model, the built-in n-gram model by default (no
// download) or any OpenAI-compatible server (--model openai).
//
//	go run ./subnets/text/miner --netuid 2 --wallet.name miner \
//	    --axon.external_ip 203.0.113.7 --neuron.register burn
//	go run ./subnets/text/miner --model openai --openai.base_url http://127.0.0.1:11434/v1 --openai.model llama3.2 …
//
// Validators score answers against their own model's, so miners must run
// the model the subnet's validators run. See `--help` for every flag.
package main

import (
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subnets/text/prompting"
)

func main() { neuron.Main("text-miner", prompting.RunMiner) }
