package substrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// Hash is a 32-byte block or extrinsic hash. The zero Hash, as a block to
// read at, means the latest block.
type Hash [32]byte

// String is the hash in 0x-hex, or "latest" for the zero Hash.
func (h Hash) String() string {
	if h == (Hash{}) {
		return "latest"
	}
	return encodeHex(h[:])
}

// IsZero reports whether h is the zero Hash.
func (h Hash) IsZero() bool { return h == Hash{} }

// param is h as a JSON-RPC block parameter: null for the latest block.
func (h Hash) param() any {
	if h.IsZero() {
		return nil
	}
	return encodeHex(h[:])
}

// ParseHash reads a 0x-hex 32-byte hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := decodeHex(s)
	if err != nil {
		return h, err
	}
	if len(b) != len(h) {
		return h, fmt.Errorf("substrate: hash %q is %d bytes, want 32", s, len(b))
	}
	copy(h[:], b)
	return h, nil
}

// MarshalJSON writes the hash as 0x-hex.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(encodeHex(h[:])) }

// UnmarshalJSON reads a 0x-hex hash.
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseHash(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Header is a block header, as far as a client needs it.
type Header struct {
	Number     uint64
	ParentHash Hash
	Hash       Hash // computed by the node: the hash the header was read by
}

// rawHeader is a header as the node writes it in JSON.
type rawHeader struct {
	ParentHash Hash   `json:"parentHash"`
	Number     string `json:"number"` // hex
}

func (r rawHeader) header() (Header, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(r.Number, "0x"), 16, 64)
	if err != nil {
		return Header{}, fmt.Errorf("substrate: header number %q: %w", r.Number, err)
	}
	return Header{Number: n, ParentHash: r.ParentHash}, nil
}

// BlockHash returns the hash of block number n on the node's best chain.
func (c *Client) BlockHash(ctx context.Context, n uint64) (Hash, error) {
	var s *string
	if err := c.rpc.Call(ctx, &s, "chain_getBlockHash", n); err != nil {
		return Hash{}, fmt.Errorf("substrate: hash of block %d: %w", n, err)
	}
	if s == nil {
		return Hash{}, fmt.Errorf("%w: block %d", ErrNotFound, n)
	}
	return ParseHash(*s)
}

// Header returns the header of block at (the best block when at is zero).
func (c *Client) Header(ctx context.Context, at Hash) (Header, error) {
	var r *rawHeader
	if err := c.rpc.Call(ctx, &r, "chain_getHeader", at.param()); err != nil {
		return Header{}, fmt.Errorf("substrate: header of %s: %w", at, err)
	}
	if r == nil {
		return Header{}, fmt.Errorf("%w: block %s", ErrNotFound, at)
	}
	h, err := r.header()
	if err != nil {
		return h, err
	}
	h.Hash = at
	if at.IsZero() {
		if h.Hash, err = c.BlockHash(ctx, h.Number); err != nil {
			return h, err
		}
	}
	return h, nil
}

// Head returns the best block's header.
func (c *Client) Head(ctx context.Context) (Header, error) { return c.Header(ctx, Hash{}) }

// FinalizedHead returns the last finalized block's header.
func (c *Client) FinalizedHead(ctx context.Context) (Header, error) {
	var s string
	if err := c.rpc.Call(ctx, &s, "chain_getFinalizedHead"); err != nil {
		return Header{}, fmt.Errorf("substrate: finalized head: %w", err)
	}
	h, err := ParseHash(s)
	if err != nil {
		return Header{}, err
	}
	return c.Header(ctx, h)
}

// At returns the hash of block n, or the zero Hash (the latest block) for
// n = 0: the convention of reads that take a block number.
func (c *Client) At(ctx context.Context, n uint64) (Hash, error) {
	if n == 0 {
		return Hash{}, nil
	}
	return c.BlockHash(ctx, n)
}

// Block is the body of a block: its header and extrinsics (raw bytes).
type Block struct {
	Header     Header
	Extrinsics [][]byte
}

// Block returns the block at hash (the best block when at is zero).
func (c *Client) Block(ctx context.Context, at Hash) (*Block, error) {
	var r *struct {
		Block struct {
			Header     rawHeader `json:"header"`
			Extrinsics []string  `json:"extrinsics"`
		} `json:"block"`
	}
	if err := c.rpc.Call(ctx, &r, "chain_getBlock", at.param()); err != nil {
		return nil, fmt.Errorf("substrate: block %s: %w", at, err)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: block %s", ErrNotFound, at)
	}
	h, err := r.Block.Header.header()
	if err != nil {
		return nil, err
	}
	h.Hash = at
	b := &Block{Header: h, Extrinsics: make([][]byte, len(r.Block.Extrinsics))}
	for i, x := range r.Block.Extrinsics {
		if b.Extrinsics[i], err = decodeHex(x); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// SubscribeHeads delivers the header of every new best block (finalized
// ones when finalized is true) until ctx is done or the connection is
// closed; then it closes the channel. After a reconnection, or when the
// reader fell behind, it reads the blocks it missed so that numbers arrive
// without gaps (as far as the node still has them).
func (c *Client) SubscribeHeads(ctx context.Context, finalized bool) (<-chan Header, error) {
	method, unsub := "chain_subscribeNewHeads", "chain_unsubscribeNewHeads"
	if finalized {
		method, unsub = "chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads"
	}
	sub, err := c.rpc.Subscribe(ctx, method, unsub)
	if err != nil {
		return nil, fmt.Errorf("substrate: subscribe to heads: %w", err)
	}
	out := make(chan Header, 16)
	go func() {
		defer close(out)
		defer sub.Unsubscribe(context.WithoutCancel(ctx))
		var last uint64
		for {
			n, err := sub.Next(ctx)
			if err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, rpc.ErrClosed) && ctx.Err() == nil {
					c.log.Debug("head subscription ended", "err", err)
				}
				return
			}
			var r rawHeader
			if err := json.Unmarshal(n.Result, &r); err != nil {
				c.log.Debug("head subscription: bad header", "err", err)
				continue
			}
			h, err := r.header()
			if err != nil {
				continue
			}
			// Fill what was missed (a gap, or a head several blocks ahead).
			for next := last + 1; last != 0 && next < h.Number; next++ {
				hash, err := c.BlockHash(ctx, next)
				if err != nil {
					break
				}
				select {
				case out <- Header{Number: next, Hash: hash}:
				case <-ctx.Done():
					return
				}
			}
			if hash, err := c.BlockHash(ctx, h.Number); err == nil {
				h.Hash = hash
			}
			select {
			case out <- h:
			case <-ctx.Done():
				return
			}
			last = max(last, h.Number)
		}
	}()
	return out, nil
}
