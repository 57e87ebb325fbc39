#!/usr/bin/env bash
# Wire benchmarks (BENCHMARKS.md, "Wire protocol"): the Go axon against a
# Python baseline on Bittensor 6.x's stack, in one run on this machine.
#
#   bash bench/wire/run.sh            # everything, about 4 minutes
#   DUR=5s bash bench/wire/run.sh     # shorter measurements
#
# Servers run on CPU 0 and load generators on CPU 1 (taskset), so each side
# has one core and the comparison is per core. Needs root for apt-get the
# first time (Debian packages only; nothing from PyPI).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"

DUR=${DUR:-10s}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BOB=5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty # //Bob, the axon's hotkey
PY=/usr/bin/python3

need=()
for pkg in python3-fastapi python3-uvicorn python3-pydantic python3-nacl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/wire" ./bench/wire
W="$tmp/wire"

# start_server PORT CMD...: runs CMD on the server CPU and waits for PORT.
start_server() {
  local port=$1; shift
  taskset -c "$SERVER_CPU" "$@" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $port did not start:"; cat "$tmp/server.log"; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}
client() { taskset -c "$CLIENT_CPU" "$@"; }

echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
go version
$PY -c 'import fastapi, uvicorn, pydantic, nacl; print("python", __import__("sys").version.split()[0], "fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__, "pydantic", pydantic.VERSION, "pynacl", nacl.__version__)'

# This machine is a shared VM whose speed drifts by tens of percent over
# minutes, so the ceiling and the three servers are measured in turns, on
# the same core, ROUNDS times; compare figures within a round.
ROUNDS=${ROUNDS:-2}
for round in $(seq "$ROUNDS"); do
  echo "== round $round: signature verification ceiling on the server core"
  taskset -c "$SERVER_CPU" "$W" ceiling -d 3s
  taskset -c "$SERVER_CPU" $PY bench/wire/ceiling.py

  echo "== round $round: axon throughput, small synapse, signature verification on, 32 connections"
  start_server 18091 "$W" serve -port 18091
  client "$W" load -url http://127.0.0.1:18091 -scheme sr25519 -c 32 -d "$DUR" -n 300000 -label "go axon"
  stop_server
  start_server 18093 $PY bench/wire/baseline.py 18093 "$BOB"
  client "$W" load -url http://127.0.0.1:18093 -scheme ed25519 -c 32 -d "$DUR" -n 40000 -label "python baseline"
  stop_server
  start_server 18092 "$W" serve -port 18092 -sign
  client "$W" load -url http://127.0.0.1:18092 -scheme sr25519 -c 32 -d "$DUR" -n 300000 -label "go axon, signed answers"
  stop_server
done

echo "== dendrite fan-out (both cores: dendrite and 256 axons in one process)"
"$W" fanout -axons 256 -rounds 200

echo "== flood: a valid dendrite alone, then beside 64 junk senders"
start_server 18094 "$W" serve -port 18094
client "$W" valid -url http://127.0.0.1:18094 -d "$DUR" -label alone
client "$W" junk -url http://127.0.0.1:18094 -c 64 -d "$(( ${DUR%s} + 2 ))s" >"$tmp/junk.out" &
junk_pid=$!
sleep 1
client "$W" valid -url http://127.0.0.1:18094 -d "$DUR" -label "under flood"
wait "$junk_pid"
cat "$tmp/junk.out"
stop_server
