// An independent implementation of btauth/1 and Epistula v2 on
// @polkadot/util-crypto, for interop_test.go: it reads a JSON array of
// operations on standard input and writes a JSON array of results. Payloads
// are built here from the published formats, hashed with Node's own
// crypto, and signed or verified with util-crypto under the declared scheme
// only (no <Bytes> wrapping, no trying other schemes).
//
//   {"op":"sign-btauth","uri":"//Alice","scheme":"sr25519"|"ed25519","method","target","body","nonce","receiver"}
//   {"op":"verify-btauth","headers":{…},"method","target","body","self"}
//   {"op":"sign-epistula","uri","body","timestamp","uuid","receiver"}
//   {"op":"verify-epistula","headers":{…},"body","self"}
//
// Bodies are hex. Sign operations answer {"headers":{…}}, verify
// operations {"ok":true} or {"ok":false,"why":"…"}.
'use strict';
const nodeCrypto = require('crypto');
const u = require('@polkadot/util-crypto');

const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

function pairOf(uri, scheme) {
  const { path, phrase } = u.keyExtractSuri(uri.startsWith('/') ? DEV_PHRASE + uri : uri);
  const seed = u.mnemonicToMiniSecret(phrase);
  const root = scheme === 'ed25519' ? u.ed25519PairFromSeed(seed) : u.sr25519PairFromSeed(seed);
  return u.keyFromPath(root, path, scheme);
}

const sha256hex = (b) => nodeCrypto.createHash('sha256').update(b).digest('hex');
const utf8 = (s) => new TextEncoder().encode(s);
const toHex = (b) => '0x' + Buffer.from(b).toString('hex');
const fromHex = (s) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));

function sign(scheme, msg, pair) {
  return scheme === 'ed25519' ? u.ed25519Sign(msg, pair) : u.sr25519Sign(msg, pair);
}
function verify(scheme, msg, sig, address) {
  const pub = u.decodeAddress(address);
  return scheme === 'ed25519' ? u.ed25519Verify(msg, sig, pub) : u.sr25519Verify(msg, sig, pub);
}

function btauthPayload(scheme, method, target, body, nonce, sender, receiver) {
  return [
    'btauth/1', scheme, method.toUpperCase(), target, sha256hex(body),
    nonce, sender, receiver || '-',
  ].join('\n');
}

function epistulaMessage(body, uuid, timestamp, signedFor) {
  return `${sha256hex(body)}.${uuid}.${timestamp}.${signedFor || ''}`;
}

// lower returns a copy of headers with lower-case names.
function lower(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function run(op) {
  const body = Buffer.from(op.body || '', 'hex');
  switch (op.op) {
    case 'sign-btauth': {
      const pair = pairOf(op.uri, op.scheme);
      const sender = u.encodeAddress(pair.publicKey, 42);
      const payload = btauthPayload(op.scheme, op.method, op.target, body, op.nonce, sender, op.receiver);
      const headers = {
        'X-Bittensor-Version': '1',
        'X-Bittensor-Hotkey': sender,
        'X-Bittensor-Nonce': op.nonce,
        'X-Bittensor-Signature': toHex(sign(op.scheme, utf8(payload), pair)),
      };
      if (op.scheme !== 'sr25519') headers['X-Bittensor-Crypto'] = op.scheme;
      if (op.receiver) headers['X-Bittensor-Receiver'] = op.receiver;
      return { headers };
    }
    case 'verify-btauth': {
      const h = lower(op.headers);
      if (h['x-bittensor-version'] !== '1') return { ok: false, why: 'version' };
      const scheme = (h['x-bittensor-crypto'] || 'sr25519').toLowerCase();
      const receiver = h['x-bittensor-receiver'];
      if (receiver !== op.self) return { ok: false, why: 'receiver' };
      const payload = btauthPayload(scheme, op.method, op.target, body, h['x-bittensor-nonce'], h['x-bittensor-hotkey'], receiver);
      const ok = verify(scheme, utf8(payload), fromHex(h['x-bittensor-signature']), h['x-bittensor-hotkey']);
      return ok ? { ok } : { ok, why: 'signature' };
    }
    case 'sign-epistula': {
      const pair = pairOf(op.uri, 'sr25519');
      const sender = u.encodeAddress(pair.publicKey, 42);
      const msg = epistulaMessage(body, op.uuid, op.timestamp, op.receiver);
      const headers = {
        'Epistula-Version': '2',
        'Epistula-Timestamp': op.timestamp,
        'Epistula-Uuid': op.uuid,
        'Epistula-Signed-By': sender,
        'Epistula-Request-Signature': toHex(u.sr25519Sign(utf8(msg), pair)),
      };
      if (op.receiver) headers['Epistula-Signed-For'] = op.receiver;
      return { headers };
    }
    case 'verify-epistula': {
      const h = lower(op.headers);
      if (h['epistula-version'] !== '2') return { ok: false, why: 'version' };
      if (h['epistula-signed-for'] !== op.self) return { ok: false, why: 'receiver' };
      const msg = epistulaMessage(body, h['epistula-uuid'], h['epistula-timestamp'], h['epistula-signed-for']);
      const ok = u.sr25519Verify(utf8(msg), fromHex(h['epistula-request-signature']), u.decodeAddress(h['epistula-signed-by']));
      return ok ? { ok } : { ok, why: 'signature' };
    }
  }
  throw new Error('unknown op ' + op.op);
}

let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  u.cryptoWaitReady().then(() => {
    const out = JSON.parse(input).map(run);
    process.stdout.write(JSON.stringify(out));
  }).catch((e) => { console.error(e); process.exit(1); });
});
