package types

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/go-bittensor/bittensor/wallet"
)

// AccountID is a 32-byte sr25519 public key, the identity of every coldkey
// and hotkey on chain. Its text form is the SS58 address (format 42).
type AccountID [32]byte

// String returns the SS58 address.
func (a AccountID) String() string {
	slot := &ss58Cache[binary.LittleEndian.Uint16(a[:2])%uint16(len(ss58Cache))]
	if e := slot.Load(); e != nil && e.id == a {
		return e.text
	}
	text := wallet.SS58Encode(a[:], wallet.SS58Prefix)
	slot.Store(&ss58Entry{id: a, text: text})
	return text
}

// ss58Cache remembers recent addresses (a blake2b checksum and a base58
// encoding each): the chain writes the same few accounts into the events
// of every transaction it checks and executes. Each account has one slot,
// picked by its first bytes; a newer account in the slot replaces it.
var ss58Cache [4096]atomic.Pointer[ss58Entry]

type ss58Entry struct {
	id   AccountID
	text string
}

// IsZero reports whether a is the all-zero account.
func (a AccountID) IsZero() bool { return a == AccountID{} }

// Compare orders accounts by their raw bytes, the order the chain iterates
// them in.
func (a AccountID) Compare(b AccountID) int { return bytes.Compare(a[:], b[:]) }

// maxAccountText is the length of the longest account text
// ParseAccountID accepts: a 0x-prefixed hex key (an SS58 address is at most
// wallet.MaxSS58Length characters).
const maxAccountText = 2 + 2*len(AccountID{})

// ParseAccountID reads an SS58 address or a 0x-prefixed 64-character hex
// public key (surrounding spaces ignored). Longer text is refused before it
// is decoded, and errors quote no more than an account's length of it.
func ParseAccountID(s string) (AccountID, error) {
	var a AccountID
	s = strings.TrimSpace(s)
	if len(s) > maxAccountText {
		return a, fmt.Errorf("%w: %d bytes, longer than an SS58 address (%d characters at most) or a 0x hex key (%d)",
			wallet.ErrBadAddress, len(s), wallet.MaxSS58Length, maxAccountText)
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := hex.DecodeString(s[2:])
		if err != nil || len(b) != len(a) {
			return a, fmt.Errorf("types: account %q: want 0x and 64 hex characters", s)
		}
		copy(a[:], b)
		return a, nil
	}
	pub, _, err := wallet.SS58Decode(s)
	if err != nil {
		return a, err
	}
	return AccountID(pub), nil
}

// MustParseAccountID is ParseAccountID for constants; it panics on error.
func MustParseAccountID(s string) AccountID {
	a, err := ParseAccountID(s)
	if err != nil {
		panic(err)
	}
	return a
}

// MarshalJSON writes the SS58 address.
func (a AccountID) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON reads an SS58 address or 0x hex key.
func (a *AccountID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("types: account must be a string: %w", err)
	}
	v, err := ParseAccountID(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
