package substrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// Until says how long Submit waits.
type Until int

const (
	// InPool returns once the node accepted the extrinsic into its pool.
	InPool Until = iota
	// InBlock returns once the extrinsic is in a block, with its outcome.
	InBlock
	// Finalized returns once the block holding it is finalized.
	Finalized
)

// ErrDropped is returned by Submit when the node dropped or replaced an
// extrinsic it had accepted, or its era expired before any block held it:
// it was not executed and nothing was charged.
var ErrDropped = errors.New("substrate: extrinsic dropped")

// Receipt is what happened to a submitted extrinsic.
type Receipt struct {
	Hash Hash // the extrinsic's hash
	// Block and Index locate the extrinsic (zero with InPool).
	Block Header
	Index int
	// Finalized reports whether Block was finalized when Submit returned.
	Finalized bool
	// Events are the events the extrinsic emitted.
	Events []Event
	// Fee is what the signer paid (TransactionPayment's actual fee, tip
	// included), in the chain's smallest unit.
	Fee uint64
	// Err is why the call failed in its block (the fee was still paid).
	Err *DispatchError
	// Runtime is the runtime of Block, to decode the events further.
	Runtime *metadata.Runtime
}

// Event returns the first event pallet.name the extrinsic emitted.
func (r *Receipt) Event(pallet, name string) (Event, bool) {
	for _, e := range r.Events {
		if e.Pallet == pallet && e.Name == name {
			return e, true
		}
	}
	return Event{}, false
}

// Submit sends a signed extrinsic and waits until it is in the pool, in a
// block or finalized. The node's refusal before the pool (bad nonce, cannot
// pay, bad signature, a runtime's validity check) is an *InvalidError and
// nothing was charged; a call that failed in its block returns a receipt
// whose Err says why (the fee was paid). If the connection drops while
// waiting, Submit does not send again: it finds the extrinsic in the blocks
// built meanwhile, or reports ErrDropped once its era has expired.
func (c *Client) Submit(ctx context.Context, x *Extrinsic, until Until) (*Receipt, error) {
	if until == InPool {
		var h string
		if err := c.rpc.Call(ctx, &h, "author_submitExtrinsic", encodeHex(x.Bytes)); err != nil {
			c.ForgetNonce(x.Signer)
			return nil, submitError(err)
		}
		return &Receipt{Hash: x.Hash, Runtime: x.Runtime}, nil
	}
	sub, err := c.rpc.Subscribe(ctx, "author_submitAndWatchExtrinsic", "author_unwatchExtrinsic", encodeHex(x.Bytes))
	if err != nil {
		if !errors.Is(err, rpc.ErrConnectionLost) {
			c.ForgetNonce(x.Signer)
			return nil, submitError(err)
		}
		return c.findSubmitted(ctx, x, until)
	}
	defer sub.Unsubscribe(context.WithoutCancel(ctx))
	var inBlock *Receipt
	for {
		n, err := sub.Next(ctx)
		if err != nil {
			if errors.Is(err, rpc.ErrConnectionLost) {
				return c.findSubmitted(ctx, x, until)
			}
			return inBlock, fmt.Errorf("substrate: waiting for extrinsic %s: %w", x.Hash, err)
		}
		status, hash, err := parseStatus(n.Result)
		if err != nil {
			return inBlock, err
		}
		switch status {
		case "future", "ready", "broadcast", "retracted", "finalityTimeout":
			if status == "retracted" {
				inBlock = nil
			}
		case "inBlock", "finalized":
			if inBlock == nil || inBlock.Block.Hash != hash {
				if inBlock, err = c.receipt(ctx, x, hash); err != nil {
					return nil, err
				}
			}
			if status == "finalized" {
				inBlock.Finalized = true
				return inBlock, nil
			}
			if until == InBlock {
				return inBlock, nil
			}
		case "usurped", "dropped":
			return nil, fmt.Errorf("%w: %s (%s)", ErrDropped, x.Hash, status)
		case "invalid":
			c.ForgetNonce(x.Signer)
			return nil, fmt.Errorf("%w: %s became invalid in the pool", ErrDropped, x.Hash)
		default:
			c.log.Debug("extrinsic status", "hash", x.Hash, "status", status)
		}
	}
}

// parseStatus reads an author_submitAndWatchExtrinsic notification: a
// string ("ready") or an object with one key ({"inBlock": "0x…"}).
func parseStatus(raw json.RawMessage) (string, Hash, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, Hash{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) != 1 {
		return "", Hash{}, fmt.Errorf("substrate: unexpected extrinsic status %s", raw)
	}
	for k, v := range m {
		var h Hash
		_ = json.Unmarshal(v, &h) // broadcast carries peers, not a hash
		return k, h, nil
	}
	return "", Hash{}, nil
}

// receipt reads the outcome of x in the block at hash.
func (c *Client) receipt(ctx context.Context, x *Extrinsic, at Hash) (*Receipt, error) {
	b, err := c.Block(ctx, at)
	if err != nil {
		return nil, err
	}
	idx := -1
	for i, raw := range b.Extrinsics {
		if blake2b.Sum256(raw) == x.Hash {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("%w: extrinsic %s in block %s", ErrNotFound, x.Hash, at)
	}
	events, rt, err := c.Events(ctx, at)
	if err != nil {
		return nil, err
	}
	r := &Receipt{Hash: x.Hash, Block: b.Header, Index: idx, Runtime: rt}
	for _, ev := range events {
		if ev.Extrinsic != idx {
			continue
		}
		r.Events = append(r.Events, ev)
		switch {
		case ev.Pallet == "System" && ev.Name == "ExtrinsicFailed":
			if de, ok := ev.Field("dispatch_error"); ok {
				r.Err = DecodeDispatchError(rt, de)
			} else {
				r.Err = DecodeDispatchError(rt, ev.Arg(0))
			}
		case ev.Pallet == "TransactionPayment" && ev.Name == "TransactionFeePaid":
			if f, ok := ev.Field("actual_fee"); ok {
				r.Fee, _ = f.Uint64()
			}
		}
	}
	return r, nil
}

// findSubmitted looks for x in the blocks since its birth after the watch
// was lost with the connection, until its era expires.
func (c *Client) findSubmitted(ctx context.Context, x *Extrinsic, until Until) (*Receipt, error) {
	c.log.Debug("connection lost while watching an extrinsic; looking for it in blocks", "hash", x.Hash)
	next := x.Birth.Number
	deadline := x.Birth.Number + x.EraPeriod + 1
	for {
		head, err := c.Head(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("substrate: waiting for extrinsic %s: %w", x.Hash, err)
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for ; next <= head.Number; next++ {
			hash, err := c.BlockHash(ctx, next)
			if err != nil {
				return nil, err
			}
			if r, err := c.receipt(ctx, x, hash); err == nil {
				if until == Finalized {
					return c.awaitFinalized(ctx, r)
				}
				return r, nil
			} else if !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
		if x.EraPeriod > 0 && head.Number > deadline {
			return nil, fmt.Errorf("%w: %s is in no block up to %d, and its era ended at %d", ErrDropped, x.Hash, head.Number, deadline)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("substrate: waiting for extrinsic %s: %w", x.Hash, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// awaitFinalized waits until the receipt's block is finalized.
func (c *Client) awaitFinalized(ctx context.Context, r *Receipt) (*Receipt, error) {
	for {
		f, err := c.FinalizedHead(ctx)
		if err == nil && f.Number >= r.Block.Number {
			h, err := c.BlockHash(ctx, r.Block.Number)
			if err == nil && h == r.Block.Hash {
				r.Finalized = true
				return r, nil
			}
			if err == nil {
				return nil, fmt.Errorf("%w: block %d holding %s was replaced before finality", ErrDropped, r.Block.Number, r.Hash)
			}
		}
		select {
		case <-ctx.Done():
			return r, fmt.Errorf("substrate: waiting for finality of %s: %w", r.Hash, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}
