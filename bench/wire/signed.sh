#!/usr/bin/env bash
# Signed HTTP beside the 6.x axon (BENCHMARKS.md, "Signed HTTP: btauth/1 and
# Epistula beside the axon"): accepted requests per second of server CPU
# time, the axon and the btauth/1 and Epistula guards measured in turns on
# the same core, ROUNDS times.
#
#   bash bench/wire/signed.sh              # DUR=10s ROUNDS=3
#
# Servers run on CPU 0 and the load generator on CPU 1 (taskset). The
# server's CPU time is read from /proc before and after the measured window,
# so a figure does not depend on how much of the core the server got on a
# shared machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

DUR=${DUR:-10s}
ROUNDS=${ROUNDS:-3}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18191}

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/wire" ./bench/wire
W="$tmp/wire"

echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
go version

for round in $(seq "$ROUNDS"); do
  echo "== round $round: small synapse / JSON body, one sr25519 verification per request, 32 connections"
  for proto in axon btauth epistula; do
    taskset -c "$SERVER_CPU" "$W" signed-serve -proto "$proto" -port "$PORT" >"$tmp/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
      (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
      sleep 0.1
    done
    taskset -c "$CLIENT_CPU" "$W" signed-load -proto "$proto" -url "http://127.0.0.1:$PORT" -pid "$server_pid" \
      -c 32 -d "$DUR" -n 200000 -label "round $round"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  done
done
