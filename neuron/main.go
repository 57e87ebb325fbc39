package neuron

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
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

// ParseFlags parses args into fs (made with pflag.ContinueOnError), wrapping
// a parse error in FlagError and refusing positional arguments.
func ParseFlags(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return &FlagError{Err: err}
	}
	if fs.NArg() > 0 {
		return &FlagError{Err: fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	return nil
}
