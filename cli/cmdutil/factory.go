package cmdutil

import (
	"os"
	"sync"
)

// Factory holds what every command needs, built lazily. The root command
// creates one Factory per run and fills NoPrompt and ConfigPath from the
// global flags before any command runs; commands take the dependencies
// they need into their options struct in their constructor and use them
// only when they run.
//
// Where the chain client goes: when the subtensor client exists, add a
// field such as
//
//	Subtensor func(SubtensorFlags) (*subtensor.Client, error)
//
// here, set it in NewFactory, and give chain-talking commands a
// SubtensorFlags (AddSubtensorFlags) to pass to it. Nothing in cmdutil
// talks to the chain today.
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

	configOnce sync.Once
	config     *Config
	configErr  error
}

// NewFactory returns a Factory over the process's streams and environment.
func NewFactory(version string) *Factory {
	return &Factory{IOStreams: System(), AppVersion: version, Getenv: os.Getenv}
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
