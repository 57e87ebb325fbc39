package wallet

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrWeakPassword is returned by CheckPasswordStrength. Its text is the
// message Bittensor shows.
var ErrWeakPassword = errors.New("Password not strong enough. Try increasing the length of the password or the password complexity")

// PasswordSource supplies the password of the encrypted keyfile at path. It
// is asked only when a keyfile is encrypted and no password for it was
// found in the environment; it may prompt the user. A nil PasswordSource
// means no password is available, which is fine for unencrypted keyfiles.
type PasswordSource func(path string) (string, error)

// Password returns a PasswordSource that always answers pw.
func Password(pw string) PasswordSource {
	return func(string) (string, error) { return pw, nil }
}

// Password policy of the Python SDK (kolypto password_strength with
// PasswordPolicy.from_names(strength=0.20, entropybits=10, length=6)).
const (
	minPasswordLength   = 6
	minPasswordEntropy  = 10.0
	minPasswordStrength = 0.20
)

// CheckPasswordStrength applies Bittensor's password policy: at least 6
// characters, at least 10 bits of entropy (length × log2 of the number of
// distinct characters) and a strength of at least 0.20, where repeated
// patterns and keyboard or alphabet sequences count against the password.
// It returns nil or an error wrapping ErrWeakPassword.
func CheckPasswordStrength(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < minPasswordLength {
		return fmt.Errorf("%w (use at least %d characters)", ErrWeakPassword, minPasswordLength)
	}
	if passwordEntropyBits(pw) < minPasswordEntropy || passwordStrength(pw) < minPasswordStrength {
		return ErrWeakPassword
	}
	return nil
}

// passwordEntropyBits is length × log2(number of distinct characters).
func passwordEntropyBits(pw string) float64 {
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
	}
	if len(distinct) == 0 {
		return 0
	}
	return float64(utf8.RuneCountInString(pw)) * math.Log2(float64(len(distinct)))
}

// passwordStrength is password_strength's PasswordStats.strength() scaled
// down by its weakness factor (repeated patterns and sequences).
func passwordStrength(pw string) float64 {
	const weakBits, weakMax, hardVal = 30.0, 0.333333333, 0.950
	bits := passwordEntropyBits(pw)
	var s float64
	if bits <= weakBits {
		s = weakMax * bits / weakBits
	} else {
		k := -math.Log2((1-hardVal)/(1-weakMax)) / (weakBits * 3)
		s = 1 - (1-weakMax)*math.Pow(2, -k*(bits-weakBits))
	}
	runes := []rune(pw)
	weakness := float64(repeatedPatternsLength(runes)+sequencesLength(runes)) / float64(len(runes))
	return s * (1 - math.Min(1, weakness))
}

// repeatedPatternsLength is the total length of the non-overlapping matches
// of the regular expression ((.+?)\2+) (case-insensitive), found left to
// right as Python's re.findall does. Go's regexp has no back-references,
// so the search is written out: at each position the shortest unit that
// repeats wins, and it is repeated as often as it can be.
func repeatedPatternsLength(r []rune) int {
	total := 0
	for i := 0; i < len(r); {
		matched := 0
		for unit := 1; i+2*unit <= len(r); unit++ {
			if hasNewline(r[i : i+unit]) {
				break // '.' does not match a newline
			}
			reps := 1
			for i+(reps+1)*unit <= len(r) && foldEqual(r[i:i+unit], r[i+reps*unit:i+(reps+1)*unit]) {
				reps++
			}
			if reps >= 2 {
				matched = reps * unit
				break
			}
		}
		if matched > 0 {
			total += matched
			i += matched
		} else {
			i++
		}
	}
	return total
}

func hasNewline(r []rune) bool { return slices.Contains(r, '\n') }

// foldEqual compares two runs of equal length case-insensitively, as a
// back-reference under re.IGNORECASE does.
func foldEqual(a, b []rune) bool { return strings.EqualFold(string(a), string(b)) }

// passwordSequences are the runs password_strength treats as sequences:
// the alphabet, the keyboard rows, the shifted digit row and the digits.
const passwordSequences = "abcdefghijklmnopqrstuvwxyzqwertyuiopasdfghjklzxcvbnm~!@#$%^&*()_+-=01234567890"

// sequencesLength is the total length of runs of three or more characters
// (compared in lower case) that appear in passwordSequences forwards or
// backwards, taking the longest run at each position.
func sequencesLength(r []rune) int {
	fwd := passwordSequences
	rev := reverse(fwd)
	lower := []rune(strings.ToLower(string(r)))
	if len(lower) != len(r) {
		lower = r // case mapping changed the length; compare as is
	}
	total := 0
	for i := 0; i < len(lower); {
		best := 0
		for j := len(lower); j >= i+3; j-- {
			s := string(lower[i:j])
			if strings.Contains(fwd, s) || strings.Contains(rev, s) {
				best = j - i
				break
			}
		}
		if best > 0 {
			total += best
			i += best
		} else {
			i++
		}
	}
	return total
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// Password environment variables. Two schemes are read:
//
//   - Python SDK 6.x: any variable whose upper-cased name starts with
//     BT_COLD_PW_ and ends with the upper-cased name of the keyfile's
//     directory (the wallet name for a coldkey, HOTKEYS for a hotkey). The
//     value is the password.
//   - Rust btwallet: BT_PW_ followed by the keyfile's full path with '/'
//     and '.' replaced by '_', upper-cased. The value is
//     base64(password XOR the variable name, repeated).
const (
	coldPasswordEnvPrefix = "BT_COLD_PW_"
	btwalletEnvPrefix     = "BT_PW_"
)

// BTWalletPasswordEnvVar returns the name of the btwallet-style password
// variable for the keyfile at path (absolute, with ~ expanded).
func BTWalletPasswordEnvVar(path string) string {
	p := strings.NewReplacer(string(filepath.Separator), "_", ".", "_").Replace(path)
	return btwalletEnvPrefix + strings.ToUpper(p)
}

// EncodeBTWalletPassword returns the value btwallet stores in the password
// variable named name: base64 of the password XORed with the name.
func EncodeBTWalletPassword(name, password string) string {
	return base64.StdEncoding.EncodeToString(xorName([]byte(password), name))
}

func xorName(b []byte, name string) []byte {
	out := make([]byte, len(b))
	for i := range b {
		out[i] = b[i] ^ name[i%len(name)]
	}
	return out
}

// PasswordFromEnv looks for the password of the keyfile at path in the
// environment, in the btwallet scheme first and then the 6.x scheme (see
// above). It returns the password and the variable it came from, or ok ==
// false. When several 6.x variables match, the exact BT_COLD_PW_<NAME> is
// preferred, then the first in sorted order. A btwallet variable that does
// not decode is an error naming it.
func PasswordFromEnv(path string) (password, variable string, ok bool, err error) {
	bt := BTWalletPasswordEnvVar(path)
	if v, found := os.LookupEnv(bt); found {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			return "", bt, false, fmt.Errorf("wallet: environment variable %s is not base64 (btwallet password encoding): %w", bt, err)
		}
		pw := xorName(raw, bt)
		if !utf8.Valid(pw) {
			return "", bt, false, fmt.Errorf("wallet: environment variable %s does not decode to UTF-8 text", bt)
		}
		return string(pw), bt, true, nil
	}

	name := strings.ToUpper(filepath.Base(filepath.Dir(path)))
	exact := coldPasswordEnvPrefix + name
	var candidates []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		u := strings.ToUpper(k)
		if strings.HasPrefix(u, coldPasswordEnvPrefix) && strings.HasSuffix(u, name) {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return "", "", false, nil
	}
	slices.SortFunc(candidates, func(a, b string) int {
		ae, be := strings.ToUpper(a) == exact, strings.ToUpper(b) == exact
		switch {
		case ae && !be:
			return -1
		case be && !ae:
			return 1
		}
		return strings.Compare(a, b)
	})
	return os.Getenv(candidates[0]), candidates[0], true, nil
}

// ColdPasswordEnvVar returns the 6.x-style password variable for the
// keyfile at path: BT_COLD_PW_ and the upper-cased name of its directory.
func ColdPasswordEnvVar(path string) string {
	return coldPasswordEnvPrefix + strings.ToUpper(filepath.Base(filepath.Dir(path)))
}
