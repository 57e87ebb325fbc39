// Baseline for BENCHMARKS.md: polkadot-js (@polkadot/types 16.x) parsing the
// same metadata and decoding the same Vec<NeuronInfoLite> bytes as the Go
// benchmarks. Write the neurons first, then run from the repository root:
//
//   SCALE_BENCH_NEURONS_OUT=/tmp/neurons4096.scale go test ./substrate/scale -run '^$' -bench NeuronsDecodeView -benchtime 1x
//   NODE_PATH=/path/to/node_modules node substrate/scale/testdata/bench_polkadotjs.cjs /tmp/neurons4096.scale
'use strict';
const fs = require('fs');
const path = require('path');
const { TypeRegistry, Metadata } = require('@polkadot/types');
const { compactStripLength } = require('@polkadot/util');

const console_warn = console.warn;
console.warn = () => {};

function time(name, bytes, iterations, fn) {
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  const cpu = process.cpuUsage(cpu0);
  const cpuNs = ((cpu.user + cpu.system) * 1e3) / iterations; // µs → ns
  console.log(`${name}\t${(ns / 1e6).toFixed(2)} ms/op\t${((bytes / ns) * 1e3).toFixed(2)} MB/s` +
    `\tCPU ${(cpuNs / 1e6).toFixed(2)} ms/op\t${((bytes / cpuNs) * 1e3).toFixed(2)} cpu-MB/s`);
}

const mdir = path.join(__dirname, '..', '..', 'metadata', 'testdata');
const v14 = fs.readFileSync(path.join(mdir, 'metadata-v14.scale'));
const opaque = fs.readFileSync(path.join(mdir, 'metadata_at_version_15.scale'));
const v15 = compactStripLength(opaque.subarray(1))[1]; // Option<OpaqueMetadata> → the blob

for (const [name, blob] of [['V14', v14], ['V15', v15]]) {
  time(`polkadot-js Metadata decode ${name}`, blob.length, 20, () => new Metadata(new TypeRegistry(), blob));
  time(`polkadot-js Metadata decode+setMetadata ${name}`, blob.length, 20, () => {
    const registry = new TypeRegistry();
    registry.setMetadata(new Metadata(registry, blob));
  });
}

const neurons = fs.readFileSync(process.argv[2]);
const registry = new TypeRegistry();
registry.setMetadata(new Metadata(registry, v15));
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
const check = registry.createType('Vec<NeuronInfoLiteT>', neurons);
if (check.length !== 4096 || check.encodedLength !== neurons.length) throw new Error('neurons did not decode whole');
time('polkadot-js Vec<NeuronInfoLite> decode', neurons.length, 10, () => registry.createType('Vec<NeuronInfoLiteT>', neurons));
console.warn = console_warn;
