package chain

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/iavl"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Export is the whole state of a chain at one height, as `subtensor export`
// writes it: every value the chain holds, in JSON a person can read, every
// list in the order of its state keys, so that exporting the same state
// twice gives the same bytes. A genesis whose app_state is {"export": …}
// (Genesis.Export) starts a chain from it at Height+1, with exactly this
// state, migrated to the binary's app version if it is older.
//
// What the chain keeps only as an index or a sum of other values (the stake
// totals and coldkey index, the owned-hotkey index, the hotkeys' uids, the
// proof-of-work expiry index) is not exported but rebuilt; the chain id is
// the genesis document's.
type Export struct {
	// AppVersion is the app version (rules and state layout) of the state.
	AppVersion uint64 `json:"app_version"`
	// Height is the block after which the state was taken.
	Height        uint64           `json:"height"`
	Params        types.Params     `json:"params"`
	Sudo          *types.AccountID `json:"sudo,omitempty"`
	TotalIssuance uint64           `json:"total_issuance"` // RAO
	Accounts      []ExportAccount  `json:"accounts"`
	// Owners are every hotkey's owning coldkey, by hotkey.
	Owners    []ExportOwner    `json:"owners"`
	Stakes    []ExportStake    `json:"stakes"`    // by hotkey, then coldkey
	Delegates []ExportDelegate `json:"delegates"` // by hotkey
	// LastTxBlocks are the blocks of each account's last rate-limited call.
	LastTxBlocks []ExportLastTx `json:"last_tx_blocks"`
	// NetworkLastRegistered is the block of the last subnet registration
	// and NetworkLastLockCost the lock it paid (absent: none kept).
	NetworkLastRegistered *uint64        `json:"network_last_registered,omitempty"`
	NetworkLastLockCost   *uint64        `json:"network_last_lock_cost,omitempty"`
	Subnets               []ExportSubnet `json:"subnets"` // by netuid, the root network first
	// BlockHashes are the recent block hashes the chain keeps for proof of
	// work, by height.
	BlockHashes []types.BlockInfo `json:"block_hashes"`
	// UsedWork are the proof-of-work seals spent recently, by seal.
	UsedWork      []ExportUsedWork     `json:"used_work"`
	Triumvirate   []types.AccountID    `json:"triumvirate"`
	Senate        []types.AccountID    `json:"senate"`
	Proposals     []types.ProposalInfo `json:"proposals"` // by hash
	ProposalCount *uint32              `json:"proposal_count,omitempty"`
	// UpgradePlan is the upgrade scheduled after Height, if any.
	UpgradePlan     *types.UpgradePlan     `json:"upgrade_plan,omitempty"`
	AppliedUpgrades []types.AppliedUpgrade `json:"applied_upgrades"`
	// Identities are the identity registry's entries, by account.
	Identities []ExportIdentity `json:"identities,omitempty"`
}

// ExportIdentity is an account's on-chain identity and the deposit it holds.
type ExportIdentity struct {
	Identified types.AccountID    `json:"identified"`
	Info       types.IdentityInfo `json:"info"`
	Deposit    uint64             `json:"deposit"` // RAO held from the depositor
	Depositor  types.AccountID    `json:"depositor"`
}

// ExportAccount is an account's balance record.
type ExportAccount struct {
	Address types.AccountID `json:"address"`
	Free    uint64          `json:"free"` // RAO
	Nonce   uint64          `json:"nonce"`
}

// ExportOwner is a hotkey and the coldkey that owns it.
type ExportOwner struct {
	Hotkey  types.AccountID `json:"hotkey"`
	Coldkey types.AccountID `json:"coldkey"`
}

// ExportStake is a coldkey's stake on a hotkey.
type ExportStake struct {
	Hotkey  types.AccountID `json:"hotkey"`
	Coldkey types.AccountID `json:"coldkey"`
	Amount  uint64          `json:"amount"` // RAO
}

// ExportDelegate is a delegate hotkey and its take (u16 proportion).
type ExportDelegate struct {
	Hotkey types.AccountID `json:"hotkey"`
	Take   uint16          `json:"take"`
}

// ExportLastTx is the block of an account's last rate-limited call.
type ExportLastTx struct {
	Account types.AccountID `json:"account"`
	Block   uint64          `json:"block"`
}

// ExportUsedWork is a spent proof-of-work seal and the block it was spent
// in.
type ExportUsedWork struct {
	Seal   types.Hash `json:"seal"`
	Height uint64     `json:"height"`
}

// ExportSubnet is a subnet (or the root network, netuid 0) with everything
// kept for it.
type ExportSubnet struct {
	Netuid                        uint16            `json:"netuid"`
	Owner                         types.AccountID   `json:"owner"`
	RegisteredAt                  uint64            `json:"registered_at"`
	Lock                          uint64            `json:"lock"` // RAO
	RegistrationsThisBlock        uint16            `json:"registrations_this_block"`
	RegistrationsThisInterval     uint16            `json:"registrations_this_interval"`
	PowRegistrationsThisInterval  uint16            `json:"pow_registrations_this_interval"`
	BurnRegistrationsThisInterval uint16            `json:"burn_registrations_this_interval"`
	LastAdjustmentBlock           uint64            `json:"last_adjustment_block"`
	RAORecycledForRegistration    uint64            `json:"rao_recycled_for_registration"`
	Hyperparams                   types.Hyperparams `json:"hyperparameters"`
	// EmissionValue is the subnet's emission per block (RAO) as the last
	// root epoch set it (absent: never set).
	EmissionValue *uint64 `json:"emission_value,omitempty"`
	// Emission is the subnet's pending emission and epoch counters (absent:
	// none kept yet).
	Emission *ExportSubnetEmission `json:"emission,omitempty"`
	// LoadedEmission are the payouts the last epoch loaded for the next
	// block's drain, by uid.
	LoadedEmission []ExportPayout `json:"loaded_emission,omitempty"`
	Neurons        []ExportNeuron `json:"neurons"` // by uid, from 0
}

// ExportSubnetEmission is a subnet's emission record.
type ExportSubnetEmission struct {
	Pending             uint64 `json:"pending"` // RAO
	BlocksSinceLastStep uint64 `json:"blocks_since_last_step"`
	LastStepBlock       uint64 `json:"last_step_block"`
}

// ExportPayout is one payout an epoch loaded.
type ExportPayout struct {
	Hotkey    types.AccountID `json:"hotkey"`
	Server    uint64          `json:"server"`    // RAO
	Validator uint64          `json:"validator"` // RAO
}

// ExportNeuron is one neuron's record and its weights and bonds rows.
type ExportNeuron struct {
	UID             uint16               `json:"uid"`
	Hotkey          types.AccountID      `json:"hotkey"`
	Coldkey         types.AccountID      `json:"coldkey"`
	RegisteredAt    uint64               `json:"registered_at"`
	LastUpdate      uint64               `json:"last_update"`
	Active          bool                 `json:"active"`
	ValidatorPermit bool                 `json:"validator_permit"`
	Rank            uint16               `json:"rank"`
	Trust           uint16               `json:"trust"`
	Consensus       uint16               `json:"consensus"`
	Incentive       uint16               `json:"incentive"`
	Dividends       uint16               `json:"dividends"`
	ValidatorTrust  uint16               `json:"validator_trust"`
	PruningScore    uint16               `json:"pruning_score"`
	Emission        uint64               `json:"emission"` // RAO
	Axon            types.AxonInfo       `json:"axon"`
	Prometheus      types.PrometheusInfo `json:"prometheus"`
	// Weights and Bonds are the stored rows as [uid, value] pairs (absent:
	// no row stored; [] an empty one).
	Weights *[][2]uint16 `json:"weights,omitempty"`
	Bonds   *[][2]uint16 `json:"bonds,omitempty"`
}

// ExportState exports st, the state after block height. It fails with
// ErrStateUnreadable on a record it cannot read, and on state it has no
// export for (a key of an unknown kind, or of a subnet that does not
// exist), so an export never drops a value.
func ExportState(st *State, height uint64) (*Export, error) {
	var e *Export
	err := catchStateError(func() error {
		var err error
		e, err = exportState(st, height)
		return err
	})
	return e, err
}

// exporter builds an Export in one pass over the state in key order.
type exporter struct {
	st      *State
	e       *Export
	subnets map[uint16]int // netuid → index in e.Subnets; lookups only
}

func exportState(st *State, height uint64) (*Export, error) {
	x := &exporter{st: st, subnets: make(map[uint16]int)}
	x.e = &Export{
		AppVersion: st.AppVersion(), Height: height, Params: st.Params(), TotalIssuance: st.TotalIssuance(),
		Accounts: []ExportAccount{}, Owners: []ExportOwner{}, Stakes: []ExportStake{}, Delegates: []ExportDelegate{},
		LastTxBlocks: []ExportLastTx{}, Subnets: []ExportSubnet{}, BlockHashes: []types.BlockInfo{},
		UsedWork: []ExportUsedWork{}, Triumvirate: []types.AccountID{}, Senate: []types.AccountID{},
		Proposals: []types.ProposalInfo{}, AppliedUpgrades: st.AppliedUpgrades(),
	}
	if p, ok := st.UpgradePlan(); ok {
		x.e.UpgradePlan = &p
	}
	var err error
	st.kv.Iterate(nil, nil, func(k, v []byte) bool {
		err = x.record(k, v)
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	return x.e, nil
}

func errExport(k []byte, format string, args ...any) error {
	return types.Errorf(types.ErrStateUnreadable, "key %x: "+format, append([]any{k}, args...)...)
}

// record adds one state entry to the export.
func (x *exporter) record(k, v []byte) error {
	e := x.e
	switch k[0] {
	case keyParams, keyTotalIssuance, keyChainID, keyAppVersion, keyUpgradePlan, prefixUpgradeDone,
		prefixUsedWorkByBlk, prefixRegistration, prefixStakeByColdkey, prefixTotalHotkeyStake,
		prefixTotalColdStake, keyTotalStake, prefixOwnedHotkey:
		// Read above, or rebuilt on import.
		return nil
	case prefixAccount:
		if len(k) != 33 || len(v) != 16 {
			return errExport(k, "account record of %d bytes", len(v))
		}
		e.Accounts = append(e.Accounts, ExportAccount{Address: types.AccountID(k[1:]), Free: binary.BigEndian.Uint64(v), Nonce: binary.BigEndian.Uint64(v[8:])})
	case keySudo:
		if len(v) != 32 {
			return errExport(k, "sudo key of %d bytes", len(v))
		}
		s := types.AccountID(v)
		e.Sudo = &s
	case prefixBlockHash:
		if len(k) != 9 || len(v) != 32 {
			return errExport(k, "block hash of %d bytes", len(v))
		}
		e.BlockHashes = append(e.BlockHashes, types.BlockInfo{Height: binary.BigEndian.Uint64(k[1:]), Hash: types.HashString(v)})
	case prefixUsedWork:
		if len(k) != 33 || len(v) != 8 {
			return errExport(k, "spent seal record of %d bytes", len(v))
		}
		e.UsedWork = append(e.UsedWork, ExportUsedWork{Seal: types.Hash(k[1:]), Height: binary.BigEndian.Uint64(v)})
	case keyNetworkLastReg, keyNetworkLastLock:
		if len(v) != 8 {
			return errExport(k, "value of %d bytes", len(v))
		}
		n := binary.BigEndian.Uint64(v)
		if k[0] == keyNetworkLastReg {
			e.NetworkLastRegistered = &n
		} else {
			e.NetworkLastLockCost = &n
		}
	case prefixStake:
		if len(k) != 65 || len(v) != 8 {
			return errExport(k, "stake record of %d bytes", len(v))
		}
		e.Stakes = append(e.Stakes, ExportStake{Hotkey: types.AccountID(k[1:33]), Coldkey: types.AccountID(k[33:]), Amount: binary.BigEndian.Uint64(v)})
	case prefixOwner:
		if len(k) != 33 || len(v) != 32 {
			return errExport(k, "owner record of %d bytes", len(v))
		}
		e.Owners = append(e.Owners, ExportOwner{Hotkey: types.AccountID(k[1:]), Coldkey: types.AccountID(v)})
	case prefixDelegate:
		if len(k) != 33 || len(v) != 2 {
			return errExport(k, "delegate take of %d bytes", len(v))
		}
		e.Delegates = append(e.Delegates, ExportDelegate{Hotkey: types.AccountID(k[1:]), Take: binary.BigEndian.Uint16(v)})
	case prefixLastTxBlock:
		if len(k) != 33 || len(v) != 8 {
			return errExport(k, "last transaction block of %d bytes", len(v))
		}
		e.LastTxBlocks = append(e.LastTxBlocks, ExportLastTx{Account: types.AccountID(k[1:]), Block: binary.BigEndian.Uint64(v)})
	case prefixSenateMember, prefixTriumvirateMember:
		if len(k) != 33 {
			return errExport(k, "member key of %d bytes", len(k))
		}
		if k[0] == prefixSenateMember {
			e.Senate = append(e.Senate, types.AccountID(k[1:]))
		} else {
			e.Triumvirate = append(e.Triumvirate, types.AccountID(k[1:]))
		}
	case prefixProposal:
		return x.proposal(k, v)
	case keyProposalCount:
		if len(v) != 4 {
			return errExport(k, "proposal count of %d bytes", len(v))
		}
		n := binary.BigEndian.Uint32(v)
		e.ProposalCount = &n
	case prefixSubnet, prefixHyperparams, prefixNeuron, prefixWeights, prefixBonds,
		prefixEmissionValue, prefixSubnetEmission, prefixLoadedEmission:
		return x.subnetRecord(k, v)
	case prefixIdentity:
		if len(k) != 33 {
			return errExport(k, "identity key of %d bytes", len(k))
		}
		var id identity
		mustDecode(v, &id, "identity")
		e.Identities = append(e.Identities, ExportIdentity{Identified: types.AccountID(k[1:]), Info: id.Info, Deposit: id.Deposit, Depositor: id.Depositor})
	default:
		return errExport(k, "no export for state prefix 0x%02x", k[0])
	}
	return nil
}

func (x *exporter) proposal(k, v []byte) error {
	if len(k) != 33 {
		return errExport(k, "proposal key of %d bytes", len(k))
	}
	var p proposal
	mustDecode(v, &p, "proposal")
	call, err := types.NewProposalCall(p.Call)
	if err != nil {
		return errExport(k, "proposal call: %v", err)
	}
	x.e.Proposals = append(x.e.Proposals, types.ProposalInfo{Hash: types.Hash(k[1:]), Index: p.Index, Proposer: p.Proposer,
		Threshold: p.Threshold, Ayes: p.Ayes, Nays: p.Nays, ProposedAt: p.ProposedAt, End: p.End, Call: call})
	return nil
}

// subnetRecord adds a record keyed by prefix ‖ netuid ‖ …: the subnet
// record (first in key order) creates the subnet's entry, the others fill
// it.
func (x *exporter) subnetRecord(k, v []byte) error {
	if len(k) < 3 {
		return errExport(k, "subnet key of %d bytes", len(k))
	}
	netuid := binary.BigEndian.Uint16(k[1:])
	if k[0] == prefixSubnet {
		if len(k) != 3 {
			return errExport(k, "subnet key of %d bytes", len(k))
		}
		var sn subnetState
		mustDecode(v, &sn, "subnet")
		x.subnets[netuid] = len(x.e.Subnets)
		x.e.Subnets = append(x.e.Subnets, ExportSubnet{Netuid: netuid, Owner: sn.Owner, RegisteredAt: sn.RegisteredAt, Lock: sn.Lock,
			RegistrationsThisBlock: sn.RegistrationsThisBlock, RegistrationsThisInterval: sn.RegistrationsThisInterval,
			PowRegistrationsThisInterval: sn.PowRegistrationsThisInterval, BurnRegistrationsThisInterval: sn.BurnRegistrationsThisInterval,
			LastAdjustmentBlock: sn.LastAdjustmentBlock, RAORecycledForRegistration: sn.RAORecycledForRegistration,
			Neurons: make([]ExportNeuron, 0, sn.N)})
		return nil
	}
	i, ok := x.subnets[netuid]
	if !ok {
		return errExport(k, "record of subnet %d, which does not exist", netuid)
	}
	s := &x.e.Subnets[i]
	switch k[0] {
	case prefixHyperparams:
		mustDecode(v, &s.Hyperparams, "hyperparameters")
	case prefixEmissionValue:
		if len(v) != 8 {
			return errExport(k, "emission value of %d bytes", len(v))
		}
		n := binary.BigEndian.Uint64(v)
		s.EmissionValue = &n
	case prefixSubnetEmission:
		if len(v) != 24 {
			return errExport(k, "subnet emission record of %d bytes", len(v))
		}
		s.Emission = &ExportSubnetEmission{Pending: binary.BigEndian.Uint64(v), BlocksSinceLastStep: binary.BigEndian.Uint64(v[8:]), LastStepBlock: binary.BigEndian.Uint64(v[16:])}
	case prefixLoadedEmission:
		for _, l := range decodeLoaded(v) {
			s.LoadedEmission = append(s.LoadedEmission, ExportPayout(l))
		}
	case prefixNeuron:
		if len(k) != 5 {
			return errExport(k, "neuron key of %d bytes", len(k))
		}
		uid := binary.BigEndian.Uint16(k[3:])
		if int(uid) != len(s.Neurons) {
			return errExport(k, "subnet %d: neuron uid %d follows %d neurons", netuid, uid, len(s.Neurons))
		}
		n, err := decodeNeuron(v)
		if err != nil {
			return err
		}
		en, err := exportNeuron(uid, &n)
		if err != nil {
			return errExport(k, "%v", err)
		}
		s.Neurons = append(s.Neurons, en)
	case prefixWeights, prefixBonds:
		if len(k) != 5 {
			return errExport(k, "row key of %d bytes", len(k))
		}
		uid := binary.BigEndian.Uint16(k[3:])
		if int(uid) >= len(s.Neurons) {
			return errExport(k, "subnet %d: row of uid %d, which has no neuron", netuid, uid)
		}
		r := decodeRow(v)
		if k[0] == prefixWeights {
			s.Neurons[uid].Weights = &r
		} else {
			s.Neurons[uid].Bonds = &r
		}
	}
	return nil
}

func exportNeuron(uid uint16, n *neuron) (ExportNeuron, error) {
	a, p := &n.Axon, &n.Prometheus
	for _, ep := range []struct {
		what   string
		ip     [16]byte
		ipType uint8
	}{{"axon", a.IP, a.IPType}, {"prometheus", p.IP, p.IPType}} {
		if !ipRoundTrips(ep.ip, ep.ipType) {
			return ExportNeuron{}, fmt.Errorf("uid %d: %s IP %x of type %d has no text form", uid, ep.what, ep.ip, ep.ipType)
		}
	}
	return ExportNeuron{UID: uid, Hotkey: n.Hotkey, Coldkey: n.Coldkey, RegisteredAt: n.RegisteredAt, LastUpdate: n.LastUpdate,
		Active: n.Active, ValidatorPermit: n.ValidatorPermit, Rank: n.Rank, Trust: n.Trust, Consensus: n.Consensus,
		Incentive: n.Incentive, Dividends: n.Dividends, ValidatorTrust: n.ValidatorTrust, PruningScore: n.PruningScore,
		Emission: n.Emission,
		Axon: types.AxonInfo{Block: a.Block, Version: a.Version, IP: types.FormatIP(a.IP, a.IPType), Port: a.Port,
			IPType: a.IPType, Protocol: a.Protocol, Placeholder1: a.Placeholder1, Placeholder2: a.Placeholder2},
		Prometheus: types.PrometheusInfo{Block: p.Block, Version: p.Version, IP: types.FormatIP(p.IP, p.IPType), Port: p.Port, IPType: p.IPType},
	}, nil
}

// ipRoundTrips reports whether FormatIP's text of ip reads back as ip.
func ipRoundTrips(ip [16]byte, ipType uint8) bool {
	got, err := parseExportIP(types.FormatIP(ip, ipType), ipType)
	return err == nil && got == ip
}

// parseExportIP reads an endpoint's IP as FormatIP wrote it for ipType.
func parseExportIP(s string, ipType uint8) ([16]byte, error) {
	switch ipType {
	case 4, 6:
		ip, t, err := types.ParseIP(s)
		if err != nil {
			return ip, err
		}
		if t != ipType {
			return ip, fmt.Errorf("IP %q is IPv%d, the endpoint says IPv%d", s, t, ipType)
		}
		return ip, nil
	}
	if s != "0.0.0.0" {
		return [16]byte{}, fmt.Errorf("IP %q with IP type %d (only 4 and 6 carry an address)", s, ipType)
	}
	return [16]byte{}, nil
}

// AppState is the genesis app_state that starts a chain from e:
// {"export": …}, indented for reading.
func (e *Export) AppState() (json.RawMessage, error) {
	b, err := json.MarshalIndent(struct {
		Export *Export `json:"export"`
	}{e}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("chain: encode export: %w", err)
	}
	return b, nil
}

// ErrNoState is returned by ExportDB for a database that holds no
// committed state (a node that never committed a block).
var ErrNoState = errors.New("chain: the database holds no committed state")

// ExportDB exports the state stored in db (a node's application database)
// after block height, without starting an App: a state of any app version
// this binary can read (the upgrades it knows) can be exported, also one
// it would refuse to run. The database must not be in use by a running
// node.
func ExportDB(db iavldb.DB, height int64) (*Export, error) {
	tree := iavl.NewMutableTree(db, 10_000, true, slog.New(slog.DiscardHandler))
	latest, err := tree.Load()
	if err != nil {
		return nil, fmt.Errorf("chain: load state: %w", err)
	}
	defer tree.Close()
	if latest == 0 {
		return nil, ErrNoState
	}
	if height == 0 {
		height = latest
	}
	if !tree.VersionExists(height) {
		avail := tree.AvailableVersions()
		return nil, types.Errorf(types.ErrHeightPruned, "no state kept at height %d (kept: %s)", height, versionRange(avail))
	}
	imm, err := tree.GetImmutable(height)
	if err != nil {
		return nil, types.Errorf(types.ErrHeightPruned, "state at height %d: %v", height, err)
	}
	return ExportState(NewState(versionKV{imm}), uint64(height))
}

func versionRange(v []int) string {
	if len(v) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d to %d", v[0], v[len(v)-1])
}

// Validate checks an export before a chain starts from it: everything an
// Export's JSON can say but a chain's state cannot hold, and the sums and
// links the rules keep (the issuance equals what is held; every stake,
// neuron and delegate has an owner; neurons match their owners; rows name
// uids that exist).
func (e *Export) Validate() error {
	bad := func(format string, args ...any) error {
		return types.Errorf(types.ErrExportInconsistent, format, args...)
	}
	if e.AppVersion < firstAppVersion {
		return bad("app_version %d: versions start at %d", e.AppVersion, firstAppVersion)
	}
	if err := e.Params.Validate(); err != nil {
		return err
	}
	if e.UpgradePlan != nil {
		if err := types.ValidateUpgradeName(e.UpgradePlan.Name); err != nil {
			return err
		}
		if e.UpgradePlan.Height <= e.Height {
			return bad("upgrade_plan %s is not after the export's height %d", e.UpgradePlan, e.Height)
		}
	}
	var held uint64
	add := func(what string, v uint64) error {
		if held+v < held {
			return bad("%s: the RAO held overflows u64", what)
		}
		held += v
		return nil
	}
	for i, a := range e.Accounts {
		if i > 0 && bytes.Compare(a.Address[:], e.Accounts[i-1].Address[:]) <= 0 {
			return bad("accounts[%d]: %s is out of order or listed twice (list accounts by key)", i, a.Address)
		}
		if a.Free == 0 && a.Nonce == 0 {
			return bad("accounts[%d]: %s has no balance and no nonce (such accounts are not kept)", i, a.Address)
		}
		if err := add("accounts", a.Free); err != nil {
			return err
		}
	}
	for i, b := range e.BlockHashes {
		if _, err := types.ParseHash(b.Hash); err != nil {
			return bad("block_hashes[%d]: %v", i, err)
		}
		if b.Height > e.Height {
			return bad("block_hashes[%d]: block %d is after the export's height %d", i, b.Height, e.Height)
		}
	}
	owners := make(map[types.AccountID]types.AccountID, len(e.Owners))
	for i, o := range e.Owners {
		if _, dup := owners[o.Hotkey]; dup {
			return bad("owners[%d]: hotkey %s listed twice", i, o.Hotkey)
		}
		owners[o.Hotkey] = o.Coldkey
	}
	type pair struct{ h, c types.AccountID }
	stakes := make(map[pair]bool, len(e.Stakes))
	for i, s := range e.Stakes {
		if s.Amount == 0 {
			return bad("stakes[%d]: %s on %s is zero (zero stakes are not kept)", i, s.Coldkey, s.Hotkey)
		}
		if _, ok := owners[s.Hotkey]; !ok {
			return bad("stakes[%d]: hotkey %s has no owner", i, s.Hotkey)
		}
		if stakes[pair{s.Hotkey, s.Coldkey}] {
			return bad("stakes[%d]: %s on %s listed twice", i, s.Coldkey, s.Hotkey)
		}
		stakes[pair{s.Hotkey, s.Coldkey}] = true
		if err := add("stakes", s.Amount); err != nil {
			return err
		}
	}
	for i, d := range e.Delegates {
		if _, ok := owners[d.Hotkey]; !ok {
			return bad("delegates[%d]: hotkey %s has no owner", i, d.Hotkey)
		}
	}
	netuids := make(map[uint16]bool, len(e.Subnets))
	for i := range e.Subnets {
		s := &e.Subnets[i]
		if netuids[s.Netuid] {
			return bad("subnets[%d]: netuid %d listed twice", i, s.Netuid)
		}
		netuids[s.Netuid] = true
		if err := s.validate(owners); err != nil {
			return err
		}
		if err := add("subnet locks", s.Lock); err != nil {
			return err
		}
	}
	if !netuids[RootNetuid] {
		return bad("subnets: the root network (netuid 0) is missing")
	}
	for i, id := range e.Identities {
		if i > 0 && bytes.Compare(id.Identified[:], e.Identities[i-1].Identified[:]) <= 0 {
			return bad("identities[%d]: %s is out of order or listed twice (list identities by account)", i, id.Identified)
		}
		if err := id.Info.Check(e.Params.Registry.MaxAdditionalFields); err != nil {
			return bad("identities[%d]: %v", i, err)
		}
		if err := add("identity deposits", id.Deposit); err != nil {
			return err
		}
	}
	if held != e.TotalIssuance {
		return bad("total_issuance %d RAO, but balances, stakes, locks and identity deposits hold %d", e.TotalIssuance, held)
	}
	gp := e.Params.Governance
	if len(e.Senate) > int(gp.MaxSenateMembers) || len(e.Triumvirate) > int(gp.MaxTriumvirateMembers) {
		return bad("%d senators and %d triumvirate members, at most %d and %d", len(e.Senate), len(e.Triumvirate), gp.MaxSenateMembers, gp.MaxTriumvirateMembers)
	}
	if len(e.Proposals) > int(gp.MaxProposals) {
		return bad("%d proposals, at most %d", len(e.Proposals), gp.MaxProposals)
	}
	for i, p := range e.Proposals {
		if _, err := importCall(p); err != nil {
			return bad("proposals[%d]: %v", i, err)
		}
	}
	return nil
}

func (s *ExportSubnet) validate(owners map[types.AccountID]types.AccountID) error {
	where := fmt.Sprintf("subnet %d", s.Netuid)
	if err := s.Hyperparams.Validate(); err != nil {
		return fmt.Errorf("chain: export %s: %w", where, err)
	}
	if s.Netuid == RootNetuid {
		if err := checkRootSigmoid(s.Hyperparams.Kappa, s.Hyperparams.Rho); err != nil {
			return fmt.Errorf("chain: export %s: %w", where, err)
		}
	}
	if len(s.Neurons) > int(s.Hyperparams.MaxAllowedUids) {
		return types.Errorf(types.ErrExportInconsistent, "%s: %d neurons, max_allowed_uids %d", where, len(s.Neurons), s.Hyperparams.MaxAllowedUids)
	}
	hotkeys := make(map[types.AccountID]bool, len(s.Neurons))
	for j := range s.Neurons {
		n := &s.Neurons[j]
		if int(n.UID) != j {
			return types.Errorf(types.ErrExportInconsistent, "%s: neurons[%d] has uid %d (list neurons by uid from 0)", where, j, n.UID)
		}
		if hotkeys[n.Hotkey] {
			return types.Errorf(types.ErrExportInconsistent, "%s: hotkey %s has two uids", where, n.Hotkey)
		}
		hotkeys[n.Hotkey] = true
		if o, ok := owners[n.Hotkey]; !ok || o != n.Coldkey {
			return types.Errorf(types.ErrExportInconsistent, "%s uid %d: hotkey %s is owned by %s (per owners), the neuron says %s", where, j, n.Hotkey, o, n.Coldkey)
		}
		for _, ep := range []struct {
			what, ip string
			ipType   uint8
		}{{"axon", n.Axon.IP, n.Axon.IPType}, {"prometheus", n.Prometheus.IP, n.Prometheus.IPType}} {
			if _, err := parseExportIP(ep.ip, ep.ipType); err != nil {
				return types.Errorf(types.ErrExportInconsistent, "%s uid %d: %s: %v", where, j, ep.what, err)
			}
		}
		for _, r := range []struct {
			what string
			row  *[][2]uint16
		}{{"weights", n.Weights}, {"bonds", n.Bonds}} {
			if r.row == nil {
				continue
			}
			for k, w := range *r.row {
				if k > 0 && w[0] <= (*r.row)[k-1][0] {
					return types.Errorf(types.ErrExportInconsistent, "%s uid %d: %s must be sorted by uid without duplicates", where, j, r.what)
				}
				if s.Netuid != RootNetuid && int(w[0]) >= len(s.Neurons) {
					return types.Errorf(types.ErrExportInconsistent, "%s uid %d: %s name uid %d of %d neurons", where, j, r.what, w[0], len(s.Neurons))
				}
			}
		}
	}
	return nil
}

// importCall reads a proposal's call from its encoding and checks that its
// name, arguments and hash agree with it.
func importCall(p types.ProposalInfo) (types.Call, error) {
	var c types.Call
	b, err := hex.DecodeString(strings.TrimPrefix(p.Call.Encoded, "0x"))
	if err != nil {
		return c, fmt.Errorf("call encoded %q is not 0x-hex", p.Call.Encoded)
	}
	if err := types.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("call encoded: %v", err)
	}
	again, err := types.NewProposalCall(c)
	if err != nil {
		return c, err
	}
	var want, got bytes.Buffer
	if json.Compact(&want, p.Call.Args) != nil || json.Compact(&got, again.Args) != nil || want.String() != got.String() || again.Name != p.Call.Name {
		return c, fmt.Errorf("call name and args (%s %s) do not match its encoding (%s %s)", p.Call.Name, p.Call.Args, again.Name, again.Args)
	}
	if h, err := types.ProposalHash(c); err != nil || h != p.Hash {
		return c, fmt.Errorf("hash %s is not the call's (%s)", p.Hash, h)
	}
	return c, nil
}

// apply writes a validated export into empty state, in the export's app
// version's layout.
func (e *Export) apply(st *State, chainID string) {
	st.kv.Set(singleKey(keyChainID), []byte(chainID))
	st.setAppVersion(e.AppVersion)
	st.SetParams(e.Params)
	if e.Sudo != nil {
		st.SetSudo(*e.Sudo)
	}
	st.SetTotalIssuance(e.TotalIssuance)
	for _, a := range e.Accounts {
		st.SetAccount(a.Address, Account{Free: a.Free, Nonce: a.Nonce})
	}
	for _, o := range e.Owners {
		setOwner(st, o.Hotkey, o.Coldkey)
	}
	for _, s := range e.Stakes {
		increaseStake(st, s.Hotkey, s.Coldkey, s.Amount)
	}
	for _, d := range e.Delegates {
		st.kv.Set(accountKeyP(prefixDelegate, d.Hotkey), u16Bytes(d.Take))
	}
	for _, l := range e.LastTxBlocks {
		setLastTxBlock(st, l.Account, l.Block)
	}
	if e.NetworkLastRegistered != nil {
		st.kv.Set(singleKey(keyNetworkLastReg), u64Bytes(*e.NetworkLastRegistered))
	}
	if e.NetworkLastLockCost != nil {
		st.kv.Set(singleKey(keyNetworkLastLock), u64Bytes(*e.NetworkLastLockCost))
	}
	for i := range e.Subnets {
		e.Subnets[i].apply(st)
	}
	for _, b := range e.BlockHashes {
		h, _ := types.ParseHash(b.Hash) // checked by Validate
		st.kv.Set(heightKey(prefixBlockHash, b.Height), h[:])
	}
	for _, w := range e.UsedWork {
		useWork(st, w.Seal, w.Height)
	}
	for _, m := range e.Triumvirate {
		st.setMember(types.Triumvirate, m)
	}
	for _, m := range e.Senate {
		st.setMember(types.Senate, m)
	}
	for _, p := range e.Proposals {
		c, _ := importCall(p) // checked by Validate
		st.setProposal(p.Hash, &proposal{Index: p.Index, Proposer: p.Proposer, Threshold: p.Threshold, Ayes: p.Ayes, Nays: p.Nays,
			ProposedAt: p.ProposedAt, End: p.End, Call: c})
	}
	if e.ProposalCount != nil {
		st.kv.Set(singleKey(keyProposalCount), binary.BigEndian.AppendUint32(nil, *e.ProposalCount))
	}
	st.setUpgradePlan(e.UpgradePlan)
	for _, u := range e.AppliedUpgrades {
		st.recordUpgrade(u)
	}
	for _, id := range e.Identities {
		st.setIdentity(id.Identified, &identity{Info: id.Info, Deposit: id.Deposit, Depositor: id.Depositor})
	}
}

func (s *ExportSubnet) apply(st *State) {
	sn := subnetState{Owner: s.Owner, RegisteredAt: s.RegisteredAt, Lock: s.Lock, N: uint16(len(s.Neurons)),
		RegistrationsThisBlock: s.RegistrationsThisBlock, RegistrationsThisInterval: s.RegistrationsThisInterval,
		PowRegistrationsThisInterval: s.PowRegistrationsThisInterval, BurnRegistrationsThisInterval: s.BurnRegistrationsThisInterval,
		LastAdjustmentBlock: s.LastAdjustmentBlock, RAORecycledForRegistration: s.RAORecycledForRegistration}
	initNetwork(st, s.Netuid, s.Hyperparams, sn)
	if s.EmissionValue != nil {
		st.SetEmissionValue(s.Netuid, *s.EmissionValue)
	}
	if s.Emission != nil {
		st.setSubnetEmission(s.Netuid, subnetEmission(*s.Emission))
	}
	loaded := make([]loadedEmission, len(s.LoadedEmission))
	for i, l := range s.LoadedEmission {
		loaded[i] = loadedEmission(l)
	}
	st.setLoadedEmission(s.Netuid, loaded)
	for i := range s.Neurons {
		en := &s.Neurons[i]
		n := neuron{Hotkey: en.Hotkey, Coldkey: en.Coldkey, RegisteredAt: en.RegisteredAt, LastUpdate: en.LastUpdate,
			Active: en.Active, ValidatorPermit: en.ValidatorPermit, Rank: en.Rank, Trust: en.Trust, Consensus: en.Consensus,
			Incentive: en.Incentive, Dividends: en.Dividends, ValidatorTrust: en.ValidatorTrust, PruningScore: en.PruningScore,
			Emission: en.Emission}
		a, p := &en.Axon, &en.Prometheus
		axonIP, _ := parseExportIP(a.IP, a.IPType) // checked by Validate
		promIP, _ := parseExportIP(p.IP, p.IPType)
		n.Axon = axonInfo{Block: a.Block, Version: a.Version, IP: axonIP, Port: a.Port, IPType: a.IPType,
			Protocol: a.Protocol, Placeholder1: a.Placeholder1, Placeholder2: a.Placeholder2}
		n.Prometheus = prometheusInfo{Block: p.Block, Version: p.Version, IP: promIP, Port: p.Port, IPType: p.IPType}
		st.SetNeuron(s.Netuid, en.UID, &n)
		st.setRegistration(en.Hotkey, s.Netuid, en.UID)
		if en.Weights != nil {
			st.SetWeights(s.Netuid, en.UID, *en.Weights)
		}
		if en.Bonds != nil {
			st.SetBonds(s.Netuid, en.UID, *en.Bonds)
		}
	}
}

// ExportGenesis exports the state a chain starts from: req (InitChain's
// request, built from a genesis document) applied to empty state in memory
// by this binary, as a node applies it. A node keeps no version of that
// state (the first it commits is the first block's), so this is how the
// state after block InitialHeight−1 is exported.
func ExportGenesis(req *abci.RequestInitChain) (*Export, error) {
	app, err := NewApp(iavldb.NewMemDB(), Options{})
	if err != nil {
		return nil, err
	}
	defer app.Close()
	if _, err := app.InitChain(context.Background(), req); err != nil {
		return nil, err
	}
	st, _, err := app.stateAt(0)
	if err != nil {
		return nil, err
	}
	return ExportState(st, app.initial-1)
}
