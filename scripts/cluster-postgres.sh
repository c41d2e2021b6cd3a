#!/usr/bin/env bash
# Cluster mode on PostgreSQL, as nodes on several machines would run it, all on this machine:
# installs PostgreSQL from Debian if it is missing, starts a private instance on loopback (its own
# folder and port, removed at the end), runs three nodes on it and the kill test of
# scripts/cluster/kill-test.sh (SIGKILL of the store's node while clients write; nothing
# acknowledged lost, nothing stored twice), and cleans up. Not part of CI.
#
#   scripts/cluster-postgres.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian (apt-get install postgresql)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")

# PostgreSQL refuses to run as root: as root, the instance belongs to the postgres user Debian made.
work=$(mktemp -d /tmp/actor-sockets-pg.XXXXXX)
chmod 755 "$work"
run_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) == 0 ]] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  run_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

run_pg "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
run_pg "$bin/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work" start >/dev/null
psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE notes" >/dev/null
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (database notes)"

# What a node on another machine would add to its config: the journal and snapshot store on
# PostgreSQL. The store's node creates the tables on first use (one node at a time: the store is
# a singleton), so no node races another to make the schema.
connection="Host=127.0.0.1;Port=$port;Database=notes;Username=postgres"
cat > "$work/journal.conf" <<CONF
akka.persistence.journal.sql { connection-string = "$connection", provider-name = "PostgreSQL.15" }
akka.persistence.snapshot-store.sql { connection-string = "$connection", provider-name = "PostgreSQL.15" }
CONF
"$root/scripts/cluster/kill-test.sh" --journal "$work/journal.conf"
echo "journal rows in PostgreSQL: $(psql -h 127.0.0.1 -p "$port" -U postgres -d notes -Atc 'SELECT count(*) FROM journal')"
