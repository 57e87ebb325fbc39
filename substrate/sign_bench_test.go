package substrate

import (
	"os"
	"testing"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/scale"
	"github.com/go-bittensor/bittensor/wallet"
)

// BenchmarkSignTransfer builds and signs a Balances.transfer_keep_alive as
// Client.Sign does once it knows the block and nonce: encode the call, fill
// the signed extensions, sign with sr25519, encode the extrinsic.
func BenchmarkSignTransfer(b *testing.B) {
	raw, err := os.ReadFile("metadata/testdata/metadata_at_version_15.scale")
	if err != nil {
		b.Fatal(err)
	}
	rt, err := metadata.ParseOpaque(raw)
	if err != nil {
		b.Fatal(err)
	}
	alice, err := wallet.KeypairFromURI("//Alice")
	if err != nil {
		b.Fatal(err)
	}
	bob, _ := wallet.KeypairFromURI("//Bob")
	dest := bob.PublicKey()
	c := &Client{genesis: Hash{1}}
	v := RuntimeVersion{SpecVersion: 218, TransactionVersion: 1}
	birth := Header{Number: 1234, Hash: Hash{2}}
	b.ReportAllocs()
	for b.Loop() {
		call, err := rt.EncodeCall("Balances", "transfer_keep_alive", scale.NewVariant("Id", scale.NamedValue{Value: scale.NewBytes(dest[:])}), uint64(1_000_000_000))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.sign(rt, v, birth, call, alice, 7, SignOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
