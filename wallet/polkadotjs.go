package wallet

// Polkadot-JS account exports: the JSON file the browser extension and
// apps write ("Export account"). Bittensor's regen_coldkey/regen_hotkey
// --json read them.
//
//	{"encoded": base64, "encoding": {"content": ["pkcs8", "sr25519"],
//	 "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
//	 "address": SS58, "meta": {...}}
//
// encoded = scrypt salt(32) ‖ N, p, r (u32 LE each) ‖ nonce(24) ‖ secretbox
// of the PKCS#8 blob: header(16) ‖ secret(64) ‖ divider(5) ‖ public(32).
// The secret is in the "ed25519 expanded" form Polkadot-JS uses and is
// converted to schnorrkel's canonical form (scalar divided by the cofactor).

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/oasisprotocol/curve25519-voi/primitives/sr25519"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// ErrBadPolkadotJSON is wrapped by every error decoding a Polkadot-JS
// export other than a wrong password (ErrWrongPassword).
var ErrBadPolkadotJSON = errors.New("wallet: not a usable Polkadot-JS account export")

var (
	pkcs8Header  = []byte{0x30, 0x53, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20}
	pkcs8Divider = []byte{0xa1, 0x23, 0x03, 0x21, 0x00}
)

// Bounds on the scrypt parameters accepted from a file, so that a hostile
// export cannot ask for much memory or time: at most 128 MiB (128·N·r
// bytes) and one pass. Polkadot-JS wrote N=2^15, r=8, p=1 and now writes
// N=2^17 (the Bob vector of polkadotjs_test.go); it has always used r=8 and
// p=1. Smaller parameters are accepted.
const (
	maxScryptN = 1 << 17
	maxScryptR = 8
	maxScryptP = 1
)

type polkadotJSON struct {
	Encoded  string `json:"encoded"`
	Encoding struct {
		Content []string        `json:"content"`
		Type    json.RawMessage `json:"type"` // a list in version 3, a string in version 2
		Version string          `json:"version"`
	} `json:"encoding"`
	Address string `json:"address"`
}

// KeypairFromPolkadotJSON decrypts a Polkadot-JS account export (version 3:
// scrypt + xsalsa20-poly1305, or unencrypted "none") of an sr25519 key. The
// key is checked against the public key inside the export and its address.
// A password that does not open it gives ErrWrongPassword; anything else
// wrong gives ErrBadPolkadotJSON saying what.
func KeypairFromPolkadotJSON(data []byte, password string) (*Keypair, error) {
	return keypairFromPolkadotJSON(data, password, scrypt.Key)
}

// scryptFunc derives a key from a password, as scrypt.Key does. The fuzz
// test passes a cheap one, to reach what comes after the key derivation.
type scryptFunc func(password, salt []byte, N, r, p, keyLen int) ([]byte, error)

func keypairFromPolkadotJSON(data []byte, password string, kdf scryptFunc) (*Keypair, error) {
	var pj polkadotJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return nil, fmt.Errorf("%w: JSON does not parse: %v", ErrBadPolkadotJSON, err)
	}
	if pj.Encoded == "" {
		return nil, fmt.Errorf("%w: no \"encoded\" field", ErrBadPolkadotJSON)
	}
	if !slices.Contains(pj.Encoding.Content, "sr25519") {
		return nil, fmt.Errorf("%w: key type %v is not sr25519", ErrBadPolkadotJSON, pj.Encoding.Content)
	}
	var types []string
	if err := json.Unmarshal(pj.Encoding.Type, &types); err != nil {
		return nil, fmt.Errorf("%w: encoding version %q is not supported (export it again from a current Polkadot-JS)", ErrBadPolkadotJSON, pj.Encoding.Version)
	}
	encoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(pj.Encoded))
	if err != nil {
		return nil, fmt.Errorf("%w: \"encoded\" is not base64: %v", ErrBadPolkadotJSON, err)
	}

	var plain []byte
	switch {
	case slices.Equal(types, []string{"none"}):
		plain = encoded
	case slices.Contains(types, "scrypt") && slices.Contains(types, "xsalsa20-poly1305"):
		plain, err = openPolkadotScrypt(encoded, password, kdf)
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: encryption %v is not supported", ErrBadPolkadotJSON, types)
	}

	if len(plain) != len(pkcs8Header)+PrivateKeySize+len(pkcs8Divider)+PublicKeySize ||
		!bytes.HasPrefix(plain, pkcs8Header) ||
		!bytes.Equal(plain[len(pkcs8Header)+PrivateKeySize:][:len(pkcs8Divider)], pkcs8Divider) {
		return nil, fmt.Errorf("%w: decrypted key is not the expected PKCS#8 layout", ErrBadPolkadotJSON)
	}
	secret := plain[len(pkcs8Header) : len(pkcs8Header)+PrivateKeySize]
	pub := plain[len(plain)-PublicKeySize:]
	sk, err := sr25519.NewSecretKeyFromEd25519Bytes(secret)
	if err != nil {
		return nil, fmt.Errorf("%w: secret key: %v", ErrBadPolkadotJSON, err)
	}
	kp := fromSecret(sk)
	got := kp.PublicKey()
	if !bytes.Equal(got[:], pub) {
		return nil, fmt.Errorf("%w: secret key does not match the public key in the export", ErrBadPolkadotJSON)
	}
	if pj.Address != "" {
		ap, _, err := SS58Decode(pj.Address)
		if err != nil {
			return nil, fmt.Errorf("%w: address: %v", ErrBadPolkadotJSON, err)
		}
		if ap != got {
			return nil, fmt.Errorf("%w: key does not match the address %s", ErrBadPolkadotJSON, pj.Address)
		}
	}
	return kp, nil
}

func openPolkadotScrypt(encoded []byte, password string, kdf scryptFunc) ([]byte, error) {
	const saltLen, paramsLen, nonceLen = 32, 12, 24
	if len(encoded) < saltLen+paramsLen+nonceLen+secretbox.Overhead {
		return nil, fmt.Errorf("%w: \"encoded\" is too short (%d bytes)", ErrBadPolkadotJSON, len(encoded))
	}
	salt := encoded[:saltLen]
	n := binary.LittleEndian.Uint32(encoded[saltLen:])
	p := binary.LittleEndian.Uint32(encoded[saltLen+4:])
	r := binary.LittleEndian.Uint32(encoded[saltLen+8:])
	if n < 2 || n > maxScryptN || n&(n-1) != 0 || r == 0 || r > maxScryptR || p == 0 || p > maxScryptP {
		return nil, fmt.Errorf("%w: scrypt parameters N=%d r=%d p=%d are out of range", ErrBadPolkadotJSON, n, r, p)
	}
	key, err := kdf([]byte(password), salt, int(n), int(r), int(p), 32)
	if err != nil {
		return nil, fmt.Errorf("%w: scrypt: %v", ErrBadPolkadotJSON, err)
	}
	var k [32]byte
	copy(k[:], key)
	var nonce [nonceLen]byte
	copy(nonce[:], encoded[saltLen+paramsLen:])
	plain, ok := secretbox.Open(nil, encoded[saltLen+paramsLen+nonceLen:], &nonce, &k)
	if !ok {
		return nil, fmt.Errorf("%w for the Polkadot-JS export", ErrWrongPassword)
	}
	return plain, nil
}
