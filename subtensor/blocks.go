package subtensor

import (
	"context"
	"fmt"
	"time"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Block is a new block seen by a subscription.
type Block struct {
	Height uint64
	Hash   [32]byte
}

// SubscribeBlocks delivers every new block in order, from the next one on,
// until ctx is done; then it closes the channel. It survives the node
// restarting or the connection dropping: it keeps trying and, once the node
// answers again, delivers every block it missed.
func (c *CometBFTClient) SubscribeBlocks(ctx context.Context) (<-chan Block, error) {
	start, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan Block, 16)
	go func() {
		defer close(out)
		next := start + 1
		tick := time.NewTicker(c.opts.PollInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			head, err := c.GetCurrentBlock(ctx)
			if err != nil {
				c.log.Debug("block subscription: node not answering", "err", err)
				continue
			}
			for ; next <= head; next++ {
				b := Block{Height: next}
				if h, err := c.GetBlockHash(ctx, next); err == nil {
					b.Hash = h
				}
				select {
				case out <- b:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// BlockTx is a transaction as committed in a block, with its outcome.
type BlockTx struct {
	Raw    []byte
	Hash   string
	Tx     *types.Tx // nil if the bytes do not decode
	Err    error     // the chain's verdict if the transaction failed
	Events []Event
}

// GetBlockTxs returns the transactions of a committed block, in order, with
// their outcomes.
func (c *CometBFTClient) GetBlockTxs(ctx context.Context, height uint64) ([]BlockTx, error) {
	h := int64(height)
	var out []BlockTx
	err := c.retry(ctx, func() error {
		txs, err := c.rpc.blockTxs(ctx, h)
		if err != nil {
			return fmt.Errorf("subtensor: block %d: %w", height, err)
		}
		results, err := c.rpc.blockResults(ctx, h)
		if err != nil {
			return fmt.Errorf("subtensor: block %d results: %w", height, err)
		}
		if len(results) != len(txs) {
			return fmt.Errorf("subtensor: block %d has %d txs but %d results", height, len(txs), len(results))
		}
		out = make([]BlockTx, len(txs))
		for i, raw := range txs {
			bt := BlockTx{Raw: raw, Hash: types.TxHashHex(raw)}
			bt.Tx, _ = types.DecodeTx(raw)
			res := results[i]
			if res.Code != 0 {
				bt.Err = types.NewChainError(res.Code, res.Codespace, res.Log)
			}
			bt.Events = convertEvents(res.Events)
			out[i] = bt
		}
		return nil
	})
	return out, err
}
