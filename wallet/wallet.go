package wallet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Default wallet settings, as in Bittensor.
const (
	DefaultName   = "default"
	DefaultHotkey = "default"
	DefaultPath   = "~/.bittensor/wallets/"
)

// File names inside a wallet directory.
const (
	coldkeyFile    = "coldkey"
	coldkeyPubFile = "coldkeypub.txt"
	hotkeysDir     = "hotkeys"
	hotkeyPubExt   = "pub.txt"
)

// Wallet names a coldkey and one of its hotkeys on disk:
//
//	<Path>/<Name>/coldkey                      the coldkey, normally encrypted
//	<Path>/<Name>/coldkeypub.txt               its public key, never encrypted
//	<Path>/<Name>/hotkeys/<HotkeyName>         the hotkey, normally not encrypted
//	<Path>/<Name>/hotkeys/<HotkeyName>pub.txt  its public key (btwallet 3.1+)
//
// A Wallet is only names; it reads the files each time a key is asked for
// and holds no secrets. Methods are safe for concurrent use, though
// concurrent writes to the same files are not coordinated.
type Wallet struct {
	Name string // wallet (coldkey) directory name
	// HotkeyName is the hotkey file name. (The field cannot be called
	// Hotkey: that is the method that loads the key.)
	HotkeyName string
	Path       string // directory holding wallets, with ~ expanded
}

// New returns the wallet name/hotkey under path; empty arguments take the
// defaults ("default", "default", "~/.bittensor/wallets/"). A leading ~ in
// path is expanded to the user's home directory.
func New(name, hotkey, path string) *Wallet {
	if name == "" {
		name = DefaultName
	}
	if hotkey == "" {
		hotkey = DefaultHotkey
	}
	if path == "" {
		path = DefaultPath
	}
	return &Wallet{Name: name, HotkeyName: hotkey, Path: ExpandHome(path)}
}

// ExpandHome replaces a leading "~" or "~/" with the user's home directory.
// Paths without one, and paths when the home directory is unknown, are
// returned as they are.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, path[1:])
}

// String returns "wallet(<name>, <hotkey>, <path>)" as Bittensor prints it.
func (w *Wallet) String() string {
	return fmt.Sprintf("wallet(%s, %s, %s)", w.Name, w.HotkeyName, w.Path)
}

// Dir is the wallet's directory, <Path>/<Name>.
func (w *Wallet) Dir() string { return filepath.Join(w.Path, w.Name) }

// ColdkeyPath is the path of the coldkey file.
func (w *Wallet) ColdkeyPath() string { return filepath.Join(w.Dir(), coldkeyFile) }

// ColdkeyPubPath is the path of coldkeypub.txt.
func (w *Wallet) ColdkeyPubPath() string { return filepath.Join(w.Dir(), coldkeyPubFile) }

// HotkeysDir is the directory holding the wallet's hotkeys.
func (w *Wallet) HotkeysDir() string { return filepath.Join(w.Dir(), hotkeysDir) }

// HotkeyPath is the path of the hotkey file.
func (w *Wallet) HotkeyPath() string { return filepath.Join(w.HotkeysDir(), w.HotkeyName) }

// HotkeyPubPath is the path of the hotkey's public file, <hotkey>pub.txt.
func (w *Wallet) HotkeyPubPath() string {
	return filepath.Join(w.HotkeysDir(), w.HotkeyName+hotkeyPubExt)
}

// Coldkey reads the coldkey with its secret. If the file is encrypted the
// password comes from the environment or else from pw (see ReadKeyfile).
func (w *Wallet) Coldkey(pw PasswordSource) (*Keypair, error) {
	return ReadKeyfile(w.ColdkeyPath(), pw)
}

// Hotkey reads the hotkey with its secret. Unencrypted hotkeys (the usual
// case) need no password source; pw may be nil.
func (w *Wallet) Hotkey(pw PasswordSource) (*Keypair, error) {
	return ReadKeyfile(w.HotkeyPath(), pw)
}

// ColdkeyPub returns the coldkey's public key, from coldkeypub.txt. When
// that file is missing it falls back to the coldkey file if that is not
// encrypted. The result never holds a secret.
func (w *Wallet) ColdkeyPub() (*Keypair, error) {
	return readPub(w.ColdkeyPubPath(), w.ColdkeyPath())
}

// HotkeyPub returns the hotkey's public key, from <hotkey>pub.txt or, when
// that is missing (wallets made by the Python SDK), from the hotkey file if
// that is not encrypted. The result never holds a secret.
func (w *Wallet) HotkeyPub() (*Keypair, error) {
	return readPub(w.HotkeyPubPath(), w.HotkeyPath())
}

func readPub(pubPath, keyPath string) (*Keypair, error) {
	kp, err := ReadKeyfile(pubPath, nil)
	if err == nil {
		return kp.PublicOnly(), nil
	}
	if !errors.Is(err, ErrKeyfileNotFound) {
		return nil, err
	}
	data, kerr := ReadKeyfileData(keyPath)
	if kerr != nil {
		if errors.Is(kerr, ErrKeyfileNotFound) {
			return nil, fmt.Errorf("%w: neither %s nor %s", ErrKeyfileNotFound, pubPath, keyPath)
		}
		return nil, kerr
	}
	if IsEncrypted(data) {
		return nil, fmt.Errorf("%w: %s, and %s is encrypted", ErrKeyfileNotFound, pubPath, keyPath)
	}
	kp, err = ParseKeyfile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	return kp.PublicOnly(), nil
}

// ColdkeyExists reports whether the coldkey file exists.
func (w *Wallet) ColdkeyExists() bool { return fileExists(w.ColdkeyPath()) }

// ColdkeyPubExists reports whether coldkeypub.txt exists.
func (w *Wallet) ColdkeyPubExists() bool { return fileExists(w.ColdkeyPubPath()) }

// HotkeyExists reports whether the hotkey file exists.
func (w *Wallet) HotkeyExists() bool { return fileExists(w.HotkeyPath()) }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// SetColdkey writes kp as the coldkey (encrypted when opts.Password is set)
// and its public key as coldkeypub.txt. Without opts.Overwrite neither file
// may exist; both are checked before anything is written.
func (w *Wallet) SetColdkey(kp *Keypair, opts WriteOptions) error {
	if !opts.Overwrite {
		for _, p := range []string{w.ColdkeyPath(), w.ColdkeyPubPath()} {
			if fileExists(p) {
				return fmt.Errorf("%w: %s", ErrKeyExists, p)
			}
		}
	}
	if err := WriteKeyfile(w.ColdkeyPath(), kp, opts); err != nil {
		return err
	}
	return w.SetColdkeyPub(kp, opts.Overwrite)
}

// SetColdkeyPub writes the public key of kp as coldkeypub.txt (never
// encrypted, never with secrets).
func (w *Wallet) SetColdkeyPub(kp *Keypair, overwrite bool) error {
	return WriteKeyfile(w.ColdkeyPubPath(), kp, WriteOptions{Overwrite: overwrite, PublicOnly: true})
}

// SetHotkey writes kp as the hotkey (encrypted when opts.Password is set)
// and its public key as <hotkey>pub.txt. Without opts.Overwrite neither file
// may exist; both are checked before anything is written.
func (w *Wallet) SetHotkey(kp *Keypair, opts WriteOptions) error {
	if !opts.Overwrite {
		for _, p := range []string{w.HotkeyPath(), w.HotkeyPubPath()} {
			if fileExists(p) {
				return fmt.Errorf("%w: %s", ErrKeyExists, p)
			}
		}
	}
	if err := WriteKeyfile(w.HotkeyPath(), kp, opts); err != nil {
		return err
	}
	return WriteKeyfile(w.HotkeyPubPath(), kp, WriteOptions{Overwrite: opts.Overwrite, PublicOnly: true})
}

// HotkeyNames lists the wallet's hotkeys, sorted: the regular files in the
// hotkeys directory, leaving out <name>pub.txt files that sit beside a
// <name> hotkey. A wallet without a hotkeys directory has none.
func (w *Wallet) HotkeyNames() ([]string, error) {
	entries, err := os.ReadDir(w.HotkeysDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: list hotkeys: %w", err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files[e.Name()] = true
		}
	}
	var names []string
	for name := range files {
		if base, ok := strings.CutSuffix(name, hotkeyPubExt); ok && files[base] {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// List returns the names of the wallets under path (~ expanded), sorted:
// every directory there, as Bittensor's `wallet list` shows them. A missing
// path has no wallets.
func List(path string) ([]string, error) {
	entries, err := os.ReadDir(ExpandHome(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: list wallets: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}
