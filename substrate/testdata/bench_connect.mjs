import { ApiPromise, WsProvider } from '@polkadot/api';
const url = process.argv[2], n = Number(process.argv[3] || 10);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) { const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true }); await api.disconnect(); }
console.log(`polkadot-js ApiPromise.create: ${Number(process.hrtime.bigint() - t0) / 1e6 / n} ms/op over ${n}`);
process.exit(0);
