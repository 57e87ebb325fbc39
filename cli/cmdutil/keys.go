package cmdutil

import (
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/wallet"
)

// Prompts Bittensor users know.
const (
	promptUnlock   = "Enter password to unlock key: "
	promptNew      = "Specify password for key encryption: "
	promptRetype   = "Retype your password: "
	newPasswordTry = 3
)

// UnlockPassword returns the PasswordSource commands give to the wallet
// package: it is consulted only for encrypted keyfiles whose password is
// not in the environment, and asks "Enter password to unlock key: "
// without echo. When the user cannot be asked, the error says which
// environment variable would supply the password.
func UnlockPassword(f *Factory) wallet.PasswordSource {
	return func(path string) (string, error) {
		if !f.CanPrompt() {
			reason := "there is no terminal to ask on"
			if f.NoPrompt {
				reason = "--no_prompt is set"
			}
			return "", fmt.Errorf("%w: %s (%s); set %s to its password", wallet.ErrPasswordRequired, path, reason, wallet.ColdPasswordEnvVar(path))
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "%s is encrypted.\n", path)
		pw, err := f.Prompter().Password(promptUnlock)
		if err == nil {
			fmt.Fprintln(f.IOStreams.ErrOut, "Decrypting (this takes a few seconds)…")
		}
		return pw, err
	}
}

// NewPassword returns the password to encrypt a new keyfile at path. A
// password in the environment (as for unlocking) is used if it meets the
// policy; otherwise the user is asked twice, up to three times, until the
// password is strong enough and typed the same both times.
func NewPassword(f *Factory, path string) (string, error) {
	pw, variable, ok, err := wallet.PasswordFromEnv(path)
	if err != nil {
		return "", err
	}
	if ok {
		if err := wallet.CheckPasswordStrength(pw); err != nil {
			return "", fmt.Errorf("password from %s: %w", variable, err)
		}
		return pw, nil
	}
	if !f.CanPrompt() {
		reason := "there is no terminal to ask on"
		if f.NoPrompt {
			reason = "--no_prompt is set"
		}
		return "", fmt.Errorf("a password is needed to encrypt %s but %s; pass --no_password, or set %s", path, reason, wallet.ColdPasswordEnvVar(path))
	}
	p := f.Prompter()
	for try := 1; ; try++ {
		pw, err := p.Password(promptNew)
		if err != nil {
			return "", err
		}
		err = wallet.CheckPasswordStrength(pw)
		if err == nil {
			again, rerr := p.Password(promptRetype)
			if rerr != nil {
				return "", rerr
			}
			if again == pw {
				return pw, nil
			}
			err = errors.New("Passwords do not match")
		}
		if try == newPasswordTry {
			return "", err
		}
		fmt.Fprintln(f.IOStreams.ErrOut, err)
	}
}

// ConfirmOverwrite decides whether the existing file at path may be
// replaced: yes with the command's --overwrite_* flag (overwrite), else
// the user is asked "File <path> already exists. Overwrite? (y/N) ". When
// the user cannot be asked the answer is an error naming the flag; a "no"
// is an error wrapping ErrCancel. Nothing is changed either way.
func ConfirmOverwrite(f *Factory, path string, overwrite bool, flag string) error {
	if overwrite {
		return nil
	}
	if !f.CanPrompt() {
		return fmt.Errorf("%w: %s; pass --%s to replace it", wallet.ErrKeyExists, path, flag)
	}
	yes, err := f.Prompter().Confirm(fmt.Sprintf("File %s already exists. Overwrite? (y/N) ", path))
	if err != nil {
		return err
	}
	if !yes {
		return fmt.Errorf("%w: %s was not replaced", ErrCancel, path)
	}
	return nil
}
