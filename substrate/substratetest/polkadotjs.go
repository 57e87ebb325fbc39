package substratetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// nodeWrapper runs a test's script body as an async function of env and
// writes its return value as JSON to $SUBSTRATETEST_OUT.
const nodeWrapper = `'use strict';
const fs = require('fs');
const url = process.env.SUBSTRATETEST_URL;
const args = JSON.parse(process.env.SUBSTRATETEST_ARGS);
let api, provider, keyring;
const env = {
  url, args, require,
  async provider() {
    if (!provider) {
      const { WsProvider } = require('@polkadot/api');
      provider = new WsProvider(url, false);
      await provider.connect();
      await provider.isReady;
    }
    return provider;
  },
  async api() {
    if (!api) {
      const { ApiPromise, WsProvider } = require('@polkadot/api');
      api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
    }
    return api;
  },
  async keyring() {
    if (!keyring) {
      const { Keyring } = require('@polkadot/keyring');
      await require('@polkadot/util-crypto').cryptoWaitReady();
      keyring = new Keyring({ type: 'sr25519' });
    }
    return keyring;
  },
};
const body = async (env) => {
%s
};
(async () => {
  let code = 0;
  try {
    const result = await body(env);
    const json = JSON.stringify(result === undefined ? null : result,
      (k, v) => typeof v === 'bigint' ? v.toString() : v);
    fs.writeFileSync(process.env.SUBSTRATETEST_OUT, json);
  } catch (e) {
    console.error(e && e.stack ? e.stack : String(e));
    code = 1;
  }
  try { if (api) await api.disconnect(); } catch (e) {}
  try { if (provider) await provider.disconnect(); } catch (e) {}
  process.exit(code);
})();
`

// PolkadotJS runs script with Node.js against the chain and decodes what it
// returns into result (JSON; BigInts become decimal strings). It is a second,
// independent client (@polkadot/api from the chopsticks install) for
// cross-checking encodings, storage keys and decoded values.
//
// script is the body of an async JavaScript function of env:
//
//	env.url          the chain's websocket URL
//	env.args         args, as JSON
//	env.require      Node's require (resolving in the chopsticks install)
//	await env.api()      an ApiPromise connected to the chain (disconnected after)
//	await env.provider() a bare WsProvider (raw JSON-RPC: provider.send(method, params))
//	await env.keyring()  an sr25519 Keyring (keyring.addFromUri('//Alice'))
//
// For example:
//
//	var hash string
//	err := c.PolkadotJS(ctx, `const api = await env.api();
//		return (await api.rpc.chain.getBlockHash(env.args.n)).toHex();`, map[string]int{"n": 0}, &hash)
//
// A script that throws fails with its stack trace in the error.
func (c *Chain) PolkadotJS(ctx context.Context, script string, args any, result any) error {
	return runPolkadotJS(ctx, c.tc, c.URL, script, args, result)
}

// PolkadotJS is Chain.PolkadotJS against any websocket endpoint url (for
// example an in-process server), with the same chopsticks install; it
// returns ErrNoNode when Node.js is absent.
func PolkadotJS(ctx context.Context, url, script string, args any, result any) error {
	tc, err := ensureInstalled(ctx)
	if err != nil {
		return err
	}
	return runPolkadotJS(ctx, tc, url, script, args, result)
}

func runPolkadotJS(ctx context.Context, tc toolchain, url, script string, args any, result any) error {
	argJSON, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("substratetest: polkadot-js args: %w", err)
	}
	dir, err := os.MkdirTemp("", "substratetest-js-")
	if err != nil {
		return fmt.Errorf("substratetest: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "script.cjs")
	out := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(nodeWrapper, script)), 0o644); err != nil {
		return fmt.Errorf("substratetest: %w", err)
	}
	cmd := exec.CommandContext(ctx, tc.node, path)
	cmd.Env = append(os.Environ(),
		"NODE_PATH="+filepath.Join(tc.dir, "node_modules"),
		"SUBSTRATETEST_URL="+url,
		"SUBSTRATETEST_ARGS="+string(argJSON),
		"SUBSTRATETEST_OUT="+out,
	)
	output, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("substratetest: polkadot-js script failed (%v):\n%s", err, tail(strings.TrimSpace(string(output)), 30))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("substratetest: polkadot-js script wrote no result: %w\n%s", err, tail(string(output), 30))
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(data, result); err != nil {
		return fmt.Errorf("substratetest: polkadot-js result into %T: %w (%s)", result, err, tail(string(data), 3))
	}
	return nil
}
