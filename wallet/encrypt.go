package wallet

// Keyfile encryption. Bittensor writes one format, "$NACL": a libsodium
// secretbox keyed by Argon2i over the password with a fixed salt. It still
// reads two older ones (see legacy.go). The format is told by the first
// bytes of the file.

import (
	"bytes"
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/nacl/secretbox"
)

// Format is the storage format of a keyfile, detected from its first bytes.
type Format int

// Keyfile formats.
const (
	// FormatPlain is unencrypted data: JSON or a legacy 0x public key.
	FormatPlain Format = iota
	// FormatNaCl is "$NACL" ‖ nonce ‖ secretbox, the format Bittensor writes.
	FormatNaCl
	// FormatAnsibleVault is an Ansible Vault 1.1 AES256 file (read only).
	FormatAnsibleVault
	// FormatFernet is a legacy Fernet token (read only).
	FormatFernet
)

// String returns the name Bittensor uses for the format ("NaCl", "Ansible
// Vault", "legacy") or "plaintext".
func (f Format) String() string {
	switch f {
	case FormatNaCl:
		return "NaCl"
	case FormatAnsibleVault:
		return "Ansible Vault"
	case FormatFernet:
		return "legacy"
	default:
		return "plaintext"
	}
}

// Format prefixes: how Bittensor 6.x's keyfile.py tells its encryptions apart
// (anything else is plaintext).
var (
	naclPrefix    = []byte("$NACL")
	ansiblePrefix = []byte("$ANSIBLE_VAULT")
	fernetPrefix  = []byte("gAAAAA")
)

// DetectFormat tells the format of keyfile data from its first bytes.
func DetectFormat(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, naclPrefix):
		return FormatNaCl
	case bytes.HasPrefix(data, ansiblePrefix):
		return FormatAnsibleVault
	case bytes.HasPrefix(data, fernetPrefix):
		return FormatFernet
	default:
		return FormatPlain
	}
}

// IsEncrypted reports whether keyfile data is in one of the encrypted
// formats.
func IsEncrypted(data []byte) bool { return DetectFormat(data) != FormatPlain }

// NaCl key derivation parameters: libsodium crypto_pwhash with Argon2i v1.3
// at the SENSITIVE limits (opslimit 8, memlimit 512 MiB), which is what
// PyNaCl and sodiumoxide use for Bittensor keyfiles. They are fixed by the
// file format; changing them would make keyfiles unreadable elsewhere.
const (
	naclTime    = 8
	naclMemory  = 512 * 1024 // KiB
	naclThreads = 1
	naclKeySize = 32
	// NaClOverhead is the number of bytes a $NACL file adds to its
	// plaintext: the 5-byte prefix, the 24-byte nonce and the 16-byte tag.
	NaClOverhead = 5 + 24 + secretbox.Overhead
)

// naclSalt is Bittensor's constant Argon2 salt (Python literal
// b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1").
var naclSalt = []byte{0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1}

// naclKey derives the secretbox key of a password. It takes seconds and
// 512 MiB of memory.
func naclKey(password string) *[naclKeySize]byte {
	var key [naclKeySize]byte
	copy(key[:], argon2.Key([]byte(password), naclSalt, naclTime, naclMemory, naclThreads, naclKeySize))
	return &key
}

// sealNaCl builds a $NACL file from a derived key and a nonce.
func sealNaCl(key *[naclKeySize]byte, nonce *[24]byte, plaintext []byte) []byte {
	out := make([]byte, 0, NaClOverhead+len(plaintext))
	out = append(out, naclPrefix...)
	out = append(out, nonce[:]...)
	return secretbox.Seal(out, plaintext, nonce, key)
}

// openNaCl opens a $NACL file with a derived key.
func openNaCl(key *[naclKeySize]byte, data []byte) ([]byte, error) {
	if err := checkNaClLength(data); err != nil {
		return nil, err
	}
	var nonce [24]byte
	copy(nonce[:], data[len(naclPrefix):])
	out, ok := secretbox.Open(nil, data[len(naclPrefix)+24:], &nonce, key)
	if !ok {
		// A secretbox cannot tell a wrong key from damaged bytes; the
		// wrong password is by far the usual cause.
		return nil, fmt.Errorf("%w (or the NaCl data is damaged)", ErrWrongPassword)
	}
	return out, nil
}

func checkNaClLength(data []byte) error {
	if len(data) < NaClOverhead {
		return fmt.Errorf("%w: NaCl data is %d bytes, shorter than the %d-byte header and tag (truncated?)", ErrKeyfileCorrupt, len(data), NaClOverhead)
	}
	return nil
}

// Encrypt encrypts keyfile plaintext in the $NACL format with a fresh random
// nonce. Deriving the key takes several seconds and 512 MiB of memory.
func Encrypt(plaintext []byte, password string) ([]byte, error) {
	var nonce [24]byte
	if err := randomNonce(&nonce); err != nil {
		return nil, err
	}
	return sealNaCl(naclKey(password), &nonce, plaintext), nil
}

func randomNonce(n *[24]byte) error {
	if _, err := rand.Read(n[:]); err != nil {
		return fmt.Errorf("wallet: nonce: %w", err)
	}
	return nil
}

// Decrypt decrypts keyfile data in any format Bittensor has written: $NACL,
// Ansible Vault or legacy Fernet. Plain data is an error (ErrUnknownFormat),
// so that callers never mistake it for decrypted output. A password that
// does not open the data gives ErrWrongPassword; damaged data gives
// ErrKeyfileCorrupt.
//
// $NACL takes several seconds and 512 MiB; Fernet runs 10,000,000 PBKDF2
// rounds (a few seconds).
func Decrypt(data []byte, password string) ([]byte, error) {
	switch DetectFormat(data) {
	case FormatNaCl:
		if err := checkNaClLength(data); err != nil {
			return nil, err // before the costly KDF
		}
		return openNaCl(naclKey(password), data)
	case FormatAnsibleVault:
		return decryptAnsibleVault(data, password)
	case FormatFernet:
		return decryptFernet(data, password)
	default:
		return nil, fmt.Errorf("%w: data is not encrypted", ErrUnknownFormat)
	}
}
