// Package substrate is a client of Substrate nodes (node-subtensor, the node
// of Bittensor's finney and test networks), driven by the runtime's own
// metadata: nothing about a pallet, a call, a storage item or a runtime API
// is compiled in, so the client keeps working when the chain upgrades its
// runtime.
//
//	c, err := substrate.Dial(ctx, "wss://entrypoint-finney.opentensor.ai:443", substrate.Options{})
//	var acct struct{ Nonce uint32; Data struct{ Free uint64 } }
//	ok, err := c.Storage(ctx, substrate.Hash{}, &acct, "System", "Account", aliceID)
//	rt, err := c.Runtime(ctx, substrate.Hash{})
//	call, err := rt.EncodeCall("Balances", "transfer_keep_alive", bobMultiAddress, amount)
//	x, err := c.Sign(ctx, call, aliceKey, substrate.SignOptions{})
//	r, err := c.Submit(ctx, x, substrate.InBlock) // r.Err: why the call failed, if it did
//
// # Layers
//
// The transport is package rpc (one websocket, multiplexed calls,
// keep-alive, reconnect). Package metadata turns a runtime's metadata into a
// metadata.Runtime, and package scale encodes and decodes values by the
// runtime's type ids. This package puts them together: it keeps one Runtime
// per spec version (read again when a block runs a new runtime), reads
// storage (one value, or a map page by page at one block), constants and
// runtime APIs at any block, builds signed extrinsics (v4, sr25519, a
// mortal era, every signed extension the runtime declares), prices them
// (TransactionPaymentApi), dry-runs them (system_dryRun, or the runtime's
// validity check where a public node refuses that RPC), submits and watches
// them to a block or finality, and reads their events.
//
// # Errors
//
// A refusal before the pool is an *InvalidError (Payment, Stale, BadProof,
// Custom n, ...): nothing was charged. A call that failed in its block is a
// *DispatchError in the Receipt, named through the metadata
// ("SubtensorModule.SettingWeightsTooFast: <its documentation>"): the fee
// was charged. A read of something the runtime lacks wraps
// metadata.ErrNotFound and names it.
//
// Nonces: Sign takes the signer's next nonce from the node
// (system_accountNextIndex) or from this client's own count, whichever is
// ahead, so that concurrent senders through one Client never reuse one.
package substrate
