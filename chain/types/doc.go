// Package types is the wire contract between the subtensor node and its
// clients: the signed transaction envelope, the calls it carries, the error
// codes the chain answers with, the proof-of-work seal, and the paths and
// result shapes of queries.
//
// Both sides encode with the same functions here, so a transaction built by
// the client is byte-for-byte what the node verifies. Encoding is CBOR in
// core deterministic form (RFC 8949 §4.2); decoding rejects any input that is
// not in that form, so every transaction has exactly one encoding and one
// hash.
package types
