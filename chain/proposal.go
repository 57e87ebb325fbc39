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
	"log/slog"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// executedProposal is a block ProcessProposal accepted: its writes and what
// executing it gave, kept for FinalizeBlock.
type executedProposal struct {
	height int64
	hash   []byte
	writes *journalKV
	run    blockRun
}

// blockRun is what executing a block gives besides its writes.
type blockRun struct {
	outcomes []txOutcome               // one per transaction run
	events   []abci.Event              // the block's own events (an upgrade's)
	params   *cmtproto.ConsensusParams // an app version change to report, if any
	// free is the index of the first transaction that failed its envelope
	// checks, when execution stopped there (stopAtFree); else -1.
	free int
}

// executeBlock runs a block over kv: an upgrade due at its height, the
// per-block step, then each transaction in order. It is the one definition
// of what a block does: FinalizeBlock runs it on the tree, ProcessProposal
// on a journal whose writes FinalizeBlock may apply instead, so anything a
// block does to state belongs here (and nowhere else in FinalizeBlock).
// verified(raw) returns the transaction decoded if CheckTx on this node
// already verified its signature, else nil. With stopAtFree it stops at the first
// transaction that fails its envelope checks. An error means this binary
// must not execute the block (upgradeBlock).
func (a *App) executeBlock(kv KV, height uint64, hash []byte, txs [][]byte, verified func([]byte) *types.Tx, stopAtFree bool) (blockRun, error) {
	st := NewState(kv)
	events, params, err := a.upgradeBlock(st, height)
	if err != nil {
		return blockRun{}, err
	}
	st.recordBlockHash(height, hash)
	expireWork(st, height)
	a.step.step(st, height)
	run := blockRun{outcomes: make([]txOutcome, 0, len(txs)), events: events, params: params, free: -1}
	for i, raw := range txs {
		out := a.runTx(kv, height, raw, verified(raw))
		run.outcomes = append(run.outcomes, out)
		if stopAtFree && !out.charged {
			run.free = i
			break
		}
	}
	return run, nil
}

// PrepareProposal builds this node's proposal from the mempool's
// transactions, in the mempool's order and within the size limit, leaving
// out every transaction that would fail its envelope checks in the block
// (ProcessProposal would reject the block). Transactions are run in order
// over the block's state, so a transaction counts what the ones before it
// did. A block this binary must not execute (an upgrade it lacks is due)
// is proposed empty; the others reject it anyway.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (resp *abci.ResponsePrepareProposal, err error) {
	defer recoverProposal(a.log, "PrepareProposal", func() { resp = &abci.ResponsePrepareProposal{} })
	height := uint64(req.Height)
	c := newCache(treeKV{a.tree})
	// The block's own part (an upgrade, the step), then the transactions
	// one by one. The block's hash is not known yet; no envelope check
	// reads it.
	if _, err := a.executeBlock(c, height, nil, nil, nil, false); err != nil {
		return &abci.ResponsePrepareProposal{}, nil
	}
	var txs [][]byte
	var size int64
	left := 0
	for _, raw := range req.Txs {
		if size+int64(len(raw)) > req.MaxTxBytes {
			break
		}
		child := newCache(c)
		if out := a.runTx(child, height, raw, a.isVerified(raw)); !out.charged {
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

// ProcessProposal accepts a proposed block only if this binary may execute
// it (no upgrade it lacks is due) and every transaction in it passes its
// envelope checks where the block puts it, and keeps the execution for
// FinalizeBlock.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (resp *abci.ResponseProcessProposal, err error) {
	reject := &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
	defer recoverProposal(a.log, "ProcessProposal", func() { resp = reject })
	a.proposal = nil
	if a.refusesBlock(req.Height) {
		return reject, nil
	}
	j := newJournal(treeKV{a.tree})
	run, err := a.executeBlock(j, uint64(req.Height), req.Hash, req.Txs, a.isVerified, true)
	if err != nil {
		return reject, nil
	}
	if run.free >= 0 {
		a.log.Warn("rejecting a proposed block: a transaction in it would fail before its call",
			"height", req.Height, "tx", run.free, "err", run.outcomes[run.free].log, "proposer", hex.EncodeToString(req.ProposerAddress))
		return reject, nil
	}
	a.proposal = &executedProposal{height: req.Height, hash: bytes.Clone(req.Hash), writes: j, run: run}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// recoverProposal, deferred by PrepareProposal and ProcessProposal, turns
// a stateError (a record this binary cannot read) into answer(): the node
// cannot execute the block, and FinalizeBlock stops the node if it is
// decided.
func recoverProposal(log *slog.Logger, call string, answer func()) {
	r := recover()
	if r == nil {
		return
	}
	se, ok := r.(stateError)
	if !ok {
		panic(r)
	}
	log.Error(call+" hit unreadable state", "err", se.err)
	answer()
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

// isVerified returns raw decoded if CheckTx on this node verified its
// signature, else nil, leaving the verdict for FinalizeBlock.
func (a *App) isVerified(raw []byte) *types.Tx {
	h := types.TxHash(raw)
	a.verifiedMu.Lock()
	defer a.verifiedMu.Unlock()
	return a.verified[h]
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
