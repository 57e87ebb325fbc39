package wallet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// keyKind is which key of a wallet a command writes.
type keyKind string

const (
	coldkey keyKind = "coldkey"
	hotkey  keyKind = "hotkey"
)

// passwordFlags are the --use_password / --no_password pair. The default
// differs: coldkeys are encrypted unless --no_password, hotkeys are not
// unless --use_password.
type passwordFlags struct {
	use, no bool
	def     bool
}

func addPasswordFlags(cmd *cobra.Command, p *passwordFlags, def bool) {
	p.def = def
	cmd.Flags().BoolVar(&p.use, "use_password", false, "Encrypt the key with a password"+defaultNote(def))
	cmd.Flags().BoolVar(&p.no, "no_password", false, "Do not encrypt the key"+defaultNote(!def))
}

func defaultNote(on bool) string {
	if on {
		return " (default)"
	}
	return ""
}

// encrypt tells whether to encrypt; giving both flags is a usage error.
func (p *passwordFlags) encrypt() (bool, error) {
	switch {
	case p.use && p.no:
		return false, cmdutil.FlagErrorf("--use_password and --no_password cannot be used together")
	case p.use:
		return true, nil
	case p.no:
		return false, nil
	}
	return p.def, nil
}

// addNWordsFlag registers --n_words.
func addNWordsFlag(cmd *cobra.Command, n *int) {
	cmd.Flags().IntVar(n, "n_words", 12, "Number of words in the new mnemonic: 12, 15, 18, 21 or 24")
}

func checkNWords(n int) error {
	if !slices.Contains(wallet.ValidWordCounts, n) {
		return cmdutil.FlagErrorf("--n_words must be one of 12, 15, 18, 21, 24; got %d", n)
	}
	return nil
}

// keyPaths are the files a key of the given kind occupies.
func keyPaths(w *wallet.Wallet, kind keyKind) []string {
	if kind == coldkey {
		return []string{w.ColdkeyPath(), w.ColdkeyPubPath()}
	}
	return []string{w.HotkeyPath(), w.HotkeyPubPath()}
}

// confirmReplace checks the files a key would occupy: existing ones may be
// replaced only with the --overwrite_* flag or a yes at the prompt. It
// reports whether any file exists (and was allowed to be replaced).
func confirmReplace(f *cmdutil.Factory, w *wallet.Wallet, kind keyKind, overwrite bool) (bool, error) {
	flag := "overwrite_" + string(kind)
	replaced := false
	for _, p := range keyPaths(w, kind) {
		if !fileExists(p) {
			continue
		}
		if err := cmdutil.ConfirmOverwrite(f, p, overwrite, flag); err != nil {
			return false, err
		}
		replaced = true
	}
	return replaced, nil
}

// writeKey stores kp as the wallet's coldkey or hotkey (with its public
// file), asking for a new password first when encrypt is set. Existing
// files must have been confirmed with confirmReplace.
func writeKey(f *cmdutil.Factory, w *wallet.Wallet, kind keyKind, kp *wallet.Keypair, encrypt, replace bool) error {
	opts := wallet.WriteOptions{Overwrite: replace}
	path := w.HotkeyPath()
	if kind == coldkey {
		path = w.ColdkeyPath()
	}
	if encrypt {
		pw, err := cmdutil.NewPassword(f, path)
		if err != nil {
			return err
		}
		opts.Password = pw
		fmt.Fprintf(f.IOStreams.ErrOut, "Encrypting the %s (this takes a few seconds)…\n", kind)
	}
	var err error
	if kind == coldkey {
		err = w.SetColdkey(kp, opts)
	} else {
		err = w.SetHotkey(kp, opts)
	}
	if err != nil {
		return err
	}
	state := "not encrypted"
	if encrypt {
		state = "encrypted"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Wrote %s %s to %s (%s)\n", kind, kp.SS58Address(), path, state)
	return nil
}

// showMnemonic prints a new key's mnemonic, the one time the user sees it,
// with the command that regenerates the key from it.
func showMnemonic(io *cmdutil.IOStreams, kind keyKind, kp *wallet.Keypair) {
	phrase := kp.Mnemonic()
	fmt.Fprintf(io.Out, `IMPORTANT: Store this mnemonic in a secure (preferably offline) place.
Anyone who has it can regenerate the key and use it.

The mnemonic of the new %s %s is:

%s

You can regenerate the key from it with:
btcli w regen_%s --mnemonic %s

`, kind, kp.SS58Address(), phrase, kind, phrase)
}

func fileExists(path string) bool {
	ok, err := existsErr(path)
	return ok || err != nil
}

func joinWords(parts ...string) string {
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
