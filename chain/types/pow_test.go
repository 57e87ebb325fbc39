package types

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/sha3"
)

func unhex32(t *testing.T, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad hex %q", s)
	}
	var out [32]byte
	copy(out[:], b)
	return out
}

// Vectors of Bittensor's tests/unit_tests/utils/test_utils.py
// (github.com/opentensor/bittensor, 6.0 to 6.5).
func TestSealVectors(t *testing.T) {
	h := sha3.NewLegacyKeccak256()
	a := unhex32(t, "c444e4205857add79a0427401aa2518d11e85f32377eff9a946d180a54697459")
	b := unhex32(t, "ba3189e99e75b6097cd94a5ecc771016b83c8432d35d14a03ab731b07112f559")
	h.Write(a[:])
	h.Write(b[:])
	if got := hex.EncodeToString(h.Sum(nil)); got != "7869b61229641b33a355dc34d4ef48f8d82166635237f9f10bcb215b8cb48161" {
		t.Errorf("keccak vector = %s", got)
	}
	// SealInput is exactly that Keccak of block hash ‖ key.
	if got := SealInput(a, AccountID(b)); hex.EncodeToString(got[:]) != "7869b61229641b33a355dc34d4ef48f8d82166635237f9f10bcb215b8cb48161" {
		t.Errorf("SealInput = %x", got)
	}
	bhk := unhex32(t, "ba7ea4eb0b16dee271dbef5911838c3f359fcf598c74da65a54b919b68b67279")
	seal := SealWithInput(bhk, 10)
	if got := hex.EncodeToString(seal[:]); got != "c501423622a8a54644504be439adda74bb3a8764132f86c63a49389b88f0c230" {
		t.Errorf("seal(n=10) = %s", got)
	}
	if !SealMeetsDifficulty(seal, 1) || SealMeetsDifficulty(seal, 2) {
		t.Error("seal c501… should meet difficulty 1 only")
	}
}

// A vector derived from the reference's seal (create_seal_hash:
// keccak256(sha256(nonce LE ‖ keccak256(block hash ‖ hotkey)))): Alice's key
// over a zero block hash.
func TestSealAlice(t *testing.T) {
	alice := MustParseAccountID("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
	in := SealInput([32]byte{}, alice)
	if got := hex.EncodeToString(in[:]); got != "c0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f" {
		t.Errorf("inner = %s", got)
	}
	for nonce, want := range map[uint64]string{
		0: "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f",
		1: "117e98c05c4baec0e9e394725c304dad23e4acf1e1a4651370ae5398b8c8918a",
	} {
		s := Seal([32]byte{}, alice, nonce)
		if got := hex.EncodeToString(s[:]); got != want {
			t.Errorf("nonce %d: %s, want %s", nonce, got, want)
		}
	}
	first := uint64(0)
	for n := uint64(0); ; n++ {
		if SealMeetsDifficulty(Seal([32]byte{}, alice, n), 1000) {
			first = n
			break
		}
	}
	s := Seal([32]byte{}, alice, first)
	if first != 1538 || hex.EncodeToString(s[:]) != "0014f6c132076feed4d52476596c33f1f0960171ea2d448f310c16c29f845e16" {
		t.Errorf("first nonce for D=1000: %d %x", first, s)
	}
}

func TestSealMeetsDifficultyEdges(t *testing.T) {
	var max [32]byte
	for i := range max {
		max[i] = 0xff
	}
	var half [32]byte
	half[0] = 0x80 // 2^255
	tests := []struct {
		seal [32]byte
		d    uint64
		want bool
	}{
		{[32]byte{}, ^uint64(0), true},
		{max, 1, true},
		{max, 2, false},
		{half, 1, true},
		{half, 2, false}, // 2^256 overflows
	}
	for i, tt := range tests {
		if got := SealMeetsDifficulty(tt.seal, tt.d); got != tt.want {
			t.Errorf("case %d: %v", i, got)
		}
	}
}

// BenchmarkSealWithInput is the proof-of-work hash rate of one core: one
// op is one nonce tried. The baselines are its two hashes alone.
func BenchmarkSealWithInput(b *testing.B) {
	in := SealInput([32]byte{1}, AccountID{2})
	var n uint64
	for b.Loop() {
		SealWithInput(in, n)
		n++
	}
}

func BenchmarkBaselineSHA256Of40Bytes(b *testing.B) {
	var pre [40]byte
	for b.Loop() {
		pre[0]++
		sha256.Sum256(pre[:])
	}
}

func BenchmarkBaselineKeccak256Of32Bytes(b *testing.B) {
	var in [32]byte
	var out [32]byte
	for b.Loop() {
		in[0]++
		h := sha3.NewLegacyKeccak256()
		h.Write(in[:])
		h.Sum(out[:0])
	}
}
