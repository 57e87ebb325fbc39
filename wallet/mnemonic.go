package wallet

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"strings"

	"github.com/cosmos/go-bip39"
)

// ErrBadMnemonic is wrapped by every mnemonic validation error.
var ErrBadMnemonic = errors.New("invalid mnemonic")

// ValidWordCounts are the mnemonic lengths Bittensor accepts.
var ValidWordCounts = []int{12, 15, 18, 21, 24}

// NewMnemonic returns a fresh BIP39 English mnemonic of nWords words (12,
// 15, 18, 21 or 24) from the operating system's random source.
func NewMnemonic(nWords int) (string, error) {
	if !validWordCount(nWords) {
		return "", fmt.Errorf("wallet: mnemonic length must be one of %v words, got %d", ValidWordCounts, nWords)
	}
	entropy, err := bip39.NewEntropy(nWords / 3 * 32)
	if err != nil {
		return "", fmt.Errorf("wallet: entropy: %w", err)
	}
	return bip39.NewMnemonic(entropy)
}

// NormalizeMnemonic lower-cases the phrase and collapses white space.
func NormalizeMnemonic(phrase string) string {
	return strings.Join(strings.Fields(strings.ToLower(phrase)), " ")
}

// MnemonicEntropy validates a BIP39 English mnemonic and returns its
// entropy. Errors name the problem: the word count, the first unknown word
// and its position, or a failed checksum.
func MnemonicEntropy(phrase string) ([]byte, error) {
	words := strings.Fields(strings.ToLower(phrase))
	if !validWordCount(len(words)) {
		return nil, fmt.Errorf("%w: %d words, must be one of %v", ErrBadMnemonic, len(words), ValidWordCounts)
	}
	// Concatenate the 11-bit word indices, most significant bit first.
	nbits := len(words) * 11
	bits := make([]byte, (nbits+7)/8)
	for i, w := range words {
		idx, ok := bip39.ReverseWordMap[w]
		if !ok {
			return nil, fmt.Errorf("%w: word %d (%q) is not in the BIP39 English word list", ErrBadMnemonic, i+1, w)
		}
		for b := 0; b < 11; b++ {
			if idx&(1<<(10-b)) != 0 {
				pos := i*11 + b
				bits[pos/8] |= 0x80 >> (pos % 8)
			}
		}
	}
	csBits := nbits / 33
	entropy := bits[:(nbits-csBits)/8]
	sum := sha256.Sum256(entropy)
	for b := 0; b < csBits; b++ {
		pos := nbits - csBits + b
		got := bits[pos/8]&(0x80>>(pos%8)) != 0
		want := sum[0]&(0x80>>b) != 0
		if got != want {
			return nil, fmt.Errorf("%w: checksum does not match (a word is wrong or out of order)", ErrBadMnemonic)
		}
	}
	return append([]byte(nil), entropy...), nil
}

// MiniSecretFromMnemonic returns the 32-byte mini-secret of a mnemonic as
// substrate-bip39 computes it: PBKDF2-HMAC-SHA512 over the entropy with salt
// "mnemonic" (no passphrase) and 2048 rounds, first 32 bytes.
func MiniSecretFromMnemonic(phrase string) ([]byte, error) {
	entropy, err := MnemonicEntropy(phrase)
	if err != nil {
		return nil, err
	}
	seed, err := pbkdf2.Key(sha512.New, string(entropy), []byte("mnemonic"), 2048, 64)
	if err != nil {
		return nil, fmt.Errorf("wallet: pbkdf2: %w", err)
	}
	return seed[:SeedSize], nil
}

func validWordCount(n int) bool {
	for _, v := range ValidWordCounts {
		if n == v {
			return true
		}
	}
	return false
}
