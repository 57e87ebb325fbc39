package cmdutil

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams are the standard streams of a command and what is known about
// them. Commands write results to Out and notices, prompts and errors to
// ErrOut, and never touch os.Stdin/Stdout/Stderr directly, so tests can
// capture everything.
//
// An IOStreams is used by one command run at a time; it is not safe for
// concurrent use.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	inReader                       *bufio.Reader

	outFile   *os.File // standard output, to ask its terminal's width
	errFile   *os.File // standard error, likewise
	termWidth int      // SetTerminalWidth's value
	getenv    func(string) string
}

// System returns the process's standard streams with terminal detection.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		outFile:   os.Stdout,
		errFile:   os.Stderr,
		getenv:    os.Getenv,
	}
}

// Test returns streams over in-memory buffers, none of them a terminal,
// and the buffers: what the command reads, and what it writes to Out and
// ErrOut. Mark streams as terminals with SetStdinTTY and friends.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// DefaultTerminalWidth is the width assumed for a terminal whose size
// cannot be read.
const DefaultTerminalWidth = 80

// TerminalWidth is the width, in columns, tables on standard output should
// fit: SetTerminalWidth's value, else the terminal's (read each time, so a
// resized window is followed), else $COLUMNS, else DefaultTerminalWidth;
// 0 (no limit) when standard output is not a terminal.
func (s *IOStreams) TerminalWidth() int { return s.width(s.stdoutTTY, s.outFile) }

// ErrWidth is TerminalWidth for standard error: the width notices are
// wrapped at (0 when standard error is not a terminal).
func (s *IOStreams) ErrWidth() int { return s.width(s.stderrTTY, s.errFile) }

func (s *IOStreams) width(tty bool, f *os.File) int {
	if s.termWidth > 0 {
		return s.termWidth
	}
	if !tty {
		return 0
	}
	if f != nil {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if s.getenv != nil {
		if w, err := strconv.Atoi(s.getenv("COLUMNS")); err == nil && w > 0 {
			return w
		}
	}
	return DefaultTerminalWidth
}

// SetTerminalWidth sets the width TerminalWidth reports (for tests, and
// for --width).
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = w }

// SetStdinTTY overrides terminal detection for standard input (for tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides terminal detection for standard output.
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY overrides terminal detection for standard error.
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// CanPrompt reports whether a person can answer prompts: standard input is
// a terminal to type on and standard error one to see the question on.
// --no_prompt is applied on top of this by the Factory.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// reader returns one buffered reader over In, shared by all prompts so
// that read-ahead is never lost between them.
func (s *IOStreams) reader() *bufio.Reader {
	if s.inReader == nil {
		s.inReader = bufio.NewReader(s.In)
	}
	return s.inReader
}
