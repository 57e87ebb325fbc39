package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/wallet"
)

// newChainOn starts a chain from g on db with an App configured by opts
// (opts.AppVersion stands in for an older binary).
func newChainOn(t testing.TB, g Genesis, db iavldb.DB, opts Options) *subtensorChain {
	t.Helper()
	app, err := NewApp(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := &subtensorChain{testChain: &testChain{t: t, app: app}, genesis: g, opts: Options{AppVersion: opts.AppVersion}}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, AppStateBytes: b}); err != nil {
		t.Fatal(err)
	}
	return c
}

// richGenesis is newEmissionChain's genesis (a root validator weighting
// subnet 1, whose tempo is 4, with a delegate validator //v and two miners)
// with //Alice, //Bob and //Charlie as the triumvirate, //Dave funded, and
// every neuron able to serve at once.
func richGenesis(t testing.TB) Genesis {
	t.Helper()
	g := subtensorGenesis(t, "//Alice", "//Bob", "//Charlie", "//Dave", "//root/cold")
	g.Root.Tempo = 2
	g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: RootNetuid, Neurons: []GenesisNeuron{
		{Hotkey: id(t, "//root/hot"), Coldkey: id(t, "//root/cold"), Stake: 100 * tao, Weights: [][2]uint16{{1, 65535}}},
	}})
	h := g.Params.Subtensor.SubnetDefaults
	h.Tempo = 4
	g.Subnets = append(g.Subnets, GenesisSubnet{Netuid: 1, Owner: id(t, "//Bob"), Lock: 100 * tao, Hyperparams: &h, Neurons: []GenesisNeuron{
		{Hotkey: id(t, "//v"), Coldkey: id(t, "//Alice"), Stake: 1000 * tao, Delegate: true, ValidatorPermit: true},
		{Hotkey: id(t, "//m1"), Coldkey: id(t, "//Charlie")},
		{Hotkey: id(t, "//m2"), Coldkey: id(t, "//Charlie")},
	}})
	g.Triumvirate = []types.AccountID{id(t, "//Alice"), id(t, "//Bob"), id(t, "//Charlie")}
	g.Params.Governance.MotionDuration = 5
	return g
}

// fillRichState runs blocks that leave a record of every kind the chain
// keeps: endpoints (IPv4 and IPv6), weights and bonds, emission pending and
// loaded, nominations, a second subnet with a proof-of-work registration
// (a spent seal), a senator and an open proposal with a vote, and, from the
// identity registry's app version on, an identity.
func fillRichState(c *subtensorChain) {
	t := c.t
	alice, bob, charlie, dave := key(t, "//Alice"), key(t, "//Bob"), key(t, "//Charlie"), key(t, "//Dave")
	v, m1, m2 := key(t, "//v"), key(t, "//m1"), key(t, "//m2")
	c.run()
	c.must(charlie, &types.AddStake{Hotkey: id(t, "//v"), Amount: 500 * tao})
	v4, _, _ := types.ParseIP("203.0.113.5")
	v6, _, _ := types.ParseIP("2001:db8::7")
	c.must(m1, &types.ServeAxon{Netuid: 1, Version: 650, IP: v4, Port: 8091, IPType: 4, Protocol: 4, Placeholder1: 1, Placeholder2: 2})
	c.must(m1, &types.ServePrometheus{Netuid: 1, Version: 1, IP: v6, Port: 7091, IPType: 6})
	c.must(m2, &types.ServeAxon{Netuid: 1, Version: 651, IP: v6, Port: 8092, IPType: 6})
	c.must(v, &types.SetWeights{Netuid: 1, Dests: []uint16{1, 2}, Weights: []uint16{3, 1}})
	netuid := c.createSubnet(bob)
	pow := key(t, "//Dave/pow")
	c.must(pow, c.powArgs(pow, id(t, "//Dave"), netuid, 1000))
	c.rootRegister(dave, id(t, "//Dave/senate"))
	h, index := c.propose(alice, setTempo(t, 1, 9), 50)
	c.vote(dave, id(t, "//Dave/senate"), h, index, true)
	if c.state().AppVersion() >= appVersionIdentityRegistry {
		c.must(bob, bobsIdentity(t))
	}
	for i := 0; i < 6; i++ {
		c.run()
	}
}

// bobsIdentity is an identity //Bob may set: his own, as subnet 1's owner.
func bobsIdentity(t testing.TB) *types.SetIdentity {
	return &types.SetIdentity{Identified: id(t, "//Bob"), Info: types.IdentityInfo{Display: "Bob's subnet",
		Additional: []types.IdentityField{{Key: "info", Value: "an identity for the export"}}}}
}

// jsonEqual reports whether a and b encode to the same JSON.
func jsonEqual(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}

func TestNeuronRecordLayouts(t *testing.T) {
	v4, _, _ := types.ParseIP("203.0.113.5")
	v6, _, _ := types.ParseIP("2001:db8::7")
	compat, _, _ := types.ParseIP("::203.0.113.5") // IPv6 with 12 leading zero bytes
	base := neuron{Hotkey: types.AccountID{1, 2}, Coldkey: types.AccountID{3}, RegisteredAt: 7, LastUpdate: 9, Active: true,
		ValidatorPermit: true, Rank: 1, Trust: 2, Consensus: 3, Incentive: 4, Dividends: 5, ValidatorTrust: 6, PruningScore: 7, Emission: 1 << 40}
	withAxon := func(ip [16]byte, ipType uint8) neuron {
		n := base
		n.Axon = axonInfo{Block: 11, Version: 650, IP: ip, Port: 8091, IPType: ipType, Protocol: 4, Placeholder1: 1, Placeholder2: 2}
		return n
	}
	both := withAxon(v4, 4)
	both.Prometheus = prometheusInfo{Block: 12, Version: 1, IP: v6, Port: 7091, IPType: 6}
	for _, tt := range []struct {
		name   string
		n      neuron
		v2Size int // bytes of the layout-2 record
	}{
		{"never served", base, 139},
		{"IPv4 axon", withAxon(v4, 4), 143},
		{"IPv6 axon", withAxon(v6, 6), 155},
		{"IPv4-compatible IPv6 axon", withAxon(compat, 6), 143},
		{"IPv4 axon and IPv6 prometheus", both, 159},
	} {
		for _, layout := range []byte{neuronRecordV1, neuronRecordV2} {
			b := tt.n.encode(layout)
			want := tt.v2Size
			if layout == neuronRecordV1 {
				want = neuronRecordV1Size
			}
			if len(b) != want || b[0] != layout {
				t.Errorf("%s, layout %d: %d bytes, version byte %d; want %d bytes", tt.name, layout, len(b), b[0], want)
			}
			got, err := decodeNeuron(b)
			if err != nil || got != tt.n {
				t.Errorf("%s, layout %d: decoded %+v, %v; want %+v", tt.name, layout, got, err, tt.n)
			}
		}
	}
}

// Every malformed record is an error naming what is wrong, never a panic.
func TestDecodeNeuronRefuses(t *testing.T) {
	v4, _, _ := types.ParseIP("203.0.113.5")
	n := neuron{Axon: axonInfo{IP: v4, IPType: 4}}
	good := n.encode(neuronRecordV2)
	v1 := n.encode(neuronRecordV1)
	axonIPLen := neuronFixedSize + 8 + 4 + 2 + 4 // offset of the axon's IP length byte
	longIP := append(append(append([]byte(nil), good[:axonIPLen]...), 16), make([]byte, 12)...)
	longIP = append(longIP, good[axonIPLen+1:]...)
	for _, tt := range []struct {
		name string
		b    []byte
		says string
	}{
		{"empty", nil, "empty"},
		{"unknown version", append([]byte{3}, good[1:]...), "version 3"},
		{"version 0", append([]byte{0}, good[1:]...), "version 0"},
		{"version 1 short", v1[:len(v1)-1], "version 1 has 168 bytes"},
		{"version 1 long", append(v1, 0), "version 1 has 170 bytes"},
		{"version 2 truncated", good[:len(good)-3], "short"},
		{"version 2 trailing byte", append(append([]byte(nil), good...), 0), "1 bytes left over"},
		{"IP length 5", append(append(append([]byte(nil), good[:axonIPLen]...), 5), good[axonIPLen+1:]...), "IP length 5"},
		{"IPv4 stored in 16 bytes", longIP, "IP of 4 bytes stored in 16"},
		{"fixed part only", good[:neuronFixedSize], "short"},
	} {
		_, err := decodeNeuron(tt.b)
		if !errors.Is(err, types.ErrStateUnreadable) {
			t.Errorf("%s: err %v, want StateUnreadable", tt.name, err)
			continue
		}
		mustContain(t, err, tt.says)
	}
}

// upgradeRun drives a chain through upgrades the way a network does: a
// binary of the state's app version runs the chain and schedules an
// upgrade; it stops after the block before the upgrade's height and will
// not start again; a binary of the upgrade's app version will not start
// before either, and at the height migrates the state and goes on.
type upgradeRun struct {
	c       *subtensorChain
	db      iavldb.DB
	version uint64                      // the app version of the binary running the chain
	h       int64                       // the last upgrade's height
	halted  error                       // what OnHalt reported
	before  types.NeuronsInfo           // subnet 1's neurons at h-1, as version 1 answered them (runUpgrade)
	resp    *abci.ResponseFinalizeBlock // the last upgrade's block
}

// options are the App options of the binary of app version u.version.
func (u *upgradeRun) options() Options {
	return Options{AppVersion: u.version, OnHalt: func(err error) { u.halted = err }}
}

// runUpgrade starts a rich chain under app version 1 and takes it through
// neuron-record-v2 to app version 2.
func runUpgrade(t *testing.T) *upgradeRun { return runUpgradeWith(t, false) }

// runUpgradeWith is runUpgrade; with reuse, version 2's ProcessProposal at
// the upgrade's height sees the block's hash, so that FinalizeBlock applies
// the writes ProcessProposal made (the migration's among them) instead of
// executing the block itself.
func runUpgradeWith(t *testing.T, reuse bool) *upgradeRun {
	t.Helper()
	u := &upgradeRun{db: iavldb.NewMemDB(), version: 1}
	u.c = newChainOn(t, richGenesis(t), u.db, u.options())
	c := u.c
	fillRichState(c)
	mustEqual(t, "app version before", c.upgradeInfo().AppVersion, uint64(1))
	u.haltFor(t, "neuron-record-v2", "release 2")
	c.query(types.QueryNeurons+"/1", 0, &u.before)
	for _, raw := range c.neuronRecords() {
		if raw[0] != neuronRecordV1 {
			t.Fatalf("app version 1 wrote a neuron record of layout %d", raw[0])
		}
	}
	u.switchTo(t, 2, reuse)
	return u
}

// haltFor schedules the upgrade name (with info) three blocks ahead and
// runs the chain until its binary stops for it, after the block before.
func (u *upgradeRun) haltFor(t *testing.T, name, info string) {
	t.Helper()
	c := u.c
	u.halted = nil
	u.h = c.height + 3
	c.must(key(t, "//Alice"), &types.ScheduleUpgrade{Name: name, Height: uint64(u.h), Info: info})
	if u.halted != nil {
		t.Fatalf("halted two blocks early: %v", u.halted)
	}
	c.run()
	if !errors.Is(u.halted, types.ErrUpgradeNeeded) {
		t.Fatalf("after block %d, OnHalt got %v, want UpgradeNeeded", c.height, u.halted)
	}
	mustContain(t, u.halted, fmt.Sprintf("upgrade %q at height", name), info)
}

// switchTo checks that the halted binary refuses the upgrade's block (it
// does not even vote for one) and to start again, then runs that block
// with the binary of app version to, on the same database.
func (u *upgradeRun) switchTo(t *testing.T, to uint64, reuse bool) {
	t.Helper()
	u.stopsForGood(t)
	u.takeOver(t, to)
	u.upgradeBlock(t, reuse)
}

// stopsForGood checks that the halted binary refuses the upgrade's block
// and to start again, and closes it.
func (u *upgradeRun) stopsForGood(t *testing.T) {
	t.Helper()
	c := u.c
	pp, err := c.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: u.h})
	if err != nil || pp.Status != abci.ResponseProcessProposal_REJECT {
		t.Fatalf("version %d ProcessProposal at the upgrade height: %v %v", u.version, pp, err)
	}
	_, err = c.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: u.h})
	if !errors.Is(err, types.ErrUpgradeNeeded) {
		t.Fatalf("version %d FinalizeBlock at the upgrade height: %v", u.version, err)
	}
	c.app.Close()
	if _, err := NewApp(u.db, Options{AppVersion: u.version}); !errors.Is(err, types.ErrUpgradeNeeded) {
		t.Fatalf("version %d restarted: %v, want UpgradeNeeded", u.version, err)
	}
}

// takeOver starts the release of app version to on the halted binary's
// database.
func (u *upgradeRun) takeOver(t *testing.T, to uint64) {
	t.Helper()
	u.version = to
	app, err := NewApp(u.db, u.options())
	if err != nil {
		t.Fatal(err)
	}
	u.c.app = app
}

// upgradeBlock runs the upgrade's block with the release that took over.
func (u *upgradeRun) upgradeBlock(t *testing.T, reuse bool) {
	t.Helper()
	c, app, to := u.c, u.c.app, u.version
	proposed := &abci.RequestProcessProposal{Height: u.h}
	if reuse {
		proposed.Hash = hashOf(u.h)
	}
	if pp, err := app.ProcessProposal(context.Background(), proposed); err != nil || pp.Status != abci.ResponseProcessProposal_ACCEPT {
		t.Fatalf("version %d ProcessProposal at the upgrade height: %v %v", to, pp, err)
	}
	resp, err := app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: u.h, Hash: hashOf(u.h)})
	if err != nil {
		t.Fatal(err)
	}
	u.resp = resp
	if _, err := app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		t.Fatal(err)
	}
	c.height = u.h
	c.blocks = append(c.blocks, nil)
}

func hashOf(h int64) []byte {
	b := blockHash(uint64(h))
	return b[:]
}

func (c *subtensorChain) upgradeInfo() types.UpgradeInfo {
	c.t.Helper()
	var info types.UpgradeInfo
	c.query(types.QueryUpgrade, 0, &info)
	return info
}

// neuronRecords returns every stored neuron record of the latest state.
func (c *subtensorChain) neuronRecords() [][]byte {
	var out [][]byte
	start := []byte{prefixNeuron}
	c.state().kv.Iterate(start, prefixEnd(start), func(_, v []byte) bool {
		out = append(out, bytes.Clone(v))
		return true
	})
	return out
}

func TestUpgradeAtPlannedHeight(t *testing.T) {
	u := runUpgrade(t)
	c := u.c
	resp := u.resp
	if got := resp.ConsensusParamUpdates.GetVersion().GetApp(); got != 2 {
		t.Errorf("FinalizeBlock at the upgrade reports app version %d to CometBFT, want 2", got)
	}
	if !hasEvent(resp.Events, "Upgraded", "name", "neuron-record-v2", "app_version", "2") {
		t.Errorf("no Upgraded event: %v", resp.Events)
	}
	info := c.upgradeInfo()
	want := types.UpgradeInfo{AppVersion: 2, Applied: []types.AppliedUpgrade{{Name: "neuron-record-v2", AppVersion: 2, Height: uint64(u.h)}}, Height: uint64(u.h)}
	if info.AppVersion != want.AppVersion || info.Plan != nil || len(info.Applied) != 1 || info.Applied[0] != want.Applied[0] {
		t.Errorf("after the upgrade: %+v, want %+v", info, want)
	}
	ai, _ := c.app.Info(context.Background(), &abci.RequestInfo{})
	mustEqual(t, "Info app version", ai.AppVersion, uint64(2))

	records := c.neuronRecords()
	if len(records) != 1+3+2 {
		t.Errorf("%d neuron records", len(records))
	}
	for _, raw := range records {
		if raw[0] != neuronRecordV2 || len(raw) >= neuronRecordV1Size {
			t.Errorf("record of layout %d, %d bytes after the upgrade", raw[0], len(raw))
		}
	}
	// The migration changed the layout, not a value: the neurons read the
	// same as before it, and version 2 reads the state before it too.
	var after, old types.NeuronsInfo
	c.query(types.QueryNeurons+"/1", 0, &after)
	c.query(types.QueryNeurons+"/1", u.h-1, &old)
	after.Height, old.Height, u.before.Height = 0, 0, 0
	if !jsonEqual(t, after, u.before) || !jsonEqual(t, old, u.before) {
		t.Errorf("neurons changed through the upgrade:\nbefore %+v\nafter  %+v\nold    %+v", u.before, after, old)
	}
	if after.Neurons[1].Axon.IP != "203.0.113.5" || after.Neurons[2].Axon.IP != "2001:db8::7" {
		t.Errorf("endpoints after the upgrade: %+v %+v", after.Neurons[1].Axon, after.Neurons[2].Axon)
	}
	// The chain goes on under version 2: a new endpoint is written in
	// layout 2, and the upgrade cannot be planned again.
	v6, _, _ := types.ParseIP("2001:db8::9")
	c.must(key(t, "//m2"), &types.ServePrometheus{Netuid: 1, Version: 2, IP: v6, Port: 7092, IPType: 6})
	for i := 0; i < 5; i++ {
		c.run()
	}
	if err, _ := c.call(key(t, "//Alice"), &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: uint64(c.height + 5)}); !errors.Is(err, types.ErrUpgradeApplied) {
		t.Errorf("planning the applied upgrade again: %v", err)
	}
}

// Two nodes that go through the same blocks and the same switch of binary
// compute the same app hash at every height, the upgrade's included.
func TestUpgradeIsDeterministic(t *testing.T) {
	a, b := runUpgrade(t), runUpgrade(t)
	for h := int64(1); h <= a.h; h++ {
		va, err := a.c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		vb, err := b.c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(va.Hash(), vb.Hash()) {
			t.Fatalf("height %d: app hashes %x and %x", h, va.Hash(), vb.Hash())
		}
	}
}

func TestScheduleAndCancelUpgrade(t *testing.T) {
	db := iavldb.NewMemDB()
	var halted error
	c := newChainOn(t, subtensorGenesis(t, "//Alice", "//Bob"), db, Options{AppVersion: 1, OnHalt: func(err error) { halted = err }})
	alice, bob := key(t, "//Alice"), key(t, "//Bob")
	c.run()
	at := func(h int64) uint64 { return uint64(h) }
	c.failsCleanly(bob, &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: at(c.height + 5)}, types.ErrBadOrigin)
	c.failsCleanly(alice, &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: at(c.height + 1)}, types.ErrUpgradeInvalid) // the block of the call itself
	c.failsCleanly(alice, &types.ScheduleUpgrade{Name: "Neuron Record", Height: at(c.height + 5)}, types.ErrUpgradeInvalid)
	c.failsCleanly(alice, &types.ScheduleUpgrade{Name: "", Height: at(c.height + 5)}, types.ErrUpgradeInvalid)
	c.failsCleanly(alice, &types.CancelUpgrade{Name: "neuron-record-v2"}, types.ErrNoUpgradePlanned)

	c.must(alice, &types.ScheduleUpgrade{Name: "first", Height: at(c.height + 10)})
	evs := c.must(alice, &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: at(c.height + 10)})
	if !hasEvent(evs, "UpgradeScheduled", "name", "neuron-record-v2", "replaces", "first") {
		t.Errorf("events %v", evs)
	}
	plan := c.upgradeInfo().Plan
	c.failsCleanly(alice, &types.CancelUpgrade{Name: "first"}, types.ErrNoUpgradePlanned)
	c.failsCleanly(bob, &types.CancelUpgrade{Name: "neuron-record-v2"}, types.ErrBadOrigin)
	c.must(alice, &types.CancelUpgrade{Name: "neuron-record-v2"})
	for c.height < int64(plan.Height)+2 {
		c.run()
	}
	if halted != nil || c.upgradeInfo().AppVersion != 1 {
		t.Errorf("a cancelled upgrade still happened: halted %v, %+v", halted, c.upgradeInfo())
	}
}

// A binary refuses to start on state it must not run: newer than it, or
// older with its upgrade not due in the next block.
func TestBinaryVersionChecks(t *testing.T) {
	u := runUpgrade(t)
	u.c.app.Close()
	if _, err := NewApp(u.db, Options{AppVersion: 1}); !errors.Is(err, types.ErrBinaryTooOld) {
		t.Errorf("version 1 on version 2 state: %v, want BinaryTooOld", err)
	}

	db := iavldb.NewMemDB()
	c := newChainOn(t, subtensorGenesis(t, "//Alice"), db, Options{AppVersion: 1})
	c.run()
	c.app.Close()
	_, err := NewApp(db, Options{AppVersion: 2})
	if !errors.Is(err, types.ErrBinaryTooNew) {
		t.Fatalf("version 2 on version 1 state with no plan: %v, want BinaryTooNew", err)
	}
	mustContain(t, err, "no upgrade is planned", "subtensor export")

	app, err := NewApp(db, Options{AppVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	c.app = app
	c.must(key(t, "//Alice"), &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: uint64(c.height + 10)})
	c.app.Close()
	_, err = NewApp(db, Options{AppVersion: 2})
	if !errors.Is(err, types.ErrBinaryTooNew) {
		t.Fatalf("version 2 before its upgrade's height: %v, want BinaryTooNew", err)
	}
	mustContain(t, err, "until then run the release of app version 1")

	// A genesis document at another app version than the binary's.
	app, _ = NewApp(iavldb.NewMemDB(), Options{AppVersion: 1})
	b, _ := json.Marshal(subtensorGenesis(t, "//Alice"))
	_, err = app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, AppStateBytes: b,
		ConsensusParams: &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: 2}}})
	if !errors.Is(err, types.ErrBinaryTooOld) {
		t.Errorf("version 1 binary, version 2 genesis: %v", err)
	}
	app, _ = NewApp(iavldb.NewMemDB(), Options{AppVersion: 2})
	_, err = app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChainID, AppStateBytes: b,
		ConsensusParams: &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: 1}}})
	if !errors.Is(err, types.ErrBinaryTooNew) {
		t.Errorf("version 2 binary, version 1 genesis: %v", err)
	}
}

// A migration that cannot read the state stops the chain at the upgrade,
// on every node alike, with an error and the state untouched.
func TestMigrationFailureHalts(t *testing.T) {
	db := iavldb.NewMemDB()
	c := newChainOn(t, subtensorGenesis(t, "//Alice"), db, Options{AppVersion: 1})
	c.run()
	c.must(key(t, "//Alice"), &types.ScheduleUpgrade{Name: "neuron-record-v2", Height: uint64(c.height + 3)})
	// A record no layout reads, under a netuid no rule visits.
	c.app.tree.Set(uidKey(prefixNeuron, 77, 0), []byte{9, 9, 9})
	c.run()
	c.app.Close()
	var halted error
	app, err := NewApp(db, Options{AppVersion: 2, OnHalt: func(err error) { halted = err }})
	if err != nil {
		t.Fatal(err)
	}
	before := app.tree.WorkingHash()
	_, err = app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: c.height + 1})
	if !errors.Is(err, types.ErrMigrationFailed) || !errors.Is(halted, types.ErrMigrationFailed) {
		t.Fatalf("FinalizeBlock: %v; OnHalt: %v", err, halted)
	}
	mustContain(t, err, "neuron-record-v2", "version 9")
	if !bytes.Equal(app.tree.WorkingHash(), before) {
		t.Error("a failed migration changed the working state")
	}
}

// A query over a record this binary cannot read answers an error naming
// it; the node goes on.
func TestQueryOfUnreadableRecord(t *testing.T) {
	charlie := key(t, "//Charlie")
	for _, tt := range []struct {
		name, path string
		key, val   []byte
		says       string
	}{
		{"neuron of an unknown layout", types.QueryNeurons + "/1", uidKey(prefixNeuron, 1, 1), []byte{7}, "version 7"},
		{"short account", types.QueryAccount + "/" + charlie.SS58Address(), accountKey(charlie.PublicKey()), []byte{1, 2, 3}, "account record of 3 bytes"},
		{"short emission record", types.QueryEmission, netuidKey(prefixSubnetEmission, 1), []byte{1}, "emission record of 1 bytes"},
	} {
		c := newEmissionChain(t, nil)
		c.run()
		// As if a newer binary had written the record (the blocks' rules
		// would stop at it, as they must).
		// Queries read the version; the mempool's view is left as it was.
		c.app.tree.Set(tt.key, tt.val)
		_, v, err := c.app.tree.SaveVersion()
		if err != nil {
			t.Fatal(err)
		}
		imm, err := c.app.tree.GetImmutable(v)
		if err != nil {
			t.Fatal(err)
		}
		c.app.mu.Lock()
		c.app.committed = imm
		c.app.mu.Unlock()
		resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: tt.path})
		if err != nil {
			t.Fatal(err)
		}
		got := types.NewChainError(resp.Code, resp.Codespace, resp.Log)
		if !errors.Is(got, types.ErrStateUnreadable) || !strings.Contains(resp.Log, tt.says) {
			t.Errorf("%s: answer %d %q", tt.name, resp.Code, resp.Log)
		}
	}
}

// Governance schedules an upgrade as the sudo key does: the approved
// proposal's call runs as Root.
func TestGovernanceSchedulesUpgrade(t *testing.T) {
	c, _, sen := withSenate(t, govGenesis(t))
	bob, ferdie := key(t, "//Bob"), key(t, "//Ferdie")
	at := uint64(c.height + 100)
	hash, index := c.propose(bob, encodeCall(t, &types.ScheduleUpgrade{Name: "neuron-record-v3", Height: at, Info: "voted"}), 10)
	c.vote(sen[0].cold, sen[0].hk, hash, index, true)
	c.vote(sen[1].cold, sen[1].hk, hash, index, true)
	evs := c.must(ferdie, &types.Close{Proposal: hash, Index: index})
	if !hasEvent(evs, "UpgradeScheduled", "name", "neuron-record-v3") || !hasEvent(evs, "Executed", "result", "ok") {
		t.Fatalf("events %v", evs)
	}
	want := types.UpgradePlan{Name: "neuron-record-v3", Height: at, Info: "voted"}
	if p := c.upgradeInfo().Plan; p == nil || *p != want {
		t.Errorf("plan %+v, want %+v", p, want)
	}
}

// The decision before each block, for every combination of the state's
// app version, the plan and the binary's version.
func TestUpgradeDue(t *testing.T) {
	a := Upgrade{Name: "a", AppVersion: 2}
	b := Upgrade{Name: "b", AppVersion: 3}
	plan := func(name string) *types.UpgradePlan { return &types.UpgradePlan{Name: name, Height: 10} }
	for _, tt := range []struct {
		name    string
		state   uint64 // the state's app version
		plan    *types.UpgradePlan
		binary  uint64 // the binary's app version (knows a up to 2, b up to 3)
		next    uint64
		run     []string
		dropped bool
		err     *types.Error
		says    string
	}{
		{name: "same version, no plan", state: 2, binary: 2, next: 10},
		{name: "plan not due yet", state: 2, plan: plan("zzz"), binary: 2, next: 9},
		{name: "state newer than the binary", state: 3, binary: 2, next: 10, err: types.ErrBinaryTooOld},
		{name: "binary newer, no plan", state: 1, binary: 2, next: 10, err: types.ErrBinaryTooNew, says: "no upgrade is planned"},
		{name: "binary newer, plan later", state: 1, plan: plan("a"), binary: 2, next: 9, err: types.ErrBinaryTooNew, says: "until then run the release of app version 1"},
		{name: "the upgrade's block", state: 1, plan: plan("a"), binary: 2, next: 10, run: []string{"a"}},
		{name: "a release skipped", state: 1, plan: plan("b"), binary: 3, next: 10, run: []string{"a", "b"}},
		{name: "binary past the planned upgrade", state: 1, plan: plan("a"), binary: 3, next: 10, err: types.ErrBinaryTooNew, says: `newest upgrade is "a"`},
		{name: "upgrade unknown to the binary", state: 1, plan: plan("zzz"), binary: 2, next: 10, err: types.ErrUpgradeNeeded, says: `upgrade "zzz" at height 10 is due`},
		{name: "older binary at the upgrade", state: 1, plan: plan("a"), binary: 1, next: 10, err: types.ErrUpgradeNeeded},
		{name: "plan for an upgrade the state has", state: 2, plan: plan("a"), binary: 2, next: 10, dropped: true},
		{name: "plan for an upgrade the state has, binary newer", state: 2, plan: plan("a"), binary: 3, next: 10, err: types.ErrBinaryTooNew, says: "already past"},
	} {
		up := &upgrader{version: tt.binary}
		for _, k := range []Upgrade{a, b} {
			if k.AppVersion <= tt.binary {
				up.known = append(up.known, k)
			}
		}
		st := NewState(newCache(emptyKV{}))
		st.setAppVersion(tt.state)
		st.setUpgradePlan(tt.plan)
		run, p, err := up.due(NewState(st.kv), tt.next)
		var names []string
		for _, r := range run {
			names = append(names, r.Name)
		}
		switch {
		case tt.err != nil:
			if !errors.Is(err, tt.err) || !strings.Contains(fmt.Sprint(err), tt.says) {
				t.Errorf("%s: err %v, want %s saying %q", tt.name, err, tt.err.Name, tt.says)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case strings.Join(names, ",") != strings.Join(tt.run, ",") || (p != nil) != (len(tt.run) > 0 || tt.dropped):
			t.Errorf("%s: runs %v with plan %v, want %v (dropped %v)", tt.name, names, p, tt.run, tt.dropped)
		}
	}
}

// A block whose rules hit unreadable state fails with the record's error
// and stops the node; a transaction whose checks hit it is refused.
func TestUnreadableStateStopsTheBlock(t *testing.T) {
	var halted error
	c := newChainOn(t, richGenesis(t), iavldb.NewMemDB(), Options{OnHalt: func(err error) { halted = err }})
	for blocksUntilNextEpoch(1, 4, uint64(c.height)+1) != 0 {
		c.run()
	}
	alice := key(t, "//Alice")
	c.app.check.Set(accountKey(alice.PublicKey()), []byte{1})
	resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: c.tx(alice, 0, &types.Transfer{Dest: id(t, "//Bob"), Value: tao})})
	if err != nil || !errors.Is(types.NewChainError(resp.Code, resp.Codespace, resp.Log), types.ErrStateUnreadable) {
		t.Errorf("CheckTx over a malformed account: %v %+v", err, resp)
	}

	c.app.tree.Set(uidKey(prefixNeuron, 1, 1), []byte{7}) // read by subnet 1's epoch in the next block
	_, err = c.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: c.height + 1})
	if !errors.Is(err, types.ErrStateUnreadable) || !errors.Is(halted, types.ErrStateUnreadable) {
		t.Fatalf("FinalizeBlock: %v; OnHalt: %v", err, halted)
	}
	mustContain(t, err, "version 7")
}

// refusedFree checks that args signed by k fails its envelope checks with
// want: CheckTx refuses it, ProcessProposal rejects a block that carries
// it, and a block that carries it all the same (as a node replaying blocks
// executes it) fails it with want and changes nothing, not even the
// signer's nonce. It returns the block's error for message checks.
func (c *subtensorChain) refusedFree(k *wallet.Keypair, args types.CallArgs, want *types.Error) error {
	c.t.Helper()
	raw := c.signed(k, args)
	resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw})
	if err != nil {
		c.t.Fatal(err)
	}
	if got := types.NewChainError(resp.Code, resp.Codespace, resp.Log); !errors.Is(got, want) {
		c.t.Fatalf("%s: CheckTx = %d %q, want %s", args.CallName(), resp.Code, resp.Log, want.Name)
	}
	pp, err := c.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: c.height + 1, Txs: [][]byte{raw}})
	if err != nil || pp.Status != abci.ResponseProcessProposal_REJECT {
		c.t.Fatalf("%s: ProcessProposal of a block carrying it: %v %v, want REJECT", args.CallName(), pp, err)
	}
	tw := c.twin()
	res := c.run(raw)
	got := resultErr(res[0])
	if !errors.Is(got, want) {
		c.t.Fatalf("%s: in block: %v, want %s", args.CallName(), got, want.Name)
	}
	tw.run()
	if diff := diffKeys(c.dump(), tw.dump()); len(diff) > 0 {
		c.t.Errorf("%s was refused with %s but changed %d keys, the first %x", args.CallName(), want.Name, len(diff), diff[0])
	}
	return got
}

// identityAt answers the identity query for who at height (0: latest):
// the record, or the error.
func (c *subtensorChain) identityAt(who types.AccountID, height int64) (types.IdentityRecord, error) {
	c.t.Helper()
	var rec types.IdentityRecord
	resp, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: types.QueryIdentity + "/" + who.String(), Height: height})
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.Code != 0 {
		return rec, types.NewChainError(resp.Code, resp.Codespace, resp.Log)
	}
	if err := json.Unmarshal(resp.Value, &rec); err != nil {
		c.t.Fatal(err)
	}
	return rec, nil
}

// runIdentityUpgrade starts a rich chain under app version 2 and takes it
// through identity-registry to app version 3, checking on the way that
// the registry's calls are refused before the upgrade (as unknown, costing
// nothing) and accepted from its block on. It ends with //Bob's identity
// set after the upgrade and a few more blocks.
func runIdentityUpgrade(t *testing.T) *upgradeRun {
	t.Helper()
	u := &upgradeRun{db: iavldb.NewMemDB(), version: 2}
	u.c = newChainOn(t, richGenesis(t), u.db, u.options())
	c := u.c
	fillRichState(c)
	alice, bob := key(t, "//Alice"), key(t, "//Bob")

	// App version 2 has no registry: a genesis of that version stores no
	// registry parameters (the release of app version 2 has none, so its
	// stored parameters are the same bytes), nobody has an identity, and
	// the registry's calls are unknown, whoever sends them, for free.
	st := c.state()
	mustEqual(t, "app version", st.AppVersion(), uint64(2))
	mustEqual(t, "registry parameters at app version 2", st.Params().Registry, types.RegistryParams{})
	if _, err := c.identityAt(id(t, "//Bob"), 0); !errors.Is(err, types.ErrNotFound) {
		t.Errorf("identity query at app version 2: %v, want NotFound", err)
	}
	for _, call := range []types.CallArgs{bobsIdentity(t), &types.ClearIdentity{Identified: id(t, "//Bob")}} {
		err := c.refusedFree(bob, call, types.ErrUnknownCall)
		mustContain(t, err, call.CallName(), "app version 2", `upgrade "identity-registry" (app version 3)`)
	}
	// Nor can governance propose one (proposing pays its fee, as any
	// failing call does).
	c.failsCleanly(alice, &types.Propose{Proposal: encodeCall(t, bobsIdentity(t)), Duration: 50}, types.ErrUnknownCall)

	u.haltFor(t, "identity-registry", "release 3")
	// The old release's mempool refuses the call to the end, the upgrade's
	// block included.
	if resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: c.signed(bob, bobsIdentity(t))}); err != nil ||
		!errors.Is(types.NewChainError(resp.Code, resp.Codespace, resp.Log), types.ErrUnknownCall) {
		t.Fatalf("version 2's CheckTx of set_identity for the upgrade's block: %v %+v", err, resp)
	}
	u.stopsForGood(t)
	u.takeOver(t, 3)
	// The new release's mempool already takes the call for the upgrade's
	// block.
	raw := c.signed(bob, bobsIdentity(t))
	if resp, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw}); err != nil || resp.Code != 0 {
		t.Fatalf("version 3's CheckTx of set_identity for the upgrade's block: %v %+v", err, resp)
	}
	u.upgradeBlock(t, false)

	for i := 0; i < 2; i++ {
		c.run()
	}
	evs := c.must(bob, bobsIdentity(t))
	if !hasEvent(evs, "IdentitySet", "who", id(t, "//Bob").String()) {
		t.Errorf("set_identity after the upgrade: events %v", evs)
	}
	for i := 0; i < 4; i++ {
		c.run()
	}
	return u
}

// A chain upgraded through identity-registry refuses the registry's calls
// before the upgrade's height and accepts them from it on; nodes that run
// the same blocks through the same switch of release agree on every app
// hash.
func TestIdentityRegistryUpgrade(t *testing.T) {
	u := runIdentityUpgrade(t)
	c := u.c
	if got := u.resp.ConsensusParamUpdates.GetVersion().GetApp(); got != 3 {
		t.Errorf("FinalizeBlock at the upgrade reports app version %d to CometBFT, want 3", got)
	}
	if !hasEvent(u.resp.Events, "Upgraded", "name", "identity-registry", "app_version", "3") {
		t.Errorf("no Upgraded event: %v", u.resp.Events)
	}
	info := c.upgradeInfo()
	want := types.AppliedUpgrade{Name: "identity-registry", AppVersion: 3, Height: uint64(u.h)}
	if info.AppVersion != 3 || info.Plan != nil || len(info.Applied) != 1 || info.Applied[0] != want {
		t.Errorf("after the upgrade: %+v, want app version 3 and %+v applied", info, want)
	}
	// The migration wrote the reference's registry parameters.
	p := c.state().Params()
	mustEqual(t, "registry parameters", p.Registry, types.DefaultRegistryParams())

	// The identity set after the upgrade holds its deposit; queries of the
	// state before the upgrade answer that there was none.
	bob := id(t, "//Bob")
	rec, err := c.identityAt(bob, 0)
	if err != nil || rec.Info.Display != "Bob's subnet" || rec.Deposit != p.Registry.Deposit(1) || rec.Depositor != bob {
		t.Errorf("identity after the upgrade: %+v, %v", rec, err)
	}
	for _, h := range []int64{u.h - 1, u.h} {
		if _, err := c.identityAt(bob, h); !errors.Is(err, types.ErrNotFound) {
			t.Errorf("identity at height %d: %v, want NotFound", h, err)
		}
	}
	_, err = c.identityAt(bob, u.h-1)
	mustContain(t, err, "app version 2", "no identity registry yet")

	v := runIdentityUpgrade(t)
	if v.c.height != c.height {
		t.Fatalf("the twin run ended at %d, this one at %d", v.c.height, c.height)
	}
	for h := int64(1); h <= c.height; h++ {
		a, err := c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		b, err := v.c.app.tree.GetImmutable(h)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Hash(), b.Hash()) {
			t.Fatalf("height %d: app hashes %x and %x", h, a.Hash(), b.Hash())
		}
	}
}

// identity-registry writes the reference's registry parameters, and keeps
// those a state already holds.
func TestMigrateIdentityRegistry(t *testing.T) {
	own := types.RegistryParams{InitialDeposit: 7, FieldDeposit: 3, MaxAdditionalFields: 2}
	for _, tt := range []struct {
		name      string
		has, want types.RegistryParams
	}{
		{"none", types.RegistryParams{}, types.DefaultRegistryParams()},
		{"its own", own, own},
	} {
		st := NewState(newCache(emptyKV{}))
		p := types.DefaultParams()
		p.Registry = tt.has
		st.SetParams(p)
		if err := migrateIdentityRegistry(st); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := st.Params()
		if got.Registry != tt.want {
			t.Errorf("%s: registry parameters %+v, want %+v", tt.name, got.Registry, tt.want)
		}
		got.Registry = p.Registry
		if !jsonEqual(t, got, p) {
			t.Errorf("%s: the migration changed other parameters", tt.name)
		}
	}
}
