package metadata

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/crypto/blake2b"

	"github.com/go-bittensor/bittensor/substrate/scale"
)

// Hasher is a storage hasher, numbered as in metadata.
type Hasher uint8

// The storage hashers. The Concat hashers and Identity keep the encoded key
// after the hash, so a key read back from the chain can be decoded.
const (
	Blake2_128       Hasher = iota // blake2b-128 of the key
	Blake2_256                     // blake2b-256 of the key
	Blake2_128Concat               // blake2b-128 of the key, then the key
	Twox128                        // xxh64 seeds 0, 1 of the key, each little-endian
	Twox256                        // xxh64 seeds 0..3 of the key
	Twox64Concat                   // xxh64 seed 0 of the key, then the key
	Identity                       // the key itself
)

var hasherNames = [...]string{"Blake2_128", "Blake2_256", "Blake2_128Concat", "Twox128", "Twox256", "Twox64Concat", "Identity"}

// String returns the hasher's name as metadata spells it ("Blake2_128Concat").
func (h Hasher) String() string {
	if int(h) < len(hasherNames) {
		return hasherNames[h]
	}
	return "Hasher(" + strconv.Itoa(int(h)) + ")"
}

// HashLen returns the length in bytes of the hash part (before any
// concatenated key).
func (h Hasher) HashLen() int {
	switch h {
	case Blake2_128, Blake2_128Concat, Twox128:
		return 16
	case Blake2_256, Twox256:
		return 32
	case Twox64Concat:
		return 8
	}
	return 0
}

// Concat reports whether the hasher keeps the encoded key after the hash
// (Blake2_128Concat, Twox64Concat, Identity), so SplitKey can recover it.
func (h Hasher) Concat() bool {
	return h == Blake2_128Concat || h == Twox64Concat || h == Identity
}

// Append appends the hash of data (and data itself for Concat hashers) to dst.
func (h Hasher) Append(dst, data []byte) []byte {
	switch h {
	case Blake2_128, Blake2_128Concat:
		d, _ := blake2b.New(16, nil)
		d.Write(data)
		dst = d.Sum(dst)
	case Blake2_256:
		s := blake2b.Sum256(data)
		dst = append(dst, s[:]...)
	case Twox128:
		dst = appendTwox(dst, data, 2)
	case Twox256:
		dst = appendTwox(dst, data, 4)
	case Twox64Concat:
		dst = appendTwox(dst, data, 1)
	}
	if h.Concat() {
		dst = append(dst, data...)
	}
	return dst
}

// appendTwox appends xxh64(data, seed) little-endian for seeds 0..n-1.
func appendTwox(dst, data []byte, n int) []byte {
	for seed := range uint64(n) {
		d := xxhash.NewWithSeed(seed)
		d.Write(data)
		dst = binary.LittleEndian.AppendUint64(dst, d.Sum64())
	}
	return dst
}

// Prefix returns the key of a Plain entry, and the prefix of every key of a
// map: twox128(pallet prefix) ++ twox128(entry name).
func (e *StorageEntry) Prefix() []byte {
	out := make([]byte, 0, 32)
	out = appendTwox(out, []byte(e.PalletPrefix), 2)
	return appendTwox(out, []byte(e.Name), 2)
}

// KeyFromEncoded builds a storage key from SCALE-encoded key parts, each
// hashed with its hasher. With as many parts as hashers it is the full key of
// one value; with fewer it is the prefix of all keys that start with those
// parts (for state_getKeysPaged); with none, Prefix().
func (e *StorageEntry) KeyFromEncoded(parts ...[]byte) ([]byte, error) {
	if len(parts) > len(e.Hashers) {
		return nil, fmt.Errorf("%w: %s.%s takes %d key parts, got %d", ErrKey, e.Pallet, e.Name, len(e.Hashers), len(parts))
	}
	key := e.Prefix()
	for i, p := range parts {
		key = e.Hashers[i].Append(key, p)
	}
	return key, nil
}

// StorageKey builds the key of entry pallet.item from Go (or scale.Value)
// key values, each encoded by its key type: all of them for one value's key,
// fewer for the prefix of a map's keys (see KeyFromEncoded).
func (r *Runtime) StorageKey(pallet, item string, keys ...any) ([]byte, error) {
	e, err := r.Storage(pallet, item)
	if err != nil {
		return nil, err
	}
	if len(keys) > len(e.Hashers) {
		return nil, fmt.Errorf("%w: %s.%s takes %d key parts, got %d", ErrKey, pallet, item, len(e.Hashers), len(keys))
	}
	parts := make([][]byte, len(keys))
	for i, k := range keys {
		if parts[i], err = r.Types.Encode(e.KeyTypes[i], k); err != nil {
			return nil, fmt.Errorf("%w: %s.%s key %d: %w", ErrKey, pallet, item, i, err)
		}
	}
	return e.KeyFromEncoded(parts...)
}

// KeyPart is one key part recovered from a full storage key.
type KeyPart struct {
	Hasher  Hasher
	Hash    []byte      // the hash bytes (empty for Identity)
	Encoded []byte      // the encoded key; nil when the hasher hides it
	Value   scale.Value // Encoded decoded by its key type; invalid when hidden
}

// SplitStorageKey splits a full key of entry e, as state_getKeys returns
// it, into its key parts and decodes those the hasher keeps (Concat and
// Identity). A part after a hiding hasher (Blake2_128, Twox128, ...) is still
// found because those hashes have a fixed length; only its value is lost.
func (r *Runtime) SplitStorageKey(e *StorageEntry, key []byte) ([]KeyPart, error) {
	prefix := e.Prefix()
	if len(key) < len(prefix) || string(key[:len(prefix)]) != string(prefix) {
		return nil, fmt.Errorf("%w: key does not start with the prefix of %s.%s", ErrKey, e.Pallet, e.Name)
	}
	rest := key[len(prefix):]
	parts := make([]KeyPart, len(e.Hashers))
	for i, h := range e.Hashers {
		n := h.HashLen()
		if len(rest) < n {
			return nil, fmt.Errorf("%w: %s.%s key part %d: %d bytes left, the %s hash has %d", ErrKey, e.Pallet, e.Name, i, len(rest), h, n)
		}
		p := &parts[i]
		p.Hasher, p.Hash, rest = h, rest[:n:n], rest[n:]
		if !h.Concat() {
			if i < len(e.Hashers)-1 {
				continue
			}
			if len(rest) != 0 {
				return nil, fmt.Errorf("%w: %s.%s: %d bytes after the last key part", ErrKey, e.Pallet, e.Name, len(rest))
			}
			break
		}
		v, used, err := r.Types.DecodeValuePrefix(e.KeyTypes[i], rest)
		if err != nil {
			return nil, fmt.Errorf("%w: %s.%s key part %d: %w", ErrKey, e.Pallet, e.Name, i, err)
		}
		if h == Blake2_128Concat || h == Twox64Concat {
			check := h.Append(nil, rest[:used])
			if string(check[:n]) != string(p.Hash) {
				return nil, fmt.Errorf("%w: %s.%s key part %d: the %s hash does not match the key", ErrKey, e.Pallet, e.Name, i, h)
			}
		}
		p.Encoded, p.Value, rest = rest[:used:used], v, rest[used:]
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %s.%s: %d bytes after the last key part", ErrKey, e.Pallet, e.Name, len(rest))
	}
	return parts, nil
}
