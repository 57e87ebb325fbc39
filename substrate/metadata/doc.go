// Package metadata reads a Substrate runtime's metadata (versions 14 and 15)
// into a Runtime: one immutable description per runtime version, keyed by
// name and resolved to type ids of its scale.Registry.
//
// A node serves metadata two ways. state_getMetadata answers the blob itself
// ("meta", a version byte, the metadata; V14 on Bittensor's nodes): read it
// with Parse. The runtime call Metadata_metadata_at_version(15) through
// state_call answers Option<OpaqueMetadata>, the same kind of blob wrapped in
// an option and a length prefix: read it with ParseOpaque. V15 adds the
// runtime APIs (NeuronInfoRuntimeApi_get_neurons_lite, ...), the outer enums
// (RuntimeCall, RuntimeEvent, RuntimeError), the custom map and pallet docs.
//
// A Runtime answers the questions a client asks by name:
//
//   - Call(pallet, name): pallet and call index and argument types, to build
//     a call (EncodeCall does it from Go values);
//   - Storage(pallet, item): prefix, hashers, key and value types, default
//     bytes; StorageKey builds a full key or an iteration prefix from Go key
//     values, SplitStorageKey recovers keys from a key read back;
//   - Constant(pallet, name) and DecodeConstant;
//   - Error(pallet, name) and ModuleError(index, error bytes), with docs, to
//     turn a failed dispatch into "SubtensorModule.SettingWeightsTooFast: ...";
//   - Event(pallet index, variant index);
//   - API(api, method): a runtime API's inputs and output (V15);
//   - Extrinsic: the signed extensions and address, call, signature types.
//
// A lookup of something the runtime lacks returns an error wrapping
// ErrNotFound whose message names it and the spec version ("metadata: no
// call SubtensorModule.add_stake_limit in this runtime (spec 218)"), so a
// command can say why it cannot run against that chain.
//
// Metadata comes from whatever endpoint a user names, so parsing treats it as
// hostile: every type id is checked, counts are bounded by the bytes left,
// and malformed blobs fail with ErrInvalid instead of panicking. Parsing the
// spec-218 V15 blob (190 kB, ~490 types) takes a few milliseconds; a client
// keeps one Runtime per spec version and re-reads metadata on an upgrade.
package metadata
