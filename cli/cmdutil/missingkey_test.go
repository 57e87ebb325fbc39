package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

// TestMissingKeyError: a missing coldkey or hotkey names the command that
// creates it (with --wallet.path when not the default) and what exists.
func TestMissingKeyError(t *testing.T) {
	dir := t.TempDir()
	kp, err := wallet.KeypairFromSeed(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := wallet.New("miner", "h1", dir).SetHotkey(kp, wallet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := wallet.New("alice", "default", dir).SetColdkey(kp, wallet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, cerr := wallet.New("owner", "default", dir).ColdkeyPub()
	_, herr := wallet.New("miner", "h2", dir).HotkeyPub()
	_, kerr := wallet.New("owner", "default", dir).Coldkey(nil)
	tests := []struct {
		err  error
		want []string
	}{
		{cerr, []string{`there is no wallet "owner"`, "btcli wallet create --wallet.name owner --wallet.path " + dir, "wallets there: alice"}},
		{kerr, []string{`there is no wallet "owner"`, "btcli wallet create --wallet.name owner"}},
		{herr, []string{`wallet "miner" has no hotkey "h2"`, "btcli wallet new_hotkey --wallet.name miner --wallet.hotkey h2 --wallet.path " + dir, "its hotkeys: h1"}},
	}
	for _, tt := range tests {
		got := MissingKeyError(tt.err)
		if !errors.Is(got, wallet.ErrKeyfileNotFound) {
			t.Errorf("%v: does not wrap ErrKeyfileNotFound", got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got.Error(), w) {
				t.Errorf("%q lacks %q", got, w)
			}
		}
	}
	other := errors.New("x")
	if MissingKeyError(other) != other {
		t.Error("other errors must pass unchanged")
	}
}
