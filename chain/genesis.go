package chain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Genesis is the chain's initial state: the app_state of CometBFT's
// genesis.json.
type Genesis struct {
	Params   types.Params     `json:"params"`
	Sudo     *types.AccountID `json:"sudo,omitempty"`
	Balances []GenesisBalance `json:"balances"`
}

// GenesisBalance funds one account at genesis.
type GenesisBalance struct {
	Address types.AccountID `json:"address"`
	Free    uint64          `json:"free"` // RAO
}

// DefaultGenesis is a genesis with the reference parameters and nothing
// else.
func DefaultGenesis() Genesis { return Genesis{Params: types.DefaultParams()} }

// ParseGenesis reads and validates the JSON app state.
func ParseGenesis(b []byte) (Genesis, error) {
	var g Genesis
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("chain: genesis app_state: %w", err)
	}
	return g, g.Validate()
}

// Validate rejects a genesis the chain cannot start from.
func (g Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	seen := make(map[types.AccountID]bool, len(g.Balances))
	var total uint64
	for i, b := range g.Balances {
		if seen[b.Address] {
			return fmt.Errorf("chain: genesis balances[%d]: %s listed twice", i, b.Address)
		}
		seen[b.Address] = true
		if b.Free < g.Params.ExistentialDeposit {
			return fmt.Errorf("chain: genesis balances[%d]: %s has %d RAO, below the existential deposit %d", i, b.Address, b.Free, g.Params.ExistentialDeposit)
		}
		if total+b.Free < total {
			return fmt.Errorf("chain: genesis balances overflow u64")
		}
		total += b.Free
	}
	return nil
}

// apply writes the genesis into empty state.
func (g Genesis) apply(st *State, chainID string) {
	st.kv.Set(singleKey(keyChainID), []byte(chainID))
	st.SetParams(g.Params)
	if g.Sudo != nil {
		st.SetSudo(*g.Sudo)
	}
	bals := append([]GenesisBalance(nil), g.Balances...)
	sort.Slice(bals, func(i, j int) bool { return bals[i].Address.Compare(bals[j].Address) < 0 })
	var total uint64
	for _, b := range bals {
		st.SetAccount(b.Address, Account{Free: b.Free})
		total += b.Free
	}
	st.SetTotalIssuance(total)
}
