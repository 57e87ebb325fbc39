package cmdutil

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

func TestTerminalPrompterOverPipe(t *testing.T) {
	ios, in, _, errOut := Test()
	in.WriteString("\nmy-name\ns3cret pass\ny\nno\nYES\n")
	p := NewPrompter(ios)

	if v, err := p.Input("Enter wallet name", "default"); err != nil || v != "default" {
		t.Errorf("empty answer: %q %v", v, err)
	}
	if v, _ := p.Input("Enter wallet name", "default"); v != "my-name" {
		t.Errorf("answer: %q", v)
	}
	if v, _ := p.Password("Password: "); v != "s3cret pass" {
		t.Errorf("password: %q", v)
	}
	for _, want := range []bool{true, false, true} {
		if got, err := p.Confirm("Sure? "); err != nil || got != want {
			t.Errorf("confirm = %v %v, want %v", got, err, want)
		}
	}
	if _, err := p.Confirm("Again? "); !errors.Is(err, ErrCancel) {
		t.Errorf("end of input: %v", err)
	}
	if !strings.Contains(errOut.String(), "Enter wallet name (default): ") || strings.Contains(errOut.String(), "s3cret") {
		t.Errorf("prompts: %q", errOut.String())
	}
}

func TestFactoryPrompterRespectsNoPrompt(t *testing.T) {
	ios, in, _, _ := Test()
	in.WriteString("answer\n")
	f := &Factory{IOStreams: ios}
	if f.CanPrompt() {
		t.Fatal("can prompt without a terminal")
	}
	_, err := f.Prompter().Input("Enter wallet name", "")
	var npe *NoPromptError
	if !errors.As(err, &npe) || !strings.Contains(err.Error(), "no terminal") {
		t.Errorf("no terminal: %v", err)
	}

	ios.SetStdinTTY(true)
	ios.SetStderrTTY(true)
	if !f.CanPrompt() {
		t.Fatal("cannot prompt with terminals")
	}
	f.NoPrompt = true
	if f.CanPrompt() {
		t.Fatal("--no_prompt ignored")
	}
	if _, err := f.Prompter().Password("Enter password to unlock key: "); !errors.As(err, &npe) || !strings.Contains(err.Error(), "--no_prompt") {
		t.Errorf("--no_prompt: %v", err)
	}
	if in.Len() != len("answer\n") {
		t.Error("input was read under --no_prompt")
	}
}

// promptingFactory returns a Factory whose user "types" input at a
// terminal, and what it writes to standard error.
func promptingFactory(t *testing.T, input string) (*Factory, *bytes.Buffer) {
	t.Helper()
	ios, in, _, errOut := Test()
	in.WriteString(input)
	ios.SetStdinTTY(true)
	ios.SetStderrTTY(true)
	return &Factory{IOStreams: ios}, errOut
}

func TestNewPassword(t *testing.T) {
	path := "/tmp/wallets/np-test/coldkey"

	// Weak, then a mismatch, then good.
	f, errOut := promptingFactory(t, "pass\nbittensor-test\nbittensor-tesT\nbittensor-test\nbittensor-test\n")
	pw, err := NewPassword(f, path)
	if err != nil || pw != "bittensor-test" {
		t.Errorf("NewPassword = %q, %v", pw, err)
	}
	errText := errOut.String()
	if !strings.Contains(errText, "not strong enough") || !strings.Contains(errText, "Passwords do not match") {
		t.Errorf("messages: %q", errText)
	}

	// Three bad tries give up.
	f, _ = promptingFactory(t, "a\nb\nc\n")
	if _, err := NewPassword(f, path); !errors.Is(err, wallet.ErrWeakPassword) {
		t.Errorf("three weak passwords: %v", err)
	}

	// From the environment, checked against the policy; no prompt needed.
	f, _ = promptingFactory(t, "")
	f.NoPrompt = true
	t.Setenv("BT_COLD_PW_NP-TEST", "bittensor-test")
	if pw, err := NewPassword(f, path); err != nil || pw != "bittensor-test" {
		t.Errorf("from env: %q %v", pw, err)
	}
	t.Setenv("BT_COLD_PW_NP-TEST", "weak")
	if _, err := NewPassword(f, path); !errors.Is(err, wallet.ErrWeakPassword) || !strings.Contains(err.Error(), "BT_COLD_PW_NP-TEST") {
		t.Errorf("weak env password: %v", err)
	}
	t.Setenv("BT_COLD_PW_NP-TEST", "")
	if _, err := NewPassword(f, "/tmp/wallets/other/coldkey"); err == nil || !strings.Contains(err.Error(), "--no_password") {
		t.Errorf("no password possible: %v", err)
	}
}

func TestConfirmOverwrite(t *testing.T) {
	f, _ := promptingFactory(t, "n\ny\n")
	if err := ConfirmOverwrite(f, "/p", true, "overwrite_coldkey"); err != nil {
		t.Errorf("with flag: %v", err)
	}
	if err := ConfirmOverwrite(f, "/p", false, "overwrite_coldkey"); !errors.Is(err, ErrCancel) || ExitCode(err) != ExitCancel {
		t.Errorf("answer n: %v", err)
	}
	if err := ConfirmOverwrite(f, "/p", false, "overwrite_coldkey"); err != nil {
		t.Errorf("answer y: %v", err)
	}
	f.NoPrompt = true
	err := ConfirmOverwrite(f, "/p", false, "overwrite_coldkey")
	if !errors.Is(err, wallet.ErrKeyExists) || !strings.Contains(err.Error(), "--overwrite_coldkey") {
		t.Errorf("no prompt: %v", err)
	}
}

func TestUnlockPasswordWithoutTerminal(t *testing.T) {
	ios, _, _, _ := Test()
	f := &Factory{IOStreams: ios, NoPrompt: true}
	_, err := UnlockPassword(f)("/w/mywallet/coldkey")
	if !errors.Is(err, wallet.ErrPasswordRequired) || !strings.Contains(err.Error(), "BT_COLD_PW_MYWALLET") {
		t.Errorf("error %v", err)
	}
	f, _ = promptingFactory(t, "pw-from-prompt\n")
	if pw, err := UnlockPassword(f)("/w/mywallet/coldkey"); err != nil || pw != "pw-from-prompt" {
		t.Errorf("prompt: %q %v", pw, err)
	}
}

// TestConfirmActionFromPipe: `echo y | btcli …` answers the question; an
// empty pipe is an error naming the question and --no_prompt.
func TestConfirmActionFromPipe(t *testing.T) {
	q := "Your balance is: τ1.0\nThe cost is τ0.5\nDo you want to continue? [y/n]: "
	tests := []struct {
		input, err, stderr string
	}{
		{"y\n", "", "Do you want to continue? [y/n]: y\n"},
		{"yes", "", "[y/n]: yes\n"},
		{"n\n", "cancelled: nothing was sent", "[y/n]: n\n"},
		{"", "cancelled: Do you want to continue? no answer on standard input; pass --no_prompt to proceed without asking", ""},
	}
	for _, tt := range tests {
		ios, in, _, errOut := Test()
		in.WriteString(tt.input)
		err := ConfirmAction(&Factory{IOStreams: ios}, q)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || err.Error() != tt.err || !errors.Is(err, ErrCancel)) {
			t.Errorf("input %q: error %v, want %q", tt.input, err, tt.err)
		}
		if !strings.Contains(errOut.String(), tt.stderr) || strings.Contains(err2s(err), "::") {
			t.Errorf("input %q: stderr %q, want %q", tt.input, errOut.String(), tt.stderr)
		}
	}
	ios, _, _, errOut := Test()
	if err := ConfirmAction(&Factory{IOStreams: ios, NoPrompt: true}, q); err != nil || errOut.Len() != 0 {
		t.Errorf("--no_prompt: %v, %q", err, errOut.String())
	}
}

func err2s(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFeeClause(t *testing.T) {
	if got := FeeClause(", for a fee of %s", 0); got != "" {
		t.Errorf("zero fee: %q", got)
	}
	if got := FeeClause(", for a fee of %s", 100_000); got != ", for a fee of τ0.000100000" {
		t.Errorf("fee: %q", got)
	}
}
