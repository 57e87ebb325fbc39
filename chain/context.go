package chain

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/go-bittensor/bittensor/chain/types"
)

// Origin is the authority a call runs with.
type Origin uint8

const (
	// OriginSigned is an ordinary transaction: the call acts for Signer.
	OriginSigned Origin = iota
	// OriginRoot is the chain's own authority, with no signer: calls
	// dispatched by the chain itself (governance executing an approved
	// proposal) through runAsRoot. Only admin calls accept it.
	OriginRoot
)

// Context is what a call sees while it runs: the state (a cache that is
// kept only if the call succeeds), the block it runs in, who signed it (and
// with what authority) and the chain parameters.
type Context struct {
	State  *State
	Height uint64 // the block being executed (for CheckTx, the next block)
	Signer types.AccountID
	Origin Origin
	Params types.Params

	events []abci.Event
}

// isRoot reports whether the call runs as Root: dispatched by the chain, or
// signed by the sudo key of the genesis (the reference wraps such a call in
// Sudo.sudo; here the sudo key's own signature is enough).
func (c *Context) isRoot() bool {
	if c.Origin == OriginRoot {
		return true
	}
	sudo := c.State.Sudo()
	return !sudo.IsZero() && c.Signer == sudo
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
// of its module. Calls other than the admin calls (setters, dissolving a
// subnet, membership changes, disapproving a proposal) need a signer and
// refuse Root origin.
func dispatch(ctx *Context, args types.CallArgs) error {
	switch a := args.(type) {
	case *types.SudoSet:
		return sudoSet(ctx, a)
	case *types.DissolveNetwork:
		return dissolveNetwork(ctx, a)
	case *types.AddMember:
		return addMember(ctx, a)
	case *types.RemoveMember:
		return removeMemberCall(ctx, a)
	case *types.SwapMember:
		return swapMember(ctx, a)
	case *types.DisapproveProposal:
		return disapproveProposal(ctx, a)
	case *types.ScheduleUpgrade:
		return scheduleUpgrade(ctx, a)
	case *types.CancelUpgrade:
		return cancelUpgrade(ctx, a)
	}
	if ctx.Origin != OriginSigned {
		return types.Errorf(types.ErrBadOrigin, "%s must be signed by an account", args.CallName())
	}
	switch a := args.(type) {
	case *types.Transfer:
		return transfer(ctx, a.Dest, a.Value, false)
	case *types.TransferKeepAlive:
		return transfer(ctx, a.Dest, a.Value, true)
	case *types.Faucet:
		return faucet(ctx, a)
	case *types.RegisterNetwork:
		return registerNetwork(ctx, a)
	case *types.BurnedRegister:
		return burnedRegister(ctx, a)
	case *types.Register:
		return register(ctx, a)
	case *types.SwapHotkey:
		return swapHotkey(ctx, a)
	case *types.AddStake:
		return addStake(ctx, a)
	case *types.RemoveStake:
		return removeStake(ctx, a)
	case *types.BecomeDelegate:
		return becomeDelegate(ctx, a)
	case *types.SetWeights:
		return setWeights(ctx, a)
	case *types.ServeAxon:
		return serveAxon(ctx, a)
	case *types.ServePrometheus:
		return servePrometheus(ctx, a)
	case *types.RootRegister:
		return rootRegister(ctx, a)
	case *types.Propose:
		return propose(ctx, a)
	case *types.Vote:
		return vote(ctx, a)
	case *types.Close:
		return closeProposal(ctx, a)
	case *types.SetIdentity:
		return setIdentityCall(ctx, a)
	case *types.ClearIdentity:
		return clearIdentityCall(ctx, a)
	default:
		return types.Errorf(types.ErrUnknownCall, "%s has no handler", args.CallName())
	}
}

// runAsRoot runs a call with Root origin on st at height, as the chain's
// own act (governance executing an approved proposal). Like a transaction
// it is all or nothing: its writes reach st only if it succeeds. It returns
// the call's events.
func runAsRoot(st *State, height uint64, args types.CallArgs) ([]abci.Event, error) {
	cache := newCache(st.kv)
	ctx := &Context{State: NewState(cache), Height: height, Origin: OriginRoot, Params: st.Params()}
	if err := dispatch(ctx, args); err != nil {
		return nil, err
	}
	cache.Write()
	return ctx.events, nil
}
