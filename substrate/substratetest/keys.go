package substratetest

import (
	"testing"

	"github.com/go-bittensor/bittensor/wallet"
)

// DevURIs returns the well-known development accounts' secret URIs. Only
// //Alice holds funds on the chain (1,000,000 TAO) and she is the sudo key;
// give the others funds with Chain.Fund or a transfer.
func DevURIs() []string {
	return []string{"//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"}
}

// Keypair returns the sr25519 keypair of a secret URI such as "//Alice" or
// "//Alice//stash" (wallet.KeypairFromURI), failing t on a bad URI.
func Keypair(t testing.TB, uri string) *wallet.Keypair {
	t.Helper()
	kp, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatalf("substratetest: dev keypair %q: %v", uri, err)
	}
	return kp
}

// Alice returns //Alice, the funded sudo account of the chain.
func Alice(t testing.TB) *wallet.Keypair { return Keypair(t, "//Alice") }

// Bob returns //Bob (no funds until given some).
func Bob(t testing.TB) *wallet.Keypair { return Keypair(t, "//Bob") }
