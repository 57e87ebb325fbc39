package wallet

// This file holds the keyfile plaintext: the JSON object Bittensor stores in
// every keyfile (and, encrypted, in the coldkey), how we write it and how we
// read the three dialects found on users' disks.
//
// Writers:
//   - Python SDK 6.0–6.10: json.dumps of accountId, publicKey, secretPhrase,
//     secretSeed, ss58Address in that order, ", " and ": " separators,
//     absent values as null.
//   - Python SDK 6.11+: the same with privateKey inserted after publicKey.
//   - Rust btwallet: compact JSON in any key order, absent values omitted,
//     with privateKey.
//   - Early SDKs: coldkeypub.txt holding only "0x" + hex(public key).
//
// We write the 6.11+ layout, which all of them read.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cosmos/go-bip39"
)

// Errors reported for keyfiles. Each returned error wraps one of these and
// names the file or field at fault; test for them with errors.Is.
var (
	// ErrKeyfileCorrupt means the keyfile bytes are damaged: truncated
	// ciphertext, JSON that does not parse, fields that are not hex of the
	// right length, or keys that contradict each other.
	ErrKeyfileCorrupt = errors.New("wallet: keyfile is corrupt")
	// ErrUnknownFormat means the keyfile is neither JSON, a legacy 0x public
	// key nor one of the known encrypted formats.
	ErrUnknownFormat = errors.New("wallet: unknown keyfile format")
	// ErrWrongPassword is returned when an encrypted keyfile does not open
	// with the password given.
	ErrWrongPassword = errors.New("wallet: wrong password")
	// ErrPasswordRequired is returned when a keyfile is encrypted and no
	// password could be had (no environment variable, no PasswordSource).
	ErrPasswordRequired = errors.New("wallet: keyfile is encrypted and no password was given")
	// ErrKeyExists is returned by writes that would replace an existing
	// keyfile without WriteOptions.Overwrite.
	ErrKeyExists = errors.New("wallet: key already exists")
	// ErrKeyfileNotFound is returned when a keyfile does not exist.
	ErrKeyfileNotFound = errors.New("wallet: keyfile does not exist")
	// ErrNotKeyfile is returned when a path cannot hold a keyfile: it is
	// not a regular file (a directory, a named pipe, a device such as
	// /dev/zero, directly or through a symbolic link) or it is larger than
	// MaxKeyfileSize. Nothing past the bound is read.
	ErrNotKeyfile = errors.New("wallet: not a keyfile")
)

// Layout selects the JSON layout MarshalKeyfile writes.
type Layout int

const (
	// LayoutPython is the layout of the Python SDK 6.11 and later:
	// accountId, publicKey, privateKey, secretPhrase, secretSeed,
	// ss58Address, with null for absent values. Every known reader accepts
	// it, and unlike the older layout it keeps keys that have no seed (such
	// as soft-derived ones) usable.
	LayoutPython Layout = iota
	// LayoutPython60 is the layout of the Python SDK 6.0–6.10: the same
	// without privateKey. A key with neither mnemonic nor seed reloads from
	// it as public-only in those versions.
	LayoutPython60
)

// MarshalKeyfile returns the keyfile plaintext of kp in the given layout,
// byte for byte as Python's json.dumps writes it (ensure_ascii, default
// separators).
func MarshalKeyfile(kp *Keypair, layout Layout) []byte {
	pub := kp.PublicKey()
	pubHex := "0x" + hex.EncodeToString(pub[:])
	var priv, phrase, seed *string
	if p, err := kp.PrivateKey(); err == nil {
		s := "0x" + hex.EncodeToString(p)
		priv = &s
	}
	if m := kp.Mnemonic(); m != "" {
		phrase = &m
	}
	if sd := kp.Seed(); sd != nil {
		s := "0x" + hex.EncodeToString(sd)
		seed = &s
	}
	addr := kp.SS58Address()

	var b bytes.Buffer
	field := func(first bool, key string, v *string) {
		if !first {
			b.WriteString(", ")
		}
		pyQuote(&b, key)
		b.WriteString(": ")
		if v == nil {
			b.WriteString("null")
		} else {
			pyQuote(&b, *v)
		}
	}
	b.WriteByte('{')
	field(true, "accountId", &pubHex)
	field(false, "publicKey", &pubHex)
	if layout == LayoutPython {
		field(false, "privateKey", priv)
	}
	field(false, "secretPhrase", phrase)
	field(false, "secretSeed", seed)
	field(false, "ss58Address", &addr)
	b.WriteByte('}')
	return b.Bytes()
}

// pyQuote writes s as a JSON string the way Python's json.dumps does with
// ensure_ascii=True: non-ASCII as \uXXXX (surrogate pairs above U+FFFF).
func pyQuote(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	u4 := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r == 0x7f:
			u4(r)
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 + (r>>10)&0x3ff)
			u4(0xdc00 + r&0x3ff)
		default:
			u4(r)
		}
	}
	b.WriteByte('"')
}

// keyfileJSON is the union of the fields any writer uses. Pointers tell a
// null or absent field from an empty string.
type keyfileJSON struct {
	AccountID    *string `json:"accountId"`
	PublicKey    *string `json:"publicKey"`
	PrivateKey   *string `json:"privateKey"`
	SecretPhrase *string `json:"secretPhrase"`
	SecretSeed   *string `json:"secretSeed"`
	SS58Address  *string `json:"ss58Address"`
}

// ParseKeyfile decodes keyfile plaintext (not encrypted data; see
// DecryptKeyfileData) into a keypair. It accepts the JSON of the Python SDK
// (with or without privateKey, nulls or absent keys, any spacing) and of the
// Rust btwallet (compact, any key order), and the legacy "0x<hex public
// key>" form of old coldkeypub.txt files.
//
// The key is rebuilt from the first of secretPhrase, secretSeed, privateKey
// and ss58Address (then publicKey/accountId) that is present; a file with
// only public fields gives a public-only keypair. Every other field present
// must describe the same key, or the file is reported corrupt.
func ParseKeyfile(data []byte) (*Keypair, error) {
	if IsEncrypted(data) {
		return nil, fmt.Errorf("%w: data is encrypted (%s); decrypt it first", ErrKeyfileCorrupt, DetectFormat(data))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: keyfile is empty", ErrKeyfileCorrupt)
	}
	if trimmed[0] != '{' {
		if bytes.HasPrefix(trimmed, []byte("0x")) {
			return parseLegacyPub(string(trimmed))
		}
		// The content is not echoed: an unknown file may still hold a secret.
		return nil, fmt.Errorf("%w: neither JSON, a 0x public key nor a known encrypted format", ErrUnknownFormat)
	}

	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		return nil, fmt.Errorf("%w: JSON does not parse: %v", ErrKeyfileCorrupt, err)
	}
	var kf keyfileJSON
	fields := []struct {
		name string
		dst  **string
	}{
		{"accountId", &kf.AccountID},
		{"publicKey", &kf.PublicKey},
		{"privateKey", &kf.PrivateKey},
		{"secretPhrase", &kf.SecretPhrase},
		{"secretSeed", &kf.SecretSeed},
		{"ss58Address", &kf.SS58Address},
	}
	for _, f := range fields {
		v, ok := raw[f.name]
		if !ok || string(v) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("%w: field %s is not a string", ErrKeyfileCorrupt, f.name)
		}
		*f.dst = &s
	}

	var kp *Keypair
	var err error
	switch {
	case kf.SecretPhrase != nil:
		if err := CheckMnemonic(*kf.SecretPhrase); err != nil {
			return nil, fmt.Errorf("%w: secretPhrase: %w", ErrKeyfileCorrupt, err)
		}
		kp, err = KeypairFromMnemonic(*kf.SecretPhrase)
		if err != nil {
			return nil, fmt.Errorf("%w: secretPhrase is not usable", ErrKeyfileCorrupt)
		}
		if kf.SecretSeed != nil {
			seed, err := decodeHex(*kf.SecretSeed, SeedSize)
			if err != nil {
				return nil, secretFieldError("secretSeed", SeedSize)
			}
			if !bytes.Equal(seed, kp.Seed()) {
				return nil, fmt.Errorf("%w: secretSeed does not belong to secretPhrase", ErrKeyfileCorrupt)
			}
		}
	case kf.SecretSeed != nil:
		kp, err = KeypairFromSeedHex(*kf.SecretSeed)
		if err != nil {
			return nil, secretFieldError("secretSeed", SeedSize)
		}
	case kf.PrivateKey != nil:
		b, err := decodeHex(*kf.PrivateKey, PrivateKeySize)
		if err != nil {
			return nil, secretFieldError("privateKey", PrivateKeySize)
		}
		kp, err = KeypairFromPrivateKey(b)
		if err != nil {
			return nil, secretFieldError("privateKey", PrivateKeySize)
		}
	case kf.SS58Address != nil:
		kp, err = KeypairFromSS58(*kf.SS58Address)
		if err != nil {
			return nil, fmt.Errorf("%w: ss58Address: %v", ErrKeyfileCorrupt, err)
		}
	case kf.PublicKey != nil || kf.AccountID != nil:
		s := kf.PublicKey
		if s == nil {
			s = kf.AccountID
		}
		b, err := decodeHex(*s, PublicKeySize)
		if err != nil {
			return nil, fmt.Errorf("%w: publicKey: %v", ErrKeyfileCorrupt, err)
		}
		kp, err = KeypairFromPublicKey(b)
		if err != nil {
			return nil, fmt.Errorf("%w: publicKey: %v", ErrKeyfileCorrupt, err)
		}
	default:
		return nil, fmt.Errorf("%w: JSON holds none of secretPhrase, secretSeed, privateKey, ss58Address, publicKey", ErrKeyfileCorrupt)
	}
	if err := checkPublicFields(kp, &kf); err != nil {
		return nil, err
	}
	return kp, nil
}

// checkPublicFields verifies that the public fields of a keyfile name the
// key that was rebuilt from it.
func checkPublicFields(kp *Keypair, kf *keyfileJSON) error {
	pub := kp.PublicKey()
	for _, f := range []struct {
		name string
		v    *string
	}{{"accountId", kf.AccountID}, {"publicKey", kf.PublicKey}} {
		if f.v == nil {
			continue
		}
		b, err := decodeHex(*f.v, PublicKeySize)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrKeyfileCorrupt, f.name, err)
		}
		if !bytes.Equal(b, pub[:]) {
			return fmt.Errorf("%w: %s does not match the key in the file", ErrKeyfileCorrupt, f.name)
		}
	}
	if kf.SS58Address != nil {
		p, _, err := SS58Decode(*kf.SS58Address)
		if err != nil {
			return fmt.Errorf("%w: ss58Address: %v", ErrKeyfileCorrupt, err)
		}
		if p != pub {
			return fmt.Errorf("%w: ss58Address does not match the key in the file", ErrKeyfileCorrupt)
		}
	}
	if kf.PrivateKey != nil && kp.HasSecret() {
		b, err := decodeHex(*kf.PrivateKey, PrivateKeySize)
		if err != nil {
			return secretFieldError("privateKey", PrivateKeySize)
		}
		other, err := KeypairFromPrivateKey(b)
		if err != nil {
			return secretFieldError("privateKey", PrivateKeySize)
		}
		if other.PublicKey() != pub {
			return fmt.Errorf("%w: privateKey does not match the key in the file", ErrKeyfileCorrupt)
		}
	}
	return nil
}

// secretFieldError reports a bad secret field without quoting any of it.
func secretFieldError(field string, size int) error {
	return fmt.Errorf("%w: %s is not a valid %d-byte key in hex", ErrKeyfileCorrupt, field, size)
}

// parseLegacyPub reads the "0x<64 hex>" public key of early coldkeypub.txt
// files.
func parseLegacyPub(s string) (*Keypair, error) {
	b, err := decodeHex(s, PublicKeySize)
	if err != nil {
		return nil, fmt.Errorf("%w: legacy 0x public key: %v", ErrKeyfileCorrupt, err)
	}
	kp, err := KeypairFromPublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: legacy 0x public key: %v", ErrKeyfileCorrupt, err)
	}
	return kp, nil
}

// CheckMnemonic validates a BIP39 English mnemonic like MnemonicEntropy but
// with an error that never quotes the phrase: it names the word count, the
// position of the first unknown word, or the failed checksum. Use it where
// the error may be shown or logged.
func CheckMnemonic(phrase string) error {
	words := strings.Fields(strings.ToLower(phrase))
	if !validWordCount(len(words)) {
		return fmt.Errorf("%w: %d words, must be one of %v", ErrBadMnemonic, len(words), ValidWordCounts)
	}
	for i, w := range words {
		if _, ok := bip39.ReverseWordMap[w]; !ok {
			return fmt.Errorf("%w: word %d is not in the BIP39 English word list", ErrBadMnemonic, i+1)
		}
	}
	if _, err := MnemonicEntropy(phrase); err != nil {
		return fmt.Errorf("%w: checksum does not match (a word is wrong or out of order)", ErrBadMnemonic)
	}
	return nil
}
