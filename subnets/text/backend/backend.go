// Package backend builds the text.Model a miner or validator runs from its
// command-line flags, so that every program of the text subnet offers the
// same choice:
//
//	--model builtin                   the built-in n-gram model (default; no download)
//	  --builtin.order 3               its order, 1..4 (miners and validators must agree)
//	  --builtin.corpus FILE           train on FILE instead of the embedded corpus
//	--model openai                    an OpenAI-compatible server (llama.cpp, vLLM, Ollama)
//	  --openai.base_url URL           e.g. http://127.0.0.1:8080/v1
//	  --openai.model NAME             the server's model name (required)
//	  --openai.api_key_env VAR        environment variable holding the API key (default OPENAI_API_KEY)
//	  --openai.api completions|chat   which endpoint to use (default completions)
//	  --openai.timeout 60s            per request
//
// The API key is only ever read from the environment, never from a flag, so
// it does not show in process listings or shell history.
package backend

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/subnets/text"
	"github.com/go-bittensor/bittensor/subnets/text/corpus"
	"github.com/go-bittensor/bittensor/subnets/text/ngram"
	"github.com/go-bittensor/bittensor/subnets/text/openai"
)

// The values of --model.
const (
	// Builtin selects the built-in n-gram model.
	Builtin = "builtin"
	// OpenAI selects an OpenAI-compatible server.
	OpenAI = "openai"
)

// Defaults of the flags.
const (
	DefaultBaseURL   = "http://127.0.0.1:8080/v1" // llama.cpp's server
	DefaultAPIKeyEnv = "OPENAI_API_KEY"
)

// ErrFlags is returned (wrapped) by Flags.New for flags that do not
// describe a usable model; the message names the flag.
var ErrFlags = errors.New("backend: invalid model flags")

// Flags hold the values of the model flags. Register them on a flag set,
// parse, then call New.
type Flags struct {
	Model string // --model: Builtin or OpenAI

	BuiltinOrder  int    // --builtin.order
	BuiltinCorpus string // --builtin.corpus: a UTF-8 text file; "" for the embedded corpus

	OpenAIBaseURL   string        // --openai.base_url
	OpenAIModel     string        // --openai.model
	OpenAIAPIKeyEnv string        // --openai.api_key_env
	OpenAIAPI       string        // --openai.api: openai.APICompletions or openai.APIChat
	OpenAITimeout   time.Duration // --openai.timeout
}

// Register adds the flags to fs with their defaults (cobra: cmd.Flags()).
func (f *Flags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Model, "model", Builtin, "Language model: builtin (n-gram model, no download) or openai (an OpenAI-compatible server)")
	fs.IntVar(&f.BuiltinOrder, "builtin.order", ngram.DefaultOrder, "Order n of the built-in n-gram model, 1..4 (miners and validators must use the same)")
	fs.StringVar(&f.BuiltinCorpus, "builtin.corpus", "", "Train the built-in model on this UTF-8 text file instead of the embedded corpus")
	fs.StringVar(&f.OpenAIBaseURL, "openai.base_url", DefaultBaseURL, "Base URL of the OpenAI-compatible API, including /v1")
	fs.StringVar(&f.OpenAIModel, "openai.model", "", "Model name to request from the server (required with --model openai)")
	fs.StringVar(&f.OpenAIAPIKeyEnv, "openai.api_key_env", DefaultAPIKeyEnv, "Environment variable holding the API key (unset or empty: no key)")
	fs.StringVar(&f.OpenAIAPI, "openai.api", openai.APICompletions, "Endpoint: completions (continue the prompt) or chat (prompt as a user message)")
	fs.DurationVar(&f.OpenAITimeout, "openai.timeout", openai.DefaultTimeout, "Timeout of one request to the server")
}

// New builds the model the flags select. getenv reads the environment
// (nil means os.Getenv); only the variable named by --openai.api_key_env is
// read. Training the built-in model takes about a tenth of a second.
func (f *Flags) New(getenv func(string) string) (text.Model, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch f.Model {
	case Builtin:
		if f.BuiltinOrder < 1 || f.BuiltinOrder > ngram.MaxOrder {
			return nil, fmt.Errorf("%w: --builtin.order %d is outside 1..%d", ErrFlags, f.BuiltinOrder, ngram.MaxOrder)
		}
		if f.BuiltinCorpus == "" {
			m, err := ngram.Train(corpus.Text(), ngram.Options{Order: f.BuiltinOrder})
			if err != nil {
				return nil, fmt.Errorf("backend: built-in model: %w", err)
			}
			return m, nil
		}
		data, err := os.ReadFile(f.BuiltinCorpus)
		if err != nil {
			return nil, fmt.Errorf("%w: --builtin.corpus: %v", ErrFlags, err)
		}
		m, err := ngram.Train(string(data), ngram.Options{Order: f.BuiltinOrder})
		if err != nil {
			return nil, fmt.Errorf("%w: --builtin.corpus %s: %v", ErrFlags, f.BuiltinCorpus, err)
		}
		return m, nil
	case OpenAI:
		if f.OpenAIModel == "" {
			return nil, fmt.Errorf("%w: --openai.model is required with --model openai", ErrFlags)
		}
		key := ""
		if f.OpenAIAPIKeyEnv != "" {
			key = getenv(f.OpenAIAPIKeyEnv)
		}
		c, err := openai.NewClient(openai.Config{
			BaseURL: f.OpenAIBaseURL,
			Model:   f.OpenAIModel,
			APIKey:  key,
			API:     f.OpenAIAPI,
			Timeout: f.OpenAITimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: --openai.*: %v", ErrFlags, err)
		}
		return c, nil
	default:
		return nil, fmt.Errorf("%w: --model %q is neither %q nor %q", ErrFlags, f.Model, Builtin, OpenAI)
	}
}
