package subtensor

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
)

// BurnedRegister registers hotkey on a subnet for the subnet's burn, paid
// by coldkey (which owns or will own the hotkey), and returns its uid (with
// WaitInclusion). maxBurn is the most coldkey agrees to pay: 0 means the
// current burn, so that a burn that rose since the quote fails with
// types.ErrBurnAboveMaximum rather than charging more.
func (c *CometBFTClient) BurnedRegister(ctx context.Context, coldkey Signer, netuid uint16, hotkey types.AccountID, maxBurn balance.Balance, wait Wait) (uint16, *TxResult, error) {
	if maxBurn == 0 {
		h, err := c.GetHyperparameters(ctx, netuid, 0)
		if err != nil {
			return 0, nil, err
		}
		maxBurn = balance.Balance(max(h.Burn, 1))
	}
	res, err := c.call(ctx, coldkey, &types.BurnedRegister{Netuid: netuid, Hotkey: hotkey, MaxBurn: maxBurn.RAO()}, wait)
	if err != nil || !wait.HasOutcome() {
		return 0, res, err
	}
	uid, err := res.eventUint("NeuronRegistered", "uid")
	return uint16(uid), res, err
}

// RegisterOptions tune a proof-of-work registration.
type RegisterOptions struct {
	// Pow tunes the solver (workers, progress, an extra stop condition).
	Pow PowOptions
	// Attempts is how many solutions to submit before giving up when the
	// chain refuses them (the block went stale, the difficulty rose, the
	// work was spent); default 3, as Bittensor.
	Attempts int
}

// ErrRegistrationAttempts is returned when every attempt of a
// proof-of-work registration was refused.
var ErrRegistrationAttempts = errors.New("subtensor: proof-of-work registration: attempts used up")

// Register registers a hotkey on a subnet with a proof of work solved on
// every core (see SolvePoW): the hotkey signs, coldkey becomes its owner.
// The search stops early, with an error matching types.ErrAlreadyRegistered,
// if the hotkey becomes registered meanwhile; it moves to a newer block when
// its block grows too old. It returns the uid and the transaction's result.
func (c *CometBFTClient) Register(ctx context.Context, hotkey Signer, coldkey types.AccountID, netuid uint16, opts RegisterOptions) (uint16, *TxResult, error) {
	who := types.AccountID(hotkey.PublicKey())
	return registerWithPoW(ctx, c, who, netuid, opts, func(ctx context.Context, sol *PowSolution) (uint16, *TxResult, error) {
		args := &types.Register{Netuid: netuid, BlockNumber: sol.Block, Nonce: sol.Nonce, Work: sol.Seal, Hotkey: who, Coldkey: coldkey}
		res, err := c.call(ctx, hotkey, args, WaitInclusion)
		if err != nil {
			return 0, res, err
		}
		uid, err := res.eventUint("NeuronRegistered", "uid")
		return uint16(uid), res, err
	})
}

// powChain is what a proof-of-work registration reads of a chain.
type powChain interface {
	Blocks
	GetHyperparameters(ctx context.Context, netuid uint16, atBlock uint64) (types.Hyperparams, error)
	UIDForHotkey(ctx context.Context, netuid uint16, hotkey types.AccountID, atBlock uint64) (uint16, bool, error)
}

// registerWithPoW is Chain.Register on any backend: solve, send (the
// backend's register call), and solve again while the chain refuses the
// work as stale or spent, up to opts.Attempts times.
func registerWithPoW(ctx context.Context, c powChain, who types.AccountID, netuid uint16, opts RegisterOptions,
	send func(ctx context.Context, sol *PowSolution) (uint16, *TxResult, error)) (uint16, *TxResult, error) {
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	registered := func(ctx context.Context) (bool, error) {
		_, ok, err := c.UIDForHotkey(ctx, netuid, who, 0)
		return ok, err
	}
	userStop := opts.Pow.Stop
	pow := opts.Pow
	pow.Stop = func(ctx context.Context) (bool, error) {
		if ok, err := registered(ctx); err != nil || ok {
			return ok, err
		}
		if userStop != nil {
			return userStop(ctx)
		}
		return false, nil
	}
	var lastErr error
	for attempt := 0; attempt < opts.Attempts; attempt++ {
		h, err := c.GetHyperparameters(ctx, netuid, 0)
		if err != nil {
			return 0, nil, err
		}
		if !h.NetworkPowRegistrationAllowed {
			return 0, nil, types.Errorf(types.ErrRegistrationDisabled, "proof-of-work registration is turned off on subnet %d", netuid)
		}
		if uid, ok, err := c.UIDForHotkey(ctx, netuid, who, 0); err != nil {
			return 0, nil, err
		} else if ok {
			return uid, nil, types.Errorf(types.ErrAlreadyRegistered, "hotkey %s is registered on subnet %d as uid %d", who, netuid, uid)
		}
		sol, err := SolvePoW(ctx, c, who, max(h.Difficulty, 1), pow)
		if errors.Is(err, ErrPowStopped) {
			if uid, ok, _ := c.UIDForHotkey(ctx, netuid, who, 0); ok {
				return uid, nil, types.Errorf(types.ErrAlreadyRegistered, "hotkey %s became registered on subnet %d as uid %d", who, netuid, uid)
			}
			return 0, nil, err
		}
		if err != nil {
			return 0, nil, err
		}
		uid, res, err := send(ctx, sol)
		switch {
		case err == nil:
			return uid, res, nil
		case isChainError(err, types.ErrInvalidWorkBlock), isChainError(err, types.ErrInvalidDifficulty),
			isChainError(err, types.ErrWorkAlreadyUsed), isChainError(err, types.ErrTooManyRegistrationsThisBlock):
			lastErr = err
			continue
		default:
			return 0, res, err
		}
	}
	return 0, nil, fmt.Errorf("%w (%d): last refusal: %v", ErrRegistrationAttempts, opts.Attempts, lastErr)
}

// SwapHotkey moves everything of oldHotkey (registrations, stake, delegate
// status) to newHotkey, which must never have been used on chain. coldkey
// must own oldHotkey and pays the chain's hotkey swap cost (burned).
func (c *CometBFTClient) SwapHotkey(ctx context.Context, coldkey Signer, oldHotkey, newHotkey types.AccountID, wait Wait) (*TxResult, error) {
	return c.call(ctx, coldkey, &types.SwapHotkey{Hotkey: oldHotkey, NewHotkey: newHotkey}, wait)
}
