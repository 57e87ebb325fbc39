package subtensor

import (
	"context"
	"time"
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
func (c *Client) SubscribeBlocks(ctx context.Context) (<-chan Block, error) {
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
