#!/usr/bin/env bash
# Chat with the echo responder, on loopback, release build: the handshake time (connect, HELLO,
# KEY, READY; a plain socket client, median of 200), and echoed messages per second with 1 and 4
# of our clients (each 500 messages from a script), with the server's own CPU time read from
# /proc, so that "messages per server-CPU-second" holds even though clients share the cores.
#   scripts/chat-bench.sh            (needs python3 and openssl, both on Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-500}
work=$(mktemp -d)
dotnet build -c Release src/Server -v q -nologo >/dev/null
dotnet build -c Release src/Client -v q -nologo >/dev/null
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
dotnet src/Server/bin/Release/net10.0/Server.dll --port "$port" --set service=chat --set chat.responder=echo \
  --set chat.server-key="$work/server.pem" --set timeout=off --set clients-limit=50 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.2; done
fingerprint=$(grep -o 'SHA256:[^ ]*' "$work/server.log" | head -1)
client=(dotnet src/Client/bin/Release/net10.0/Client.dll --port "$port" --set service=chat
  --known-hosts "$work/known_hosts" --accept-fingerprint "$fingerprint")
for i in 1 2 3 4; do printf 'warm up\n' | "${client[@]}" --key "$work/c$i.pem" >/dev/null; done
key=$(openssl rsa -in "$work/c1.pem" -pubout 2>/dev/null | grep -v -- ----- | tr -d '\n')

python3 - "$port" "$key" <<'PY'
import socket, sys, time
port, key, n, t = int(sys.argv[1]), sys.argv[2], 200, []
for _ in range(n):
    start = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rwb")
    f.readline(); f.write(f"KEY {key}\n".encode()); f.flush(); ready = f.readline()
    t.append(time.perf_counter() - start); s.close()
    assert ready == b"READY\n", ready
t.sort(); print(f"handshake (connect, HELLO, KEY, READY), {n} times: median {t[n//2]*1000:.2f} ms, p90 {t[int(n*.9)]*1000:.2f} ms")
PY

for i in $(seq 1 "$MESSAGES"); do echo "message number $i with a little text in it"; done >"$work/messages"
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
for clients in 1 4; do
  c0=$(cpu); t0=$(date +%s.%N); pids=()
  for i in $(seq 1 "$clients"); do "${client[@]}" --key "$work/c$i.pem" <"$work/messages" >"$work/out$i" & pids+=($!); done
  wait "${pids[@]}"
  t1=$(date +%s.%N); c1=$(cpu)
  n=$(cat "$work"/out* | grep -c '^echo: message')
  python3 -c "n=$n; wall=$t1-$t0; cpu=($c1-$c0)/100
print(f'$clients client(s): {n} messages echoed in {wall:.1f} s = {n/wall:.0f} msg/s on the machine; server CPU {cpu:.2f} s = {n/cpu:.0f} msg per server-CPU-second')"
  rm -f "$work"/out*
done
