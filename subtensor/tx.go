package subtensor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// Signer signs transactions: a coldkey or hotkey (*wallet.Keypair).
type Signer = types.Signer

// Wait says how far a write goes: send and return, wait for the block (or
// its finality), or only ask the chain what would happen.
type Wait int

const (
	// WaitNone returns once the node accepted the transaction into its pool.
	WaitNone Wait = iota
	// WaitInclusion returns once the transaction is in a block, with its
	// outcome. (CometBFT blocks are final when committed, so on a
	// go-bittensor chain this is also WaitFinalization.)
	WaitInclusion
	// WaitFinalization returns once the block holding the transaction is
	// final (Bittensor's wait_for_finalization).
	WaitFinalization
	// DryRun sends nothing: it signs the transaction and asks the chain to
	// run its checks and its call on the current state, and returns the
	// result the transaction would have (its fee, its events) or the
	// chain's refusal as the error. Nothing is charged and no nonce is used.
	// With an Unsigned signer, a chain that can check a transaction without
	// its signature (a go-bittensor node) answers before the key is
	// unlocked; one that cannot (Substrate) returns ErrNoSecret.
	DryRun
	// FeeOnly sends and signs nothing (the Signer's secret is not used; see
	// PublicKey): the result carries only the fee the chain would charge.
	FeeOnly
)

// String names the mode.
func (w Wait) String() string {
	switch w {
	case WaitNone:
		return "no wait"
	case WaitInclusion:
		return "wait for inclusion"
	case WaitFinalization:
		return "wait for finalization"
	case DryRun:
		return "dry run"
	case FeeOnly:
		return "fee only"
	}
	return "Wait(" + strconv.Itoa(int(w)) + ")"
}

// HasOutcome reports whether a result returned under w says what the call
// did (its events or failure): after inclusion, finalization or a dry run.
func (w Wait) HasOutcome() bool { return w == WaitInclusion || w == WaitFinalization || w == DryRun }

// Sends reports whether w sends the transaction to the chain.
func (w Wait) Sends() bool { return w == WaitNone || w == WaitInclusion || w == WaitFinalization }

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
func (c *CometBFTClient) Submit(ctx context.Context, signer Signer, args types.CallArgs, wait Wait) (*TxResult, error) {
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

func (c *CometBFTClient) submitOnce(ctx context.Context, signer Signer, args types.CallArgs, wait Wait) (*TxResult, error) {
	who := types.AccountID(signer.PublicKey())
	switch wait {
	case FeeOnly:
		fee, err := c.EstimateFee(ctx, who, args)
		if err != nil {
			return nil, err
		}
		return &TxResult{Fee: fee}, nil
	case DryRun:
		return c.dryRun(ctx, signer, args)
	case WaitNone, WaitInclusion, WaitFinalization:
	default:
		return nil, fmt.Errorf("subtensor: unknown %v", wait)
	}
	res, err := c.send(ctx, signer, args)
	if err != nil || !wait.HasOutcome() {
		return res, err
	}
	return c.WaitTx(ctx, res)
}

// send signs args with the signer's next nonce and the chain's fee and
// broadcasts it. A signer's sends through this client are serialised from
// the nonce's reservation to the node's answer, so that its transactions
// reach the node in nonce order: the node accepts only a signer's next
// nonce, and concurrent sends could otherwise arrive out of order.
func (c *CometBFTClient) send(ctx context.Context, signer Signer, args types.CallArgs) (*TxResult, error) {
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
func (c *CometBFTClient) signerLock(who types.AccountID) *sync.Mutex {
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

// dryRun signs args with the signer's next nonce and asks the node what
// submitting it now would do (types.QueryDryRun), without sending it.
func (c *CometBFTClient) dryRun(ctx context.Context, signer Signer, args types.CallArgs) (*TxResult, error) {
	who := types.AccountID(signer.PublicKey())
	params, err := c.cachedParams(ctx)
	if err != nil {
		return nil, err
	}
	nonce, err := c.peekNonce(ctx, who)
	if err != nil {
		return nil, err
	}
	tx, err := types.NewTx(c.chainID, who, nonce, 0, args)
	if err != nil {
		return nil, err
	}
	if err := params.SetFee(tx); err != nil {
		return nil, err
	}
	if _, public := signer.(unsigned); !public {
		if err := tx.Sign(signer); err != nil {
			return nil, err
		}
	}
	raw, err := tx.Encode()
	if err != nil {
		return nil, err
	}
	var info types.DryRunInfo
	if err := c.Query(ctx, types.QueryDryRun, raw, 0, &info); err != nil {
		return nil, err
	}
	res := &TxResult{Hash: types.TxHashHex(raw), Nonce: nonce, Fee: balance.Balance(info.Fee)}
	for _, e := range info.Events {
		ev := Event{Type: e.Type, Attrs: make(map[string]string, len(e.Attrs))}
		for _, a := range e.Attrs {
			ev.Attrs[a[0]] = a[1]
		}
		res.Events = append(res.Events, ev)
	}
	return res, nil
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
func (c *CometBFTClient) Broadcast(ctx context.Context, raw []byte) (*TxResult, error) {
	var res *TxResult
	tries := 0
	again := func(err error) bool { return isTransportError(err) || errors.Is(err, ErrMempoolFull) }
	err := c.retryIf(ctx, again, func() error {
		tries++
		r, err := c.rpc.broadcastTxSync(ctx, raw)
		if err != nil {
			err = nodeError("broadcast", err)
			if tries > 1 && errors.Is(err, ErrAlreadySubmitted) {
				sum := sha256.Sum256(raw) // CometBFT's transaction hash
				res = &TxResult{Hash: fmt.Sprintf("%X", sum[:]), raw: raw}
				return nil
			}
			return err
		}
		if r.Code != 0 {
			return types.NewChainError(r.Code, r.Codespace, r.Log)
		}
		res = &TxResult{Hash: r.Hash.String(), raw: raw}
		return nil
	})
	return res, err
}

// WaitTx waits until the transaction res names is in a committed block and
// fills in its height, events and outcome.
func (c *CometBFTClient) WaitTx(ctx context.Context, res *TxResult) (*TxResult, error) {
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
func (c *CometBFTClient) lookupTx(ctx context.Context, hash []byte, res *TxResult) (bool, error) {
	r, err := c.rpc.tx(ctx, hash)
	if err != nil {
		return false, nil
	}
	res.Height = uint64(r.Height)
	res.Events = convertEvents(r.TxResult.Events)
	if r.TxResult.Code != 0 {
		res.Err = types.NewChainError(r.TxResult.Code, r.TxResult.Codespace, r.TxResult.Log)
	}
	return true, nil
}

// reoffer sends the transaction again. A node that still holds it answers
// that it is already submitted; one that dropped it runs its checks again,
// and their verdict (if negative) is why it was dropped. A node that cannot
// take it or be reached just now is asked again at the next re-offer.
func (c *CometBFTClient) reoffer(ctx context.Context, hash []byte, res *TxResult) error {
	r, err := c.rpc.broadcastTxSync(ctx, res.raw)
	if err != nil {
		if err := nodeError("re-offer", err); !errors.Is(err, ErrAlreadySubmitted) {
			c.log.Debug("re-offering a transaction", "hash", res.Hash, "err", err)
		}
		return nil
	}
	if r.Code == 0 {
		return nil // it had been dropped, and is waiting again
	}
	if done, _ := c.lookupTx(ctx, hash, res); done {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrTxDropped, types.NewChainError(r.Code, r.Codespace, r.Log))
}

func convertEvents(evs []rpcEvent) []Event {
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
func (c *CometBFTClient) reserveNonce(ctx context.Context, who types.AccountID) (uint64, error) {
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

// peekNonce returns the nonce the signer's next transaction would use,
// without reserving it.
func (c *CometBFTClient) peekNonce(ctx context.Context, who types.AccountID) (uint64, error) {
	var ni types.NonceInfo
	if err := c.Query(ctx, types.QueryNextNonce+"/"+who.String(), nil, 0, &ni); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(ni.NextNonce, c.nonces[who]), nil
}

// releaseNonce gives back a nonce that was never sent, if it is still the
// latest reserved.
func (c *CometBFTClient) releaseNonce(who types.AccountID, nonce uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nonces[who] == nonce+1 {
		c.nonces[who] = nonce
	}
}

func (c *CometBFTClient) forgetNonce(who types.AccountID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.nonces, who)
}

// Transfer sends amount from the signer to dest (Balances.transfer, or
// transfer_keep_alive when keepAlive) and, with wait, returns the block and
// outcome.
func (c *CometBFTClient) Transfer(ctx context.Context, from Signer, dest types.AccountID, amount balance.Balance, keepAlive bool, wait Wait) (*TxResult, error) {
	var args types.CallArgs = &types.Transfer{Dest: dest, Value: uint64(amount)}
	if keepAlive {
		args = &types.TransferKeepAlive{Dest: dest, Value: uint64(amount)}
	}
	return c.Submit(ctx, from, args, wait)
}

// EstimateFee returns the fee the chain charges for the call when signed by
// signer (fees depend on the transaction's size).
func (c *CometBFTClient) EstimateFee(ctx context.Context, signer types.AccountID, args types.CallArgs) (balance.Balance, error) {
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

// ErrNoSecret is returned when a transaction must be signed by a Signer
// that holds only a public key (see Unsigned).
var ErrNoSecret = errors.New("subtensor: signer has no secret key")

// Unsigned returns a Signer for account that holds no secret: enough to
// price a transaction with FeeOnly before the key is unlocked. Any other
// use fails with ErrNoSecret.
func Unsigned(account types.AccountID) Signer { return unsigned(account) }

type unsigned types.AccountID

func (u unsigned) PublicKey() [32]byte { return u }

func (u unsigned) Sign([]byte) ([]byte, error) {
	return nil, fmt.Errorf("%w: %s", ErrNoSecret, types.AccountID(u))
}
