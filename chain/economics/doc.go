// Package economics holds the chain's small money rules as pure functions in
// exact fixed point (package chain/fixed), each in a file named for it:
//
//   - halving.go: the block emission from total issuance (21M TAO cap);
//   - ownercut.go: the subnet owner's cut of each block's subnet emission;
//   - delegate.go: how emission through a delegate hotkey is split between
//     the delegate's take, its nominators and its owner;
//   - adjustment.go: the PoW difficulty and burn adjustment at the end of
//     each adjustment interval;
//   - lockcost.go: the cost of registering a subnet.
//
// They reproduce the reference runtime (subtensor spec version 141, and for
// the halving the rule subtensor added after it, get_block_emission_for_issuance
// in pallets/subtensor/src/root.rs) to the last RAO.
// Where the reference panics (a division by zero from a bad parameter), these
// functions return an error instead; the chain must refuse such parameters.
// Nothing here reads state, the clock or randomness.
package economics

import "errors"

// ErrInvalidParameter is returned (wrapped, with details) for a parameter
// that makes the reference runtime panic or overflow.
var ErrInvalidParameter = errors.New("economics: invalid parameter")
