package chain

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/iavl"
	iavldb "github.com/cosmos/iavl/db"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
)

// Options configure an App.
type Options struct {
	// Logger receives the application's logs; nil discards them.
	Logger *slog.Logger
	// KeepVersions is how many recent versions (heights) of state to keep for
	// queries; 0 keeps every version.
	KeepVersions int64
	// CacheSize is the IAVL node cache size, in nodes; 0 picks a default.
	CacheSize int
	// MaxPendingPerSigner is how many transactions of one signer the
	// mempool may hold at once; CheckTx refuses more with
	// types.ErrTooManyInPool. 0 means DefaultMaxPendingPerSigner; a
	// negative value removes the limit.
	MaxPendingPerSigner int
	// QueryContext, if set, derives the context each query runs under; the
	// node uses it to give every query a deadline (its budget). A query
	// whose context ends stops at its next state read and answers
	// types.ErrQueryTimeout.
	QueryContext func(context.Context) (context.Context, context.CancelFunc)
	// AppVersion caps the app version the App runs (0: LatestAppVersion):
	// the upgrades above it are unknown to it, as to an older binary. Tests
	// use it to stand in for the release before an upgrade.
	AppVersion uint64
	// OnHalt, if set, is called once, from the consensus connection and
	// without blocking, when the App will refuse the next block (an upgrade
	// this binary does not have is due there; upgrade.go). The error says
	// what to install. The caller should stop the node.
	OnHalt func(error)
}

// DefaultMaxPendingPerSigner is the default per-signer mempool limit: more
// than a client sends ahead of the chain in the ordinary course (btcli's
// batch commands, a validator's weights and serving), few enough that one
// account cannot take a large part of the mempool.
const DefaultMaxPendingPerSigner = 64

// App is the subtensor state machine behind CometBFT's ABCI. It is a thin
// adapter: it decodes and checks transaction envelopes, runs each call
// through the rule functions of this package, and persists state in an
// IAVL tree whose root hash is the app hash.
//
// CometBFT calls it on separate connections: consensus (InitChain,
// FinalizeBlock, Commit; one at a time), mempool (CheckTx) and queries, which
// may run concurrently with each other; App guards its shared state.
type App struct {
	abci.BaseApplication

	log  *slog.Logger
	opts Options
	tree *iavl.MutableTree // working state; consensus connection only

	mu        sync.RWMutex        // guards committed
	committed *iavl.ImmutableTree // last committed version

	checkMu sync.Mutex
	check   *cacheKV // committed state plus the mempool's accepted txs

	verifiedMu sync.Mutex
	verified   map[[32]byte]*types.Tx // txs whose signature CheckTx verified, by hash, decoded

	genesis KV // in-memory genesis state, served until the first commit

	step stepper // FinalizeBlock's per-block step; consensus connection only

	up       *upgrader // the upgrades this binary knows (upgrade.go)
	haltOnce sync.Once
	initial  uint64 // the chain's first height (InitChain); consensus connection only

	proposal *executedProposal // the block ProcessProposal accepted; consensus connection only
}

var _ abci.Application = (*App)(nil)

// maxVerifiedCache bounds the signature cache; past it the cache restarts.
// It is several times the mempool's size (node.newConfig), which bounds
// the entries still wanted: a block's transactions leave the cache in
// FinalizeBlock.
const maxVerifiedCache = 100_000

// NewApp opens the state stored in db (empty for a new chain).
func NewApp(db iavldb.DB, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 100_000
	}
	if opts.MaxPendingPerSigner == 0 {
		opts.MaxPendingPerSigner = DefaultMaxPendingPerSigner
	}
	up, err := newUpgrader(opts.AppVersion)
	if err != nil {
		return nil, err
	}
	tree := iavl.NewMutableTree(db, opts.CacheSize, false, opts.Logger)
	if _, err := tree.Load(); err != nil {
		return nil, fmt.Errorf("chain: load state: %w", err)
	}
	a := &App{log: opts.Logger, opts: opts, tree: tree, verified: make(map[[32]byte]*types.Tx), up: up, initial: 1}
	a.step = stepper{log: opts.Logger, ws: new(yuma.Workspace)}
	if err := a.refreshCommitted(tree.Version()); err != nil {
		return nil, err
	}
	if v := tree.Version(); v > 0 {
		// A binary that may not execute the next block refuses to start.
		if _, _, err := up.due(NewState(versionKV{a.committed}), uint64(v)+1); err != nil {
			return nil, fmt.Errorf("chain: state at height %d: %w", v, err)
		}
	}
	return a, nil
}

// Close releases the state tree. It does not close the database.
func (a *App) Close() error { return a.tree.Close() }

func (a *App) refreshCommitted(version int64) error {
	var imm *iavl.ImmutableTree
	if version > 0 {
		var err error
		imm, err = a.tree.GetImmutable(version)
		if err != nil {
			return fmt.Errorf("chain: open version %d: %w", version, err)
		}
	}
	a.mu.Lock()
	a.committed = imm
	latest := a.latestKVLocked()
	a.mu.Unlock()
	a.checkMu.Lock()
	a.check = newCheckState(latest, uint64(version)+1, a.up)
	a.checkMu.Unlock()
	return nil
}

// newCheckState is the mempool's view of the next block over committed
// state: the block's per-block step applied (so that, for example, the
// per-block registration counters have restarted and the payouts of the
// last epochs are in the stakes), then the transactions CheckTx accepts.
// The subnets' Yuma epochs are left out: the view is rebuilt at every
// commit and must stay cheap, and nothing a transaction's checks read
// depends on them but the permits, scores and bonds an epoch in that very
// block writes (see stepper.skipEpochs). An upgrade due in that block is
// applied first, as the block will.
func newCheckState(committed KV, next uint64, up *upgrader) *cacheKV {
	c := newCache(committed)
	if st := NewState(c); st.ChainID() != "" {
		up.viewUpgrade(st, next)
		(&stepper{skipEpochs: true}).step(st, next)
	}
	return c
}

// latestKVLocked is a read view of the last committed version; before the
// first commit it is the genesis state. Callers hold mu.
func (a *App) latestKVLocked() KV {
	switch {
	case a.committed != nil:
		return versionKV{a.committed}
	case a.genesis != nil:
		return a.genesis
	default:
		return emptyKV{}
	}
}

// emptyKV is the state before genesis.
type emptyKV struct{}

func (emptyKV) Get([]byte) []byte                                 { return nil }
func (emptyKV) Set([]byte, []byte)                                { panic("chain: write to empty state") }
func (emptyKV) Delete([]byte)                                     {}
func (emptyKV) Iterate([]byte, []byte, func([]byte, []byte) bool) {}

// Info tells CometBFT where the application's state is, so it can replay any
// blocks the app has not committed.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	resp := &abci.ResponseInfo{Data: "go-bittensor subtensor", AppVersion: a.up.version}
	if a.committed != nil {
		resp.LastBlockHeight = a.committed.Version()
		resp.LastBlockAppHash = a.committed.Hash()
		resp.AppVersion = NewState(versionKV{a.committed}).AppVersion()
	}
	return resp, nil
}

// InitChain writes the genesis state: a new chain's (Genesis) or an
// exported one (Genesis.Export), migrated to this binary's app version. It
// reports the app version to CometBFT in the consensus parameters.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	g, err := ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if a.tree.Version() != 0 {
		return nil, fmt.Errorf("chain: InitChain on a chain already at height %d", a.tree.Version())
	}
	a.initial = uint64(max(req.InitialHeight, 1))
	if a.initial > 1 {
		a.tree.SetInitialVersion(a.initial)
	}
	genesisVersion := req.ConsensusParams.GetVersion().GetApp()
	version, err := a.writeGenesis(NewState(treeKV{a.tree}), g, req.ChainId, genesisVersion)
	if err != nil {
		return nil, err
	}
	// Until the first block commits, queries and CheckTx see genesis
	// through an in-memory copy: the working tree belongs to the consensus
	// connection.
	gen := newCache(emptyKV{})
	if _, err := a.writeGenesis(NewState(gen), g, req.ChainId, genesisVersion); err != nil {
		return nil, err
	}
	gen.sortedKeys() // order the keys now: concurrent queries only read gen
	a.mu.Lock()
	a.genesis = gen
	a.mu.Unlock()
	a.checkMu.Lock()
	a.check = newCheckState(gen, a.initial, a.up)
	a.checkMu.Unlock()
	a.log.Info("genesis applied", "chain_id", req.ChainId, "initial_height", a.initial, "app_version", version, "export", g.Export != nil)
	return &abci.ResponseInitChain{AppHash: a.tree.WorkingHash(), ConsensusParams: appVersionParams(version)}, nil
}

// CheckTx decides whether a transaction may enter the mempool: it runs the
// transaction in full against the committed state plus the transactions the
// mempool already holds, and accepts it only if it would succeed and its
// signer has fewer than Options.MaxPendingPerSigner transactions waiting.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (resp *abci.ResponseCheckTx, _ error) {
	defer recoverCheckTx(a.log, &resp)
	verifySig := req.Type != abci.CheckTxType_Recheck
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	height := a.nextHeight()
	// A recheck (after each block, of every transaction still in the
	// mempool, while the mempool waits) reuses the decoding kept when the
	// transaction was first checked.
	var tx *types.Tx
	if !verifySig {
		tx = a.isVerified(req.Tx)
	}
	if tx == nil {
		var err error
		if tx, err = types.DecodeTx(req.Tx); err != nil {
			out := failed(err)
			return &abci.ResponseCheckTx{Code: out.code, Codespace: out.codespace, Log: out.log}, nil
		}
	}
	child := newCache(a.check)
	out := a.runDecodedTx(child, height, req.Tx, tx, verifySig)
	out.signer = tx.Signer
	if out.code == 0 && req.Type == abci.CheckTxType_New {
		out = a.checkPending(child, out.signer)
	}
	if out.code != 0 {
		return &abci.ResponseCheckTx{Code: out.code, Codespace: out.codespace, Log: out.log}, nil
	}
	child.Write()
	if verifySig {
		a.markVerified(req.Tx, tx)
	}
	return &abci.ResponseCheckTx{Code: abci.CodeTypeOK, GasWanted: 1}, nil
}

// checkPending refuses a transaction that would give its signer more than
// MaxPendingPerSigner transactions in the mempool. CheckTx accepts only a
// signer's next nonce, so the signer's nonce in the mempool's view (after
// this transaction, in view) less its committed nonce is the number it has
// waiting. Rechecks after a block are never refused: they only shrink.
func (a *App) checkPending(view *cacheKV, signer types.AccountID) txOutcome {
	limit := a.opts.MaxPendingPerSigner
	if limit < 0 {
		return txOutcome{}
	}
	pending := NewState(view).Account(signer).Nonce - NewState(a.check.parent).Account(signer).Nonce
	if pending > uint64(limit) {
		return failed(types.Errorf(types.ErrTooManyInPool, "%s already has %d transactions waiting in this node's mempool (the limit is %d); send more once blocks include them", signer, pending-1, limit))
	}
	return txOutcome{}
}

func (a *App) nextHeight() uint64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.committed == nil {
		return a.initial
	}
	return uint64(a.committed.Version()) + 1
}

// markVerified records that CheckTx verified the signature of raw, which
// decodes to tx, so that executing a block that carries it needs neither
// verify nor decode it again. tx is shared from then on and never changed.
func (a *App) markVerified(raw []byte, tx *types.Tx) {
	a.verifiedMu.Lock()
	defer a.verifiedMu.Unlock()
	if len(a.verified) >= maxVerifiedCache {
		clear(a.verified)
	}
	a.verified[types.TxHash(raw)] = tx
}

// takeVerified returns raw decoded if CheckTx on this node already verified
// its signature, else nil, forgetting it either way.
func (a *App) takeVerified(raw []byte) *types.Tx {
	h := types.TxHash(raw)
	a.verifiedMu.Lock()
	defer a.verifiedMu.Unlock()
	tx := a.verified[h]
	delete(a.verified, h)
	return tx
}

// FinalizeBlock executes a decided block: an upgrade due at its height,
// the per-block step, then the transactions in order (executeBlock). It
// returns one result per transaction and the app hash; Commit persists the
// result. A block this node already executed in ProcessProposal is not
// executed again: its writes are applied to the tree in the order they
// were made.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (resp *abci.ResponseFinalizeBlock, err error) {
	defer a.recoverBlock(&resp, &err)
	kv := treeKV{a.tree}
	var run blockRun
	if p := a.takeProposal(req.Height, req.Hash); p != nil {
		p.writes.replay(kv)
		run = p.run
		for _, raw := range req.Txs {
			a.takeVerified(raw)
		}
	} else {
		if run, err = a.executeBlock(kv, uint64(req.Height), req.Hash, req.Txs, a.takeVerified, false); err != nil {
			a.halt(err)
			return nil, err
		}
	}
	checkInvariants(NewState(kv))
	results := make([]*abci.ExecTxResult, len(run.outcomes))
	for i, out := range run.outcomes {
		results[i] = &abci.ExecTxResult{Code: out.code, Codespace: out.codespace, Log: out.log, Events: out.events}
	}
	return &abci.ResponseFinalizeBlock{TxResults: results, AppHash: a.tree.WorkingHash(), Events: run.events, ConsensusParamUpdates: run.params}, nil
}

// Commit persists the block's state as a new version and resets the
// mempool's check state onto it.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	_, version, err := a.tree.SaveVersion()
	if err != nil {
		// A node that cannot persist must stop.
		panic(fmt.Sprintf("chain: commit version: %v", err))
	}
	if keep := a.opts.KeepVersions; keep > 0 && version > keep {
		if err := a.tree.DeleteVersionsTo(version - keep); err != nil {
			a.log.Warn("pruning old state versions failed", "to", version-keep, "err", err)
		}
	}
	if err := a.refreshCommitted(version); err != nil {
		panic(err.Error())
	}
	a.checkNext(NewState(versionKV{a.committed}), uint64(version)+1)
	return &abci.ResponseCommit{}, nil
}

// txOutcome is the result of running one transaction.
type txOutcome struct {
	code      uint32
	codespace string
	log       string
	events    []abci.Event
	// charged reports that the transaction passed its envelope checks and
	// paid its nonce and fee: it succeeded, or its call failed. A
	// transaction that was not charged changed nothing.
	charged bool
	signer  types.AccountID // when the envelope decoded
}

func failed(err error) txOutcome {
	e := types.CodeOf(err)
	return txOutcome{code: e.Code, codespace: e.Module, log: err.Error()}
}

// runTx runs one transaction against kv. Envelope failures (decoding,
// a call the state's app version does not have, signature, chain, nonce,
// fee) change nothing. Otherwise the nonce and fee
// are charged in kv, and the call runs in a cache written to kv only if it
// succeeds. verified is raw already decoded, when its signature needs no
// check (CheckTx verified it: markVerified); nil decodes raw and checks
// the signature.
func (a *App) runTx(kv KV, height uint64, raw []byte, verified *types.Tx) txOutcome {
	tx := verified
	if tx == nil {
		var err error
		if tx, err = types.DecodeTx(raw); err != nil {
			return failed(err)
		}
	}
	out := a.runDecodedTx(kv, height, raw, tx, verified == nil)
	out.signer = tx.Signer
	return out
}

func (a *App) runDecodedTx(kv KV, height uint64, raw []byte, tx *types.Tx, verifySig bool) txOutcome {
	st := NewState(kv)
	if chainID := st.ChainID(); tx.ChainID != chainID {
		return failed(types.Errorf(types.ErrWrongChain, "transaction is for chain %q, this is %q", tx.ChainID, chainID))
	}
	args, err := decodeCall(st, tx.Call)
	if err != nil {
		return failed(err)
	}
	if verifySig && !tx.VerifySignature() {
		return failed(types.Errorf(types.ErrBadSignature, "signature does not verify for signer %s", tx.Signer))
	}
	acc := st.Account(tx.Signer)
	switch {
	case tx.Nonce < acc.Nonce:
		return failed(types.Errorf(types.ErrStaleNonce, "nonce %d already used by %s (next is %d)", tx.Nonce, tx.Signer, acc.Nonce))
	case tx.Nonce > acc.Nonce:
		return failed(types.Errorf(types.ErrFutureNonce, "nonce %d is ahead of %s's next nonce %d", tx.Nonce, tx.Signer, acc.Nonce))
	}
	params := st.Params()
	if need := params.Fee(tx.Call.Name, len(raw)); tx.Fee < need {
		return failed(types.Errorf(types.ErrFeeTooLow, "fee %d RAO offered, %s of %d bytes costs %d", tx.Fee, tx.Call.Name, len(raw), need))
	}
	if tx.Fee > 0 && (acc.Free < tx.Fee || acc.Free-tx.Fee < params.ExistentialDeposit) {
		return failed(types.Errorf(types.ErrCannotPayFee, "%s has %d RAO; paying %d would leave less than the existential deposit %d", tx.Signer, acc.Free, tx.Fee, params.ExistentialDeposit))
	}
	acc.Nonce++
	acc.Free -= tx.Fee
	st.SetAccount(tx.Signer, acc)
	if tx.Fee > 0 {
		st.Burn(tx.Fee)
	}

	cache := newCache(kv)
	ctx := &Context{State: NewState(cache), Height: height, Signer: tx.Signer, Params: params}
	if err := dispatch(ctx, args); err != nil {
		out := failed(err)
		out.charged = true
		return out
	}
	cache.Write()
	return txOutcome{events: ctx.events, charged: true}
}

// queryJSON answers a query with v as JSON.
func queryJSON(height int64, v any) *abci.ResponseQuery {
	b, err := json.Marshal(v)
	if err != nil {
		return queryError(types.Errorf(types.ErrInternal, "encode answer: %v", err))
	}
	return &abci.ResponseQuery{Code: abci.CodeTypeOK, Value: b, Height: height}
}

func queryError(err error) *abci.ResponseQuery {
	e := types.CodeOf(err)
	return &abci.ResponseQuery{Code: e.Code, Codespace: e.Module, Log: err.Error()}
}
