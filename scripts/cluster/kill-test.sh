#!/usr/bin/env bash
# Starts three notes servers as one cluster on loopback, kills the node that holds the notes
# store with SIGKILL while writers POST through all three, and checks that nothing acknowledged
# was lost or stored twice (writers.py, as netns.sh uses it). Used for BENCHMARKS.md and by
# cluster-postgres.sh.
#
#   scripts/cluster/kill-test.sh                      # one SQLite file for the three nodes
#   scripts/cluster/kill-test.sh --journal FILE.conf  # HOCON with the journal to use (PostgreSQL)
#
# Builds the server (Release) unless SERVER_DLL names one; KEEP_LOGS=DIR keeps the nodes' logs.
# Exit status: that of writers.py's check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
journal=""
[[ "${1:-}" == "--journal" ]] && journal=$2
work=$(mktemp -d /tmp/actor-sockets-cluster.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n "${KEEP_LOGS:-}" ]]; then cp "$work"/node*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dll=${SERVER_DLL:-}
if [[ -z "$dll" ]]; then
  dotnet build -c Release "$root/src/Server" -v quiet -nologo >/dev/null
  dll="$root/src/Server/bin/Release/net10.0/Server.dll"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cluster_ports=($(free_port) $(free_port) $(free_port))
tcp_ports=($(free_port) $(free_port) $(free_port))
seeds=$(printf '"127.0.0.1:%s",' "${cluster_ports[@]}"); seeds="[${seeds%,}]"

started=$(date +%s.%N)
for i in 0 1 2; do
  conf="$work/node$i.conf"
  cat > "$conf" <<CONF
actor-sockets {
  service = notes
  port = ${tcp_ports[$i]}
  clients-limit = 100
  notes.sqlite-path = "$work/notes.db"
  cluster { enabled = on, port = ${cluster_ports[$i]}, seed-nodes = $seeds }
}
CONF
  [[ -n "$journal" ]] && cat "$journal" >> "$conf"
  dotnet "$dll" --config "$conf" > "$work/node$i.log" 2>&1 &
  pids+=($!)
done

stats() { python3 - "$1" <<'PY' 2>/dev/null || true
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
    s.sendall(b"STATS\n"); print(s.makefile().readline().strip())
PY
}
for attempt in $(seq 1 300); do
  up=0
  for port in "${tcp_ports[@]}"; do [[ "$(stats "$port")" == *" nodes=3" ]] && up=$((up + 1)); done
  [[ $up == 3 ]] && break
  sleep 0.1
done
[[ $up == 3 ]] || { echo "the three nodes did not come up; logs in $work" >&2; tail -5 "$work"/node*.log >&2; exit 1; }
printf 'three nodes up %.1f s after the first started\n' "$(echo "$(date +%s.%N) - $started" | bc)"

store=""
for attempt in $(seq 1 100); do
  for i in 0 1 2; do
    grep -q "notes store starting on this node (akka.tcp://ActorSockets@127.0.0.1:${cluster_ports[$i]})" "$work/node$i.log" && store=$i
  done
  [[ -n "$store" ]] && break
  sleep 0.1
done
[[ -n "$store" ]] || { echo "no node logged that it runs the notes store" >&2; exit 1; }
echo "node $((store + 1)) (tcp ${tcp_ports[$store]}, cluster ${cluster_ports[$store]}) holds the store: killing it with SIGKILL"

# Four writers through the three nodes; after 3 s the kill; 22 s later the board is checked.
nodes=$(printf '127.0.0.1:%s,' "${tcp_ports[@]}"); nodes=${nodes%,}
python3 "$root/scripts/cluster/writers.py" write --nodes "$nodes" --log "$work/oks" &
writers=$!
pids+=("$writers")
sleep 3
echo "$(python3 -c 'import time; print(time.monotonic())') kill-9" >"$work/events"
kill -KILL "${pids[$store]}"
echo "killed the store's node at $(date +%H:%M:%S.%3N)"
sleep 22
kill -TERM "$writers"; wait "$writers" || true
set +e
python3 "$root/scripts/cluster/writers.py" check --log "$work/oks" --events "$work/events" --boards "$nodes"
status=$?
set -e
grep -h "notes store starting on this node" "$work"/node*.log | sed 's/^/  /'
exit $status
