package subtensor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// Identity returns the on-chain identity of who at a block (0 = latest);
// ok is false when it has none.
func (c *CometBFTClient) Identity(ctx context.Context, who types.AccountID, atBlock uint64) (rec types.IdentityRecord, ok bool, err error) {
	err = c.Query(ctx, types.QueryIdentity+"/"+who.String(), nil, atBlock, &rec)
	if errors.Is(err, types.ErrNotFound) {
		return rec, false, nil
	}
	return rec, err == nil, err
}

// SetIdentity sets the identity of identified (Registry.set_identity),
// signed by signer: identified itself when it owns a subnet, or the coldkey
// that owns identified, a root validator's hotkey. The deposit is held from
// the signer.
func (c *CometBFTClient) SetIdentity(ctx context.Context, signer Signer, identified types.AccountID, info types.IdentityInfo, wait Wait) (*TxResult, error) {
	return c.call(ctx, signer, &types.SetIdentity{Identified: identified, Info: info}, wait)
}

// ClearIdentity removes the identity of identified (Registry.clear_identity)
// and returns its deposit to whoever paid it.
func (c *CometBFTClient) ClearIdentity(ctx context.Context, signer Signer, identified types.AccountID, wait Wait) (*TxResult, error) {
	return c.call(ctx, signer, &types.ClearIdentity{Identified: identified}, wait)
}

// Transfer is one balance transfer as the node's transaction index records
// it.
type Transfer struct {
	Height uint64          `json:"block"`
	Index  uint32          `json:"index"` // the transaction's position in its block
	Tx     string          `json:"tx"`    // transaction hash
	From   types.AccountID `json:"from"`
	To     types.AccountID `json:"to"`
	Amount balance.Balance `json:"amount"` // RAO
	Time   time.Time       `json:"time"`   // the block's time
}

// ErrNoTxIndex is returned by TransferHistory when the node keeps no
// transaction index to search.
var ErrNoTxIndex = errors.New("subtensor: the node keeps no transaction index")

// TransferHistory returns the last limit transfers to or from who, newest
// first, from the node's index of transaction events (a node started
// by this project indexes every transfer since its first block).
func (c *CometBFTClient) TransferHistory(ctx context.Context, who types.AccountID, limit int) ([]Transfer, error) {
	if limit <= 0 {
		limit = 100
	}
	seen := map[string]bool{}
	var out []Transfer
	for _, attr := range []string{"from", "to"} {
		query := fmt.Sprintf("transfer.%s='%s'", attr, who)
		for page := 1; ; page++ {
			perPage, p := min(limit, 100), page
			res, err := c.rpc.txSearch(ctx, query, p, perPage, "desc")
			if err != nil {
				if isTransportError(err) {
					return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
				}
				return nil, fmt.Errorf("%w (search %s: %v)", ErrNoTxIndex, query, err)
			}
			for _, r := range res.Txs {
				for _, ev := range convertEvents(r.TxResult.Events) {
					if ev.Type != "transfer" {
						continue
					}
					t := Transfer{Height: uint64(r.Height), Index: r.Index, Tx: r.Hash.String()}
					key := t.Tx + "/" + ev.Attrs["from"] + "/" + ev.Attrs["to"] + "/" + ev.Attrs["amount"]
					if seen[key] {
						continue
					}
					seen[key] = true
					var err error
					if t.From, err = types.ParseAccountID(ev.Attrs["from"]); err != nil {
						continue
					}
					if t.To, err = types.ParseAccountID(ev.Attrs["to"]); err != nil {
						continue
					}
					if t.From != who && t.To != who {
						continue
					}
					amount, err := strconv.ParseUint(ev.Attrs["amount"], 10, 64)
					if err != nil {
						continue
					}
					t.Amount = balance.Balance(amount)
					out = append(out, t)
				}
			}
			if len(res.Txs) < perPage || page*perPage >= limit || int64(page*perPage) >= int64(res.TotalCount) {
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b Transfer) int {
		if a.Height != b.Height {
			return cmp.Compare(b.Height, a.Height)
		}
		return cmp.Compare(b.Index, a.Index)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	times := map[uint64]time.Time{}
	for i := range out {
		h := out[i].Height
		if _, ok := times[h]; !ok {
			t, err := c.rpc.blockTime(ctx, int64(h))
			if err != nil {
				return nil, fmt.Errorf("subtensor: header of block %d: %w", h, err)
			}
			times[h] = t
		}
		out[i].Time = times[h]
	}
	return out, nil
}
