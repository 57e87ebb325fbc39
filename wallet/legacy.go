package wallet

// Legacy keyfile encryption, read only. Early Bittensor versions encrypted
// keyfiles as Fernet tokens (key = PBKDF2-HMAC-SHA256 over the password with
// a fixed salt and 10,000,000 rounds) and later as Ansible Vault 1.1 files.
// `btcli wallet update` re-encrypts both as $NACL.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Fernet parameters of Bittensor's legacy keyfiles (keyfile.py, 6.x):
// PBKDF2-HMAC-SHA256 over the password with a fixed salt.
const (
	fernetRounds  = 10_000_000
	fernetVersion = 0x80
)

var fernetSalt = []byte("Iguesscyborgslikemyselfhaveatendencytobeparanoidaboutourorigins")

// decryptFernet opens a legacy Fernet keyfile. The token is checked before
// the key is derived, so damaged data is reported without the slow KDF.
func decryptFernet(data []byte, password string) ([]byte, error) {
	raw, err := parseFernet(data)
	if err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, password, fernetSalt, fernetRounds, 32)
	if err != nil {
		return nil, fmt.Errorf("wallet: pbkdf2: %w", err)
	}
	return openFernet(key, raw)
}

// parseFernet decodes a Fernet token and checks its length and version.
func parseFernet(data []byte) ([]byte, error) {
	tok := bytes.TrimSpace(data)
	raw, err := base64.URLEncoding.DecodeString(string(tok))
	if err != nil {
		return nil, fmt.Errorf("%w: Fernet token is not base64: %v", ErrKeyfileCorrupt, err)
	}
	// version(1) ‖ timestamp(8) ‖ IV(16) ‖ ciphertext(n·16) ‖ HMAC(32)
	if len(raw) < 1+8+16+aes.BlockSize+sha256.Size || (len(raw)-1-8-16-sha256.Size)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: Fernet token has a bad length (%d bytes; truncated?)", ErrKeyfileCorrupt, len(raw))
	}
	if raw[0] != fernetVersion {
		return nil, fmt.Errorf("%w: Fernet token version 0x%02x, want 0x80", ErrKeyfileCorrupt, raw[0])
	}
	return raw, nil
}

// openFernet checks the HMAC of a parsed token with the 32-byte derived key
// (signing key ‖ encryption key) and decrypts it.
func openFernet(key, raw []byte) ([]byte, error) {
	signKey, encKey := key[:16], key[16:]
	body, tag := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	mac := hmac.New(sha256.New, signKey)
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), tag) {
		return nil, fmt.Errorf("%w (legacy Fernet keyfile)", ErrWrongPassword)
	}
	iv, ct := body[9:25], body[25:]
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("wallet: aes: %w", err)
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, ct)
	return unpadPKCS7(pt, aes.BlockSize)
}

// Ansible Vault 1.1 parameters.
const ansibleRounds = 10000

// decryptAnsibleVault opens an Ansible Vault 1.1 (or 1.2) AES256 file:
//
//	$ANSIBLE_VAULT;1.1;AES256\n
//	hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines
//
// with PBKDF2-HMAC-SHA256(password, salt, 10000 rounds, 80 bytes) giving the
// AES-256 key, the HMAC key and the CTR counter block.
func decryptAnsibleVault(data []byte, password string) ([]byte, error) {
	header, body, _ := bytes.Cut(data, []byte("\n"))
	parts := strings.Split(strings.TrimSpace(string(header)), ";")
	if len(parts) < 3 || parts[0] != "$ANSIBLE_VAULT" {
		return nil, fmt.Errorf("%w: bad Ansible Vault header", ErrKeyfileCorrupt)
	}
	if parts[1] != "1.1" && parts[1] != "1.2" {
		return nil, fmt.Errorf("%w: Ansible Vault version %q is not supported (want 1.1 or 1.2)", ErrUnknownFormat, parts[1])
	}
	if strings.TrimSpace(parts[2]) != "AES256" {
		return nil, fmt.Errorf("%w: Ansible Vault cipher %q is not supported (want AES256)", ErrUnknownFormat, parts[2])
	}
	outer, err := hex.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	if err != nil {
		return nil, fmt.Errorf("%w: Ansible Vault body is not hex: %v", ErrKeyfileCorrupt, err)
	}
	fields := strings.Split(string(outer), "\n")
	if len(fields) != 3 {
		return nil, fmt.Errorf("%w: Ansible Vault body has %d parts, want salt, hmac and ciphertext (truncated?)", ErrKeyfileCorrupt, len(fields))
	}
	var salt, tag, ct []byte
	for i, dst := range []*[]byte{&salt, &tag, &ct} {
		b, err := hex.DecodeString(strings.TrimSpace(fields[i]))
		if err != nil {
			return nil, fmt.Errorf("%w: Ansible Vault part %d is not hex: %v", ErrKeyfileCorrupt, i+1, err)
		}
		*dst = b
	}
	if len(tag) != sha256.Size || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: Ansible Vault ciphertext or HMAC has a bad length (truncated?)", ErrKeyfileCorrupt)
	}
	km, err := pbkdf2.Key(sha256.New, password, salt, ansibleRounds, 80)
	if err != nil {
		return nil, fmt.Errorf("wallet: pbkdf2: %w", err)
	}
	aesKey, macKey, iv := km[:32], km[32:64], km[64:80]
	mac := hmac.New(sha256.New, macKey)
	mac.Write(ct)
	if !hmac.Equal(mac.Sum(nil), tag) {
		return nil, fmt.Errorf("%w (Ansible Vault keyfile)", ErrWrongPassword)
	}
	block, err := aes.NewCipher(aesKey)
	if err != nil {
		return nil, fmt.Errorf("wallet: aes: %w", err)
	}
	pt := make([]byte, len(ct))
	cipher.NewCTR(block, iv).XORKeyStream(pt, ct)
	return unpadPKCS7(pt, aes.BlockSize)
}

// unpadPKCS7 strips PKCS#7 padding. It runs only after a MAC has verified,
// so bad padding means the file was written wrongly, not a wrong password.
func unpadPKCS7(b []byte, size int) ([]byte, error) {
	if len(b) == 0 || len(b)%size != 0 {
		return nil, fmt.Errorf("%w: padded plaintext has a bad length", ErrKeyfileCorrupt)
	}
	n := int(b[len(b)-1])
	if n == 0 || n > size {
		return nil, fmt.Errorf("%w: bad padding", ErrKeyfileCorrupt)
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, fmt.Errorf("%w: bad padding", ErrKeyfileCorrupt)
		}
	}
	return b[:len(b)-n], nil
}
