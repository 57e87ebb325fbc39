package chain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Genesis is the chain's initial state: the app_state of CometBFT's
// genesis.json. Every parameter and hyperparameter default lives here (in
// Params and Root), so a development chain can use short periods and small
// prices while a production genesis keeps the reference values.
//
// An app_state of the form {"export": …} is instead the state of another
// chain at some height, as `subtensor export` wrote it (Export); the new
// chain continues from it. Only Export is set then.
type Genesis struct {
	// Params are the chain-wide parameters, including the subtensor globals
	// and the hyperparameters new subnets start with.
	Params types.Params `json:"params"`
	// Sudo is the key whose signed admin calls run as Root (none: only
	// governance can change parameters).
	Sudo     *types.AccountID `json:"sudo,omitempty"`
	Balances []GenesisBalance `json:"balances"`
	// Root are the root network's (netuid 0) hyperparameters; it exists from
	// genesis.
	Root types.Hyperparams `json:"root"`
	// Subnets exist from genesis, with their neurons (for development
	// chains, tests and benchmarks). Their locks and stake are part of the
	// total issuance.
	Subnets []GenesisSubnet `json:"subnets,omitempty"`
	// Triumvirate are the accounts that may propose (at most
	// Params.Governance.MaxTriumvirateMembers).
	Triumvirate []types.AccountID `json:"triumvirate,omitempty"`
	// Senate are the hotkeys that vote on proposals (at most
	// Params.Governance.MaxSenateMembers), each a root neuron of the
	// genesis, so that it has an owner to vote for it. Otherwise
	// root_register fills the senate.
	Senate []types.AccountID `json:"senate,omitempty"`

	// Export, if set, is the whole initial state (see Export.AppState for
	// its JSON form); the fields above are then empty.
	Export *Export `json:"export,omitempty"`
}

// GenesisBalance funds one account at genesis.
type GenesisBalance struct {
	Address types.AccountID `json:"address"`
	Free    uint64          `json:"free"` // RAO
}

// GenesisSubnet is a subnet that exists from genesis, or, with netuid 0
// (no owner, lock or hyperparameters: Genesis.Root has them), the root
// network's neurons.
type GenesisSubnet struct {
	Netuid uint16          `json:"netuid"`
	Owner  types.AccountID `json:"owner"`
	Lock   uint64          `json:"lock"` // RAO locked by the owner
	// Hyperparams default to Params.Subtensor.SubnetDefaults.
	Hyperparams *types.Hyperparams `json:"hyperparameters,omitempty"`
	// Neurons get uids 0, 1, … in order.
	Neurons []GenesisNeuron `json:"neurons,omitempty"`
}

// GenesisNeuron is a neuron registered at genesis.
type GenesisNeuron struct {
	Hotkey  types.AccountID `json:"hotkey"`
	Coldkey types.AccountID `json:"coldkey"` // the hotkey's owner
	// Stake is staked by the coldkey on the hotkey (RAO, counted once per
	// hotkey even if the hotkey is on several subnets).
	Stake uint64 `json:"stake,omitempty"`
	// Delegate makes the hotkey a delegate with the default take.
	Delegate        bool `json:"delegate,omitempty"`
	ValidatorPermit bool `json:"validator_permit,omitempty"`
	// Weights are the neuron's stored weights as [uid, value] pairs: sorted
	// by uid, values already max-upscaled. On the root network the uids are
	// netuids of the genesis.
	Weights [][2]uint16 `json:"weights,omitempty"`
	// Bonds are the neuron's stored bonds, as weights (not on the root
	// network).
	Bonds [][2]uint16 `json:"bonds,omitempty"`
}

// DefaultGenesis is a genesis with the reference parameters, the root
// network, and nothing else.
func DefaultGenesis() Genesis {
	return Genesis{Params: types.DefaultParams(), Root: types.DefaultRootHyperparams()}
}

// ParseGenesis reads and validates the JSON app state: a new chain's
// Genesis, or {"export": …} (Genesis.Export).
func ParseGenesis(b []byte) (Genesis, error) {
	var g Genesis
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) == nil {
		if raw, ok := top["export"]; ok {
			if len(top) != 1 {
				return g, fmt.Errorf("chain: genesis app_state: an export's app_state holds only \"export\" (%d keys found)", len(top))
			}
			g.Export = new(Export)
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(g.Export); err != nil {
				return g, fmt.Errorf("chain: genesis app_state export: %w", err)
			}
			return g, g.Validate()
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("chain: genesis app_state: %w", err)
	}
	return g, g.Validate()
}

// Validate rejects a genesis the chain cannot start from.
func (g Genesis) Validate() error {
	if g.Export != nil {
		if g.Sudo != nil || g.Balances != nil || g.Subnets != nil || g.Triumvirate != nil || g.Senate != nil {
			return fmt.Errorf("chain: genesis: an export is the whole initial state; sudo, balances, subnets, triumvirate and senate must be empty")
		}
		return g.Export.Validate()
	}
	if err := g.Params.Validate(); err != nil {
		return err
	}
	if err := g.Root.Validate(); err != nil {
		return fmt.Errorf("chain: genesis root hyperparameters: %w", err)
	}
	if err := checkRootSigmoid(g.Root.Kappa, g.Root.Rho); err != nil {
		return fmt.Errorf("chain: genesis root hyperparameters: %w", err)
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
	netuids := make(map[uint16]bool)
	owners := make(map[types.AccountID]types.AccountID)
	for i, sn := range g.Subnets {
		where := fmt.Sprintf("chain: genesis subnets[%d] (netuid %d)", i, sn.Netuid)
		if netuids[sn.Netuid] {
			return fmt.Errorf("%s: netuid listed twice", where)
		}
		netuids[sn.Netuid] = true
		h := g.Params.Subtensor.SubnetDefaults
		if sn.Hyperparams != nil {
			h = *sn.Hyperparams
		}
		if sn.Netuid == RootNetuid {
			if !sn.Owner.IsZero() || sn.Lock != 0 || sn.Hyperparams != nil {
				return fmt.Errorf("%s: the root network has no owner, lock or hyperparameters of its own (see root)", where)
			}
			h = g.Root
		}
		if err := h.Validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if len(sn.Neurons) > int(h.MaxAllowedUids) {
			return fmt.Errorf("%s: %d neurons, max_allowed_uids %d", where, len(sn.Neurons), h.MaxAllowedUids)
		}
		if sn.Lock != 0 && sn.Lock < g.Params.ExistentialDeposit {
			return fmt.Errorf("%s: lock %d RAO is below the existential deposit", where, sn.Lock)
		}
		if total+sn.Lock < total {
			return fmt.Errorf("chain: genesis balances, locks and stake overflow u64")
		}
		total += sn.Lock
		hotkeys := make(map[types.AccountID]bool, len(sn.Neurons))
		for j, n := range sn.Neurons {
			if hotkeys[n.Hotkey] {
				return fmt.Errorf("%s: neurons[%d]: hotkey %s listed twice", where, j, n.Hotkey)
			}
			hotkeys[n.Hotkey] = true
			if o, ok := owners[n.Hotkey]; ok && o != n.Coldkey {
				return fmt.Errorf("%s: neurons[%d]: hotkey %s has two owners", where, j, n.Hotkey)
			}
			if _, staked := owners[n.Hotkey]; !staked {
				if total+n.Stake < total {
					return fmt.Errorf("chain: genesis balances, locks and stake overflow u64")
				}
				total += n.Stake
			}
			owners[n.Hotkey] = n.Coldkey
			if sn.Netuid == RootNetuid && len(n.Bonds) > 0 {
				return fmt.Errorf("%s: neurons[%d]: the root network keeps no bonds", where, j)
			}
			for _, rr := range []struct {
				what string
				r    [][2]uint16
			}{{"weights", n.Weights}, {"bonds", n.Bonds}} {
				what, r := rr.what, rr.r
				for k, w := range r {
					if k > 0 && w[0] <= r[k-1][0] {
						return fmt.Errorf("%s: neurons[%d]: %s must be sorted by uid without duplicates", where, j, what)
					}
					if sn.Netuid != RootNetuid && int(w[0]) >= len(sn.Neurons) {
						return fmt.Errorf("%s: neurons[%d]: %s name uid %d of %d neurons", where, j, what, w[0], len(sn.Neurons))
					}
				}
			}
		}
	}
	if err := g.validateGovernance(); err != nil {
		return err
	}
	for _, sn := range g.Subnets {
		for j, n := range sn.Neurons {
			for _, w := range n.Weights {
				if sn.Netuid == RootNetuid && w[0] != RootNetuid && !netuids[w[0]] {
					return fmt.Errorf("chain: genesis root neurons[%d]: weights name subnet %d, which the genesis does not create", j, w[0])
				}
			}
		}
	}
	return nil
}

// validateGovernance checks the genesis collectives: no member twice, no
// more than the limits, and senators that are root neurons.
func (g Genesis) validateGovernance() error {
	root := make(map[types.AccountID]bool)
	for _, sn := range g.Subnets {
		if sn.Netuid == RootNetuid {
			for _, n := range sn.Neurons {
				root[n.Hotkey] = true
			}
		}
	}
	gp := g.Params.Governance
	for _, c := range []struct {
		name    string
		members []types.AccountID
		max     uint32
	}{{"triumvirate", g.Triumvirate, gp.MaxTriumvirateMembers}, {"senate", g.Senate, gp.MaxSenateMembers}} {
		if len(c.members) > int(c.max) {
			return fmt.Errorf("chain: genesis %s: %d members, at most %d", c.name, len(c.members), c.max)
		}
		seen := make(map[types.AccountID]bool, len(c.members))
		for i, m := range c.members {
			if seen[m] {
				return fmt.Errorf("chain: genesis %s[%d]: %s listed twice", c.name, i, m)
			}
			seen[m] = true
			if c.name == "senate" && !root[m] {
				return fmt.Errorf("chain: genesis senate[%d]: %s is not a root neuron of the genesis (subnets, netuid 0)", i, m)
			}
		}
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
	st.kv.Set(singleKey(keyNetworkLastLock), u64Bytes(g.Params.Subtensor.NetworkMinLockCost))
	subnets := slices.Clone(g.Subnets)
	if !slices.ContainsFunc(subnets, func(s GenesisSubnet) bool { return s.Netuid == RootNetuid }) {
		subnets = append(subnets, GenesisSubnet{Netuid: RootNetuid})
	}
	slices.SortFunc(subnets, func(a, b GenesisSubnet) int { return int(a.Netuid) - int(b.Netuid) })
	staked := make(map[types.AccountID]bool)
	for _, gs := range subnets {
		h := g.Params.Subtensor.SubnetDefaults
		if gs.Hyperparams != nil {
			h = *gs.Hyperparams
		}
		if gs.Netuid == RootNetuid {
			h = g.Root
		}
		sn := subnetState{Owner: gs.Owner, Lock: gs.Lock}
		total += gs.Lock
		for _, gn := range gs.Neurons {
			createAccountIfNonExistent(st, gn.Coldkey, gn.Hotkey)
			uid := appendNeuron(st, gs.Netuid, &sn, gn.Hotkey, gn.Coldkey, 0)
			if gn.ValidatorPermit {
				n, _ := st.Neuron(gs.Netuid, uid)
				n.ValidatorPermit = true
				st.SetNeuron(gs.Netuid, uid, &n)
			}
			if len(gn.Weights) > 0 {
				st.SetWeights(gs.Netuid, uid, gn.Weights)
			}
			if len(gn.Bonds) > 0 {
				st.SetBonds(gs.Netuid, uid, gn.Bonds)
			}
			if gn.Delegate {
				st.kv.Set(accountKeyP(prefixDelegate, gn.Hotkey), u16Bytes(g.Params.Subtensor.DefaultTake))
			}
			if gn.Stake > 0 && !staked[gn.Hotkey] {
				staked[gn.Hotkey] = true
				increaseStake(st, gn.Hotkey, gn.Coldkey, gn.Stake)
				total += gn.Stake
			}
		}
		initNetwork(st, gs.Netuid, h, sn)
	}
	for _, m := range g.Triumvirate {
		st.setMember(types.Triumvirate, m)
	}
	for _, m := range g.Senate {
		st.setMember(types.Senate, m)
	}
	st.SetTotalIssuance(total)
}
