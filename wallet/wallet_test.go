package wallet

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const k1SS58 = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"

func TestNewAndPaths(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory")
	}
	w := New("", "", "")
	if w.Name != "default" || w.HotkeyName != "default" || w.Path != filepath.Join(home, ".bittensor/wallets") {
		t.Errorf("defaults: %+v", w)
	}
	w = New("cold", "hot", "~/x")
	if got, want := w.String(), "wallet(cold, hot, "+filepath.Join(home, "x")+")"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	w = New("cold", "hot", "/w")
	for got, want := range map[string]string{
		w.ColdkeyPath():    "/w/cold/coldkey",
		w.ColdkeyPubPath(): "/w/cold/coldkeypub.txt",
		w.HotkeyPath():     "/w/cold/hotkeys/hot",
		w.HotkeyPubPath():  "/w/cold/hotkeys/hotpub.txt",
	} {
		if got != want {
			t.Errorf("path %s, want %s", got, want)
		}
	}
	if ExpandHome("/abs/~") != "/abs/~" || ExpandHome("~user") != "~user" {
		t.Error("ExpandHome changed a path without a leading ~/")
	}
}

// A wallet directory written by the Python SDK 6.x opens: encrypted coldkey
// (PyNaCl), 6.x coldkeypub.txt, plain hotkey without a pub file. The
// coldkey password comes from BT_COLD_PW_<NAME> as in 6.x.
func TestOpenPython6Wallet(t *testing.T) {
	w := New("py6", "default", "testdata/wallets")
	pub, err := w.ColdkeyPub()
	if err != nil || pub.SS58Address() != k2SS58 || pub.HasSecret() {
		t.Fatalf("ColdkeyPub: %v %v", pub, err)
	}
	hot, err := w.Hotkey(nil)
	if err != nil || hot.SS58Address() != k1SS58 || hot.Mnemonic() == "" {
		t.Fatalf("Hotkey: %v %v", hot, err)
	}
	hp, err := w.HotkeyPub() // falls back to the plain hotkey file
	if err != nil || hp.SS58Address() != k1SS58 || hp.HasSecret() {
		t.Fatalf("HotkeyPub: %v %v", hp, err)
	}
	if _, err := w.Coldkey(nil); !errors.Is(err, ErrPasswordRequired) || !strings.Contains(err.Error(), "BT_COLD_PW_PY6") {
		t.Errorf("coldkey without password: %v", err)
	}
	t.Setenv("BT_COLD_PW_PY6", specPassword)
	cold, err := w.Coldkey(func(string) (string, error) {
		t.Error("PasswordSource asked although the environment has the password")
		return "", errors.New("unused")
	})
	if err != nil {
		t.Fatal(err)
	}
	if cold.SS58Address() != k2SS58 || cold.Mnemonic() != k2Phrase {
		t.Errorf("coldkey %s", cold.SS58Address())
	}
}

// A btwallet directory opens: compact JSON in any order, hotkey pub file.
func TestOpenBTWallet(t *testing.T) {
	w := New("btwallet", "default", "testdata/wallets")
	cold, err := w.Coldkey(nil)
	if err != nil || cold.SS58Address() != k2SS58 || !cold.HasSecret() {
		t.Fatalf("Coldkey: %v %v", cold, err)
	}
	for name, f := range map[string]func() (*Keypair, error){"ColdkeyPub": w.ColdkeyPub, "HotkeyPub": w.HotkeyPub} {
		kp, err := f()
		if err != nil || kp.HasSecret() {
			t.Errorf("%s: %v %v", name, kp, err)
		}
	}
	hot, err := w.Hotkey(nil)
	if err != nil || hot.SS58Address() != k1SS58 {
		t.Fatalf("Hotkey: %v %v", hot, err)
	}
	names, err := w.HotkeyNames()
	if err != nil || !slices.Equal(names, []string{"default"}) {
		t.Errorf("HotkeyNames = %v, %v (defaultpub.txt must not count)", names, err)
	}
	list, err := List("testdata/wallets")
	if err != nil || !slices.Equal(list, []string{"btwallet", "py6"}) {
		t.Errorf("List = %v, %v", list, err)
	}
}

// Keys written here are laid out as Python 6.x and btwallet expect.
func TestWriteWalletLayout(t *testing.T) {
	dir := t.TempDir()
	w := New("mine", "hot1", filepath.Join(dir, "wallets"))
	cold := k2(t)
	hot, err := KeypairFromMnemonic(DevPhrase)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetColdkey(cold, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetHotkey(hot, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{w.ColdkeyPath(), w.ColdkeyPubPath(), w.HotkeyPath(), w.HotkeyPubPath()} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", p, st.Mode().Perm())
		}
	}
	coldData, _ := os.ReadFile(w.ColdkeyPath())
	want := strings.Replace(k2Plaintext, `"secretPhrase"`, `"privateKey": "`+k2Private+`", "secretPhrase"`, 1)
	if string(coldData) != want {
		t.Errorf("coldkey file:\n%s\nwant\n%s", coldData, want)
	}
	pubData, _ := os.ReadFile(w.ColdkeyPubPath())
	if strings.Contains(string(pubData), k2Phrase) || strings.Contains(string(pubData), k2Private[2:]) ||
		!strings.HasPrefix(string(pubData), `{"accountId": "`+k2Pub+`", "publicKey": "`+k2Pub+`", "privateKey": null, "secretPhrase": null, "secretSeed": null`) {
		t.Errorf("coldkeypub.txt: %s", pubData)
	}
	// Read back through the Wallet API.
	if kp, err := w.Coldkey(nil); err != nil || kp.Mnemonic() != k2Phrase {
		t.Errorf("Coldkey: %v", err)
	}
	if kp, err := w.HotkeyPub(); err != nil || kp.SS58Address() != k1SS58 {
		t.Errorf("HotkeyPub: %v", err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(w.Dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left over %s", e.Name())
		}
	}
}

func TestNoOverwriteWithoutPermission(t *testing.T) {
	dir := t.TempDir()
	w := New("w", "h", dir)
	if err := w.SetColdkey(k2(t), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(w.ColdkeyPath())
	other, _ := KeypairFromMnemonic(DevPhrase)

	if err := w.SetColdkey(other, WriteOptions{}); !errors.Is(err, ErrKeyExists) {
		t.Errorf("SetColdkey over existing: %v", err)
	}
	if err := WriteKeyfile(w.ColdkeyPath(), other, WriteOptions{}); !errors.Is(err, ErrKeyExists) {
		t.Errorf("WriteKeyfile over existing: %v", err)
	}
	// coldkeypub.txt alone also blocks: nothing is half-written.
	os.Remove(w.ColdkeyPath())
	if err := w.SetColdkey(other, WriteOptions{}); !errors.Is(err, ErrKeyExists) {
		t.Errorf("SetColdkey with only coldkeypub.txt present: %v", err)
	}
	if _, err := os.Stat(w.ColdkeyPath()); !errors.Is(err, os.ErrNotExist) {
		t.Error("coldkey written although coldkeypub.txt blocked the write")
	}
	if err := WriteKeyfileData(w.ColdkeyPath(), before, false); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(w.ColdkeyPath())
	if string(after) != string(before) {
		t.Error("coldkey changed")
	}
	// With Overwrite it is replaced.
	if err := w.SetColdkey(other, WriteOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if kp, _ := w.ColdkeyPub(); kp.SS58Address() != k1SS58 {
		t.Errorf("after overwrite: %s", kp.SS58Address())
	}
}

func TestReadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	w := New("w", "h", dir)
	if _, err := w.Hotkey(nil); !errors.Is(err, ErrKeyfileNotFound) || !strings.Contains(err.Error(), w.HotkeyPath()) {
		t.Errorf("missing: %v", err)
	}
	if _, err := w.ColdkeyPub(); !errors.Is(err, ErrKeyfileNotFound) {
		t.Errorf("missing pub: %v", err)
	}
	if err := os.MkdirAll(w.HotkeysDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.HotkeyPath(), []byte(k2Plaintext[:100]), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Hotkey(nil); !errors.Is(err, ErrKeyfileCorrupt) || !strings.Contains(err.Error(), w.HotkeyPath()) {
		t.Errorf("corrupt: %v", err)
	}
	// An encrypted hotkey without a pub file has no public key to show.
	enc, _ := os.ReadFile("testdata/nacl_pynacl.bin")
	if err := os.WriteFile(w.HotkeyPath(), enc, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := w.HotkeyPub(); !errors.Is(err, ErrKeyfileNotFound) || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("encrypted hotkey pub: %v", err)
	}
	if ok, err := KeyfileIsEncrypted(w.HotkeyPath()); !ok || err != nil {
		t.Errorf("KeyfileIsEncrypted = %v, %v", ok, err)
	}
}
