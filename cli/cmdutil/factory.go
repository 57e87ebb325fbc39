package cmdutil

import (
	"context"
	"os"
	"sync"

	"github.com/go-bittensor/bittensor/subtensor"
)

// Factory holds what every command needs, built lazily. The root command
// creates one Factory per run and fills NoPrompt and ConfigPath from the
// global flags before any command runs; commands take the dependencies
// they need into their options struct in their constructor and use them
// only when they run.
//
// Commands that talk to the chain register SubtensorFlags
// (AddSubtensorFlags) and connect with Factory.Subtensor.
type Factory struct {
	// IOStreams are the command's streams.
	IOStreams *IOStreams
	// AppVersion is the btcli version string.
	AppVersion string
	// Getenv reads the environment for flag defaults (BT_WALLET_NAME, …);
	// nil means os.Getenv. Keyfile passwords are read from the process
	// environment by the wallet package itself.
	Getenv func(string) string

	// NoPrompt is the --no_prompt global flag: nothing may wait on the
	// terminal, and a value that would be asked for is an error instead.
	NoPrompt bool
	// ConfigPath is the --config global flag ("" for the default file).
	ConfigPath string

	// Subtensor connects to the chain the flags name. NewFactory sets it to
	// ConnectSubtensor; tests may replace it.
	Subtensor func(ctx context.Context, s SubtensorFlags) (subtensor.Chain, error)

	configOnce sync.Once
	config     *Config
	configErr  error
}

// NewFactory returns a Factory over the process's streams and environment.
func NewFactory(version string) *Factory {
	return &Factory{IOStreams: System(), AppVersion: version, Getenv: os.Getenv, Subtensor: ConnectSubtensor}
}

// ConnectSubtensor connects to the node the flags name: the chain endpoint
// when given, else the network.
func ConnectSubtensor(ctx context.Context, s SubtensorFlags) (subtensor.Chain, error) {
	return subtensor.Connect(ctx, s.Target(), subtensor.Options{})
}

// Connect connects with f.Subtensor (ConnectSubtensor when unset).
func (f *Factory) Connect(ctx context.Context, s SubtensorFlags) (subtensor.Chain, error) {
	if f.Subtensor != nil {
		return f.Subtensor(ctx, s)
	}
	return ConnectSubtensor(ctx, s)
}

// Config loads the config file named by ConfigPath (once).
func (f *Factory) Config() (*Config, error) {
	f.configOnce.Do(func() { f.config, f.configErr = LoadConfig(f.ConfigPath) })
	return f.config, f.configErr
}

// CanPrompt reports whether questions may be asked: not --no_prompt, and a
// person at a terminal.
func (f *Factory) CanPrompt() bool { return !f.NoPrompt && f.IOStreams.CanPrompt() }

// Prompter returns the terminal prompter when CanPrompt, and otherwise one
// whose every question fails with a NoPromptError saying why.
func (f *Factory) Prompter() Prompter {
	switch {
	case f.NoPrompt:
		return noPrompter{reason: "--no_prompt is set"}
	case !f.IOStreams.CanPrompt():
		return noPrompter{reason: "there is no terminal to ask on"}
	}
	return NewPrompter(f.IOStreams)
}
