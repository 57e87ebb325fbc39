// Package yuma computes Yuma Consensus, the epoch that turns a subnet's
// stakes, weights and bonds into ranks, trust, consensus, incentive,
// dividends and RAO emissions, and the root epoch that turns root
// validators' weights into each subnet's emission per block.
//
// Both are pure functions over plain vectors indexed by uid and sparse rows
// sorted by uid: nothing here reads storage, the clock or randomness, and
// the same input always gives the same output. The arithmetic is the
// reference runtime's fixed point (package chain/fixed), step by step as
// its epoch.rs and root.rs compute, so every output matches the reference
// chain (subtensor spec version 141) to the last RAO and the last u16.
//
// Epoch is sparse: its cost grows with the number of stored weights and
// bonds, not with n². A dense n×n reference implementation in the tests
// checks it on random graphs. A Workspace keeps the epoch's scratch memory
// between calls, for callers that run many epochs.
//
// Simulate and SimulateRoot wrap the two epochs for JSON input and output,
// for tools that let users try parameters before setting them on chain.
package yuma
