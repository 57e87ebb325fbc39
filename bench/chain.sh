#!/usr/bin/env bash
# Measures the chain: sustained signed transfers/s and submit-to-commit
# latency on `subtensor dev` and on a 4-validator network on this machine,
# with CometBFT's example kvstore app under the same load as the baseline.
# Usage: bench/chain.sh [duration]   (prints results; run from the repo root)
#        BASE=/path/to/old/subtensor bench/chain.sh 20s   also runs an older
#        build of the dev node, saturated, in turns with this one
set -euo pipefail
dur=${1:-30s}
work=$(mktemp -d)
trap 'pkill -f "$work" || true; rm -rf "$work"' EXIT
go build -o "$work/subtensor" ./cmd/subtensor
go build -o "$work/txload" ./bench/txload
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"

load() { echo "   ($(uptime | sed 's/.*load average/load average/'); CPU pressure $(head -1 /proc/pressure/cpu 2>/dev/null | cut -d' ' -f2-3))"; }

if [[ -n ${BASE:-} ]]; then
  echo "== older build ($BASE): subtensor dev (250ms blocks), saturated"; load
  "$BASE" dev --home "$work/base" --rpc 127.0.0.1:29954 --p2p 127.0.0.1:29955 >"$work/base.log" 2>&1 &
  bpid=$!
  sleep 3
  "$work/txload" --endpoint 127.0.0.1:29954 --duration "$dur" --pid "$bpid"
  kill "$bpid"; wait "$bpid" 2>/dev/null || true
fi

echo "== subtensor dev (250ms blocks), saturated"; load
"$work/subtensor" dev --home "$work/dev" --rpc 127.0.0.1:29944 --p2p 127.0.0.1:29945 >"$work/dev.log" 2>&1 &
sleep 3
pid=$(pgrep -f "$work/subtensor dev")
"$work/txload" --endpoint 127.0.0.1:29944 --duration "$dur" --pid "$pid"
echo "== subtensor dev, offered 1000 tx/s"; load
"$work/txload" --endpoint 127.0.0.1:29944 --duration "$dur" --rate 1000 --pid "$pid"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "== baseline: CometBFT kvstore example app (250ms blocks), saturated"; load
"$work/txload" --baseline-kvstore --duration "$dur"

echo "== 4 validators on this machine (1s blocks), saturated, senders spread over all nodes"; load
"$work/subtensor" testnet --validators 4 --output "$work/net" --p2p-port 30656 --rpc-port 30944 --block-time 1s >/dev/null
vpids=()
for i in 0 1 2 3; do "$work/subtensor" start --home "$work/net/node$i" >"$work/node$i.log" 2>&1 & vpids+=($!); done
sleep 5
pid0=${vpids[0]}
others=$(IFS=,; echo "${vpids[*]:1}")
eps=127.0.0.1:30944,127.0.0.1:30945,127.0.0.1:30946,127.0.0.1:30947
# Memory is node 0's; CPU time is all four nodes'.
"$work/txload" --endpoint "$eps" --duration "$dur" --pid "$pid0" --cpu-pids "$others"
echo "== 4 validators, offered 500 tx/s"; load
"$work/txload" --endpoint "$eps" --duration "$dur" --rate 500 --pid "$pid0" --cpu-pids "$others"
