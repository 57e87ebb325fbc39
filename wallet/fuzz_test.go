package wallet

// Fuzz tests of the wallet's parsers of untrusted input: SS58 addresses,
// keyfile JSON, encrypted keyfiles and Polkadot-JS exports. `go test` runs
// their seeds as ordinary tests; CI also fuzzes each for a bounded time
// (.ci/run). Each target states the property it checks.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// FuzzSS58Decode: decoding never panics; an error wraps ErrBadAddress and
// is short whatever the input; an address that decodes re-encodes to one
// that decodes to the same key and format.
func FuzzSS58Decode(f *testing.F) {
	for _, s := range []string{
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
		"16ADqpMa4yzfmWs3nuTSMhfZ2ckeGtvqhPWCNqECEGDcGgU2",
		SS58Encode(bytes.Repeat([]byte{0xff}, 32), 16383),
		"", "0", "1111111111111111111111111111111111111111111111111",
		strings.Repeat("z", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, format, err := SS58Decode(s)
		if err != nil {
			if !errors.Is(err, ErrBadAddress) {
				t.Fatalf("error %v does not wrap ErrBadAddress", err)
			}
			if len(err.Error()) > 300 {
				t.Fatalf("error of %d bytes for %d bytes of input", len(err.Error()), len(s))
			}
			return
		}
		if len(s) > MaxSS58Length {
			t.Fatalf("decoded %d characters, over MaxSS58Length", len(s))
		}
		pub2, format2, err := SS58Decode(SS58Encode(pub[:], format))
		if err != nil || pub2 != pub || format2 != format {
			t.Fatalf("re-encoding %q (format %d) does not decode back: %v", s, format, err)
		}
	})
}

// FuzzParseKeyfile: parsing keyfile plaintext never panics; errors wrap
// ErrKeyfileCorrupt or ErrUnknownFormat; a keyfile that parses, written
// again (LayoutPython), parses to the same key, with or without secret.
func FuzzParseKeyfile(f *testing.F) {
	f.Add([]byte(k2Plaintext))
	f.Add([]byte(legacyPub))
	f.Add([]byte(`{"publicKey": "0x32939b6abc4d81f02dff04d2b8d1d01cc8e71c5e4c7492e4fa6a238cdca3512f"}`))
	f.Add([]byte(`{"secretPhrase": "old leopard transfer rib spatial phone calm indicate online fire caution review"}`))
	f.Add([]byte(`{"ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "accountId": null}`))
	f.Add([]byte(`{"secretSeed": "0x00"}`))
	f.Add([]byte("$NACL"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		kp, err := ParseKeyfile(data)
		if err != nil {
			if !errors.Is(err, ErrKeyfileCorrupt) && !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("error %v wraps neither ErrKeyfileCorrupt nor ErrUnknownFormat", err)
			}
			return
		}
		again, err := ParseKeyfile(MarshalKeyfile(kp, LayoutPython))
		if err != nil {
			t.Fatalf("a parsed keyfile does not parse once written: %v", err)
		}
		if again.SS58Address() != kp.SS58Address() || again.HasSecret() != kp.HasSecret() {
			t.Fatalf("%s (secret %v) became %s (secret %v)",
				kp.SS58Address(), kp.HasSecret(), again.SS58Address(), again.HasSecret())
		}
	})
}

// Keys for FuzzDecrypt: the $NACL and Fernet key derivations take seconds
// each, so the target opens data with keys fixed here, past the KDF, and
// the seeds are sealed with the same keys.
var (
	fuzzNaClKey   = [naclKeySize]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}
	fuzzFernetKey = bytes.Repeat([]byte{7}, 32)
)

// sealFernet writes a Fernet token of plaintext under a derived key (the
// inverse of openFernet; Bittensor no longer writes the format).
func sealFernet(key, plaintext []byte) []byte {
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	pt := append(bytes.Clone(plaintext), bytes.Repeat([]byte{byte(pad)}, pad)...)
	body := []byte{fernetVersion, 0, 0, 0, 0, 0x60, 0, 0, 0}
	iv := bytes.Repeat([]byte{9}, aes.BlockSize)
	body = append(body, iv...)
	block, _ := aes.NewCipher(key[16:])
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, pt)
	body = append(body, ct...)
	mac := hmac.New(sha256.New, key[:16])
	mac.Write(body)
	return []byte(base64.URLEncoding.EncodeToString(mac.Sum(body)))
}

// FuzzDecrypt: opening encrypted keyfile data never panics; every error
// wraps ErrWrongPassword, ErrKeyfileCorrupt or ErrUnknownFormat; $NACL data
// that opens is exactly what sealing its plaintext under the same nonce
// gives.
func FuzzDecrypt(f *testing.F) {
	nonce := [24]byte{5}
	nacl := sealNaCl(&fuzzNaClKey, &nonce, []byte(k2Plaintext))
	f.Add(nacl)
	f.Add(nacl[:NaClOverhead])
	f.Add(sealFernet(fuzzFernetKey, []byte(k2Plaintext)))
	f.Add(sealFernet(fuzzFernetKey, nil))
	if vault, err := os.ReadFile("testdata/ansible_vault.txt"); err == nil {
		f.Add(vault)
	}
	f.Add([]byte("$ANSIBLE_VAULT;1.1;AES256\n6161\n"))
	f.Add([]byte("gAAAAA"))
	f.Add([]byte(`{"not": "encrypted"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var plain []byte
		var err error
		switch DetectFormat(data) {
		case FormatNaCl:
			plain, err = openNaCl(&fuzzNaClKey, data)
			if err == nil {
				var n [24]byte
				copy(n[:], data[len(naclPrefix):])
				if again := sealNaCl(&fuzzNaClKey, &n, plain); !bytes.Equal(again, data) {
					t.Fatalf("opened $NACL data does not reseal to itself")
				}
			}
		case FormatFernet:
			var raw []byte
			if raw, err = parseFernet(data); err == nil {
				plain, err = openFernet(fuzzFernetKey, raw)
			}
		default:
			// Ansible Vault's key derivation is 10,000 rounds: fast
			// enough to run in full.
			plain, err = Decrypt(data, specPassword)
		}
		if err != nil {
			if !errors.Is(err, ErrWrongPassword) && !errors.Is(err, ErrKeyfileCorrupt) && !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("error %v wraps no keyfile error", err)
			}
			if plain != nil {
				t.Fatalf("plaintext returned with an error")
			}
		}
	})
}

// fuzzScrypt stands in for scrypt in FuzzPolkadotJSON: the same key for
// every password, salt and parameters, so that inputs reach decryption and
// the key checks without seconds of key derivation each.
func fuzzScrypt(_, _ []byte, _, _, _, keyLen int) ([]byte, error) {
	return bytes.Repeat([]byte{3}, keyLen), nil
}

// FuzzPolkadotJSON: importing a Polkadot-JS export never panics; errors
// wrap ErrBadPolkadotJSON or ErrWrongPassword; a key it returns is the key
// the export names (its public key and, if given, its address). Scrypt
// itself is replaced by fuzzScrypt (its parameters are still checked).
func FuzzPolkadotJSON(f *testing.F) {
	// Alice's export, decrypted with the real scrypt, then sealed again
	// under fuzzScrypt's key, and unencrypted ("none").
	var pj polkadotJSON
	if err := json.Unmarshal([]byte(pjsAlice), &pj); err != nil {
		f.Fatal(err)
	}
	encoded, err := base64.StdEncoding.DecodeString(pj.Encoded)
	if err != nil {
		f.Fatal(err)
	}
	plain, err := openPolkadotScrypt(encoded, "whoisalice", scrypt.Key)
	if err != nil {
		f.Fatal(err)
	}
	key, _ := fuzzScrypt(nil, nil, 0, 0, 0, 32)
	var k [32]byte
	copy(k[:], key)
	var nonce [24]byte
	copy(nonce[:], encoded[44:])
	resealed := secretbox.Seal(bytes.Clone(encoded[:44+24]), plain, &nonce, &k)
	export := func(enc []byte, kind string) []byte {
		return []byte(`{"encoded": "` + base64.StdEncoding.EncodeToString(enc) + `", "encoding": {"content": ["pkcs8", "sr25519"], "type": ` + kind + `, "version": "3"}, "address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}`)
	}
	f.Add(export(resealed, `["scrypt", "xsalsa20-poly1305"]`), "any")
	f.Add(export(plain, `["none"]`), "")
	// Scrypt parameters past the bounds are refused before scrypt runs.
	big := bytes.Clone(resealed)
	binary.LittleEndian.PutUint32(big[32:], 1<<30)
	f.Add(export(big, `["scrypt", "xsalsa20-poly1305"]`), "any")
	f.Add([]byte(pjsAlice), "whoisalice")
	f.Add([]byte(`{"encoded": "", "encoding": {"content": ["sr25519"], "type": "none"}}`), "")
	f.Add([]byte(`[]`), "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		kp, err := keypairFromPolkadotJSON(data, password, fuzzScrypt)
		if err != nil {
			if !errors.Is(err, ErrBadPolkadotJSON) && !errors.Is(err, ErrWrongPassword) {
				t.Fatalf("error %v wraps neither ErrBadPolkadotJSON nor ErrWrongPassword", err)
			}
			return
		}
		if !kp.HasSecret() {
			t.Fatalf("an imported key has no secret")
		}
		var got polkadotJSON
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("accepted an export that is not JSON: %v", err)
		}
		if got.Address != "" {
			if pub, _, err := SS58Decode(got.Address); err != nil || pub != kp.PublicKey() {
				t.Fatalf("imported %s, the export names %s", kp.SS58Address(), got.Address)
			}
		}
	})
}
