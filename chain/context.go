package chain

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Context is what a call sees while it runs: the state (a cache that is
// kept only if the call succeeds), the block it runs in, who signed it and
// the chain parameters.
type Context struct {
	State  *State
	Height uint64 // the block being executed (for CheckTx, the next block)
	Signer types.AccountID
	Params types.Params

	events []abci.Event
}

// Emit records an event of the call, returned in the transaction's result
// (only when the call succeeds).
func (c *Context) Emit(kind string, attrs ...string) {
	ev := abci.Event{Type: kind}
	for i := 0; i+1 < len(attrs); i += 2 {
		ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: attrs[i], Value: attrs[i+1], Index: true})
	}
	c.events = append(c.events, ev)
}

// dispatch runs one call. Each call is a function named for it, in the file
// of its module.
func dispatch(ctx *Context, args types.CallArgs) error {
	switch a := args.(type) {
	case *types.Transfer:
		return transfer(ctx, a.Dest, a.Value, false)
	case *types.TransferKeepAlive:
		return transfer(ctx, a.Dest, a.Value, true)
	case *types.Faucet:
		return faucet(ctx, a)
	default:
		return types.Errorf(types.ErrUnknownCall, "%s has no handler", args.CallName())
	}
}
