package wallet

import (
	"crypto/ed25519"
	"os"
	"testing"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
)

// Benchmarks recorded in BENCHMARKS.md. The KDF-bound ones take seconds per
// operation: run them with -benchtime=3x.

var benchMsg = []byte("1234567890.5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY.5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty.f81d4fae-7dec-11d0-a765-00a0c91e6bf6.a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")

func BenchmarkSign(b *testing.B) {
	kp, _ := KeypairFromMnemonic(k2Phrase)
	for b.Loop() {
		if _, err := kp.Sign(benchMsg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	kp, _ := KeypairFromMnemonic(k2Phrase)
	sig, _ := kp.Sign(benchMsg)
	for b.Loop() {
		if !kp.Verify(benchMsg, sig) {
			b.Fatal("invalid")
		}
	}
}

// Baselines: the same sr25519 operations with go-schnorrkel directly, and
// Ed25519 from the standard library.

func BenchmarkBaselineSchnorrkelSign(b *testing.B) {
	sk := schnorrkelKey(b)
	for b.Loop() {
		if _, err := sk.Sign(schnorrkel.NewSigningContext([]byte("substrate"), benchMsg)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBaselineSchnorrkelVerify(b *testing.B) {
	sk := schnorrkelKey(b)
	pk, _ := sk.Public()
	sig, _ := sk.Sign(schnorrkel.NewSigningContext([]byte("substrate"), benchMsg))
	for b.Loop() {
		if ok, _ := pk.Verify(sig, schnorrkel.NewSigningContext([]byte("substrate"), benchMsg)); !ok {
			b.Fatal("invalid")
		}
	}
}

func schnorrkelKey(b *testing.B) *schnorrkel.SecretKey {
	b.Helper()
	seed, _ := MiniSecretFromMnemonic(k2Phrase)
	var raw [32]byte
	copy(raw[:], seed)
	msk, err := schnorrkel.NewMiniSecretKeyFromRaw(raw)
	if err != nil {
		b.Fatal(err)
	}
	return msk.ExpandEd25519()
}

func BenchmarkBaselineEd25519Sign(b *testing.B) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	for b.Loop() {
		ed25519.Sign(priv, benchMsg)
	}
}

func BenchmarkBaselineEd25519Verify(b *testing.B) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	sig := ed25519.Sign(priv, benchMsg)
	pub := priv.Public().(ed25519.PublicKey)
	for b.Loop() {
		if !ed25519.Verify(pub, benchMsg, sig) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkNaClEncrypt(b *testing.B) {
	plain := MarshalKeyfile(mustK2(b), LayoutPython)
	for b.Loop() {
		if _, err := Encrypt(plain, specPassword); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNaClDecrypt(b *testing.B) {
	data, err := os.ReadFile("testdata/nacl_pynacl.bin")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decrypt(data, specPassword); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFernetDecrypt(b *testing.B) {
	data, err := os.ReadFile("testdata/fernet_legacy.txt")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decrypt(data, specPassword); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnsibleVaultDecrypt(b *testing.B) {
	data, err := os.ReadFile("testdata/ansible_vault.txt")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decrypt(data, specPassword); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseKeyfile(b *testing.B) {
	data := MarshalKeyfile(mustK2(b), LayoutPython)
	for b.Loop() {
		if _, err := ParseKeyfile(data); err != nil {
			b.Fatal(err)
		}
	}
}

func mustK2(b *testing.B) *Keypair {
	b.Helper()
	kp, err := KeypairFromMnemonic(k2Phrase)
	if err != nil {
		b.Fatal(err)
	}
	return kp
}
