#!/usr/bin/env bash
# Cluster mode on separate network stacks: one Linux network namespace per node on a bridge, each
# node bound to its own address (10.77.N.11, .12, .13; .14 joins later, .15 is a stranger), mutual
# TLS between them, and these scenarios, each on a fresh cluster and board, while four writers post
# tagged notes through every node (scripts/cluster/writers.py) and one more writes through the
# store's node from inside its namespace (it is what a cut-off or paused node would answer):
#
#   crash    kill -9 of the store's node: writes back within 10 s
#   pause    SIGSTOP of the store's node for 20 s, then SIGCONT: writes back within the pause + 2 s,
#            the woken node answers no OK and exits 10
#   cut      the store's node cut off (its link down) for 30 s: writes back within 10 s, the
#            cut-off node answers no OK once the majority's store writes, and exits 10
#   rolling  each node in turn stopped with SIGTERM and started again: each planned leave pauses
#            writes under 2 s
#   join     a fourth node joins (writes go on), and a node with another database tries to: it
#            exits 3 and the board is untouched
#   skew     the store's node's clocks 15 s ahead (libfaketime): writes never pause 2 s
#
# After each: every node that answers serves the same board, ids 1..N, every acknowledged note on
# it, none stored twice. Nodes share one SQLite file through the filesystem (they are on one
# machine); with --postgres the journal is a PostgreSQL in its own namespace (10.77.N.20), and each
# node has a SQLite file of its own, as on separate machines (the journal's keys and the majority
# check are then the only fences).
#
#   scripts/cluster/netns.sh [--postgres] [--runs N] [SCENARIO...]     (as root; default: all six)
#
# Builds the server (Release) unless SERVER_DLL names one. Installs faketime (and, with --postgres,
# PostgreSQL) from Debian if missing. KEEP=DIR keeps every log. LIVENESS=1 triples every time bound
# (the test suite's run, beside other work: there a bound is a liveness bound, the goals are the
# script's own); CUT_SECONDS=15 cuts for 15 s instead of 30 (still past the downing, about 7 s). Names and the subnet N are this run's own, so two runs do not meet. Exit status 1
# if any check failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "netns.sh: needs root (ip netns, veth pairs, a bridge)" >&2; exit 2; }
ip netns list >/dev/null 2>&1 || { echo "netns.sh: ip netns does not work here" >&2; exit 2; }

postgres=0 runs=1 scenarios=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --postgres) postgres=1 ;;
    --runs) runs=$2; shift ;;
    crash|pause|cut|rolling|join|skew) scenarios+=("$1") ;;
    *) echo "usage: $0 [--postgres] [--runs N] [crash|pause|cut|rolling|join|skew]..." >&2; exit 2 ;;
  esac
  shift
done
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(crash pause cut rolling join skew)

dll=${SERVER_DLL:-}
if [[ -z "$dll" ]]; then
  dotnet build -c Release "$root/src/Server" -v quiet -nologo >/dev/null
  dll="$root/src/Server/bin/Release/net10.0/Server.dll"
fi
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
if [[ -z "$faketime_lib" && " ${scenarios[*]} " == *" skew "* ]]; then
  echo "installing faketime from Debian (apt-get install faketime)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -1)
fi

# This run's own names (interface names have at most 15 characters) and subnet.
run_id=$(($$ % 100000))
net=10.77.$((run_id % 200 + 20))
while ip route | grep -q "^$net\."; do net=10.77.$((RANDOM % 200 + 20)); done
bridge=as${run_id}br cluster_port=4053 client_port=5000
ns() { echo "as${run_id}n$1"; }
link() { echo "as${run_id}v$1"; }
scale=1; [[ "${LIVENESS:-}" == 1 ]] && scale=3
bound() { python3 -c "print($1 * $scale)"; }
work=$(mktemp -d /tmp/actor-sockets-netns.XXXXXX)
declare -A pid=()
writer_pids=()
pg_bin=""

now() { python3 -c 'import time; print(f"{time.monotonic():.3f}")'; }
mark() { echo "$(now) $1" >>"$run_dir/events"; }
address() { echo "$net.1$1"; }

teardown_nodes() {
  for n in "${!pid[@]}"; do kill -CONT "${pid[$n]}" 2>/dev/null || true; kill -KILL "${pid[$n]}" 2>/dev/null || true; done
  for w in "${writer_pids[@]}"; do kill -KILL "$w" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pid=() writer_pids=()
}
cleanup() {
  teardown_nodes
  [[ -n "$pg_bin" ]] && ip netns exec "$(ns pg)" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  for n in 1 2 3 4 5 pg; do ip netns del "$(ns "$n")" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP"; cp -r "$work"/run-* "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that cleanup runs when the script is stopped too

# The network: a bridge on this machine's side, one namespace per node with its end of a veth pair.
ip link add "$bridge" type bridge
ip addr add "$net.1/24" dev "$bridge"
ip link set "$bridge" up
add_namespace() { # NAME ADDRESS LINK
  ip netns add "$1"
  ip link add "$3" type veth peer name eth0 netns "$1"
  ip link set "$3" master "$bridge" up
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" link set lo up
}
for n in 1 2 3 4 5; do add_namespace "$(ns "$n")" "$(address "$n")" "$(link "$n")"; done

"$root/scripts/cluster-certs.sh" "$work/certs" node1 node2 node3 node4 node5 >/dev/null

journal_conf=""
if [[ $postgres == 1 ]]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian (apt-get install postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  add_namespace "$(ns pg)" "$net.20" "$(link pg)"
  mkdir -p "$work/pg" && chown postgres "$work" "$work/pg" && chmod 755 "$work"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
  echo "host all all $net.0/24 trust" >>"$work/pg/pg_hba.conf"
  ip netns exec "$(ns pg)" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w \
    -o "-c listen_addresses=$net.20 -c port=5432 -c unix_socket_directories=$work/pg" start >/dev/null
  journal_conf="Host=$net.20;Port=5432;Database=DB;Username=postgres"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $net.20:5432 (namespace $(ns pg))"
fi

# A node's config: its own address for clients and for the cluster, TLS with its certificate.
node_conf() { # N DATABASE-NAME
  local n=$1 db=$2 conf="$run_dir/node$1.conf"
  local sqlite="$run_dir/$db.db"
  [[ $postgres == 1 ]] && sqlite="$run_dir/node$n-local.db"
  cat >"$conf" <<CONF
actor-sockets {
  service = notes
  address = "$(address "$n")"
  port = $client_port
  clients-limit = 100
  notes.sqlite-path = "$sqlite"
  cluster {
    enabled = on
    hostname = "$(address "$n")"
    port = $cluster_port
    seed-nodes = ["$(address 1):$cluster_port", "$(address 2):$cluster_port", "$(address 3):$cluster_port"]
    tls { certificate = "$work/certs/node$n.p12", password = "env:NODE_TLS_PASSWORD", ca = "$work/certs/ca.pem" }
  }
}
CONF
  if [[ $postgres == 1 ]]; then
    # A database of this scenario run's own: a fresh board each time, as with SQLite.
    db="${db}_$(basename "$run_dir" | tr -c 'a-z0-9\n' '_')"
    psql -h "$net.20" -U postgres -qc "CREATE DATABASE $db" >/dev/null 2>&1 || true
    local connection=${journal_conf/DB/$db}
    cat >>"$conf" <<CONF
akka.persistence.journal.sql { connection-string = "$connection", provider-name = "PostgreSQL.15" }
akka.persistence.snapshot-store.sql { connection-string = "$connection", provider-name = "PostgreSQL.15" }
CONF
  fi
  echo "$conf"
}

start_node() { # N DATABASE-NAME [ENV...]
  local n=$1 db=$2; shift 2
  local conf; conf=$(node_conf "$n" "$db")
  NODE_TLS_PASSWORD=$(cat "$work/certs/node$n.password") ip netns exec "$(ns "$n")" env "$@" dotnet "$dll" --config "$conf" >>"$run_dir/node$n.log" 2>&1 &
  pid[$n]=$!
}

stats() { # N: the node's STATS line, or nothing
  python3 - "$(address "$1")" "$client_port" <<'PY' 2>/dev/null || true
import socket, sys
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2) as s:
    s.sendall(b"STATS\n"); print(s.makefile().readline().strip())
PY
}
wait_nodes() { # COUNT N...: until each node's STATS says nodes=COUNT (60 s at most)
  local count=$1 deadline=$((SECONDS + 60 * scale)); shift
  while ((SECONDS < deadline)); do
    local up=0
    for n in "$@"; do [[ "$(stats "$n")" == *" nodes=$count" ]] && up=$((up + 1)); done
    [[ $up == $# ]] && return 0
    sleep 0.2
  done
  echo "FAIL: nodes $* did not all see $count nodes up within $((60 * scale)) s"; return 1
}
store_node() { # the node whose log says the store is ready there (in a fresh cluster, one only)
  for _ in $(seq 1 100); do
    for n in 1 2 3; do
      if grep -q "notes store ready on this node (akka.ssl.tcp://ActorSockets@$(address "$n"):$cluster_port)" "$run_dir/node$n.log"; then
        echo "$n"; return
      fi
    done
    sleep 0.2
  done
}
wait_exit() { # N SECONDS: sets $exit_status to the node's exit status, or "running" (no subshell: only this shell may wait for it)
  local n=$1
  exit_status=running
  for _ in $(seq 1 $(($2 * 5))); do
    if ! kill -0 "${pid[$n]}" 2>/dev/null; then
      exit_status=0
      wait "${pid[$n]}" || exit_status=$?
      unset "pid[$n]"
      return
    fi
    sleep 0.2
  done
}
nodes_list() { local list=""; for n in "$@"; do list+="$(address "$n"):$client_port,"; done; echo "${list%,}"; }
start_writers() { # N...: four writers through these nodes
  python3 "$root/scripts/cluster/writers.py" write --nodes "$(nodes_list "$@")" --log "$run_dir/oks" &
  writer_pids+=($!)
}
start_inside_writer() { # N: one writer inside node N's namespace, through node N only
  ip netns exec "$(ns "$1")" python3 "$root/scripts/cluster/writers.py" write --writers 1 --nodes "$(nodes_list "$1")" --log "$run_dir/inside-oks" &
  writer_pids+=($!)
}
stop_writers() { for w in "${writer_pids[@]}"; do kill -TERM "$w" 2>/dev/null || true; done; for w in "${writer_pids[@]}"; do wait "$w" 2>/dev/null || true; done; writer_pids=(); }
check() { # ARGS for writers.py check
  python3 "$root/scripts/cluster/writers.py" check --log "$run_dir/oks" --events "$run_dir/events" --boards "$(nodes_list 1 2 3 4)" "$@"
}
expect_exit() { # N STATUS SECONDS WHAT
  wait_exit "$1" $(($3 * scale))
  if [[ "$exit_status" == "$2" ]]; then echo "node $1 $4: exit $exit_status"; else echo "FAIL: node $1 $4: exit $exit_status, expected $2"; return 1; fi
}

three_nodes() { # [ENV for node 1...]: a fresh board and three nodes; sets $store (node 1, the oldest, in practice)
  start_node 1 board "$@"
  sleep 2 # the first seed forms the cluster; the store starts on it, the oldest
  start_node 2 board
  start_node 3 board
  wait_nodes 3 1 2 3 || return 1
  store=$(store_node)
  [[ -n "$store" ]] || { echo "no node logged that the store is ready" >&2; return 1; }
}

scenario() { # NAME: runs it; sets failed=1 if a check fails
  local name=$1 result=0
  : >"$run_dir/oks"; : >"$run_dir/inside-oks"
  three_nodes $([[ $name == skew ]] && echo LD_PRELOAD="$faketime_lib" FAKETIME="+15s") || { teardown_nodes; return 1; }
  case $name in
    crash)
      start_writers 1 2 3; start_inside_writer "$store"; sleep 5
      mark "kill-9"; kill -KILL "${pid[$store]}"; wait "${pid[$store]}" 2>/dev/null || true; unset "pid[$store]"
      sleep 20; stop_writers
      check --max-gap "$(bound 10)" --log "$run_dir/inside-oks" || result=1 ;;
    pause)
      start_writers 1 2 3; start_inside_writer "$store"; sleep 5
      mark "sigstop"; kill -STOP "${pid[$store]}"; sleep 20; mark "sigcont"; kill -CONT "${pid[$store]}"
      expect_exit "$store" 10 30 "woken after it was downed" || result=1
      sleep 5; stop_writers
      check --max-gap "$(bound 22)" --isolated "$(address "$store"):$client_port" --isolated-log "$run_dir/inside-oks" || result=1 ;;
    cut)
      start_writers 1 2 3; start_inside_writer "$store"; sleep 5
      mark "link-down"; ip link set "$(link "$store")" down; sleep "${CUT_SECONDS:-30}"; mark "link-up"; ip link set "$(link "$store")" up
      expect_exit "$store" 10 15 "cut off" || result=1
      sleep 5; stop_writers
      check --max-gap "$(bound 10)" --isolated "$(address "$store"):$client_port" --isolated-log "$run_dir/inside-oks" || result=1 ;;
    rolling)
      start_writers 1 2 3; sleep 5
      local order=("$store"); for n in 1 2 3; do [[ $n != "$store" ]] && order+=("$n"); done
      mark "rolling"
      for n in "${order[@]}"; do
        mark "sigterm-node$n"; kill -TERM "${pid[$n]}"
        expect_exit "$n" 0 30 "stopped with SIGTERM" || result=1
        start_node "$n" board; wait_nodes 3 1 2 3 || result=1
      done
      sleep 3; stop_writers
      check --max-gap "$(bound 2)" || result=1 ;;
    join)
      start_writers 1 2 3; sleep 5
      mark "fourth-joins"; start_node 4 board; wait_nodes 4 1 2 3 4 || result=1
      mark "stranger"; start_node 5 other
      expect_exit 5 3 60 "with another database" || result=1
      sleep 5; stop_writers
      check --max-gap "$(bound 2)" || result=1 ;;
    skew)
      start_writers 1 2 3; sleep 2
      mark "skewed"; sleep 20; stop_writers
      check --max-gap "$(bound 2)" || result=1 ;;
  esac
  teardown_nodes
  return $result
}

failed=0
declare -A passes=()
for run in $(seq 1 "$runs"); do
  for name in "${scenarios[@]}"; do
    run_dir="$work/run-$run-$name"; mkdir -p "$run_dir"; : >"$run_dir/events"
    echo "run $run, $name$([[ $postgres == 1 ]] && echo ' (PostgreSQL)'):"
    if scenario "$name" 2>&1 | sed 's/^/  /'; then
      passes[$name]=$(( ${passes[$name]:-0} + 1 ))
    else
      failed=1
      echo "  logs: $run_dir (KEEP=DIR keeps them)"
    fi
  done
done
for name in "${scenarios[@]}"; do echo "$name: ${passes[$name]:-0} of $runs runs passed"; done
exit $failed
