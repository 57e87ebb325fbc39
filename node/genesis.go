package node

import (
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// DevAccounts are the well-known development keys prefunded on a dev chain,
// as on every Substrate development chain.
var DevAccounts = []string{"//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"}

// DevAccountBalance is what each dev account holds at genesis.
const DevAccountBalance = 100_000 * balance.RAOPerTAO

// DevChainID is the chain id of `subtensor dev`.
const DevChainID = "subtensor-dev"

// DevGenesis is the genesis of a development chain: the reference
// parameters, the dev accounts funded, //Alice as sudo, and the faucet on.
func DevGenesis() (chain.Genesis, error) {
	g := chain.DefaultGenesis()
	g.Params.Faucet.Enabled = true
	for _, uri := range DevAccounts {
		k, err := wallet.KeypairFromURI(uri)
		if err != nil {
			return g, fmt.Errorf("node: dev account %s: %w", uri, err)
		}
		g.Balances = append(g.Balances, chain.GenesisBalance{Address: types.AccountID(k.PublicKey()), Free: DevAccountBalance})
	}
	alice := g.Balances[0].Address
	g.Sudo = &alice
	return g, nil
}
