package chain

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/iavl"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Query answers the read paths of chain/types (QueryBlock, QueryAccount, …)
// from the committed state at req.Height (0 = latest). Answers are JSON.
//
// Queries may run concurrently with each other and with the consensus and
// mempool connections: each reads an immutable committed version of the
// tree (or the mempool's view, under its lock), never the working tree. A
// path longer than types.MaxQueryPathLength, or with a byte that is not
// printable ASCII, is refused before it is parsed;
// a query reads state through its context's budget (Options.QueryContext)
// and answers types.ErrQueryTimeout when that ends; a record it cannot read
// answers that error; a query that fails unexpectedly answers
// types.ErrInternal (the node goes on).
func (a *App) Query(ctx context.Context, req *abci.RequestQuery) (resp *abci.ResponseQuery, err error) {
	if len(req.Path) > types.MaxQueryPathLength {
		return queryError(types.Errorf(types.ErrQuery, "the path is %d bytes, longer than any query path (at most %d)", len(req.Path), types.MaxQueryPathLength)), nil
	}
	// Query paths are printable ASCII (names, numbers, SS58 and hex); any
	// other byte is refused here, so that an error quoting the path stays
	// about as short as the path.
	for i := 0; i < len(req.Path); i++ {
		if c := req.Path[i]; c < 0x20 || c > 0x7e {
			return queryError(types.Errorf(types.ErrQuery, "the path has byte 0x%02x at %d: query paths are printable ASCII", c, i)), nil
		}
	}
	if a.opts.QueryContext != nil {
		var cancel context.CancelFunc
		ctx, cancel = a.opts.QueryContext(ctx)
		defer cancel()
	}
	defer func() {
		switch r := recover().(type) {
		case nil:
		case budgetExceeded:
			resp = queryError(types.Errorf(types.ErrQueryTimeout, "%s stopped after %d state reads: %v", r.path, r.reads, r.err))
		case stateError:
			a.log.Error("query hit unreadable state", "path", req.Path, "err", r.err)
			resp = queryError(fmt.Errorf("%s: %w", req.Path, r.err))
		default:
			a.log.Warn("query failed", "path", req.Path, "height", req.Height, "panic", r)
			resp = queryError(types.Errorf(types.ErrInternal, "query %s failed", req.Path))
		}
	}()
	path := strings.TrimSuffix(req.Path, "/")
	if path == types.QueryNextNonce || strings.HasPrefix(path, types.QueryNextNonce+"/") {
		return a.queryNextNonce(path), nil
	}
	if path == types.QueryFee {
		return a.queryFee(ctx, req.Data), nil
	}
	if path == types.QueryDryRun {
		return a.queryDryRun(ctx, req.Data), nil
	}
	st, height, err := a.stateAt(req.Height)
	if err != nil {
		return queryError(err), nil
	}
	return answer(withBudget(ctx, st, path), height, path, req.Data), nil
}

// budgetKV reads through kv and stops the query it serves, by panicking with
// budgetExceeded (which Query recovers), once ctx is done: however much state
// a query reads, it cannot run far past its budget. ctx is checked every
// budgetCheckEvery reads, starting with the first.
type budgetKV struct {
	kv    KV
	ctx   context.Context
	path  string
	reads int
}

// budgetCheckEvery is how many state reads pass between two looks at the
// query's context (an IAVL read takes about a microsecond).
const budgetCheckEvery = 64

// budgetExceeded is the panic value budgetKV stops a query with.
type budgetExceeded struct {
	path  string
	reads int
	err   error
}

// withBudget returns st read through ctx's budget.
func withBudget(ctx context.Context, st *State, path string) *State {
	return NewState(&budgetKV{kv: st.kv, ctx: ctx, path: path})
}

func (b *budgetKV) spend() {
	if b.reads%budgetCheckEvery == 0 {
		if err := b.ctx.Err(); err != nil {
			panic(budgetExceeded{path: b.path, reads: b.reads, err: err})
		}
	}
	b.reads++
}

func (b *budgetKV) Get(key []byte) []byte {
	b.spend()
	return b.kv.Get(key)
}

func (b *budgetKV) Set([]byte, []byte) { panic("chain: a query writes state") }
func (b *budgetKV) Delete([]byte)      { panic("chain: a query writes state") }

func (b *budgetKV) Iterate(start, end []byte, fn func(key, value []byte) bool) {
	b.spend()
	counted := func(k, v []byte) bool {
		b.spend()
		return fn(k, v)
	}
	if v, ok := b.kv.(versionKV); ok && len(start) >= narrowRangeKey {
		iterateTree(v, start, end, counted)
		return
	}
	b.kv.Iterate(start, end, counted)
}

// narrowRangeKey is the length of a range's start key from which a query
// walks the IAVL tree itself rather than its fast index: a range that
// starts under one account's key (prefix ‖ 32-byte account), such as the
// stake entries of one hotkey, holds a few entries, and opening the fast
// index's database iterator (a merged iterator over every level of the
// database) costs far more than walking a few cached tree nodes. The
// neurons of a 4,096-neuron subnet read 4,096 such ranges (each hotkey's
// stake): 30 ms of a 45 ms answer before this. Wide ranges (a subnet's
// neurons or rows) keep the fast index, which reads sequentially.
const narrowRangeKey = 33

// iterateTree iterates a committed version's range by walking its tree.
func iterateTree(v versionKV, start, end []byte, fn func(key, value []byte) bool) {
	it := iavl.NewIterator(start, end, true, v.tree)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			return
		}
	}
	if err := it.Error(); err != nil {
		panic(fmt.Sprintf("chain: state iterate at version %d: %v", v.tree.Version(), err))
	}
}

// stateAt opens the committed state at height (0 = latest).
func (a *App) stateAt(height int64) (*State, int64, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	latest := int64(0)
	if a.committed != nil {
		latest = a.committed.Version()
	}
	if height == 0 || height == latest {
		return NewState(a.latestKVLocked()), latest, nil
	}
	if height < 0 || height > latest {
		return nil, 0, types.Errorf(types.ErrHeightPruned, "height %d is not committed (latest is %d)", height, latest)
	}
	imm, err := a.tree.GetImmutable(height)
	if err != nil {
		return nil, 0, types.Errorf(types.ErrHeightPruned, "state at height %d: %v", height, err)
	}
	return NewState(versionKV{imm}), height, nil
}

// answer routes a path over one version of state.
func answer(st *State, height int64, path string, data []byte) *abci.ResponseQuery {
	route, arg, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch "/" + route {
	case types.QueryBlock:
		return queryJSON(height, types.BlockInfo{Height: uint64(height), Hash: hashOrEmpty(st, uint64(height))})
	case types.QueryBlockHash:
		h, err := strconv.ParseUint(arg, 10, 64)
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%s wants a block height, got %q", types.QueryBlockHash, arg))
		}
		if !st.HasBlockHash(h) {
			return queryError(types.Errorf(types.ErrNotFound, "no hash kept for block %d at height %d", h, height))
		}
		return queryJSON(height, types.BlockInfo{Height: h, Hash: hashOrEmpty(st, h)})
	case types.QueryAccount:
		id, err := types.ParseAccountID(arg)
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%s: %v", types.QueryAccount, err))
		}
		acc := st.Account(id)
		return queryJSON(height, types.AccountInfo{Address: id, Free: acc.Free, Nonce: acc.Nonce, Height: uint64(height)})
	case types.QueryTotalIssuance:
		return queryJSON(height, types.Issuance{TotalIssuance: st.TotalIssuance(), Height: uint64(height)})
	case types.QueryParams:
		return queryJSON(height, st.Params())
	case types.QueryIdentity:
		id, err := types.ParseAccountID(arg)
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%s: %v", types.QueryIdentity, err))
		}
		if v := st.AppVersion(); v < appVersionIdentityRegistry {
			// No registry yet at this height: nobody has an identity.
			return queryError(types.Errorf(types.ErrNotFound, "%s has no identity: the chain at height %d (app version %d) has no identity registry yet", id, height, v))
		}
		rec, ok := st.Identity(id)
		if !ok {
			return queryError(types.Errorf(types.ErrNotFound, "%s has no identity", id))
		}
		return queryJSON(height, types.IdentityRecord{Identified: id, Info: rec.Info, Deposit: rec.Deposit, Depositor: rec.Depositor, Height: uint64(height)})
	default:
		if resp, ok := answerSubtensor(st, height, route, arg, string(data) == types.AnswerCBOR); ok {
			return resp
		}
		if resp, ok := answerEmission(st, height, route, arg); ok {
			return resp
		}
		if resp, ok := answerGovernance(st, height, route, arg); ok {
			return resp
		}
		if resp, ok := answerUpgrade(st, height, route); ok {
			return resp
		}
		return queryError(types.Errorf(types.ErrQuery, "unknown path %q", path))
	}
}

func hashOrEmpty(st *State, h uint64) string {
	if !st.HasBlockHash(h) {
		return ""
	}
	hash := st.BlockHash(h)
	return types.HashString(hash[:])
}

// queryNextNonce answers from the mempool's view of state, so a client can
// send several transactions without waiting for each to commit.
func (a *App) queryNextNonce(path string) *abci.ResponseQuery {
	arg := strings.TrimPrefix(strings.TrimPrefix(path, types.QueryNextNonce), "/")
	id, err := types.ParseAccountID(arg)
	if err != nil {
		return queryError(types.Errorf(types.ErrQuery, "%s: %v", types.QueryNextNonce, err))
	}
	a.checkMu.Lock()
	acc := NewState(a.check).Account(id)
	a.checkMu.Unlock()
	return queryJSON(0, types.NonceInfo{Address: id, NextNonce: acc.Nonce})
}

// queryFee prices the transaction in data (its signature may be missing; a
// 64-byte signature is counted).
func (a *App) queryFee(ctx context.Context, data []byte) *abci.ResponseQuery {
	tx, err := types.DecodeTx(data)
	if err != nil {
		return queryError(err)
	}
	size := len(data)
	if len(tx.Signature) == 0 {
		tx.Signature = make([]byte, 64)
		b, err := tx.Encode()
		if err != nil {
			return queryError(types.Errorf(types.ErrQuery, "%v", err))
		}
		size = len(b)
	}
	st, height, err := a.stateAt(0)
	if err != nil {
		return queryError(err)
	}
	st = withBudget(ctx, st, types.QueryFee)
	return queryJSON(height, types.FeeInfo{Call: tx.Call.Name, Fee: st.Params().Fee(tx.Call.Name, size), Size: size})
}

// queryDryRun runs the transaction in data as CheckTx would, on a throwaway
// branch of the mempool's view, and reports the outcome: the chain's error
// if it would be refused or fail, else its fee and events. Nothing is kept
// and the mempool does not see the transaction. A transaction without a
// signature is run with every check but the signature's, so a client can
// learn the verdict before the user unlocks the key.
func (a *App) queryDryRun(ctx context.Context, data []byte) *abci.ResponseQuery {
	tx, err := types.DecodeTx(data)
	if err != nil {
		return queryError(err)
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	view := &budgetKV{kv: a.check, ctx: ctx, path: types.QueryDryRun}
	// Without a signature, the decoded tx stands in as "verified": every
	// check runs but the signature's.
	var skipSig *types.Tx
	if len(tx.Signature) == 0 {
		skipSig = tx
	}
	out := a.runTx(newCache(view), a.nextHeight(), data, skipSig)
	if out.code != 0 {
		return &abci.ResponseQuery{Code: out.code, Codespace: out.codespace, Log: out.log}
	}
	info := types.DryRunInfo{Call: tx.Call.Name, Fee: tx.Fee, Size: len(data), Events: make([]types.TxEvent, len(out.events))}
	for i, ev := range out.events {
		te := types.TxEvent{Type: ev.Type, Attrs: make([][2]string, len(ev.Attributes))}
		for j, at := range ev.Attributes {
			te.Attrs[j] = [2]string{at.Key, at.Value}
		}
		info.Events[i] = te
	}
	return queryJSON(0, info)
}
