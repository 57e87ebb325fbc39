// Generates the cross-check vectors of substrate/metadata and substrate/scale
// with @polkadot/api (an independent SCALE implementation), offline, from the
// committed metadata blobs. Run once, from the repository root:
//
//   NODE_PATH=/path/to/node_modules node substrate/metadata/testdata/gen_vectors.cjs
//
// where node_modules holds @polkadot/api 16.x (chopsticks installs it). It
// writes substrate/metadata/testdata/polkadotjs_vectors.json and
// substrate/scale/testdata/polkadotjs_compact.json.
'use strict';
const fs = require('fs');
const path = require('path');
const { TypeRegistry, Metadata, expandMetadata } = require('@polkadot/types');
const { u8aToHex, u8aConcat, compactToU8a, compactStripLength, stringToU8a, BN } = require('@polkadot/util');
const { blake2AsU8a, xxhashAsU8a, decodeAddress } = require('@polkadot/util-crypto');

const here = __dirname;
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const hex = (a) => u8aToHex(decodeAddress(a));

function load(file) {
  const registry = new TypeRegistry();
  const blob = fs.readFileSync(path.join(here, file));
  const metadata = new Metadata(registry, blob);
  registry.setMetadata(metadata);
  return { registry, metadata, d: expandMetadata(registry, metadata) };
}

const { registry, metadata, d } = load('metadata-v14.scale');
const key = (fn, ...args) => u8aToHex(compactStripLength(fn(...args))[1]);
const lookup = (id) => registry.createLookupType(id);

const out = { accounts: { alice: hex(ALICE), bob: hex(BOB) } };

out.storage = [
  { pallet: 'System', item: 'Account', args: [hex(ALICE)], key: key(d.query.system.account, ALICE) },
  { pallet: 'System', item: 'Number', args: [], key: key(d.query.system.number) },
  { pallet: 'System', item: 'BlockHash', args: [7], key: key(d.query.system.blockHash, 7) },
  { pallet: 'SubtensorModule', item: 'Alpha', args: [hex(ALICE), hex(BOB), 1], key: key(d.query.subtensorModule.alpha, ALICE, BOB, 1) },
  { pallet: 'SubtensorModule', item: 'Keys', args: [1, 5], key: key(d.query.subtensorModule.keys, 1, 5) },
  { pallet: 'SubtensorModule', item: 'Tempo', args: [3], key: key(d.query.subtensorModule.tempo, 3) },
  { pallet: 'SubtensorModule', item: 'Uids', args: [1, hex(ALICE)], key: key(d.query.subtensorModule.uids, 1, ALICE) },
  { pallet: 'SubtensorModule', item: 'WeightCommits', args: [2, hex(BOB)], key: key(d.query.subtensorModule.weightCommits, 2, BOB) },
  { pallet: 'Commitments', item: 'CommitmentOf', args: [4, hex(ALICE)], key: key(d.query.commitments.commitmentOf, 4, ALICE) },
];
// Partial keys (iteration prefixes) of an N-map: polkadot-js's keyPrefix.
out.storagePrefixes = [
  { pallet: 'SubtensorModule', item: 'Alpha', args: [hex(ALICE)], key: u8aToHex(d.query.subtensorModule.alpha.keyPrefix(ALICE)) },
  { pallet: 'SubtensorModule', item: 'Keys', args: [1], key: u8aToHex(d.query.subtensorModule.keys.keyPrefix(1)) },
  { pallet: 'SubtensorModule', item: 'Tempo', args: [], key: u8aToHex(d.query.subtensorModule.tempo.keyPrefix()) },
];
const data = stringToU8a('go-bittensor');
out.hashers = {
  input: u8aToHex(data),
  Blake2_128: u8aToHex(blake2AsU8a(data, 128)),
  Blake2_256: u8aToHex(blake2AsU8a(data, 256)),
  Twox128: u8aToHex(xxhashAsU8a(data, 128)),
  Twox256: u8aToHex(xxhashAsU8a(data, 256)),
  Twox64: u8aToHex(xxhashAsU8a(data, 64)),
};

const call = (c) => ({ hex: c.toHex() });
out.calls = [
  { pallet: 'Balances', call: 'transfer_keep_alive', args: { dest: hex(BOB), value: '12345' },
    ...call(d.tx.balances.transferKeepAlive({ Id: BOB }, 12345)) },
  { pallet: 'Balances', call: 'transfer_keep_alive', args: { dest: hex(BOB), value: '1000000000000000000' },
    ...call(d.tx.balances.transferKeepAlive({ Id: BOB }, new BN('1000000000000000000'))) },
  { pallet: 'SubtensorModule', call: 'add_stake', args: { hotkey: hex(ALICE), netuid: 1, amount_staked: '1000000000' },
    ...call(d.tx.subtensorModule.addStake(ALICE, 1, 1000000000)) },
  { pallet: 'SubtensorModule', call: 'set_weights', args: { netuid: 1, dests: [0, 1, 2], weights: [65535, 100, 0], version_key: '0' },
    ...call(d.tx.subtensorModule.setWeights(1, [0, 1, 2], [65535, 100, 0], 0)) },
  { pallet: 'SubtensorModule', call: 'serve_axon',
    args: { netuid: 1, version: 1, ip: '1267650600228229401496703205376', port: 8091, ip_type: 6, protocol: 4, placeholder1: 0, placeholder2: 0 },
    ...call(d.tx.subtensorModule.serveAxon(1, 1, new BN('1267650600228229401496703205376'), 8091, 6, 4, 0, 0)) },
];

out.constants = [
  { pallet: 'Balances', name: 'ExistentialDeposit', value: d.consts.balances.existentialDeposit.toString() },
  { pallet: 'System', name: 'SS58Prefix', value: d.consts.system.ss58Prefix.toString() },
  { pallet: 'System', name: 'BlockHashCount', value: d.consts.system.blockHashCount.toString() },
];
out.specVersion = d.consts.system.version.specVersion.toNumber();
out.specName = d.consts.system.version.specName.toString();

// Every module error of two pallets, as polkadot-js resolves them.
out.errors = [];
for (const index of [5, 7]) {
  for (let e = 0; e < 256; e++) {
    let m;
    try { m = registry.findMetaError({ index: new BN(index), error: new Uint8Array([e, 0, 0, 0]) }); } catch (_) { break; }
    // polkadot-js names the pallet in camelCase (section); the metadata name is what Go reports.
    const pallet = metadata.asLatest.pallets.find((p) => p.index.toNumber() === index).name.toString();
    out.errors.push({ index, error: e, section: m.section, pallet, name: m.name, docs: m.docs.join(' ') });
  }
}

// Event records encoded by polkadot-js from object input, and what they hold.
const eventsType = metadata.asLatest.pallets.find((p) => p.name.toString() === 'System')
  .storage.unwrap().items.find((i) => i.name.toString() === 'Events').type.asPlain;
// An event as RuntimeEvent encodes it: pallet index, variant index, fields
// (each encoded by polkadot-js from its metadata type).
function ev(pallet, name, values) {
  const p = metadata.asLatest.pallets.find((x) => x.name.toString() === pallet);
  const def = registry.lookup.getSiType(p.events.unwrap().type).def.asVariant;
  const v = def.variants.find((x) => x.name.toString() === name);
  const parts = v.fields.map((f, i) => registry.createType(lookup(f.type), values[i]).toU8a());
  return u8aConcat(new Uint8Array([p.index.toNumber(), v.index.toNumber()]), ...parts);
}
const records = registry.createType(lookup(eventsType), [
  { phase: { ApplyExtrinsic: 1 }, event: ev('Balances', 'Transfer', [ALICE, BOB, 5000]), topics: [] },
  { phase: { ApplyExtrinsic: 1 }, event: ev('System', 'ExtrinsicSuccess', [{ weight: { refTime: 123456789, proofSize: 4321 }, class: 'Normal', paysFee: 'Yes' }]), topics: [] },
  { phase: 'Finalization', event: ev('SubtensorModule', 'StakeAdded', [ALICE, BOB, 1000, 990, 3]), topics: ['0x' + '11'.repeat(32)] },
]);
out.events = {
  type: 'System.Events', hex: records.toHex(),
  expect: [
    { phase: 'ApplyExtrinsic', pallet: 'Balances', name: 'Transfer', fields: { from: hex(ALICE), to: hex(BOB), amount: '5000' } },
    { phase: 'ApplyExtrinsic', pallet: 'System', name: 'ExtrinsicSuccess', fields: { 'dispatch_info.weight.ref_time': '123456789', 'dispatch_info.weight.proof_size': '4321' } },
    { phase: 'Finalization', pallet: 'SubtensorModule', name: 'StakeAdded', fields: { 0: hex(ALICE), 1: hex(BOB), 2: '1000', 3: '990', 4: '3' } },
  ],
  decoded: records.toJSON(),
};

// NeuronInfoLite (spec 218) as polkadot-js encodes it from type definitions.
registry.register({
  AxonInfoT: { block: 'u64', version: 'u32', ip: 'u128', port: 'u16', ip_type: 'u8', protocol: 'u8', placeholder1: 'u8', placeholder2: 'u8' },
  PrometheusInfoT: { block: 'u64', version: 'u32', ip: 'u128', port: 'u16', ip_type: 'u8' },
  NeuronInfoLiteT: {
    hotkey: 'AccountId32', coldkey: 'AccountId32', uid: 'Compact<u16>', netuid: 'Compact<u16>', active: 'bool',
    axon_info: 'AxonInfoT', prometheus_info: 'PrometheusInfoT', stake: 'Vec<(AccountId32, Compact<u64>)>',
    rank: 'Compact<u16>', emission: 'Compact<u64>', incentive: 'Compact<u16>', consensus: 'Compact<u16>',
    trust: 'Compact<u16>', validator_trust: 'Compact<u16>', dividends: 'Compact<u16>', last_update: 'Compact<u64>',
    validator_permit: 'bool', pruning_score: 'Compact<u16>',
  },
});
const neuron = (uid) => ({
  hotkey: ALICE, coldkey: BOB, uid, netuid: 1, active: true,
  axon_info: { block: 100 + uid, version: 7, ip: '3232235777', port: 8091, ip_type: 4, protocol: 4, placeholder1: 0, placeholder2: 0 },
  prometheus_info: { block: 0, version: 0, ip: 0, port: 0, ip_type: 0 },
  stake: [[BOB, '123456789012']], rank: 100 * uid, emission: '5000000000', incentive: 65535, consensus: 12,
  trust: 0, validator_trust: 64, dividends: 16384, last_update: 1234567, validator_permit: uid % 2 === 0, pruning_score: 65535,
});
out.neurons = { count: 2, hex: registry.createType('Vec<NeuronInfoLiteT>', [neuron(0), neuron(1)]).toHex() };

fs.writeFileSync(path.join(here, 'polkadotjs_vectors.json'), JSON.stringify(out, null, 1) + '\n');

// Compact integers: polkadot-js's encodings of edge values.
const compacts = ['0', '1', '63', '64', '16383', '16384', '1073741823', '1073741824', '4294967295', '4294967296',
  '72057594037927935', '72057594037927936', '18446744073709551615', '18446744073709551616',
  '340282366920938463463374607431768211455'].map((v) => ({ value: v, hex: u8aToHex(compactToU8a(new BN(v))) }));
fs.writeFileSync(path.join(here, '..', '..', 'scale', 'testdata', 'polkadotjs_compact.json'), JSON.stringify(compacts, null, 1) + '\n');
