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
// parameters where they do not get in the way, and short periods and small
// prices where they would, so that everything can be tried at once: the dev
// accounts funded, //Alice as sudo, the faucet on, subnets creatable at
// once for a small lock (no network or staking rate limit), registration by
// burn and by a proof of work a CPU solves in about a second, short tempos,
// immunity and adjustment intervals, and governance to try at once:
// //Alice, //Bob and //Charlie are the triumvirate and proposals may be
// voted on for as little as DevMotionDuration blocks (root_register fills
// the senate).
func DevGenesis() (chain.Genesis, error) {
	g := chain.DefaultGenesis()
	g.Params.Faucet.Enabled = true

	p := &g.Params.Subtensor
	p.TxRateLimit = 0
	p.NetworkRateLimit = 0
	p.NetworkMinLockCost = 10 * balance.RAOPerTAO
	p.NetworkLockReductionInterval = 1000
	p.NetworkImmunityPeriod = 500
	p.SubnetDefaults = devHyperparams(p.SubnetDefaults)
	g.Root = devHyperparams(g.Root)
	g.Root.MaxAllowedUids, g.Root.MaxAllowedValidators = 64, 64
	g.Root.MinAllowedWeights = 0
	g.Root.NetworkPowRegistrationAllowed = false

	for _, uri := range DevAccounts {
		k, err := wallet.KeypairFromURI(uri)
		if err != nil {
			return g, fmt.Errorf("node: dev account %s: %w", uri, err)
		}
		g.Balances = append(g.Balances, chain.GenesisBalance{Address: types.AccountID(k.PublicKey()), Free: DevAccountBalance})
	}
	alice := g.Balances[0].Address
	g.Sudo = &alice
	g.Params.Governance.MotionDuration = DevMotionDuration
	for _, b := range g.Balances[:3] {
		g.Triumvirate = append(g.Triumvirate, b.Address)
	}
	return g, nil
}

// DevMotionDuration is the shortest voting period of a dev chain's
// proposals, in blocks (the reference's is 3600).
const DevMotionDuration = 20

// devHyperparams shortens a subnet's periods and lowers its prices for a
// development chain.
func devHyperparams(h types.Hyperparams) types.Hyperparams {
	h.Tempo = 10
	h.ImmunityPeriod = 100
	h.WeightsSetRateLimit = 1
	h.ServingRateLimit = 1
	h.AdjustmentInterval = 20
	h.TargetRegistrationsPerInterval = 4
	h.MaxRegistrationsPerBlock = 4
	h.Difficulty = 1_000_000
	h.MinDifficulty = 10_000
	h.MaxDifficulty = 100_000_000
	h.Burn = balance.RAOPerTAO
	h.MinBurn = balance.RAOPerTAO / 10
	h.MaxBurn = 100 * balance.RAOPerTAO
	h.NetworkRegistrationAllowed = true
	h.NetworkPowRegistrationAllowed = true
	return h
}
