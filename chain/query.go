package chain

import (
	"context"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Query answers the read paths of chain/types (QueryBlock, QueryAccount, …)
// from the committed state at req.Height (0 = latest). Answers are JSON.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (resp *abci.ResponseQuery, _ error) {
	defer recoverQuery(a.log, req.Path, &resp)
	path := strings.TrimSuffix(req.Path, "/")
	if path == types.QueryNextNonce || strings.HasPrefix(path, types.QueryNextNonce+"/") {
		return a.queryNextNonce(path), nil
	}
	if path == types.QueryFee {
		return a.queryFee(req.Data), nil
	}
	if path == types.QueryDryRun {
		return a.queryDryRun(req.Data), nil
	}
	st, height, err := a.stateAt(req.Height)
	if err != nil {
		return queryError(err), nil
	}
	return answer(st, height, path, req.Data), nil
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
func (a *App) queryFee(data []byte) *abci.ResponseQuery {
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
	return queryJSON(height, types.FeeInfo{Call: tx.Call.Name, Fee: st.Params().Fee(tx.Call.Name, size), Size: size})
}

// queryDryRun runs the transaction in data as CheckTx would, on a throwaway
// branch of the mempool's view, and reports the outcome: the chain's error
// if it would be refused or fail, else its fee and events. Nothing is kept
// and the mempool does not see the transaction. A transaction without a
// signature is run with every check but the signature's, so a client can
// learn the verdict before the user unlocks the key.
func (a *App) queryDryRun(data []byte) *abci.ResponseQuery {
	tx, err := types.DecodeTx(data)
	if err != nil {
		return queryError(err)
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	out := a.runTx(newCache(a.check), a.nextHeight(), data, len(tx.Signature) > 0)
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
