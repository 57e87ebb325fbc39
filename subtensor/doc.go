// Package subtensor is the client of a subtensor chain: it connects to a
// node by network name or endpoint, reads state at the latest or any past
// block, builds, signs and submits transactions and waits for their
// outcome, follows new blocks, and solves proof-of-work puzzles.
//
// A Client keeps one pooled HTTP connection to the node's RPC and is safe
// for concurrent use. Failures reported by the chain arrive as
// *types.ChainError values that match the sentinel errors of chain/types
// under errors.Is (for example types.ErrInsufficientBalance).
package subtensor
