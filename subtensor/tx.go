package subtensor

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/tmhash"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// Signer signs transactions: a coldkey or hotkey (*wallet.Keypair).
type Signer = types.Signer

// Wait says how long Submit waits.
type Wait int

const (
	// WaitNone returns once the node's mempool accepted the transaction.
	WaitNone Wait = iota
	// WaitInclusion returns once the transaction is in a committed block,
	// with its outcome. (CometBFT blocks are final when committed, so this is
	// also Bittensor's wait_for_finalization.)
	WaitInclusion
)

// TxResult is what happened to a submitted transaction.
type TxResult struct {
	Hash   string // CometBFT transaction hash (upper-case hex)
	Nonce  uint64
	Fee    balance.Balance
	Height uint64  // block that included it (0 if not waited for)
	Events []Event // what the call did, when it succeeded
	// Err is the chain's verdict when the call failed in its block (a
	// *types.ChainError); the fee and nonce were still charged.
	Err error

	raw []byte // the signed bytes, to re-offer a transaction the node dropped
}

// ErrTxDropped is returned by WaitTx when the node dropped a transaction it
// had accepted, because it stopped being valid before a block included it
// (for example proof of work that went stale). Nothing was charged.
var ErrTxDropped = errors.New("subtensor: transaction dropped from the mempool")

// rebroadcastBlocks is how many blocks WaitTx waits for inclusion before it
// offers the transaction again to learn whether the node still holds it.
const rebroadcastBlocks = 3

// Event is one thing a transaction did (e.g. a "transfer" with from, to and
// amount).
type Event struct {
	Type  string
	Attrs map[string]string
}

// DefaultWaitTimeout bounds how long Submit waits for inclusion when the
// context has no deadline.
const DefaultWaitTimeout = 60 * time.Second

// Submit signs a call with the signer's next nonce and the chain's fee and
// sends it. A rejection by the node (bad nonce, cannot pay, a call that
// would fail) is returned as an error and nothing is charged. With
// WaitInclusion it waits for the block and returns the outcome; a call that
// failed in its block returns the result and its Err.
func (c *Client) Submit(ctx context.Context, signer Signer, args types.CallArgs, wait Wait) (*TxResult, error) {
	res, err := c.submitOnce(ctx, signer, args, wait)
	if errors.Is(err, types.ErrFeeTooLow) || errors.Is(err, types.ErrStaleNonce) || errors.Is(err, types.ErrFutureNonce) {
		// Parameters or our nonce view were stale: refresh once and retry.
		c.forgetNonce(types.AccountID(signer.PublicKey()))
		if _, perr := c.Params(ctx); perr == nil {
			res, err = c.submitOnce(ctx, signer, args, wait)
		}
	}
	return res, err
}

func (c *Client) submitOnce(ctx context.Context, signer Signer, args types.CallArgs, wait Wait) (*TxResult, error) {
	res, err := c.send(ctx, signer, args)
	if err != nil || wait == WaitNone {
		return res, err
	}
	return c.WaitTx(ctx, res)
}

// send signs args with the signer's next nonce and the chain's fee and
// broadcasts it. A signer's sends through this client are serialised from
// the nonce's reservation to the node's answer, so that its transactions
// reach the node in nonce order: the node accepts only a signer's next
// nonce, and concurrent sends could otherwise arrive out of order.
func (c *Client) send(ctx context.Context, signer Signer, args types.CallArgs) (*TxResult, error) {
	who := types.AccountID(signer.PublicKey())
	params, err := c.cachedParams(ctx)
	if err != nil {
		return nil, err
	}
	lock := c.signerLock(who)
	lock.Lock()
	defer lock.Unlock()
	nonce, err := c.reserveNonce(ctx, who)
	if err != nil {
		return nil, err
	}
	raw, fee, err := buildTx(c.chainID, signer, who, nonce, params, args)
	if err != nil {
		c.releaseNonce(who, nonce)
		return nil, err
	}
	res, err := c.Broadcast(ctx, raw)
	if err != nil {
		c.releaseNonce(who, nonce)
		return nil, err
	}
	res.Nonce, res.Fee = nonce, balance.Balance(fee)
	return res, nil
}

// buildTx signs args as a transaction of who with nonce and the fee params
// set, and encodes it.
func buildTx(chainID string, signer Signer, who types.AccountID, nonce uint64, params types.Params, args types.CallArgs) ([]byte, uint64, error) {
	tx, err := types.NewTx(chainID, who, nonce, 0, args)
	if err != nil {
		return nil, 0, err
	}
	if err := params.SetFee(tx); err != nil {
		return nil, 0, err
	}
	if err := tx.Sign(signer); err != nil {
		return nil, 0, err
	}
	raw, err := tx.Encode()
	return raw, tx.Fee, err
}

// signerLock is the lock that serialises who's sends through this client.
func (c *Client) signerLock(who types.AccountID) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sending == nil {
		c.sending = make(map[types.AccountID]*sync.Mutex)
	}
	m := c.sending[who]
	if m == nil {
		m = new(sync.Mutex)
		c.sending[who] = m
	}
	return m
}

// Broadcast sends signed transaction bytes and returns once the node's
// mempool accepted them. The chain's refusal is a *types.ChainError (nothing
// was charged); the node's own are ErrAlreadySubmitted, ErrTooLarge,
// ErrMempoolFull and ErrRefused, and ErrUnavailable when it cannot be
// reached.
//
// It retries, up to Options.Retries times with backoff, what may pass on
// another try: a failure to reach the node, and a full mempool. When a
// retry finds the transaction already submitted, an earlier try reached
// the node after all, and that is success.
func (c *Client) Broadcast(ctx context.Context, raw []byte) (*TxResult, error) {
	var res *TxResult
	tries := 0
	again := func(err error) bool { return isTransportError(err) || errors.Is(err, ErrMempoolFull) }
	err := c.retryIf(ctx, again, func() error {
		tries++
		r, err := c.rpc.BroadcastTxSync(ctx, raw)
		if err != nil {
			err = nodeError("broadcast", err)
			if tries > 1 && errors.Is(err, ErrAlreadySubmitted) {
				res = &TxResult{Hash: fmt.Sprintf("%X", tmhash.Sum(raw)), raw: raw}
				return nil
			}
			return err
		}
		if r.Code != abci.CodeTypeOK {
			return types.NewChainError(r.Code, r.Codespace, r.Log)
		}
		res = &TxResult{Hash: r.Hash.String(), raw: raw}
		return nil
	})
	return res, err
}

// WaitTx waits until the transaction res names is in a committed block and
// fills in its height, events and outcome.
func (c *Client) WaitTx(ctx context.Context, res *TxResult) (*TxResult, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWaitTimeout)
		defer cancel()
	}
	hash, err := hex.DecodeString(res.Hash)
	if err != nil {
		return nil, fmt.Errorf("subtensor: bad tx hash %q", res.Hash)
	}
	tick := time.NewTicker(c.opts.PollInterval)
	defer tick.Stop()
	var offeredAt uint64 // block at which the transaction was last offered
	for {
		if done, err := c.lookupTx(ctx, hash, res); done || err != nil {
			return res, err
		}
		if len(res.raw) > 0 {
			head, err := c.GetCurrentBlock(ctx)
			switch {
			case err != nil:
			case offeredAt == 0:
				offeredAt = head
			case head >= offeredAt+rebroadcastBlocks:
				offeredAt = head
				if err := c.reoffer(ctx, hash, res); err != nil {
					return res, err
				}
			}
		}
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("subtensor: waiting for tx %s: %w", res.Hash, ctx.Err())
		case <-tick.C:
		}
	}
}

// lookupTx fills res from the node's transaction index if a block holds it.
func (c *Client) lookupTx(ctx context.Context, hash []byte, res *TxResult) (bool, error) {
	r, err := c.rpc.Tx(ctx, hash, false)
	if err != nil {
		return false, nil
	}
	res.Height = uint64(r.Height)
	res.Events = convertEvents(r.TxResult.Events)
	if r.TxResult.Code != abci.CodeTypeOK {
		res.Err = types.NewChainError(r.TxResult.Code, r.TxResult.Codespace, r.TxResult.Log)
	}
	return true, nil
}

// reoffer sends the transaction again. A node that still holds it answers
// that it is already submitted; one that dropped it runs its checks again,
// and their verdict (if negative) is why it was dropped. A node that cannot
// take it or be reached just now is asked again at the next re-offer.
func (c *Client) reoffer(ctx context.Context, hash []byte, res *TxResult) error {
	r, err := c.rpc.BroadcastTxSync(ctx, res.raw)
	if err != nil {
		if err := nodeError("re-offer", err); !errors.Is(err, ErrAlreadySubmitted) {
			c.log.Debug("re-offering a transaction", "hash", res.Hash, "err", err)
		}
		return nil
	}
	if r.Code == abci.CodeTypeOK {
		return nil // it had been dropped, and is waiting again
	}
	if done, _ := c.lookupTx(ctx, hash, res); done {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrTxDropped, types.NewChainError(r.Code, r.Codespace, r.Log))
}

func convertEvents(evs []abci.Event) []Event {
	out := make([]Event, 0, len(evs))
	for _, e := range evs {
		ev := Event{Type: e.Type, Attrs: make(map[string]string, len(e.Attributes))}
		for _, a := range e.Attributes {
			ev.Attrs[a.Key] = a.Value
		}
		out = append(out, ev)
	}
	return out
}

// reserveNonce returns the signer's next nonce: the node's view (which
// counts its mempool) or this client's, whichever is ahead, and advances
// this client's.
func (c *Client) reserveNonce(ctx context.Context, who types.AccountID) (uint64, error) {
	var ni types.NonceInfo
	if err := c.Query(ctx, types.QueryNextNonce+"/"+who.String(), nil, 0, &ni); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := max(ni.NextNonce, c.nonces[who])
	c.nonces[who] = n + 1
	return n, nil
}

// releaseNonce gives back a nonce that was never sent, if it is still the
// latest reserved.
func (c *Client) releaseNonce(who types.AccountID, nonce uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nonces[who] == nonce+1 {
		c.nonces[who] = nonce
	}
}

func (c *Client) forgetNonce(who types.AccountID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.nonces, who)
}

// Transfer sends amount from the signer to dest (Balances.transfer, or
// transfer_keep_alive when keepAlive) and, with wait, returns the block and
// outcome.
func (c *Client) Transfer(ctx context.Context, from Signer, dest types.AccountID, amount balance.Balance, keepAlive bool, wait Wait) (*TxResult, error) {
	var args types.CallArgs = &types.Transfer{Dest: dest, Value: uint64(amount)}
	if keepAlive {
		args = &types.TransferKeepAlive{Dest: dest, Value: uint64(amount)}
	}
	return c.Submit(ctx, from, args, wait)
}

// EstimateFee returns the fee the chain charges for the call when signed by
// signer (fees depend on the transaction's size).
func (c *Client) EstimateFee(ctx context.Context, signer types.AccountID, args types.CallArgs) (balance.Balance, error) {
	tx, err := types.NewTx(c.chainID, signer, 0, 0, args)
	if err != nil {
		return 0, err
	}
	// Price the transaction as it will be sent: with a realistic nonce and
	// fee field (their encodings count).
	var ni types.NonceInfo
	if err := c.Query(ctx, types.QueryNextNonce+"/"+signer.String(), nil, 0, &ni); err == nil {
		tx.Nonce = ni.NextNonce
	}
	p, err := c.cachedParams(ctx)
	if err != nil {
		return 0, err
	}
	if err := p.SetFee(tx); err != nil {
		return 0, err
	}
	raw, err := tx.Encode()
	if err != nil {
		return 0, err
	}
	var fi types.FeeInfo
	if err := c.Query(ctx, types.QueryFee, raw, 0, &fi); err != nil {
		return 0, err
	}
	return balance.Balance(fi.Fee), nil
}

// String describes the result in one line.
func (r *TxResult) String() string {
	s := "tx " + r.Hash
	if r.Height > 0 {
		s += " in block " + strconv.FormatUint(r.Height, 10)
	}
	if r.Err != nil {
		s += ": failed: " + r.Err.Error()
	}
	return s
}
