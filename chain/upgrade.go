package chain

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// The upgrade module: how a running network changes its rules or its state
// layout without starting a new chain. It takes Cosmos SDK's x/upgrade
// (a plan names an upgrade and a height; a binary without the upgrade stops
// there, one with it migrates the state and goes on) and Substrate's storage
// versions (the state records which layout it is in; migrations are keyed
// by the version they produce):
//
//   - The state's app version (keyAppVersion; absent means 1) names the
//     rules and layout the state is in. It is what the node reports to
//     CometBFT (Info, InitChain and, when it changes, FinalizeBlock's
//     consensus parameter update), so every block header carries it.
//   - Upgrades() lists every upgrade this binary knows, each making the next
//     app version with a migration of the state. The binary runs the app
//     version of its newest upgrade, and executes blocks only while the state
//     is at that version.
//   - An upgrade that adds calls lists them (Upgrade.Calls). On state of an
//     earlier app version they do not exist: a transaction carrying one is
//     refused before anything is charged, with ErrUnknownCall, exactly as
//     the release before the upgrade refuses a call it cannot decode
//     (callAvailable). So a new feature arrives at the upgrade's height on
//     every validator at once, never sooner on the nodes that run the new
//     release.
//   - Root (the sudo key or governance) schedules an upgrade by name and
//     height (Upgrade.schedule_upgrade). At the start of that block, before
//     the per-block step, a binary whose newest upgrade has that name runs
//     every migration from the state's version to its own, in order, records
//     them as applied and reports the new app version. A binary without the
//     upgrade stops after committing the block before (Options.OnHalt),
//     rejects every proposal at the height (so it never votes for a block it
//     cannot run) and refuses to start again; a binary with it refuses to
//     start before that height. So every validator runs the old rules up to the height and the
//     new ones from it, and computes the same app hash.
//
// Every migration is deterministic: it reads and writes state only, in key
// order. Records keep a decoder for every layout they have had, so a node
// still answers queries and exports at heights before an upgrade.

// Upgrade is a change of the chain's rules or state layout that a network
// adopts at a planned height.
type Upgrade struct {
	// Name is what a plan names (types.ValidateUpgradeName).
	Name string
	// AppVersion is the app version the chain runs after the upgrade: one
	// above the version before it.
	AppVersion uint64
	// Migrate rewrites the state from the previous version's layout into
	// this one's. It runs on a cache that is kept only if it succeeds; an
	// error stops the chain at the upgrade's height on every node alike.
	// nil if the upgrade changes rules but no stored layout.
	Migrate func(st *State) error
	// Calls are the calls the upgrade adds (types.Call* names). State of
	// an earlier app version refuses them as unknown (callAvailable).
	Calls []string
}

// Upgrades returns the upgrades this binary knows, oldest first. Each
// release that changes the rules or the state layout appends one; none is
// ever removed, so a binary of app version N knows exactly the upgrades up
// to N.
func Upgrades() []Upgrade {
	return []Upgrade{
		{Name: "neuron-record-v2", AppVersion: 2, Migrate: migrateNeuronRecordV2},
		{Name: "identity-registry", AppVersion: appVersionIdentityRegistry, Migrate: migrateIdentityRegistry,
			Calls: []string{types.CallSetIdentity, types.CallClearIdentity}},
	}
}

// appVersionIdentityRegistry is the app version from which the identity
// registry exists (the upgrade identity-registry): its calls, its
// parameters and its records.
const appVersionIdentityRegistry = 3

// callAvailable refuses a call that state st's app version does not have
// yet: one an upgrade above it adds (Upgrade.Calls). The error is
// ErrUnknownCall, the code the release before that upgrade answers for a
// call it cannot decode, so both releases refuse the same transactions
// with the same code; it is an envelope failure (nothing is charged) when
// a transaction carries the call, and the failure of the call that names
// it when a proposal does.
func callAvailable(st *State, name string) error {
	for _, u := range Upgrades() {
		if !slices.Contains(u.Calls, name) {
			continue
		}
		if v := st.AppVersion(); v < u.AppVersion {
			return types.Errorf(types.ErrUnknownCall, "%q: the chain is at app version %d and has no such call before upgrade %q (app version %d)", name, v, u.Name, u.AppVersion)
		}
	}
	return nil
}

// decodeCall decodes a call's arguments for state st: ErrUnknownCall for a
// call the chain does not know or that st's app version does not have yet
// (whatever its arguments, as the release before the upgrade that adds it
// answers), ErrBadCallArgs for arguments that do not decode.
func decodeCall(st *State, c types.Call) (types.CallArgs, error) {
	if err := callAvailable(st, c.Name); err != nil {
		return nil, err
	}
	return c.DecodeArgs()
}

// LatestAppVersion is the app version this binary runs: that of its newest
// upgrade.
func LatestAppVersion() uint64 {
	ups := Upgrades()
	if len(ups) == 0 {
		return firstAppVersion
	}
	return ups[len(ups)-1].AppVersion
}

// firstAppVersion is the app version of a chain before any upgrade.
const firstAppVersion = 1

// upgrader holds the upgrades an App knows and the app version it runs.
type upgrader struct {
	known   []Upgrade // oldest first, app versions 2, 3, … version
	version uint64
}

// newUpgrader checks Upgrades() and keeps those up to max (0: all).
func newUpgrader(max uint64) (*upgrader, error) {
	all := Upgrades()
	names := make(map[string]bool, len(all))
	for i, u := range all {
		if u.AppVersion != uint64(firstAppVersion+1+i) {
			return nil, fmt.Errorf("chain: upgrade %q has app version %d, want %d (one above the one before)", u.Name, u.AppVersion, firstAppVersion+1+i)
		}
		if err := types.ValidateUpgradeName(u.Name); err != nil {
			return nil, fmt.Errorf("chain: %w", err)
		}
		if names[u.Name] {
			return nil, fmt.Errorf("chain: upgrade %q listed twice", u.Name)
		}
		names[u.Name] = true
	}
	up := &upgrader{version: firstAppVersion}
	if len(all) > 0 {
		up.version = all[len(all)-1].AppVersion
	}
	if max != 0 {
		if max > up.version {
			return nil, fmt.Errorf("chain: app version %d asked for; this binary runs up to %d", max, up.version)
		}
		up.version = max
	}
	for _, u := range all {
		if u.AppVersion <= up.version {
			up.known = append(up.known, u)
		}
	}
	return up, nil
}

func (u *upgrader) find(name string) (Upgrade, bool) {
	for _, k := range u.known {
		if k.Name == name {
			return k, true
		}
	}
	return Upgrade{}, false
}

// due decides what to do before executing block next over st: the
// migrations to run (in order) if the plan is due there, and that plan; or
// an error saying why this binary must not execute that block at all
// (ErrUpgradeNeeded, ErrBinaryTooOld, ErrBinaryTooNew). A due plan for an
// upgrade the state already has is returned with no migrations: it is
// dropped.
func (u *upgrader) due(st *State, next uint64) ([]Upgrade, *types.UpgradePlan, error) {
	v := st.AppVersion()
	if v > u.version {
		return nil, nil, types.Errorf(types.ErrBinaryTooOld, "the chain is at app version %d and this binary runs app version %d: install the network's current release", v, u.version)
	}
	p, planned := st.UpgradePlan()
	if planned && p.Height <= next {
		up, ok := u.find(p.Name)
		switch {
		case !ok:
			return nil, nil, types.Errorf(types.ErrUpgradeNeeded, "%s is due and this binary (app version %d) does not have it: install the release that does and start the node again%s", p, u.version, infoSuffix(p.Info))
		case up.AppVersion <= v && v == u.version:
			return nil, &p, nil
		case up.AppVersion <= v:
			return nil, nil, types.Errorf(types.ErrBinaryTooNew, "the chain is at app version %d, already past %s, and this binary runs app version %d: run the release of app version %d", v, p, u.version, v)
		case up.AppVersion != u.version:
			return nil, nil, types.Errorf(types.ErrBinaryTooNew, "%s makes app version %d and this binary runs app version %d: run the release whose newest upgrade is %q", p, up.AppVersion, u.version, p.Name)
		}
		var run []Upgrade
		for _, k := range u.known {
			if k.AppVersion > v {
				run = append(run, k)
			}
		}
		return run, &p, nil
	}
	if v < u.version {
		if planned {
			return nil, nil, types.Errorf(types.ErrBinaryTooNew, "the chain is at app version %d and this binary runs app version %d from %s: until then run the release of app version %d", v, u.version, p, v)
		}
		return nil, nil, types.Errorf(types.ErrBinaryTooNew, "the chain is at app version %d, this binary runs app version %d, and no upgrade is planned: run the release of app version %d (or start a new chain from this state: subtensor export, then subtensor init --genesis)", v, u.version, v)
	}
	return nil, nil, nil
}

func infoSuffix(info string) string {
	if info == "" {
		return ""
	}
	return " (plan info: " + info + ")"
}

// migrate runs the migrations of run on st, all or nothing, records them
// as applied at height and, if the plan that triggered them is given,
// removes it. It returns the block events that report them.
func (u *upgrader) migrate(st *State, height uint64, run []Upgrade, plan *types.UpgradePlan) ([]abci.Event, error) {
	cache := newCache(st.kv)
	cs := NewState(cache)
	var events []abci.Event
	for _, up := range run {
		if up.Migrate != nil {
			if err := catchStateError(func() error { return up.Migrate(cs) }); err != nil {
				return nil, types.Errorf(types.ErrMigrationFailed, "upgrade %q at height %d: %v", up.Name, height, err)
			}
		}
		cs.setAppVersion(up.AppVersion)
		cs.recordUpgrade(types.AppliedUpgrade{Name: up.Name, AppVersion: up.AppVersion, Height: height})
		events = append(events, abci.Event{Type: "Upgraded", Attributes: []abci.EventAttribute{
			{Key: "name", Value: up.Name, Index: true},
			{Key: "app_version", Value: strconv.FormatUint(up.AppVersion, 10), Index: true},
		}})
	}
	if plan != nil {
		if len(run) == 0 {
			events = append(events, abci.Event{Type: "UpgradeDropped", Attributes: []abci.EventAttribute{
				{Key: "name", Value: plan.Name, Index: true},
				{Key: "app_version", Value: strconv.FormatUint(cs.AppVersion(), 10)},
			}})
		}
		cs.setUpgradePlan(nil)
	}
	cache.Write()
	st.appVersion = 0 // read again
	return events, nil
}

// upgradeBlock runs an upgrade due at height, before anything else of the
// block. It returns the block events and, if the app version changed, the
// consensus parameter update that reports it; an error means this binary
// must not execute the block.
func (a *App) upgradeBlock(st *State, height uint64) ([]abci.Event, *cmtproto.ConsensusParams, error) {
	run, plan, err := a.up.due(st, height)
	if err != nil || plan == nil {
		return nil, nil, err
	}
	before := st.AppVersion()
	events, err := a.up.migrate(st, height, run, plan)
	if err != nil {
		return nil, nil, err
	}
	after := st.AppVersion()
	a.log.Info("upgrade applied", "name", plan.Name, "height", height, "app_version", after, "from", before)
	if after == before {
		return events, nil, nil
	}
	return events, appVersionParams(after), nil
}

// writeGenesis writes g into the empty state st for a chain starting at
// a.initial, and returns the app version the state is in. genesisVersion is
// the app version of the genesis document's consensus parameters (0: not
// given). A new chain starts at this binary's app version, which must be
// the document's: a binary of another version refuses the genesis rather
// than compute another state (a node joining a network that has upgraded
// since its genesis starts with the genesis's release). An export starts at
// its own app version, migrated through every upgrade this binary knows
// above it (recorded as applied at the first block).
func (a *App) writeGenesis(st *State, g Genesis, chainID string, genesisVersion uint64) (uint64, error) {
	if g.Export == nil {
		switch {
		case genesisVersion > a.up.version:
			return 0, types.Errorf(types.ErrBinaryTooOld, "the genesis is at app version %d and this binary runs app version %d: install the release of app version %d", genesisVersion, a.up.version, genesisVersion)
		case genesisVersion != 0 && genesisVersion < a.up.version:
			return 0, types.Errorf(types.ErrBinaryTooNew, "the genesis is at app version %d and this binary runs app version %d: start the node with the release of app version %d; this one takes over at the network's planned upgrade", genesisVersion, a.up.version, genesisVersion)
		}
		st.setAppVersion(a.up.version)
		g.Params = paramsAt(g.Params, a.up.version)
		g.apply(st, chainID)
		return a.up.version, nil
	}
	e := g.Export
	if genesisVersion != 0 && genesisVersion != e.AppVersion {
		return 0, types.Errorf(types.ErrExportInconsistent, "the genesis document's app version %d is not the export's %d", genesisVersion, e.AppVersion)
	}
	if e.Height+1 != a.initial {
		return 0, fmt.Errorf("chain: genesis: the export is the state after block %d, so the chain must start at height %d (genesis initial_height), not %d", e.Height, e.Height+1, a.initial)
	}
	if e.AppVersion > a.up.version {
		return 0, types.Errorf(types.ErrBinaryTooOld, "the export is at app version %d and this binary runs app version %d: start the chain with the release of app version %d or later", e.AppVersion, a.up.version, e.AppVersion)
	}
	e.apply(st, chainID)
	var run []Upgrade
	for _, k := range a.up.known {
		if k.AppVersion > e.AppVersion {
			run = append(run, k)
		}
	}
	if _, err := a.up.migrate(st, a.initial, run, nil); err != nil {
		return 0, err
	}
	return st.AppVersion(), nil
}

// paramsAt returns p as a new chain of app version v stores them: without
// the parameters of what v does not have yet (the identity registry's,
// before appVersionIdentityRegistry; its upgrade writes them). The release
// of such a version has no such fields, so the stored parameters, and the
// app hash, are the same whichever release starts the chain.
func paramsAt(p types.Params, v uint64) types.Params {
	if v < appVersionIdentityRegistry {
		p.Registry = types.RegistryParams{}
	}
	return p
}

// appVersionParams is the consensus parameter update that sets the app
// version CometBFT puts in block headers.
func appVersionParams(v uint64) *cmtproto.ConsensusParams {
	return &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: v}}
}

// checkNext refuses to go on when this binary must not execute block next
// over the state: it reports the reason through Options.OnHalt (once) so
// the node stops cleanly after the block it has committed.
func (a *App) checkNext(st *State, next uint64) {
	if _, _, err := a.up.due(st, next); err != nil {
		a.halt(err)
	}
}

// refusesBlock reports whether this binary must not execute the block at
// height, the one after the committed state.
func (a *App) refusesBlock(height int64) bool {
	a.mu.RLock()
	latest := a.latestKVLocked()
	a.mu.RUnlock()
	if height <= 0 || NewState(latest).ChainID() == "" {
		return false
	}
	_, _, err := a.up.due(NewState(latest), uint64(height))
	return err != nil
}

func (a *App) halt(err error) {
	a.haltOnce.Do(func() {
		a.log.Error("the node must stop: it cannot execute the next block", "err", err)
		if a.opts.OnHalt != nil {
			a.opts.OnHalt(err)
		}
	})
}

// viewUpgrade applies to the mempool's view of block next the upgrade due
// there, if this binary has it; otherwise the view stays as it is (the
// block itself will be refused).
func (u *upgrader) viewUpgrade(st *State, next uint64) {
	run, plan, err := u.due(st, next)
	if err != nil || plan == nil {
		return
	}
	_, _ = u.migrate(st, next, run, plan)
}

// AppVersion is the app version the state is in (1 for state that
// predates versioning).
func (s *State) AppVersion() uint64 {
	if s.appVersion == 0 {
		s.appVersion = firstAppVersion
		if v := s.kv.Get(singleKey(keyAppVersion)); v != nil {
			s.appVersion = bytesU64(v)
		}
	}
	return s.appVersion
}

func (s *State) setAppVersion(v uint64) {
	s.kv.Set(singleKey(keyAppVersion), u64Bytes(v))
	s.appVersion = v
}

// UpgradePlan returns the scheduled upgrade, if any.
func (s *State) UpgradePlan() (types.UpgradePlan, bool) {
	var p types.UpgradePlan
	v := s.kv.Get(singleKey(keyUpgradePlan))
	if v == nil {
		return p, false
	}
	mustDecode(v, &p, "upgrade plan")
	return p, true
}

// setUpgradePlan stores p, or deletes the plan if p is nil.
func (s *State) setUpgradePlan(p *types.UpgradePlan) {
	if p == nil {
		s.kv.Delete(singleKey(keyUpgradePlan))
		return
	}
	s.kv.Set(singleKey(keyUpgradePlan), mustEncode(p))
}

func upgradeDoneKey(name string) []byte { return append([]byte{prefixUpgradeDone}, name...) }

// AppliedUpgrades returns the upgrades the chain went through, oldest
// (lowest app version) first.
func (s *State) AppliedUpgrades() []types.AppliedUpgrade {
	out := []types.AppliedUpgrade{}
	start := []byte{prefixUpgradeDone}
	s.kv.Iterate(start, prefixEnd(start), func(k, v []byte) bool {
		if len(v) != 16 {
			mustRead(types.Errorf(types.ErrStateUnreadable, "applied upgrade %q: record of %d bytes, want 16", k[1:], len(v)))
		}
		out = append(out, types.AppliedUpgrade{Name: string(k[1:]), AppVersion: binary.BigEndian.Uint64(v), Height: binary.BigEndian.Uint64(v[8:])})
		return true
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].AppVersion != out[j].AppVersion {
			return out[i].AppVersion < out[j].AppVersion
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (s *State) upgradeApplied(name string) bool {
	return s.kv.Get(upgradeDoneKey(name)) != nil
}

func (s *State) recordUpgrade(u types.AppliedUpgrade) {
	v := binary.BigEndian.AppendUint64(nil, u.AppVersion)
	s.kv.Set(upgradeDoneKey(u.Name), binary.BigEndian.AppendUint64(v, u.Height))
}

// scheduleUpgrade is Upgrade.schedule_upgrade (Root only).
func scheduleUpgrade(ctx *Context, a *types.ScheduleUpgrade) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	if err := types.ValidateUpgradeName(a.Name); err != nil {
		return err
	}
	if len(a.Info) > types.MaxUpgradeInfoLen {
		return types.Errorf(types.ErrUpgradeInvalid, "plan info of %d bytes, at most %d", len(a.Info), types.MaxUpgradeInfoLen)
	}
	if a.Height <= ctx.Height {
		return types.Errorf(types.ErrUpgradeInvalid, "height %d is not after this block (%d): an upgrade is planned for a later block", a.Height, ctx.Height)
	}
	if ctx.State.upgradeApplied(a.Name) {
		return types.Errorf(types.ErrUpgradeApplied, "the chain already went through upgrade %q", a.Name)
	}
	attrs := []string{"name", a.Name, "height", strconv.FormatUint(a.Height, 10)}
	if old, ok := ctx.State.UpgradePlan(); ok {
		attrs = append(attrs, "replaces", old.Name)
	}
	ctx.State.setUpgradePlan(&types.UpgradePlan{Name: a.Name, Height: a.Height, Info: a.Info})
	ctx.Emit("UpgradeScheduled", attrs...)
	return nil
}

// cancelUpgrade is Upgrade.cancel_upgrade (Root only).
func cancelUpgrade(ctx *Context, a *types.CancelUpgrade) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	p, ok := ctx.State.UpgradePlan()
	if !ok {
		return types.Errorf(types.ErrNoUpgradePlanned, "no upgrade is planned")
	}
	if p.Name != a.Name {
		return types.Errorf(types.ErrNoUpgradePlanned, "the planned upgrade is %q, not %q", p.Name, a.Name)
	}
	ctx.State.setUpgradePlan(nil)
	ctx.Emit("UpgradeCancelled", "name", p.Name, "height", strconv.FormatUint(p.Height, 10))
	return nil
}

// answerUpgrade answers QueryUpgrade; it reports false for other paths.
func answerUpgrade(st *State, height int64, route string) (*abci.ResponseQuery, bool) {
	if "/"+route != types.QueryUpgrade {
		return nil, false
	}
	info := types.UpgradeInfo{AppVersion: st.AppVersion(), Applied: st.AppliedUpgrades(), Height: uint64(height)}
	if p, ok := st.UpgradePlan(); ok {
		info.Plan = &p
	}
	return queryJSON(height, info), true
}
