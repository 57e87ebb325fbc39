package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of btcli.
const (
	ExitOK     = 0 // success
	ExitError  = 1 // the command failed
	ExitUsage  = 2 // bad flags or arguments
	ExitCancel = 3 // the user declined or closed the input at a prompt
)

// ErrCancel is wrapped by errors that mean the user said no (or gave no
// answer) at a prompt. Nothing was changed.
var ErrCancel = errors.New("cancelled")

// ErrSilent is returned by a command that has already told the user what
// went wrong; it exits non-zero without printing more.
var ErrSilent = errors.New("silent error")

// FlagError is a problem with the command line itself (missing, conflicting
// or malformed flags). It exits with ExitUsage.
type FlagError struct{ Err error }

// Error returns the message of the wrapped error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a FlagError with a formatted message.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// NoPromptError means a command needed to ask the user something but could
// not: --no_prompt was given or there is no terminal. What is the question
// (a prompt text); the message tells the user to supply it another way.
type NoPromptError struct {
	What   string
	Reason string // "--no_prompt is set" or "standard input is not a terminal"
}

// Error says what could not be asked and why.
func (e *NoPromptError) Error() string {
	what := strings.TrimRight(strings.TrimSpace(e.What), ":?")
	return fmt.Sprintf("cannot ask %q: %s; give the value with a flag or environment variable", what, e.Reason)
}

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &fe):
		return ExitUsage
	case errors.Is(err, ErrCancel):
		return ExitCancel
	default:
		return ExitError
	}
}

// NoArgs is a cobra.PositionalArgs that rejects any argument with a
// FlagError naming it.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
