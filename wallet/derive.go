package wallet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"golang.org/x/crypto/blake2b"
)

// DevPhrase is the well-known Substrate development mnemonic. A URI that
// starts with "/" (such as "//Alice") derives from it.
const DevPhrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"

// ErrBadURI is wrapped by every Substrate URI parsing error.
var ErrBadURI = errors.New("invalid key URI")

// junction is one step of a derivation path: its 32-byte chain code and
// whether it is hard ("//") or soft ("/").
type junction struct {
	code [32]byte
	hard bool
}

// KeypairFromURI derives a keypair from a Substrate secret URI:
//
//	[phrase or 0x-seed][//hard|/soft]...
//
// A URI that starts with "/" uses DevPhrase, so "//Alice" is the well-known
// development account. Numeric junctions are encoded as u64 little-endian,
// others as SCALE-encoded strings (hashed with BLAKE2b-256 when longer than
// 32 bytes). Password suffixes ("///password") are not supported, as in
// Bittensor.
//
// The result never carries the root mnemonic. A path of hard junctions only
// keeps the derived mini-secret as its seed; a soft junction drops it.
func KeypairFromURI(uri string) (*Keypair, error) {
	uri = strings.TrimSpace(uri)
	if uri == "" {
		return nil, fmt.Errorf("%w: empty", ErrBadURI)
	}
	if strings.Contains(uri, "///") {
		return nil, fmt.Errorf("%w: password junctions (///) are not supported", ErrBadURI)
	}
	phrase, path := uri, ""
	if i := strings.Index(uri, "/"); i >= 0 {
		phrase, path = uri[:i], uri[i:]
	}
	if strings.TrimSpace(phrase) == "" {
		phrase = DevPhrase
	}
	junctions, err := parsePath(path)
	if err != nil {
		return nil, err
	}

	var root *Keypair
	if strings.HasPrefix(phrase, "0x") {
		root, err = KeypairFromSeedHex(phrase)
	} else {
		root, err = KeypairFromMnemonic(phrase)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadURI, err)
	}
	if len(junctions) == 0 {
		return root, nil
	}
	return deriveJunctions(root, junctions)
}

// parsePath splits "//a/b//1" into junctions. Every junction must be
// non-empty.
func parsePath(path string) ([]junction, error) {
	var out []junction
	for path != "" {
		hard := strings.HasPrefix(path, "//")
		if hard {
			path = path[2:]
		} else {
			path = path[1:]
		}
		end := strings.Index(path, "/")
		if end < 0 {
			end = len(path)
		}
		name := path[:end]
		path = path[end:]
		if name == "" {
			return nil, fmt.Errorf("%w: empty junction in path", ErrBadURI)
		}
		out = append(out, junction{code: chainCode(name), hard: hard})
	}
	return out, nil
}

// chainCode encodes a junction name as Substrate does.
func chainCode(name string) [32]byte {
	var cc [32]byte
	var enc []byte
	if n, err := strconv.ParseUint(name, 10, 64); err == nil {
		enc = binary.LittleEndian.AppendUint64(nil, n)
	} else {
		enc = append(compactLength(len(name)), name...)
	}
	if len(enc) > 32 {
		sum := blake2b.Sum256(enc)
		return sum
	}
	copy(cc[:], enc)
	return cc
}

// compactLength is the SCALE compact encoding of a length.
func compactLength(n int) []byte {
	switch {
	case n < 1<<6:
		return []byte{byte(n << 2)}
	case n < 1<<14:
		return binary.LittleEndian.AppendUint16(nil, uint16(n<<2|1))
	case n < 1<<30:
		return binary.LittleEndian.AppendUint32(nil, uint32(n<<2|2))
	default:
		// Junction names are never this long in practice; encode the
		// big-integer form for completeness.
		b := binary.LittleEndian.AppendUint64(nil, uint64(n))
		for len(b) > 4 && b[len(b)-1] == 0 {
			b = b[:len(b)-1]
		}
		return append([]byte{byte((len(b)-4)<<2 | 3)}, b...)
	}
}

func deriveJunctions(root *Keypair, js []junction) (*Keypair, error) {
	cur := root
	for _, j := range js {
		priv, err := cur.PrivateKey()
		if err != nil {
			return nil, err
		}
		var key, nonce [32]byte
		copy(key[:], priv[:32])
		copy(nonce[:], priv[32:])
		sk := schnorrkel.NewSecretKey(key, nonce)
		if j.hard {
			msk, _, err := sk.HardDeriveMiniSecretKey(nil, j.code)
			if err != nil {
				return nil, fmt.Errorf("wallet: hard derivation: %w", err)
			}
			seed := msk.Encode()
			next, err := KeypairFromSeed(seed[:])
			if err != nil {
				return nil, err
			}
			cur = next
			continue
		}
		ek, err := schnorrkel.DeriveKeySimple(sk, nil, j.code)
		if err != nil {
			return nil, fmt.Errorf("wallet: soft derivation: %w", err)
		}
		dsk, err := ek.Secret()
		if err != nil {
			return nil, fmt.Errorf("wallet: soft derivation: %w", err)
		}
		dkey := dsk.Encode()
		n := softNonce(dkey[:])
		next, err := KeypairFromPrivateKey(append(dkey[:], n[:]...))
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}
