// Package scale encodes and decodes SCALE, the binary format of Substrate
// chains such as Bittensor's subtensor, driven by a type registry: any value
// can be read or written knowing only its type id in the runtime's metadata,
// so nothing breaks when a runtime upgrade changes a type.
//
// # Registry
//
// A Registry is the list of types a runtime's metadata describes (its
// "portable registry"), numbered by TypeID: composites (structs, named or
// unnamed fields), variants (enums: an index byte, then that variant's
// fields), sequences (Vec<T>: a compact length, then the elements), arrays
// ([T; N]), tuples, primitives (bool, char, str, u8…u256, i8…i256), compacts
// and bit sequences. Package metadata builds one per runtime; NewRegistry
// builds one from a []Type. A Registry never changes once built and is safe
// for concurrent use.
//
// Types are referred to by id, or by Rust-like expressions that
// Registry.Resolve turns into ids: "AccountId32" (a unique last path
// segment), "sp_core::crypto::AccountId32" (a full path),
// "Vec<(AccountId32, Compact<u64>)>", "Option<u16>", "[u8; 32]".
//
// # Describing types the metadata lacks
//
// Some runtime APIs answer a Vec<u8> whose content is a SCALE struct that the
// metadata does not describe (Bittensor's NeuronInfoLite, SubnetInfo, ...).
// Registry.Extend (or a Builder) returns a new registry with such types added,
// written as Rust definitions over the registry's own types:
//
//	reg, err := runtime.Types.Extend(`
//		struct AxonInfo { block: u64, version: u32, ip: u128, port: u16, ip_type: u8, protocol: u8, placeholder1: u8, placeholder2: u8 }
//		struct NeuronInfoLite { hotkey: AccountId32, coldkey: AccountId32, uid: Compact<u16>, ..., stake: Vec<(AccountId32, Compact<u64>)>, ... }
//		type NeuronsLite = Vec<NeuronInfoLite>;
//	`)
//	neuronsID, err := reg.Resolve("NeuronsLite")
//
// A Builder does the same step by step: Define for such source, Struct for a
// struct given as (name, type expression) pairs, Type for an expression whose
// structural types (Vec<...>, tuples, Option<...>) it adds when missing.
//
// # Values
//
// DecodeValue decodes bytes of any type into a Value: a dynamic value that
// keeps composite fields in order with their names, variants with name and
// index, exact integers of any width (big.Int beyond 64 bits), bytes for
// Vec<u8> and [u8; N], and bit sequences. Values print readably (String, or
// JSON with MarshalJSON for command-line output), are navigated by field name
// or path (Field, Get("axon_info.ip")), and EncodeValue turns one back into
// exactly the bytes it came from.
//
// # Typed views
//
// Decode fills a Go value from bytes of a registry type, matching struct
// fields by name (a `scale:"name"` tag, or the Go name loosely:
// ValidatorPermit matches validator_permit). Fields the Go struct lacks are
// skipped, so a runtime that appends a field does not break a view; a field of
// an incompatible type is an error that names it. Integers narrow or widen
// with a range check on each value, Compact is transparent, newtypes such as
// AccountId32 fill a [32]byte, Option<T> fills a *T. Encode is the reverse,
// for call arguments and storage keys. Reflection plans are cached per (type
// id, Go type), so decoding thousands of neurons reflects once.
//
// # Untrusted input
//
// Metadata and values come from any endpoint, so every decode path returns
// an error, never panics, on truncated or malformed data: a length prefix
// larger than the remaining bytes fails before anything is allocated, nesting
// is limited to MaxDepth, zero-sized elements to MaxZeroSized, compact
// integers must be canonical, and bytes left over after a full decode are an
// error (the Prefix variants decode a prefix on purpose). Errors are
// *PathError values naming the type, the path inside the value and the byte
// offset, wrapping a sentinel (ErrTruncated, ErrInvalid, ErrMismatch, ...).
//
// Decoder and the Append functions read and write single primitives (compact
// integers, fixed-width integers, length-prefixed bytes) for fixed layouts
// such as an extrinsic's envelope.
package scale
