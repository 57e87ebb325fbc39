package neuron

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/go-bittensor/bittensor/config"
)

// Main runs a neuron program: run with the command-line arguments and a
// context that ends on SIGINT or SIGTERM. It exits 0 when run returns nil
// (or the user asked for --help), 2 for a flag or configuration error and 1
// for any other, printed as "<name>: <error>".
func Main(name string, run func(ctx context.Context, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	os.Exit(ExitCode(name, err))
}

// ExitCode prints err (if any) on standard error as "<name>: <error>" and
// returns the exit code Main uses for it.
func ExitCode(name string, err error) int {
	switch {
	case err == nil, errors.Is(err, pflag.ErrHelp):
		return 0
	case errors.Is(err, ErrConfig), isFlagError(err):
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
}

// FlagError marks an error in the command-line arguments (exit code 2).
type FlagError struct{ Err error }

// Error returns the message of the wrapped error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *FlagError) Unwrap() error { return e.Err }

func isFlagError(err error) bool {
	var fe *FlagError
	return errors.As(err, &fe)
}

// ParseFlags parses args into fs (made with pflag.ContinueOnError), then
// fills every flag the command line did not give from its BT_* environment
// variable or else from the config file (--config, which it adds; default
// ~/.bittensor/config.yml), exactly as btcli does (package config). A parse
// error or a bad value from the environment or file is a FlagError, and so
// is a positional argument. --help prints the usage (see SetUsage) and
// returns pflag.ErrHelp.
func ParseFlags(fs *pflag.FlagSet, args []string) error {
	if fs.Lookup("config") == nil {
		fs.String("config", "", "YAML file of flag defaults, keys named as the flags (default "+config.DefaultPath+")")
	}
	if fs.Usage == nil {
		SetUsage(fs, "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return &FlagError{Err: err}
	}
	if fs.NArg() > 0 {
		return &FlagError{Err: fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	path, _ := fs.GetString("config")
	file, err := config.Load(path)
	if err != nil {
		return &FlagError{Err: err}
	}
	if err := config.Apply(fs, file, os.Getenv); err != nil {
		return &FlagError{Err: err}
	}
	return nil
}

// SetUsage makes --help of a neuron program print what it is (about, a
// paragraph), its flags, and where else flags come from.
func SetUsage(fs *pflag.FlagSet, about string) {
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s [flags]\n\n", fs.Name())
		if about != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(about))
		}
		fmt.Fprintf(w, "Flags:\n%s\n%s", fs.FlagUsagesWrapped(TerminalWidth(w)), sourcesHelp)
	}
}

// TerminalWidth is the width of the terminal w writes to, or 0 (no limit)
// when it is not one.
func TerminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 0
}

// sourcesHelp ends every neuron program's usage.
const sourcesHelp = `Flags can also be set by environment variables (BT_WALLET_NAME,
BT_WALLET_HOTKEY, BT_WALLET_PATH, BT_SUBTENSOR_NETWORK,
BT_SUBTENSOR_CHAIN_ENDPOINT, BT_AXON_PORT, …) and by a YAML file
(~/.bittensor/config.yml, or --config) whose keys are flag names, as for
btcli; the command line wins over the environment, which wins over the file.
`
