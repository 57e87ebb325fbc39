#!/usr/bin/env bash
# Axon hot path (BENCHMARKS.md, "Axon per server CPU-second"): the sr25519
# verification ceiling and the Go axon (small synapse, signatures verified,
# answers not signed) on the same core, in turns, ROUNDS times.
#
#   bash bench/wire/axon.sh            # DUR=10s ROUNDS=3
#   BASE=/path/to/old/wire bash bench/wire/axon.sh   # also an older build, in turns
#
# The server runs on SERVER_CPU (so GOMAXPROCS is 1) and the load generator
# on CLIENT_CPU. Figures are per second of the server's CPU time (from
# /proc), so they hold on a shared machine; latencies do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
DUR=${DUR:-10s}
ROUNDS=${ROUNDS:-3}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18095}
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/wire" ./bench/wire
W="$tmp/wire"

start_server() { # binary
  taskset -c "$SERVER_CPU" "$1" serve -port "$PORT" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "axon did not start:"; cat "$tmp/server.log"; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
for round in $(seq "$ROUNDS"); do
  echo "== round $round: $(uptime)"
  taskset -c "$SERVER_CPU" "$W" ceiling -d 3s
  for c in 32 16; do
    for bin in ${BASE:+"$BASE"} "$W"; do
      label="go axon c=$c"
      [[ $bin == "$W" ]] || label="base: $label"
      start_server "$bin"
      taskset -c "$CLIENT_CPU" "$W" signed-load -proto axon -url "http://127.0.0.1:$PORT" -pid "$server_pid" -c "$c" -d "$DUR" -n 300000 -label "$label"
      stop_server
    done
  done
done
