package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/config"
)

// DefaultConfigPath is where btcli looks for its defaults when --config is
// not given. A missing file there is not an error.
const DefaultConfigPath = config.DefaultPath

// Config is the content of a btcli config file: YAML whose keys are flag
// names (see config.File). Any flag of any command can take its default
// from it. Values are resolved flags > environment (BT_*) > config file >
// built-in defaults; the miner and validator programs read the same file
// and variables.
type Config = config.File

// LoadConfig reads the config file at path (see config.Load).
func LoadConfig(path string) (*Config, error) { return config.Load(path) }

// BindEnv makes the environment variable env a default for the flag name of
// cmd (below the command line, above the config file). It panics if the
// flag does not exist, which is a programming error.
func BindEnv(cmd *cobra.Command, name, env string) {
	fs := cmd.Flags()
	if fs.Lookup(name) == nil && cmd.PersistentFlags().Lookup(name) != nil {
		fs = cmd.PersistentFlags()
	}
	config.BindEnv(fs, name, env)
}

// ApplyDefaults fills every flag of cmd that was not given on the command
// line from its environment variable (see BindEnv; getenv reads it, nil
// meaning os.Getenv) or else from cfg (config.Apply). A flag filled this
// way counts as set (Changed), so commands prompt only for values given
// nowhere. A bad value is a FlagError naming its source.
func ApplyDefaults(cmd *cobra.Command, cfg *Config, getenv func(string) string) error {
	err := config.Apply(cmd.Flags(), cfg, getenv)
	var se *config.SourceError
	if errors.As(err, &se) {
		return &FlagError{Err: err}
	}
	return err
}
