package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
)

// stateDump is every key and value of st.
func stateDump(st *State) map[string]string {
	out := make(map[string]string)
	st.kv.Iterate(nil, nil, func(k, v []byte) bool {
		out[string(k)] = string(v)
		return true
	})
	return out
}

// exportedChain is a chain that went through neuron-record-v2 and
// identity-registry and holds a record of every kind (an identity among
// them), a planned upgrade and payouts loaded by an epoch, exported at its
// latest height.
func exportedChain(t *testing.T) (*upgradeRun, *Export, []byte) {
	t.Helper()
	u := runUpgrade(t)
	c := u.c
	u.haltFor(t, "identity-registry", "release 3")
	u.switchTo(t, 3, false)
	c.must(key(t, "//Bob"), bobsIdentity(t))
	c.must(key(t, "//Alice"), &types.ScheduleUpgrade{Name: "some-future-upgrade", Height: 10_000, Info: "see the release notes"})
	// End in the block of an epoch (payouts loaded), with a proof-of-work
	// registration in it (a spent seal, kept for a few blocks).
	for blocksUntilNextEpoch(1, 4, uint64(c.height)+1) != 0 {
		c.run()
	}
	pow := key(t, "//Eve/pow")
	c.must(pow, c.powArgs(pow, id(t, "//Eve"), 2, 1000))
	if len(c.state().LoadedEmission(1)) == 0 {
		t.Fatal("no payouts loaded in the epoch's block")
	}
	e, err := ExportState(c.state(), uint64(c.height))
	if err != nil {
		t.Fatal(err)
	}
	js, err := e.AppState()
	if err != nil {
		t.Fatal(err)
	}
	return u, e, js
}

// startFrom starts a chain from an export's app state on a new App.
func startFrom(t *testing.T, js []byte, height uint64, genesisVersion uint64) (*App, error) {
	t.Helper()
	app, err := NewApp(iavldb.NewMemDB(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := &abci.RequestInitChain{ChainId: testChainID, InitialHeight: int64(height) + 1, AppStateBytes: js}
	if genesisVersion != 0 {
		req.ConsensusParams = &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: genesisVersion}}
	}
	resp, err := app.InitChain(context.Background(), req)
	if err != nil {
		return nil, err
	}
	if got := resp.ConsensusParams.GetVersion().GetApp(); got != LatestAppVersion() {
		t.Errorf("InitChain reports app version %d, want %d", got, LatestAppVersion())
	}
	return app, nil
}

// export → new chain → export gives the same bytes, and the new chain's
// state holds exactly the keys and values of the old one.
func TestExportRoundTrip(t *testing.T) {
	u, e, js := exportedChain(t)
	c := u.c

	// The export holds a value of every kind.
	var withRows, withLoaded, withEmission, withEndpoints int
	for _, s := range e.Subnets {
		if len(s.LoadedEmission) > 0 {
			withLoaded++
		}
		if s.EmissionValue != nil && s.Emission != nil {
			withEmission++
		}
		for _, n := range s.Neurons {
			if n.Weights != nil || n.Bonds != nil {
				withRows++
			}
			if n.Axon.IPType != 0 || n.Prometheus.IPType != 0 {
				withEndpoints++
			}
		}
	}
	for what, n := range map[string]int{
		"accounts": len(e.Accounts), "owners": len(e.Owners), "stakes": len(e.Stakes), "delegates": len(e.Delegates),
		"last tx blocks": len(e.LastTxBlocks), "subnets": len(e.Subnets) - 2, "block hashes": len(e.BlockHashes),
		"used work": len(e.UsedWork), "triumvirate": len(e.Triumvirate), "senate": len(e.Senate), "proposals": len(e.Proposals),
		"applied upgrades": len(e.AppliedUpgrades), "neurons with rows": withRows, "subnets with payouts loaded": withLoaded,
		"subnets with emission": withEmission, "neurons with endpoints": withEndpoints, "identities": len(e.Identities),
	} {
		if n <= 0 {
			t.Errorf("the export has no %s", what)
		}
	}
	if e.Sudo == nil || e.ProposalCount == nil || e.NetworkLastRegistered == nil || e.NetworkLastLockCost == nil || e.UpgradePlan == nil {
		t.Errorf("the export lacks a single value: %+v", e)
	}

	app, err := startFrom(t, js, e.Height, e.AppVersion)
	if err != nil {
		t.Fatal(err)
	}
	// The state at genesis (what queries see) and the tree's working state
	// both hold the old chain's keys and values, exactly.
	gen, _, err := app.stateAt(0)
	if err != nil {
		t.Fatal(err)
	}
	old := stateDump(c.state())
	for name, st := range map[string]*State{"genesis view": gen, "working tree": NewState(treeKV{app.tree})} {
		if diff := diffKeys(old, stateDump(st)); len(diff) > 0 {
			t.Errorf("%s: %d keys differ from the exported chain's, the first %x", name, len(diff), diff[0])
		}
	}
	again, err := ExportState(gen, e.Height)
	if err != nil {
		t.Fatal(err)
	}
	js2, err := again.AppState()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, js2) {
		t.Errorf("export → genesis → export differs:\n%s", firstDiff(js, js2))
	}

	// The new chain goes on from the next height, answering as the old one.
	next := &testChain{t: t, app: app, height: int64(e.Height)}
	next.block()
	var was, is types.NeuronsInfo
	c.query(types.QueryNeurons+"/1", 0, &was)
	next.query(types.QueryNeurons+"/1", 0, &is)
	if is.Height != e.Height+1 || len(is.Neurons) != len(was.Neurons) || is.Neurons[1].Axon != was.Neurons[1].Axon {
		t.Errorf("the new chain at %d: %+v", is.Height, is)
	}
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

// An export of app version 1 starts a chain of this binary's app version:
// the migrations run at genesis and are recorded at the first block.
func TestExportOfOlderVersionMigrates(t *testing.T) {
	c := newChainOn(t, richGenesis(t), iavldb.NewMemDB(), Options{AppVersion: 1})
	fillRichState(c)
	e, err := ExportState(c.state(), uint64(c.height))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "exported app version", e.AppVersion, uint64(1))
	js, _ := e.AppState()
	app, err := startFrom(t, js, e.Height, 1)
	if err != nil {
		t.Fatal(err)
	}
	gen, _, _ := app.stateAt(0)
	mustEqual(t, "app version", gen.AppVersion(), uint64(3))
	start := []byte{prefixNeuron}
	gen.kv.Iterate(start, prefixEnd(start), func(_, v []byte) bool {
		if v[0] != neuronRecordV2 {
			t.Errorf("neuron record of layout %d", v[0])
		}
		return true
	})
	again, err := ExportState(gen, e.Height)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.AppliedUpgrade{{Name: "neuron-record-v2", AppVersion: 2, Height: e.Height + 1},
		{Name: "identity-registry", AppVersion: 3, Height: e.Height + 1}}
	if !jsonEqual(t, again.AppliedUpgrades, want) {
		t.Errorf("applied %+v, want %+v", again.AppliedUpgrades, want)
	}
	// identity-registry wrote the registry's parameters, which app version
	// 1 has none of; nothing else changed.
	if e.Params.Registry != (types.RegistryParams{}) || again.Params.Registry != types.DefaultRegistryParams() {
		t.Errorf("registry parameters %+v before the migration, %+v after", e.Params.Registry, again.Params.Registry)
	}
	again.AppVersion, again.AppliedUpgrades, again.Params.Registry = e.AppVersion, e.AppliedUpgrades, e.Params.Registry
	if !jsonEqual(t, again, e) {
		t.Error("values changed through the migration at genesis")
	}
}

// A genesis from an export that contradicts itself, or that this binary or
// the chain's start cannot honour, is refused with a reason.
func TestExportGenesisRefusals(t *testing.T) {
	_, e, js := exportedChain(t)
	edit := func(f func(e *Export)) []byte {
		var g Genesis
		g, err := ParseGenesis(js)
		if err != nil {
			t.Fatal(err)
		}
		f(g.Export)
		b, err := g.Export.AppState()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tt := range []struct {
		name string
		js   []byte
		says string
	}{
		{"issuance off by one", edit(func(e *Export) { e.TotalIssuance++ }), "total_issuance"},
		{"neuron of another coldkey", edit(func(e *Export) { e.Subnets[1].Neurons[0].Coldkey = id(t, "//Mallory") }), "owned by"},
		{"stake on an unowned hotkey", edit(func(e *Export) { e.Stakes[0].Hotkey = id(t, "//Nobody") }), "has no owner"},
		{"accounts out of order", edit(func(e *Export) { e.Accounts[0], e.Accounts[1] = e.Accounts[1], e.Accounts[0] }), "out of order"},
		{"uids not from 0", edit(func(e *Export) { e.Subnets[1].Neurons[0].UID = 5 }), "uid 5"},
		{"row naming a missing uid", edit(func(e *Export) { e.Subnets[1].Neurons[0].Weights = &[][2]uint16{{40, 1}} }), "uid 40"},
		{"IP that is not IPv4", edit(func(e *Export) { e.Subnets[1].Neurons[1].Axon.IP = "2001:db8::1" }), "IPv6"},
		{"proposal args changed", edit(func(e *Export) { e.Proposals[0].Call.Args = json.RawMessage(`{"netuid":1,"value":10}`) }), "do not match"},
		{"plan before the height", edit(func(e *Export) { e.UpgradePlan.Height = e.Height }), "not after"},
		{"no root network", edit(func(e *Export) { e.Subnets = e.Subnets[1:] }), ""},
		{"identity deposit not in the issuance", edit(func(e *Export) { e.Identities[0].Deposit++ }), "identity deposits hold"},
		{"identity listed twice", edit(func(e *Export) { e.Identities = append(e.Identities, e.Identities[0]) }), "out of order or listed twice"},
		{"identity field too long", edit(func(e *Export) { e.Identities[0].Info.Web = strings.Repeat("w", 65) }), "web is 65 bytes"},
		{"unknown field", bytes.Replace(js, []byte(`"height"`), []byte(`"heigth"`), 1), "unknown field"},
		{"export beside other keys", append([]byte(`{"params":{},`), bytes.TrimPrefix(bytes.TrimSpace(js), []byte("{"))...), "holds only"},
	} {
		_, err := ParseGenesis(tt.js)
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		mustContain(t, err, tt.says)
	}
	if _, err := startFrom(t, js, e.Height+1, 0); err == nil || !strings.Contains(err.Error(), "must start at height") {
		t.Errorf("wrong initial height: %v", err)
	}
	if _, err := startFrom(t, js, e.Height, 1); !errors.Is(err, types.ErrExportInconsistent) {
		t.Errorf("genesis document's app version contradicts the export: %v", err)
	}
	newer := edit(func(e *Export) { e.AppVersion = LatestAppVersion() + 1 })
	if _, err := startFrom(t, newer, e.Height, 0); !errors.Is(err, types.ErrBinaryTooOld) {
		t.Errorf("export of a newer app version: %v", err)
	}
}

// The export never drops a value: a key it has no export for, or a record
// it cannot read, fails it.
func TestExportRefusesWhatItCannotCarry(t *testing.T) {
	for _, tt := range []struct {
		name     string
		key, val []byte
		says     string
	}{
		{"unknown prefix", []byte{0xee, 1}, []byte{1}, "no export for state prefix 0xee"},
		{"record of an unknown layout", uidKey(prefixNeuron, 1, 3), []byte{42}, "version 42"},
		{"record of a missing subnet", netuidKey(prefixEmissionValue, 99), u64Bytes(1), "subnet 99, which does not exist"},
		{"row without a neuron", uidKey(prefixWeights, 1, 9), []byte{}, "uid 9, which has no neuron"},
	} {
		c := newEmissionChain(t, nil)
		c.run()
		kv := newCache(versionKV{c.app.committed})
		kv.Set(tt.key, tt.val)
		_, err := ExportState(NewState(kv), 1)
		if !errors.Is(err, types.ErrStateUnreadable) {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		mustContain(t, err, tt.says)
	}
}

// ExportDB reads a stored state of any height it keeps, of either app
// version, without an App.
func TestExportDB(t *testing.T) {
	u := runUpgrade(t)
	for h, want := range map[int64]uint64{u.h - 1: 1, u.h: 2, 0: 2} {
		e, err := ExportDB(u.db, h)
		if err != nil {
			t.Fatalf("height %d: %v", h, err)
		}
		if e.AppVersion != want {
			t.Errorf("height %d: app version %d, want %d", h, e.AppVersion, want)
		}
	}
	_, err := ExportDB(u.db, u.h+100)
	if !errors.Is(err, types.ErrHeightPruned) {
		t.Fatalf("height beyond the chain: %v", err)
	}
	mustContain(t, err, "kept: 1 to")
	if _, err := ExportDB(iavldb.NewMemDB(), 0); !errors.Is(err, ErrNoState) {
		t.Errorf("empty database: %v", err)
	}
}
