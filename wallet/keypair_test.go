package wallet

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Mnemonics with their BIP39 entropy, mini-secret and keys, as Substrate's
// subkey and Bittensor 6.x derive them: K1 the Substrate dev phrase, K2 the
// phrase of Bittensor's tests/unit_tests/test_keyfile.py.
func TestMnemonicVectors(t *testing.T) {
	tests := []struct {
		name, phrase, entropy, mini, secret64, pub, ss58 string
	}{
		{
			name:    "K1 dev phrase",
			phrase:  DevPhrase,
			entropy: "1a486a5fbe53639984cb64b070755f7b",
			mini:    "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
			pub:     "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
			ss58:    "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV",
		},
		{
			name:     "K2",
			phrase:   "old leopard transfer rib spatial phone calm indicate online fire caution review",
			entropy:  "9a100b9cdc7d09470823979aeae492dc",
			mini:     "da3cf5b1e9144931a0f0db65664aab662673b099415a7f8121b7245fb0be4143",
			secret64: "1f1995bdf3a17b60626a26cfe6f564b337d46056b7a1281b64c649d592ccda0a9cffd34d9fb01cae1fba61aeed184c817442a2186d5172416729a4b54dd4b84e",
			pub:      "e4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446",
			ss58:     "5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ent, err := MnemonicEntropy(tt.phrase)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(ent); got != tt.entropy {
				t.Errorf("entropy = %s, want %s", got, tt.entropy)
			}
			k, err := KeypairFromMnemonic(tt.phrase)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(k.Seed()); got != tt.mini {
				t.Errorf("mini = %s, want %s", got, tt.mini)
			}
			pub := k.PublicKey()
			if got := hex.EncodeToString(pub[:]); got != tt.pub {
				t.Errorf("pub = %s, want %s", got, tt.pub)
			}
			if got := k.SS58Address(); got != tt.ss58 {
				t.Errorf("ss58 = %s, want %s", got, tt.ss58)
			}
			if tt.secret64 != "" {
				priv, err := k.PrivateKey()
				if err != nil {
					t.Fatal(err)
				}
				if got := hex.EncodeToString(priv); got != tt.secret64 {
					t.Errorf("secret64 = %s, want %s", got, tt.secret64)
				}
				// The 64-byte secret alone rebuilds the same key.
				k2, err := KeypairFromPrivateKey(priv)
				if err != nil {
					t.Fatal(err)
				}
				if k2.SS58Address() != tt.ss58 {
					t.Errorf("from private key: %s", k2.SS58Address())
				}
			}
			// The seed alone, hex with and without 0x, rebuilds the same key.
			for _, s := range []string{tt.mini, "0x" + tt.mini} {
				k3, err := KeypairFromSeedHex(s)
				if err != nil {
					t.Fatal(err)
				}
				if k3.SS58Address() != tt.ss58 {
					t.Errorf("from seed %s: %s", s, k3.SS58Address())
				}
			}
		})
	}
}

func TestSS58FormatZero(t *testing.T) {
	pub := mustHex(t, "e4359ad3e2716c539a1d663ebd0a51bdc5c98a12e663bb4c4402db47828c9446")
	if got := SS58Encode(pub, 0); got != "16ADqpMa4yzfmWs3nuTSMhfZ2ckeGtvqhPWCNqECEGDcGgU2" {
		t.Errorf("format 0 = %s", got)
	}
	// K5.
	pub5 := mustHex(t, "32939b6abc4d81f02dff04d2b8d1d01cc8e71c5e4c7492e4fa6a238cdca3512f")
	if got := SS58Encode(pub5, 42); got != "5DD26kC2kxajmwfbbZmVmxhrY9VeeyR1Gpzy9i8wxLUg6zxm" {
		t.Errorf("K5 = %s", got)
	}
}

func TestSS58RoundTrip(t *testing.T) {
	pub := mustHex(t, "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
	for _, format := range []uint16{0, 2, 42, 63, 64, 255, 1000, 16383} {
		addr := SS58Encode(pub, format)
		got, f, err := SS58Decode(addr)
		if err != nil {
			t.Fatalf("format %d: %v", format, err)
		}
		if f != format || string(got[:]) != string(pub) {
			t.Errorf("format %d: decoded format %d key %x", format, f, got)
		}
	}
}

// TestMaxSS58Length checks the bound SS58Decode applies before decoding:
// no 32-byte account of any format encodes longer, and some encode exactly
// that long.
func TestMaxSS58Length(t *testing.T) {
	longest := 0
	for _, fill := range []byte{0x00, 0xff} {
		pub := bytes.Repeat([]byte{fill}, PublicKeySize)
		for format := uint16(0); format < 16384; format++ {
			addr := SS58Encode(pub, format)
			if len(addr) > MaxSS58Length {
				t.Fatalf("format %d: %q is %d characters, over MaxSS58Length", format, addr, len(addr))
			}
			longest = max(longest, len(addr))
			if _, f, err := SS58Decode(addr); err != nil || f != format {
				t.Fatalf("format %d: decode %q: %v (format %d)", format, addr, err, f)
			}
		}
	}
	if longest != MaxSS58Length {
		t.Errorf("longest address is %d characters; MaxSS58Length %d is not tight", longest, MaxSS58Length)
	}
}

func TestSS58DecodeErrors(t *testing.T) {
	good := "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	tests := []struct {
		name, addr, want string
	}{
		{"empty", "", "empty"},
		{"bad char 0", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y", "not base58"},
		{"bad char l", "l" + good[1:], "position 1"},
		{"checksum", good[:47] + "Z", "checksum"},
		{"short", good[:40], "bytes"},
		{"long", good + "1", "bytes"},
		{"huge", strings.Repeat(good, 1<<15), "longer than any address"},
		{"one past the longest", strings.Repeat("z", MaxSS58Length+1), "longer than any address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := SS58Decode(tt.addr)
			if err == nil {
				t.Fatalf("SS58Decode(%q) succeeded", tt.addr)
			}
			if !errors.Is(err, ErrBadAddress) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to mention %q", err, tt.want)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error is %d bytes long; it must not echo the whole input", len(err.Error()))
			}
		})
	}
	if !IsValidSS58(good) {
		t.Error("good address rejected")
	}
}

func TestURIVectors(t *testing.T) {
	tests := []struct {
		uri, pub, ss58 string
	}{
		{"//Alice", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"},
		{DevPhrase + "//Alice", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", ""},
		{"//Bob", "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"},
		// sp_core derive_soft_known_pair_should_work.
		{"/Alice", "d6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e", ""},
		{DevPhrase, "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			k, err := KeypairFromURI(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			pub := k.PublicKey()
			if got := hex.EncodeToString(pub[:]); got != tt.pub {
				t.Errorf("pub = %s, want %s", got, tt.pub)
			}
			if tt.ss58 != "" && k.SS58Address() != tt.ss58 {
				t.Errorf("ss58 = %s, want %s", k.SS58Address(), tt.ss58)
			}
		})
	}
}

func TestURIChains(t *testing.T) {
	// A hard path keeps its derived mini-secret: the seed alone gives the key.
	k, err := KeypairFromURI("//Alice//stash")
	if err != nil {
		t.Fatal(err)
	}
	if k.Seed() == nil || k.Mnemonic() != "" {
		t.Fatalf("hard-derived key: seed %v mnemonic %q", k.Seed() != nil, k.Mnemonic())
	}
	k2, err := KeypairFromSeed(k.Seed())
	if err != nil || k2.SS58Address() != k.SS58Address() {
		t.Fatalf("seed of //Alice//stash does not rebuild it: %v", err)
	}
	// //Alice//stash is the well-known Alice stash account.
	if got := k.SS58Address(); got != "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY" {
		t.Errorf("//Alice//stash = %s", got)
	}
	// Soft below hard, numeric junctions, and a hex-seed root all derive and sign.
	for _, uri := range []string{"//Alice/soft", "//Alice//1/2", "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e//Alice"} {
		k, err := KeypairFromURI(uri)
		if err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
		sig, err := k.Sign([]byte("x"))
		if err != nil || !k.Verify([]byte("x"), sig) {
			t.Errorf("%s: sign/verify failed: %v", uri, err)
		}
	}
	// A hex-seed root equals the phrase it came from.
	a, _ := KeypairFromURI("//Alice")
	b, _ := KeypairFromURI("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e//Alice")
	if a.SS58Address() != b.SS58Address() {
		t.Errorf("hex root //Alice = %s, want %s", b, a)
	}
	// Soft derivation is deterministic in its public key.
	s1, _ := KeypairFromURI("//Alice/soft")
	s2, _ := KeypairFromURI("//Alice/soft")
	if s1.SS58Address() != s2.SS58Address() || s1.Seed() != nil {
		t.Error("soft derivation not repeatable or kept a seed")
	}
}

func TestURIErrors(t *testing.T) {
	for _, uri := range []string{"", "//Alice///pw", "//Alice//", "not a valid phrase//x", "0x1234//Alice"} {
		if _, err := KeypairFromURI(uri); !errors.Is(err, ErrBadURI) {
			t.Errorf("KeypairFromURI(%q) = %v, want ErrBadURI", uri, err)
		}
	}
}

func TestMnemonicErrors(t *testing.T) {
	tests := []struct {
		phrase, want string
	}{
		{"old leopard transfer", "3 words"},
		{"old leopard transfer rib spatial phone calm indicate online fire caution zzzz", `word 12 ("zzzz")`},
		{"leopard old transfer rib spatial phone calm indicate online fire caution review", "checksum"},
	}
	for _, tt := range tests {
		_, err := KeypairFromMnemonic(tt.phrase)
		if !errors.Is(err, ErrBadMnemonic) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.phrase, err, tt.want)
		}
	}
}

func TestGenerateAllLengths(t *testing.T) {
	for _, n := range ValidWordCounts {
		k, err := GenerateKeypair(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(strings.Fields(k.Mnemonic())); got != n {
			t.Errorf("%d words requested, got %d", n, got)
		}
		again, err := KeypairFromMnemonic(k.Mnemonic())
		if err != nil || again.SS58Address() != k.SS58Address() {
			t.Errorf("%d words: regenerated key differs (%v)", n, err)
		}
	}
	if _, err := NewMnemonic(13); err == nil {
		t.Error("13 words accepted")
	}
}

func TestSignVerify(t *testing.T) {
	alice, _ := KeypairFromURI("//Alice")
	bob, _ := KeypairFromURI("//Bob")
	msg := []byte("hello bittensor")
	sig, err := alice.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !alice.Verify(msg, sig) || !Verify(alice.PublicKey(), msg, sig) {
		t.Error("valid signature rejected")
	}
	if bob.Verify(msg, sig) {
		t.Error("signature verified under the wrong key")
	}
	if alice.Verify([]byte("hello bittensoR"), sig) {
		t.Error("signature verified for another message")
	}
	bad := append([]byte(nil), sig...)
	bad[10] ^= 1
	if alice.Verify(msg, bad) || alice.Verify(msg, sig[:63]) {
		t.Error("corrupt signature accepted")
	}
	// <Bytes> wrapping, as Polkadot-JS signs.
	wsig, _ := alice.Sign([]byte("<Bytes>" + string(msg) + "</Bytes>"))
	if !alice.Verify(msg, wsig) {
		t.Error("<Bytes>-wrapped signature rejected")
	}
	// Public-only keys verify but cannot sign.
	pubOnly := alice.PublicOnly()
	if !pubOnly.Verify(msg, sig) {
		t.Error("public-only key cannot verify")
	}
	if _, err := pubOnly.Sign(msg); !errors.Is(err, ErrPublicOnly) {
		t.Errorf("public-only sign: %v", err)
	}
}

// A signature by //Alice of a synapse request message, made with
// go-schnorrkel.
func TestSignatureVector(t *testing.T) {
	alice, _ := KeypairFromURI("//Alice")
	msg := []byte("1234567890.5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY.5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty.f81d4fae-7dec-11d0-a765-00a0c91e6bf6.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
	sig, err := DecodeSignature("0x3849d4bfc537f5862c7314b9d4fc8e1c71a262d38648e6776fb7da480382cb1abc833f680b26bffb5a4fc3e00aeb5ceda6fce98c2ba8286a028519f9224c8e85")
	if err != nil {
		t.Fatal(err)
	}
	if !alice.Verify(msg, sig) {
		t.Fatal("spec signature vector rejected")
	}
}

func TestMessageBytes(t *testing.T) {
	b, err := MessageBytes("0x6869")
	if err != nil || string(b) != "hi" {
		t.Errorf("hex message = %q, %v", b, err)
	}
	b, _ = MessageBytes("hi there")
	if string(b) != "hi there" {
		t.Errorf("text message = %q", b)
	}
	if _, err := MessageBytes("0xzz"); err == nil {
		t.Error("bad hex accepted")
	}
}

func TestSeedErrors(t *testing.T) {
	for _, s := range []string{"", "0x12", "zz" + strings.Repeat("0", 62), strings.Repeat("0", 66)} {
		if _, err := KeypairFromSeedHex(s); err == nil {
			t.Errorf("seed %q accepted", s)
		}
	}
}
