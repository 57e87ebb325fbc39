package chain

// Block proposals. A transaction that fails its envelope checks (it does not
// decode, is for another chain, its signature does not verify, its nonce is
// not the signer's next, or its fee is too low or unaffordable) changes
// nothing when a block carries it, so it costs its sender nothing: a
// proposer could fill blocks with such junk for free. So, as CometBFT's own
// example applications do with their CheckTx, PrepareProposal leaves such
// transactions out and ProcessProposal rejects a block that carries one:
// the other validators prevote nil, and the round passes to the next
// proposer.
//
// The checks are exact, not an estimate: whether a transaction can pay
// depends on what the block's earlier transactions and its per-block step
// did, so ProcessProposal executes the whole block (executeBlock), on a
// journal over the committed state. Every honest validator reaches the same
// verdict, since execution is deterministic. When the block is then
// decided, FinalizeBlock applies the journal's writes to the tree in the
// order they were made instead of executing the block again; the tree sees
// the same operations in the same order as if it had, so the app hash is the
// same (an IAVL tree's shape depends on the order of its operations). A node
// that replays or catches up on blocks gets no ProcessProposal and executes
// them in FinalizeBlock.

import (
	"bytes"
	"context"
	"encoding/hex"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// executedProposal is a block ProcessProposal accepted: its writes and the
// outcome of each of its transactions, kept for FinalizeBlock.
type executedProposal struct {
	height   int64
	hash     []byte
	writes   *journalKV
	outcomes []txOutcome
}

// executeBlock runs a block over kv: the per-block step, then each
// transaction in order. It is the one definition of what a block does:
// FinalizeBlock runs it on the tree, ProcessProposal on a journal whose
// writes FinalizeBlock may apply instead, so anything a block does to state
// belongs here. verified(raw) reports whether CheckTx on this node already
// verified the transaction's signature. With stopAtFree it stops at the
// first transaction that fails its envelope checks and returns its index;
// otherwise, and when there is none, the index is -1.
func (a *App) executeBlock(kv KV, height uint64, hash []byte, txs [][]byte, verified func([]byte) bool, stopAtFree bool) ([]txOutcome, int) {
	st := NewState(kv)
	st.recordBlockHash(height, hash)
	expireWork(st, height)
	a.step.step(st, height)
	outs := make([]txOutcome, len(txs))
	for i, raw := range txs {
		outs[i] = a.runTx(kv, height, raw, !verified(raw))
		if stopAtFree && !outs[i].charged {
			return outs[:i+1], i
		}
	}
	return outs, -1
}

// PrepareProposal builds this node's proposal from the mempool's
// transactions, in the mempool's order and within the size limit, leaving
// out every transaction that would fail its envelope checks in the block
// (ProcessProposal would reject the block). Transactions are run in order
// over the block's state, so a transaction counts what the ones before it
// did.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	height := uint64(req.Height)
	c := newCache(treeKV{a.tree})
	st := NewState(c)
	// The block's hash is not known yet; no envelope check reads it.
	st.recordBlockHash(height, nil)
	expireWork(st, height)
	a.step.step(st, height)
	var txs [][]byte
	var size int64
	left := 0
	for _, raw := range req.Txs {
		if size+int64(len(raw)) > req.MaxTxBytes {
			break
		}
		child := newCache(c)
		if out := a.runTx(child, height, raw, !a.isVerified(raw)); !out.charged {
			left++
			continue
		}
		child.Write()
		txs = append(txs, raw)
		size += int64(len(raw))
	}
	if left > 0 {
		a.log.Debug("proposal leaves out transactions that would fail their checks", "height", height, "left_out", left)
	}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// ProcessProposal accepts a proposed block only if every transaction in it
// passes its envelope checks where the block puts it, and keeps the
// execution for FinalizeBlock.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	a.proposal = nil
	j := newJournal(treeKV{a.tree})
	outs, bad := a.executeBlock(j, uint64(req.Height), req.Hash, req.Txs, a.isVerified, true)
	if bad >= 0 {
		a.log.Warn("rejecting a proposed block: a transaction in it would fail before its call",
			"height", req.Height, "tx", bad, "err", outs[bad].log, "proposer", hex.EncodeToString(req.ProposerAddress))
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	a.proposal = &executedProposal{height: req.Height, hash: bytes.Clone(req.Hash), writes: j, outcomes: outs}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// takeProposal returns the execution ProcessProposal kept if it is of the
// block at height with this hash, and forgets it either way.
func (a *App) takeProposal(height int64, hash []byte) *executedProposal {
	p := a.proposal
	a.proposal = nil
	if p == nil || p.height != height || len(hash) == 0 || !bytes.Equal(p.hash, hash) {
		return nil
	}
	return p
}

// isVerified reports whether CheckTx on this node verified the signature of
// raw, leaving the verdict for FinalizeBlock.
func (a *App) isVerified(raw []byte) bool {
	h := types.TxHash(raw)
	a.verifiedMu.Lock()
	defer a.verifiedMu.Unlock()
	_, ok := a.verified[h]
	return ok
}

// journalKV buffers writes over a parent like cacheKV, and also records
// every Set and Delete it receives, in order, so that replay can make the
// same operations on another KV (the tree) in the same order.
type journalKV struct {
	*cacheKV
	ops []journalOp
}

type journalOp struct {
	key     string
	value   []byte // nil for a delete
	deleted bool
}

func newJournal(parent KV) *journalKV { return &journalKV{cacheKV: newCache(parent)} }

func (j *journalKV) Set(key, value []byte) {
	j.cacheKV.Set(key, value)
	j.ops = append(j.ops, journalOp{key: string(key), value: value})
}

func (j *journalKV) Delete(key []byte) {
	j.cacheKV.Delete(key)
	j.ops = append(j.ops, journalOp{key: string(key), deleted: true})
}

// replay makes the recorded operations on kv, in order.
func (j *journalKV) replay(kv KV) {
	for _, op := range j.ops {
		if op.deleted {
			kv.Delete([]byte(op.key))
		} else {
			kv.Set([]byte(op.key), op.value)
		}
	}
}
