package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// DefaultConfigPath is where btcli looks for its defaults when --config is
// not given. A missing file there is not an error.
const DefaultConfigPath = "~/.bittensor/config.yml"

// Config is the content of a btcli config file: YAML whose keys are flag
// names, nested at the dots or written out flat, for example
//
//	wallet:
//	  name: miner
//	  hotkey: hk1
//	subtensor.network: local
//	no_prompt: true
//
// Any flag of any command can take its default from here. Values are
// resolved flags > environment (BT_*) > config file > built-in defaults.
type Config struct {
	// Path is the file the config came from ("" if none was read).
	Path   string
	values map[string]string
}

// LoadConfig reads the config file at path (~ expanded). An empty path
// means DefaultConfigPath, which may be missing; a path given explicitly
// must exist. Errors name the file.
func LoadConfig(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultConfigPath
	}
	full := wallet.ExpandHome(path)
	data, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &Config{values: map[string]string{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config %s: not valid YAML: %w", full, err)
	}
	c := &Config{Path: full, values: map[string]string{}}
	if err := flatten("", doc, c.values); err != nil {
		return nil, fmt.Errorf("config %s: %w", full, err)
	}
	return c, nil
}

// flatten turns nested maps into dotted keys with string values.
func flatten(prefix string, m map[string]any, out map[string]string) error {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			if err := flatten(key, v, out); err != nil {
				return err
			}
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = fmt.Sprint(e)
			}
			out[key] = strings.Join(parts, ",")
		case nil:
			// A key with no value sets nothing.
		default:
			out[key] = fmt.Sprint(v)
		}
	}
	return nil
}

// Get returns the value the config file gives for a flag name such as
// "wallet.name".
func (c *Config) Get(name string) (string, bool) {
	if c == nil {
		return "", false
	}
	v, ok := c.values[name]
	return v, ok
}

// envAnnotation is the pflag annotation naming a flag's environment
// variable.
const envAnnotation = "btcli_env"

// BindEnv makes the environment variable env a default for the flag name of
// cmd (below the command line, above the config file). It panics if the
// flag does not exist, which is a programming error.
func BindEnv(cmd *cobra.Command, name, env string) {
	f := cmd.Flags().Lookup(name)
	if f == nil {
		f = cmd.PersistentFlags().Lookup(name)
	}
	if f == nil {
		panic("cmdutil: BindEnv of unknown flag --" + name)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[envAnnotation] = []string{env}
}

// ApplyDefaults fills every flag of cmd that was not given on the command
// line from its environment variable (see BindEnv; getenv reads it, nil
// meaning os.Getenv) or else from cfg. A flag
// filled this way counts as set (Changed), so commands prompt only for
// values given nowhere. Bad values name their source.
func ApplyDefaults(cmd *cobra.Command, cfg *Config, getenv func(string) string) error {
	if getenv == nil {
		getenv = os.Getenv
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if firstErr != nil || f.Changed {
			return
		}
		if envs := f.Annotations[envAnnotation]; len(envs) > 0 {
			if v := getenv(envs[0]); v != "" {
				if err := cmd.Flags().Set(f.Name, v); err != nil {
					firstErr = FlagErrorf("environment variable %s=%q: %v", envs[0], v, err)
				}
				return
			}
		}
		if v, ok := cfg.Get(f.Name); ok {
			if err := cmd.Flags().Set(f.Name, v); err != nil {
				firstErr = FlagErrorf("config %s: %s: %q: %v", cfg.Path, f.Name, v, err)
			}
		}
	})
	return firstErr
}
