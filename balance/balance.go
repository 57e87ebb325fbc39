// Package balance represents amounts of TAO exactly, in RAO (1 TAO = 10⁹
// RAO), and converts them to and from the text forms Bittensor users know:
// "τ1,234.500000000" for TAO and "ρ1234" for RAO.
//
// Amounts are never floating point: parsing "0.1" gives exactly
// 100,000,000 RAO.
package balance

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// RAOPerTAO is the number of RAO in one TAO.
const RAOPerTAO = 1_000_000_000

// Decimals is the number of decimal places of TAO that RAO can express.
const Decimals = 9

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("balance: invalid amount")

// Balance is an amount in RAO. The zero value is zero.
type Balance uint64

// FromTAO returns whole TAO as a Balance. It panics on overflow, which for
// constants is a programming error; parse user input with ParseTAO.
func FromTAO(tao uint64) Balance {
	hi, lo := bits.Mul64(tao, RAOPerTAO)
	if hi != 0 {
		panic(fmt.Sprintf("balance: %d TAO overflows", tao))
	}
	return Balance(lo)
}

// RAO returns the amount in RAO.
func (b Balance) RAO() uint64 { return uint64(b) }

// String formats the amount as TAO with the τ sign, thousands separators
// and nine decimals, as Bittensor prints balances: τ1,234.500000000.
func (b Balance) String() string {
	return "τ" + b.TAOString()
}

// TAOString is String without the τ sign.
func (b Balance) TAOString() string {
	whole := uint64(b) / RAOPerTAO
	frac := uint64(b) % RAOPerTAO
	return groupThousands(strconv.FormatUint(whole, 10)) + "." + fmt.Sprintf("%09d", frac)
}

// RAOString formats the amount in RAO with the ρ sign: ρ1234.
func (b Balance) RAOString() string { return "ρ" + strconv.FormatUint(uint64(b), 10) }

// Add returns b+o and false if the sum overflows.
func (b Balance) Add(o Balance) (Balance, bool) {
	s, carry := bits.Add64(uint64(b), uint64(o), 0)
	return Balance(s), carry == 0
}

// Sub returns b-o and false if o is larger than b.
func (b Balance) Sub(o Balance) (Balance, bool) {
	if o > b {
		return 0, false
	}
	return b - o, true
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var sb strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		sb.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(s[i : i+3])
	}
	return sb.String()
}

// ParseTAO parses an amount of TAO written as a decimal number, such as
// "1", "0.5", "1,234.000000001" or "τ2.5". At most nine decimals are allowed
// (one RAO); negative, empty, malformed and overflowing amounts are errors.
func ParseTAO(s string) (Balance, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "τ")
	t = strings.ReplaceAll(t, ",", "")
	t = strings.ReplaceAll(t, "_", "")
	if t == "" {
		return 0, fmt.Errorf("%w %q: empty", ErrInvalid, s)
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("%w %q: negative", ErrInvalid, s)
	}
	t = strings.TrimPrefix(t, "+")
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%w %q: no digits", ErrInvalid, s)
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%w %q: not a decimal number", ErrInvalid, s)
	}
	if len(frac) > Decimals {
		if strings.Trim(frac[Decimals:], "0") != "" {
			return 0, fmt.Errorf("%w %q: more than %d decimals (smaller than 1 RAO)", ErrInvalid, s, Decimals)
		}
		frac = frac[:Decimals]
	}
	var w uint64
	if whole != "" {
		var err error
		w, err = strconv.ParseUint(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w %q: too large", ErrInvalid, s)
		}
	}
	f := uint64(0)
	if frac != "" {
		f, _ = strconv.ParseUint(frac+strings.Repeat("0", Decimals-len(frac)), 10, 64)
	}
	hi, lo := bits.Mul64(w, RAOPerTAO)
	sum, carry := bits.Add64(lo, f, 0)
	if hi != 0 || carry != 0 {
		return 0, fmt.Errorf("%w %q: too large (max %s TAO)", ErrInvalid, s, Balance(math.MaxUint64).TAOString())
	}
	return Balance(sum), nil
}

// ParseRAO parses a whole number of RAO, optionally with the ρ sign.
func ParseRAO(s string) (Balance, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "ρ")
	t = strings.ReplaceAll(strings.ReplaceAll(t, ",", ""), "_", "")
	if t == "" || !allDigits(t) {
		return 0, fmt.Errorf("%w %q: not a whole number of RAO", ErrInvalid, s)
	}
	v, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w %q: too large", ErrInvalid, s)
	}
	return Balance(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
