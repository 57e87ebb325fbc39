package cmdutil

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-bittensor/bittensor/wallet"
)

// A missing key is the first thing a newcomer meets: a README command names
// a wallet that does not exist yet. The wallet package reports the file it
// looked for; MissingKeyError adds which wallet or hotkey that is and the
// command that creates it.

// keyfilePath matches the keyfile paths of a wallet directory:
// <path>/<wallet>/coldkey, coldkeypub.txt, hotkeys/<hotkey>[pub.txt].
var keyfilePath = regexp.MustCompile(`(\S*)/([^/\s]+)/(coldkeypub\.txt|coldkey|hotkeys/([^/\s]+?)(?:pub\.txt)?)\b`)

// MissingKeyError explains an error wrapping wallet.ErrKeyfileNotFound: it
// names the wallet (or hotkey) that does not exist, the btcli command that
// creates it, and the wallets that do exist there. Other errors are
// returned as they are.
func MissingKeyError(err error) error {
	if !errors.Is(err, wallet.ErrKeyfileNotFound) {
		return err
	}
	m := keyfilePath.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	dir, name, hotkey := m[1], m[2], m[4]
	pathFlag := ""
	if filepath.Clean(dir) != filepath.Clean(wallet.ExpandHome(wallet.DefaultPath)) {
		pathFlag = " --wallet.path " + dir
	}
	if hotkey != "" {
		return fmt.Errorf("%w (wallet %q has no hotkey %q: create it with `btcli wallet new_hotkey --wallet.name %s --wallet.hotkey %s%s`%s)",
			err, name, hotkey, name, hotkey, pathFlag, others(wallet.New(name, hotkey, dir).HotkeyNames, "its hotkeys"))
	}
	return fmt.Errorf("%w (there is no wallet %q: create it with `btcli wallet create --wallet.name %s%s`, or restore one with `btcli wallet regen_coldkey`%s)",
		err, name, name, pathFlag, others(func() ([]string, error) { return wallet.List(dir) }, "wallets there"))
}

// others lists what exists instead: "; wallets there: a, b".
func others(list func() ([]string, error), what string) string {
	names, err := list()
	if err != nil || len(names) == 0 {
		return ""
	}
	return "; " + what + ": " + strings.Join(names, ", ")
}
