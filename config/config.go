// Package config is where every go-bittensor program takes its settings
// from: command-line flags, BT_* environment variables and a YAML file
// (~/.bittensor/config.yml by default), in that order of precedence, above
// each flag's built-in default. btcli, the miners and the validators read
// them alike, and the flags they share (--wallet.*, --subtensor.*) are
// defined here once.
//
// A program registers its flags on a pflag.FlagSet (Wallet.AddFlags,
// Subtensor.AddFlags, its own), names the environment variable of a flag
// with BindEnv, parses the command line, then calls Apply with the loaded
// File: every flag not given on the command line takes its value from its
// environment variable, else from the file under its name.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/go-bittensor/bittensor/wallet"
)

// DefaultPath is the file read when no other is named. A missing file there
// is not an error.
const DefaultPath = "~/.bittensor/config.yml"

// File is a config file: YAML whose keys are flag names, nested at the dots
// or written out flat, for example
//
//	wallet:
//	  name: miner
//	  hotkey: hk1
//	subtensor.network: local
//	no_prompt: true
//
// Any flag of any program can take its default from here. A nil *File
// holds nothing.
type File struct {
	// Path is the file the values came from ("" if none was read).
	Path   string
	values map[string]string
}

// Load reads the config file at path (~ expanded). An empty path means
// DefaultPath, which may be missing; a path given explicitly must exist.
// Errors name the file.
func Load(path string) (*File, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath
	}
	full := wallet.ExpandHome(path)
	data, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &File{values: map[string]string{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config %s: not valid YAML: %w", full, err)
	}
	c := &File{Path: full, values: map[string]string{}}
	flatten("", doc, c.values)
	return c, nil
}

// flatten turns nested maps into dotted keys with string values; a list
// becomes its items joined by commas.
func flatten(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			flatten(key, v, out)
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
}

// Get returns the value the file gives for a flag name such as
// "wallet.name".
func (c *File) Get(name string) (string, bool) {
	if c == nil {
		return "", false
	}
	v, ok := c.values[name]
	return v, ok
}

// envAnnotation is the pflag annotation naming a flag's environment
// variable.
const envAnnotation = "bt_env"

// BindEnv makes the environment variable env a source of the flag name of
// fs (below the command line, above the file). It panics if the flag does
// not exist, which is a programming error.
func BindEnv(fs *pflag.FlagSet, name, env string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("config: BindEnv of unknown flag --" + name)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[envAnnotation] = []string{env}
}

// EnvOf returns the environment variable bound to a flag, if any.
func EnvOf(f *pflag.Flag) (string, bool) {
	if envs := f.Annotations[envAnnotation]; len(envs) > 0 {
		return envs[0], true
	}
	return "", false
}

// SourceError is a bad value from the environment or the config file: it
// names where the value came from.
type SourceError struct {
	Source string // "environment variable BT_X" or "config /path/config.yml"
	Flag   string
	Value  string
	Err    error
}

// Error says where the bad value came from and why it is bad.
func (e *SourceError) Error() string {
	return fmt.Sprintf("%s: --%s %q: %v", e.Source, e.Flag, e.Value, e.Err)
}

// Unwrap returns the parse error.
func (e *SourceError) Unwrap() error { return e.Err }

// Apply fills every flag of fs that was not given on the command line from
// its environment variable (see BindEnv; getenv reads it, nil meaning
// os.Getenv) or else from file. A flag filled this way counts as set
// (Changed), so programs ask only for values given nowhere. The first bad
// value is a *SourceError.
func Apply(fs *pflag.FlagSet, file *File, getenv func(string) string) error {
	if getenv == nil {
		getenv = os.Getenv
	}
	var firstErr error
	fs.VisitAll(func(f *pflag.Flag) {
		if firstErr != nil || f.Changed {
			return
		}
		if env, ok := EnvOf(f); ok {
			if v := getenv(env); v != "" {
				if err := fs.Set(f.Name, v); err != nil {
					firstErr = &SourceError{Source: "environment variable " + env, Flag: f.Name, Value: v, Err: err}
				}
				return
			}
		}
		if v, ok := file.Get(f.Name); ok {
			if err := fs.Set(f.Name, v); err != nil {
				firstErr = &SourceError{Source: "config " + file.Path, Flag: f.Name, Value: v, Err: err}
			}
		}
	})
	return firstErr
}
