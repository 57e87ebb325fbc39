package subtensor

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-bittensor/bittensor/chain/types"
)

// call submits args and, with WaitInclusion, turns a failure in the block
// into the returned error (the result is returned too, with its fee and
// nonce charged).
func (c *CometBFTClient) call(ctx context.Context, signer Signer, args types.CallArgs, wait Wait) (*TxResult, error) {
	res, err := c.Submit(ctx, signer, args, wait)
	if err != nil {
		return res, err
	}
	if res.Err != nil {
		return res, res.Err
	}
	return res, nil
}

// Event returns the value of attr in the first event of kind the
// transaction emitted, and whether there was one.
func (r *TxResult) Event(kind, attr string) (string, bool) {
	for _, e := range r.Events {
		if e.Type == kind {
			v, ok := e.Attrs[attr]
			return v, ok
		}
	}
	return "", false
}

func (r *TxResult) eventUint(kind, attr string) (uint64, error) {
	s, ok := r.Event(kind, attr)
	if !ok {
		return 0, fmt.Errorf("subtensor: tx %s has no %s event with %s", r.Hash, kind, attr)
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("subtensor: tx %s: %s.%s = %q: %w", r.Hash, kind, attr, s, err)
	}
	return v, nil
}

// isChainError reports whether err is the chain's sentinel e.
func isChainError(err error, e *types.Error) bool { return err != nil && errors.Is(err, e) }
