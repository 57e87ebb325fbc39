package substrate

import (
	"context"
	"fmt"

	"github.com/go-bittensor/bittensor/wallet"
)

// accountNextIndex is the node's view of an account's next nonce: its
// on-chain nonce plus the account's transactions in the node's pool.
func (c *Client) accountNextIndex(ctx context.Context, who [32]byte) (uint64, error) {
	var n uint64
	if err := c.rpc.Call(ctx, &n, "system_accountNextIndex", ss58Generic(who)); err != nil {
		return 0, fmt.Errorf("substrate: next nonce of %x: %w", who, err)
	}
	return n, nil
}

// NextNonce returns the nonce the account's next extrinsic would use: the
// node's view (which counts its pool) or this client's, whichever is ahead.
// It reserves nothing.
func (c *Client) NextNonce(ctx context.Context, who [32]byte) (uint64, error) {
	n, err := c.accountNextIndex(ctx, who)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(n, c.nonces[who]), nil
}

// ReserveNonce returns the account's next nonce and reserves it, so that
// concurrent senders through this client never sign two extrinsics with one
// nonce. Give back a nonce that was not sent with ReleaseNonce.
func (c *Client) ReserveNonce(ctx context.Context, who [32]byte) (uint64, error) {
	n, err := c.accountNextIndex(ctx, who)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n = max(n, c.nonces[who])
	c.nonces[who] = n + 1
	return n, nil
}

// ReleaseNonce gives back a reserved nonce that was never sent, if it is
// still the latest reserved.
func (c *Client) ReleaseNonce(who [32]byte, nonce uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nonces[who] == nonce+1 {
		c.nonces[who] = nonce
	}
}

// ForgetNonce drops this client's view of the account's nonce, so that the
// next one comes from the node alone (after a refusal that says the nonce
// was wrong).
func (c *Client) ForgetNonce(who [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.nonces, who)
}

// ss58Generic writes an account id as an SS58 address with the generic
// Substrate prefix 42 (what Bittensor uses), for RPCs that take addresses.
func ss58Generic(pub [32]byte) string { return wallet.SS58Encode(pub[:], 42) }
