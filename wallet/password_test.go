package wallet

import (
	"errors"
	"path/filepath"
	"testing"
)

// Passwords Bittensor 6.x's policy (keyfile.py, validate_password) refuses
// and accepts.
func TestPasswordPolicyVectors(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"passw0rd", false},
		{"password", false},
		{"123456789", false},
		{"abcdef", false},
		{"pass", false},
		{"aaaaaaaaaa", false},
		{"", false},
		{"biTTensor", true},
		{"asdury3294y", true},
		{"thisisafakepassword", true},
		{"bittensor-test", true},
	}
	for _, tt := range tests {
		err := CheckPasswordStrength(tt.pw)
		if (err == nil) != tt.ok {
			t.Errorf("%q: err = %v, want ok=%v", tt.pw, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("%q: %v does not wrap ErrWeakPassword", tt.pw, err)
		}
	}
}

func TestPasswordStrengthParts(t *testing.T) {
	tests := []struct {
		pw            string
		repeated, seq int
	}{
		{"passw0rd", 2, 3},   // "ss"; "pas" of the keyboard row
		{"biTTensor", 2, 0},  // "TT"
		{"abcabcx", 6, 6},    // "abcabc" repeats; "abc" twice is a sequence
		{"AbAbAb", 6, 0},     // case-insensitive repeat
		{"123456789", 0, 9},  // digits
		{"zyxw", 0, 4},       // reversed alphabet
		{"qwerty1", 0, 6},    // keyboard row
		{"a\na\n", 0, 0},     // '.' does not match a newline
		{"xyzxyzxyz", 9, 9},  // both
		{"éÉé12", 3, 0},      // Unicode case folding
		{"mnbvcxz", 0, 7},    // reversed bottom row
		{"no-repeats", 0, 0}, // nothing
	}
	for _, tt := range tests {
		r := []rune(tt.pw)
		if got := repeatedPatternsLength(r); got != tt.repeated {
			t.Errorf("repeated(%q) = %d, want %d", tt.pw, got, tt.repeated)
		}
		if got := sequencesLength(r); got != tt.seq {
			t.Errorf("sequences(%q) = %d, want %d", tt.pw, got, tt.seq)
		}
	}
}

func TestPasswordFromEnv(t *testing.T) {
	path := filepath.Join("/home/u/.bittensor/wallets", "my-wallet", "coldkey")
	hotkey := filepath.Join("/home/u/.bittensor/wallets", "my-wallet", "hotkeys", "default")

	if _, _, ok, err := PasswordFromEnv(path); ok || err != nil {
		t.Fatalf("empty environment: ok=%v err=%v", ok, err)
	}

	// 6.x scheme: prefix BT_COLD_PW_, suffix the directory name.
	t.Setenv("BT_COLD_PW_MY-WALLET", "six-x-password")
	pw, v, ok, err := PasswordFromEnv(path)
	if err != nil || !ok || pw != "six-x-password" || v != "BT_COLD_PW_MY-WALLET" {
		t.Errorf("6.x exact: %q %q %v %v", pw, v, ok, err)
	}
	// The exact name wins over another matching variable.
	t.Setenv("BT_COLD_PW_AAA_MY-WALLET", "other")
	if pw, _, _, _ := PasswordFromEnv(path); pw != "six-x-password" {
		t.Errorf("exact variable not preferred: %q", pw)
	}
	// Hotkeys match on HOTKEYS, case-insensitively on the variable name.
	t.Setenv("bt_cold_pw_hotkeys", "hot-password")
	if pw, _, ok, _ := PasswordFromEnv(hotkey); !ok || pw != "hot-password" {
		t.Errorf("hotkey: %q %v", pw, ok)
	}

	// btwallet scheme takes precedence and is XOR+base64 encoded.
	name := BTWalletPasswordEnvVar(path)
	if name != "BT_PW__HOME_U__BITTENSOR_WALLETS_MY-WALLET_COLDKEY" {
		t.Errorf("btwallet variable name %q", name)
	}
	t.Setenv(name, EncodeBTWalletPassword(name, "btwallet-pässword"))
	pw, v, ok, err = PasswordFromEnv(path)
	if err != nil || !ok || pw != "btwallet-pässword" || v != name {
		t.Errorf("btwallet: %q %q %v %v", pw, v, ok, err)
	}
	t.Setenv(name, "not base64!")
	if _, _, _, err := PasswordFromEnv(path); err == nil {
		t.Error("bad base64 accepted")
	}
}

func TestEncodeBTWalletPasswordKnownAnswer(t *testing.T) {
	// "ab" XOR "BT" = 0x23 0x36 → base64 "IzY=".
	if got := EncodeBTWalletPassword("BT", "ab"); got != "IzY=" {
		t.Errorf("got %q", got)
	}
}
