//go:build unix

package wallet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readWithin runs ReadKeyfileData in the background and fails the test if
// it has not returned within a generous bound (a read that blocks on a
// named pipe or streams /dev/zero never returns).
func readWithin(t *testing.T, path string) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := ReadKeyfileData(path)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(20 * time.Second):
		t.Fatalf("ReadKeyfileData(%s) did not return", path)
		return nil, nil
	}
}

// TestReadKeyfileRefusesNonRegularFiles: a keyfile path that is a named
// pipe, a link to /dev/zero, a directory or a file larger than any keyfile
// is refused with ErrNotKeyfile, at once, naming the path and what it is.
func TestReadKeyfileRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "directory")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxKeyfileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"named pipe", fifo, "named pipe"},
		{"link to /dev/zero", zero, "device"},
		{"directory", sub, "directory"},
		{"too large", big, "larger than any keyfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readWithin(t, tt.path)
			if !errors.Is(err, ErrNotKeyfile) {
				t.Fatalf("error %v, want ErrNotKeyfile", err)
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should name %s and say %q", err, tt.path, tt.want)
			}
			// Reading the whole keyfile (what btcli does) fails the same way.
			if _, err := ReadKeyfile(tt.path, nil); !errors.Is(err, ErrNotKeyfile) {
				t.Errorf("ReadKeyfile: %v, want ErrNotKeyfile", err)
			}
		})
	}
}

// TestReadKeyfileFollowsLinksToKeyfiles: a symbolic link to a real keyfile
// (as people link wallets between machines' layouts) still reads, and a
// keyfile of exactly MaxKeyfileSize bytes is not refused for its size.
func TestReadKeyfileFollowsLinksToKeyfiles(t *testing.T) {
	dir := t.TempDir()
	kp, err := KeypairFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "hotkey")
	if err := WriteKeyfile(real, kp, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	got, err := ReadKeyfile(link, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.SS58Address() != kp.SS58Address() {
		t.Errorf("read %s through the link, want %s", got.SS58Address(), kp.SS58Address())
	}
	edge := filepath.Join(dir, "edge")
	if err := os.WriteFile(edge, make([]byte, MaxKeyfileSize), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := readWithin(t, edge); err != nil || len(data) != MaxKeyfileSize {
		t.Errorf("a %d-byte file: %d bytes, %v", MaxKeyfileSize, len(data), err)
	}
}

// TestWriteKeyfileCreatesPrivateDirectories: directories made for a new
// keyfile are 0700; a directory that already exists keeps its mode.
func TestWriteKeyfileCreatesPrivateDirectories(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	root := t.TempDir()
	kp, err := KeypairFromURI("//Bob")
	if err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(root, "wallets")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(existing, "w1", "hotkeys", "h1")
	if err := WriteKeyfile(path, kp, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]os.FileMode{
		existing:                      0o755,
		filepath.Join(existing, "w1"): 0o700,
		filepath.Dir(path):            0o700,
	} {
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", dir, got, want)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != KeyfileMode {
		t.Errorf("keyfile mode %o, want %o", got, KeyfileMode)
	}
}
