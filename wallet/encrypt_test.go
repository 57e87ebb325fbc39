package wallet

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// NaCl key derivation takes ~4.5 s and 512 MiB, so the tests here derive as
// few keys as they can: the vector's key is derived once and shared,
// and the tests that must run the full Decrypt path run in parallel.

const specPassword = "bittensor-test"

var specKey = sync.OnceValue(func() *[naclKeySize]byte { return naclKey(specPassword) })

// A NaCl keyfile vector generated with PyNaCl 1.5.0 (argon2i key of
// "bittensor-test" with Bittensor's salt, 24 zero bytes of nonce, plaintext
// {"a": 1}), as Bittensor 6.x's keyfile.py encrypts.
const (
	specKeyHex   = "49c715df870e6ffbede573d3a271aa100315bba6f6b19a80f22bbd269f28507f"
	specSmallHex = "244e41434c0000000000000000000000000000000000000000000000003b4f94a58eef24c8c0241012618ff081b491b40c02841c95"
)

func TestNaClSpecVector(t *testing.T) {
	t.Parallel()
	key := specKey()
	if got := hex.EncodeToString(key[:]); got != specKeyHex {
		t.Fatalf("argon2i key = %s, want %s", got, specKeyHex)
	}
	var zero [24]byte
	got := sealNaCl(key, &zero, []byte(`{"a": 1}`))
	if hex.EncodeToString(got) != specSmallHex {
		t.Errorf("sealed = %x, want %s", got, specSmallHex)
	}
	if len(got) != NaClOverhead+len(`{"a": 1}`) {
		t.Errorf("length %d", len(got))
	}
	want, _ := hex.DecodeString(specSmallHex)
	plain, err := openNaCl(key, want)
	if err != nil || string(plain) != `{"a": 1}` {
		t.Errorf("open = %q, %v", plain, err)
	}
}

// A keyfile PyNaCl wrote (testdata/make_vectors.py) opens here.
func TestNaClFromPyNaCl(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/nacl_pynacl.bin")
	if err != nil {
		t.Fatal(err)
	}
	if DetectFormat(data) != FormatNaCl {
		t.Fatalf("format %v", DetectFormat(data))
	}
	plain, err := openNaCl(specKey(), data)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != k2Plaintext {
		t.Errorf("plaintext %s", plain)
	}
}

func TestNaClWrongPassword(t *testing.T) {
	t.Parallel()
	data, _ := hex.DecodeString(specSmallHex)
	_, err := Decrypt(data, "not-the-password")
	if !errors.Is(err, ErrWrongPassword) {
		t.Errorf("error %v, want ErrWrongPassword", err)
	}
}

func TestNaClTruncated(t *testing.T) {
	data, _ := hex.DecodeString(specSmallHex)
	for _, n := range []int{5, 20, NaClOverhead - 1} {
		_, err := Decrypt(data[:n], specPassword) // fails before the KDF
		if !errors.Is(err, ErrKeyfileCorrupt) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
	// A damaged body cannot be told from a wrong password.
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 1
	if _, err := openNaCl(specKey(), bad); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("damaged: %v", err)
	}
}

// Written here, read here, and read by PyNaCl.
func TestNaClRoundTripAndPyNaCl(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "w", "coldkey")
	kp := k2(t)
	pw := "r0und-trip-Password"
	if err := WriteKeyfile(path, kp, WriteOptions{Password: pw}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != KeyfileMode {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if DetectFormat(raw) != FormatNaCl || len(raw) != NaClOverhead+len(MarshalKeyfile(kp, LayoutPython)) {
		t.Fatalf("written file: format %v, %d bytes", DetectFormat(raw), len(raw))
	}
	if _, err := ReadKeyfile(path, nil); !errors.Is(err, ErrPasswordRequired) {
		t.Errorf("no password: %v", err)
	}
	got, err := ReadKeyfile(path, Password(pw))
	if err != nil {
		t.Fatal(err)
	}
	if got.SS58Address() != k2SS58 || got.Mnemonic() != k2Phrase {
		t.Errorf("read back %s", got.SS58Address())
	}

	python := pyNaCl(t)
	if python == "" {
		return
	}
	script := `
import sys, nacl.pwhash, nacl.secret
salt = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1"
data = open(sys.argv[1], "rb").read()
assert data[:5] == b"$NACL"
key = nacl.pwhash.argon2i.kdf(nacl.secret.SecretBox.KEY_SIZE, sys.argv[2].encode(), salt,
    opslimit=nacl.pwhash.argon2i.OPSLIMIT_SENSITIVE, memlimit=nacl.pwhash.argon2i.MEMLIMIT_SENSITIVE)
plain = nacl.secret.SecretBox(key).decrypt(data[5:])
# What Python's json.dumps writes for the same dict is the same bytes, so
# the 6.x SDK reads and rewrites our keyfiles unchanged.
import json
assert json.dumps(json.loads(plain)).encode() == plain, "not json.dumps layout"
sys.stdout.buffer.write(plain)
`
	out, err := exec.Command(python, "-c", script, path, pw).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("PyNaCl: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("PyNaCl: %v", err)
	}
	if !bytes.Equal(out, MarshalKeyfile(kp, LayoutPython)) {
		t.Errorf("PyNaCl decrypted %s", out)
	}
}

// pyNaCl returns a python3 that can import nacl (Debian's python3-nacl,
// which .ci/run installs), or "" after skipping the rest of the test when
// there is none outside CI.
func pyNaCl(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err := exec.Command(py, "-c", "import nacl.secret").Run(); err == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3 with nacl is required in CI (apt-get install python3-nacl)")
	}
	t.Log("python3-nacl not installed: PyNaCl interop not checked")
	return ""
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		data string
		want Format
		name string
	}{
		{"$NACL...", FormatNaCl, "NaCl"},
		{"$ANSIBLE_VAULT;1.1;AES256\n", FormatAnsibleVault, "Ansible Vault"},
		{"gAAAAABh", FormatFernet, "legacy"},
		{"{}", FormatPlain, "plaintext"},
		{"0x1234", FormatPlain, "plaintext"},
		{"$NAC", FormatPlain, "plaintext"},
		{"", FormatPlain, "plaintext"},
	}
	for _, tt := range tests {
		if got := DetectFormat([]byte(tt.data)); got != tt.want || got.String() != tt.name {
			t.Errorf("DetectFormat(%q) = %v, want %v", tt.data, got, tt.want)
		}
	}
	if _, err := Decrypt([]byte("{}"), "x"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Decrypt of plaintext: %v", err)
	}
}

// testdata/ansible_vault.txt was made by the ansible-vault command of
// Debian's ansible-core (testdata/make_vectors.py).
func TestAnsibleVault(t *testing.T) {
	data, err := os.ReadFile("testdata/ansible_vault.txt")
	if err != nil {
		t.Fatal(err)
	}
	if DetectFormat(data) != FormatAnsibleVault {
		t.Fatalf("format %v", DetectFormat(data))
	}
	plain, err := Decrypt(data, specPassword)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != k2Plaintext {
		t.Errorf("plaintext %s", plain)
	}
	if _, err := Decrypt(data, "wrong-password"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}

	lines := strings.Split(string(data), "\n")
	damaged := []struct {
		name string
		data string
	}{
		{"truncated", strings.Join(lines[:len(lines)/2], "\n")},
		{"header only", lines[0] + "\n"},
		{"not hex", lines[0] + "\nzz" + strings.Join(lines[1:], "\n")},
		{"bad version", strings.Replace(string(data), ";1.1;", ";9.9;", 1)},
		{"bad cipher", strings.Replace(string(data), "AES256", "AES128", 1)},
	}
	for _, tt := range damaged {
		_, err := Decrypt([]byte(tt.data), specPassword)
		if !errors.Is(err, ErrKeyfileCorrupt) && !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// testdata/fernet_legacy.txt was made with Debian's python3-cryptography
// Fernet class and the PBKDF2 key of Bittensor's legacy keyfiles
// (testdata/make_vectors.py). The KDF runs 10,000,000 rounds.
func TestFernet(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/fernet_legacy.txt")
	if err != nil {
		t.Fatal(err)
	}
	if DetectFormat(data) != FormatFernet {
		t.Fatalf("format %v", DetectFormat(data))
	}
	// Damaged tokens are rejected before the slow KDF.
	for _, bad := range []string{string(data[:40]), string(data[:len(data)-7]), "gAAAAA!!!"} {
		if _, err := Decrypt([]byte(bad), specPassword); !errors.Is(err, ErrKeyfileCorrupt) {
			t.Errorf("damaged token: %v", err)
		}
	}
	plain, err := Decrypt(data, specPassword)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != k2Plaintext {
		t.Errorf("plaintext %s", plain)
	}
	if testing.Short() {
		return
	}
	if _, err := Decrypt(data, "wrong-password"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
}
