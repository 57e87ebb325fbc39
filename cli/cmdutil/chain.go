package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/subtensor"
)

// ConfirmAction asks a yes/no question before a command changes the chain.
// With --no_prompt the answer is yes (the user asked not to be asked). On a
// terminal the user is asked; from a pipe (`echo y | btcli …`) the answer
// is the next line of standard input, and none there is an error saying to
// pass --no_prompt to proceed. Anything but "y" or "yes" is ErrCancel.
func ConfirmAction(f *Factory, question string) error {
	if f.NoPrompt {
		return nil
	}
	var p Prompter
	if f.IOStreams.CanPrompt() {
		p = f.Prompter()
	} else {
		p = NewPrompter(f.IOStreams) // reads the answer from the pipe
	}
	ok, err := p.Confirm(question)
	if errors.Is(err, ErrCancel) && !f.IOStreams.IsStdinTTY() {
		return fmt.Errorf("%w: %s no answer on standard input; pass --no_prompt to proceed without asking", ErrCancel, lastLine(question))
	}
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: nothing was sent", ErrCancel)
	}
	return nil
}

// FeeClause is format with the fee in it, or "" when the fee is zero: most
// subtensor calls are free, and a question need not say "a fee of τ0".
func FeeClause(format string, fee balance.Balance) string {
	if fee == 0 {
		return ""
	}
	return fmt.Sprintf(format, fee)
}

// lastLine is the last line of a question, without its answer hint:
// "Do you want to continue?".
func lastLine(q string) string {
	var lines []string
	for _, l := range strings.Split(q, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(l, ":")), "[y/n]"))
		if l = strings.TrimRight(l, ": "); l != "" {
			lines = append(lines, l)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasSuffix(lines[i], "?") {
			return lines[i]
		}
	}
	if len(lines) == 0 {
		return "the question"
	}
	return lines[0] + "?" // "Do you want to stake to the following keys from bob:" and a list
}

// TxOutcome reports a transaction's result on ErrOut (its block, or the
// chain's reason for failing) and returns the failure as an error.
func TxOutcome(io *IOStreams, what string, res *subtensor.TxResult) error {
	if res.Err != nil {
		return fmt.Errorf("%s failed in block %d: %w", what, res.Height, res.Err)
	}
	fmt.Fprintf(io.ErrOut, "%s: included in block %d (tx %s)\n", what, res.Height, res.Hash)
	return nil
}

// ProgressLine writes a status line that rewrites itself in place on a
// terminal (and appends lines otherwise, or when inPlace is false).
type ProgressLine struct {
	w       io.Writer
	inPlace bool
	last    int
}

// NewProgressLine writes to io.ErrOut, in place when it is a terminal and
// inPlace is requested.
func NewProgressLine(ios *IOStreams, inPlace bool) *ProgressLine {
	return &ProgressLine{w: ios.ErrOut, inPlace: inPlace && ios.IsStderrTTY()}
}

// Update replaces the line with s.
func (p *ProgressLine) Update(s string) {
	if !p.inPlace {
		fmt.Fprintln(p.w, s)
		return
	}
	pad := ""
	if n := p.last - len(s); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
	p.last = len(s)
}

// Done ends the line.
func (p *ProgressLine) Done() {
	if p.inPlace && p.last > 0 {
		fmt.Fprintln(p.w)
	}
	p.last = 0
}

// FormatPowProgress is the proof-of-work status line btcli shows.
func FormatPowProgress(p subtensor.PowProgress) string {
	return fmt.Sprintf("Solving: block %d, difficulty %d, %s, best 0x%x…, %s elapsed",
		p.Block, p.Difficulty, FormatHashRate(p.HashRate), p.Best[:6], p.Elapsed.Round(time.Second))
}

// FormatHashRate prints a hash rate with a unit.
func FormatHashRate(r float64) string {
	switch {
	case r >= 1e9:
		return fmt.Sprintf("%.2f GH/s", r/1e9)
	case r >= 1e6:
		return fmt.Sprintf("%.2f MH/s", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.2f kH/s", r/1e3)
	}
	return fmt.Sprintf("%.0f H/s", r)
}
