package wallet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/decred/base58"
	"golang.org/x/crypto/blake2b"
)

// SS58Prefix is the SS58 address format Bittensor uses (the generic
// Substrate format): addresses start with 5 and are 48 characters long.
const SS58Prefix = 42

// ErrBadAddress is wrapped by every SS58 decoding error.
var ErrBadAddress = errors.New("invalid SS58 address")

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// MaxSS58Length is the length of the longest SS58 address of a 32-byte
// account: 36 bytes (a two-byte format prefix, whose first byte is below
// 128, the key and a two-byte checksum), a number below 2^287, take at most
// 49 base58 characters. SS58Decode refuses longer
// input before decoding it, so its cost is bounded whatever it is given
// (base58 decoding takes time quadratic in the length).
const MaxSS58Length = 49

// SS58Encode encodes a 32-byte public key as an SS58 address of the given
// format (0–16383). It panics if pub is not 32 bytes or the format is out of
// range, which are caller bugs.
func SS58Encode(pub []byte, format uint16) string {
	if len(pub) != PublicKeySize {
		panic(fmt.Sprintf("wallet: SS58Encode of %d-byte key", len(pub)))
	}
	var prefix []byte
	switch {
	case format < 64:
		prefix = []byte{byte(format)}
	case format < 16384:
		// Two-byte form: the 14-bit format split as Substrate does.
		prefix = []byte{
			byte(((format & 0b0000_0000_1111_1100) >> 2) | 0b0100_0000),
			byte((format >> 8) | ((format & 0b11) << 6)),
		}
	default:
		panic(fmt.Sprintf("wallet: SS58 format %d out of range", format))
	}
	body := append(prefix, pub...)
	sum := ss58Checksum(body)
	return base58.Encode(append(body, sum[:2]...))
}

// SS58Decode decodes an SS58 address holding a 32-byte public key and returns
// the key and the address format. It rejects input longer than
// MaxSS58Length, characters outside the base58 alphabet, wrong lengths and
// bad checksums, each with an error saying which; an error quotes the input
// only when it is no longer than an address.
func SS58Decode(addr string) ([PublicKeySize]byte, uint16, error) {
	var pub [PublicKeySize]byte
	if addr == "" {
		return pub, 0, fmt.Errorf("%w: empty", ErrBadAddress)
	}
	if len(addr) > MaxSS58Length {
		return pub, 0, fmt.Errorf("%w: %d bytes long, longer than any address (at most %d characters)", ErrBadAddress, len(addr), MaxSS58Length)
	}
	if i := strings.IndexFunc(addr, func(r rune) bool { return !strings.ContainsRune(base58Alphabet, r) }); i >= 0 {
		return pub, 0, fmt.Errorf("%w %q: character %q at position %d is not base58", ErrBadAddress, addr, addr[i], i+1)
	}
	data := base58.Decode(addr)
	if len(data) < 1 {
		return pub, 0, fmt.Errorf("%w %q: does not decode", ErrBadAddress, addr)
	}
	var format uint16
	prefixLen := 1
	switch {
	case data[0] < 64:
		format = uint16(data[0])
	case data[0] < 128:
		if len(data) < 2 {
			return pub, 0, fmt.Errorf("%w %q: too short", ErrBadAddress, addr)
		}
		lower := uint16(data[0]&0b0011_1111)<<2 | uint16(data[1]>>6)
		upper := uint16(data[1] & 0b0011_1111)
		format = lower | upper<<8
		prefixLen = 2
	default:
		return pub, 0, fmt.Errorf("%w %q: unknown format prefix byte %d", ErrBadAddress, addr, data[0])
	}
	if want := prefixLen + PublicKeySize + 2; len(data) != want {
		return pub, 0, fmt.Errorf("%w %q: decodes to %d bytes, want %d (a 32-byte account)", ErrBadAddress, addr, len(data), want)
	}
	body := data[:len(data)-2]
	sum := ss58Checksum(body)
	if sum[0] != data[len(data)-2] || sum[1] != data[len(data)-1] {
		return pub, 0, fmt.Errorf("%w %q: checksum mismatch (a character is wrong)", ErrBadAddress, addr)
	}
	copy(pub[:], body[prefixLen:])
	return pub, format, nil
}

// IsValidSS58 reports whether addr is a well-formed SS58 address of a
// 32-byte account.
func IsValidSS58(addr string) bool {
	_, _, err := SS58Decode(addr)
	return err == nil
}

func ss58Checksum(body []byte) [64]byte {
	h, _ := blake2b.New512(nil)
	h.Write([]byte("SS58PRE"))
	h.Write(body)
	var out [64]byte
	copy(out[:], h.Sum(nil))
	return out
}
