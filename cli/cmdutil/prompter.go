package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// Prompter asks the user questions. Every method writes its prompt to
// standard error and reads the answer from standard input.
type Prompter interface {
	// Input asks for a line of text; an empty answer gives def.
	Input(prompt, def string) (string, error)
	// Password asks for a secret without echoing it.
	Password(prompt string) (string, error)
	// Confirm asks a yes/no question; only "y" or "yes" (any case) is yes.
	Confirm(prompt string) (bool, error)
}

// NewPrompter returns the terminal prompter over io. Passwords are read
// without echo when standard input is a terminal; otherwise (a pipe, a
// test) each answer is one line of input.
func NewPrompter(io *IOStreams) Prompter { return &terminalPrompter{io: io} }

type terminalPrompter struct{ io *IOStreams }

func (p *terminalPrompter) Input(prompt, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(p.io.ErrOut, "%s (%s): ", prompt, def)
	} else {
		fmt.Fprintf(p.io.ErrOut, "%s: ", prompt)
	}
	line, err := p.readLine()
	if err != nil {
		return "", err
	}
	if line = strings.TrimSpace(line); line == "" {
		return def, nil
	}
	return line, nil
}

func (p *terminalPrompter) Password(prompt string) (string, error) {
	fmt.Fprint(p.io.ErrOut, prompt)
	if f, ok := p.io.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := readPasswordRestoring(int(f.Fd()))
		fmt.Fprintln(p.io.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	return p.readLine()
}

// readPasswordRestoring reads a password with echo off. An interrupt while
// it waits restores the terminal (echo back on) and exits with status 130,
// as the shell would report for Ctrl-C.
func readPasswordRestoring(fd int) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	defer func() {
		signal.Stop(sig)
		close(done)
	}()
	go func() {
		select {
		case <-sig:
			_ = term.Restore(fd, state)
			fmt.Fprintln(os.Stderr)
			os.Exit(130)
		case <-done:
		}
	}()
	return term.ReadPassword(fd)
}

func (p *terminalPrompter) Confirm(prompt string) (bool, error) {
	fmt.Fprint(p.io.ErrOut, prompt)
	line, err := p.readLine()
	if err != nil {
		return false, err
	}
	if !p.io.IsStdinTTY() {
		fmt.Fprintln(p.io.ErrOut, line) // a piped answer is not echoed by a terminal
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// readLine reads one line without its line ending. End of input before
// any character is ErrCancel: the user closed the input instead of
// answering.
func (p *terminalPrompter) readLine() (string, error) {
	line, err := p.io.reader().ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("%w: no answer (end of input)", ErrCancel)
		}
		return "", fmt.Errorf("read answer: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// noPrompter is the Prompter when prompting is off (--no_prompt, or no
// terminal): every question fails with a NoPromptError naming it.
type noPrompter struct{ reason string }

func (p noPrompter) Input(prompt, _ string) (string, error) {
	return "", &NoPromptError{What: prompt, Reason: p.reason}
}

func (p noPrompter) Password(prompt string) (string, error) {
	return "", &NoPromptError{What: prompt, Reason: p.reason}
}

func (p noPrompter) Confirm(prompt string) (bool, error) {
	return false, &NoPromptError{What: prompt, Reason: p.reason}
}
