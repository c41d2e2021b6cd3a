#!/usr/bin/env bash
# Fairness under a pipelining flood, ours beside Redis in one run (issue 18, finding 4):
# 16 connections write requests as fast as the sockets take them and read replies as fast as they
# come (firehose.c; SEGMENT=segment: one line per segment with TCP_NODELAY), while a canary asks one
# request every 20 ms and a newcomer connects every 200 ms (fairness-probe.py).
# Prints the flood's throughput and the canary's and newcomers' latencies for each server.
#   OURS_DLL=src/Server/bin/Release/net10.0/Server.dll scripts/hardening/pipeline-fairness.sh [SECONDS]
# Ours runs with the product's defaults (timeout 60s) but a clients limit that fits the flood.
set -u
here=$(cd "$(dirname "$0")" && pwd); DUR=${1:-10}; OURS_DLL=${OURS_DLL:?set OURS_DLL to a release Server.dll}
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
gcc -O2 -o "$work/firehose" "$here/firehose.c" || exit 2
free_port() { python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"; }
wait_tcp() { for _ in $(seq 1 150); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0; sleep 0.2; done; return 1; }

run() { # name port request expect
  local name=$1 port=$2 request=$3 expect=$4
  "$work/firehose" "$port" 16 "$DUR" "$request" ${SEGMENT:-} >"$work/$name.flood" 2>&1 &
  local flood=$!
  sleep 1
  local probe; probe=$(python3 "$here/fairness-probe.py" "$port" "$((DUR - 2))" "$request" "$expect")
  wait "$flood"
  echo "$name: flood $(grep RESULT "$work/$name.flood" | grep -oE 'rps=[0-9.]+' | tr '\n' ' ')| $probe"
}

if command -v redis-server >/dev/null; then
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --maxclients 10000 >"$work/redis.log" 2>&1 & pids+=($!)
  wait_tcp "$rport" && run redis "$rport" PING +PONG
fi
oport=$(free_port)
dotnet "$OURS_DLL" --port "$oport" --set clients-limit=2000 ${OURS_ARGS:-} >"$work/ours.log" 2>&1 & pids+=($!)
wait_tcp "$oport" && run ours "$oport" "1 2" 3
