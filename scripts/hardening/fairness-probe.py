#!/usr/bin/env python3
"""Latency of well-behaved clients beside a flood: a canary on its own connection asks one request
every 20 ms; every 200 ms a newcomer connects and times its first reply. Bounded by SECONDS.
Usage: fairness-probe.py PORT SECONDS REQUEST EXPECT_PREFIX     (e.g. 5050 10 '3 4' '7', or for Redis 6379 10 PING +PONG)
Prints: canary p50/p99/max, newcomer p50/p99/max, in ms."""
import socket, sys, threading, time

port, seconds, request, expect = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3].encode() + b"\r\n", sys.argv[4].encode()

def ask(sock):
    sock.sendall(request)
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    if not data.startswith(expect):
        raise ValueError(f"unexpected reply {data!r}")

canary, newcomers, failures = [], [], []
end = time.time() + seconds

def run_canary():
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        while time.time() < end:
            t = time.perf_counter(); ask(s); canary.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)

def run_newcomers():
    while time.time() < end:
        t = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                ask(s)
            newcomers.append((time.perf_counter() - t) * 1000)
        except (OSError, ValueError) as e:
            failures.append(str(e))
        time.sleep(0.2)

threads = [threading.Thread(target=run_canary), threading.Thread(target=run_newcomers)]
for t in threads: t.start()
for t in threads: t.join()
def q(xs):
    xs = sorted(xs)
    return f"p50 {xs[len(xs)//2]:.1f} p99 {xs[min(len(xs)-1, int(len(xs)*.99))]:.1f} max {xs[-1]:.1f} ms (n={len(xs)})" if xs else "none"
print(f"canary {q(canary)}; newcomer {q(newcomers)}; failures {len(failures)} {failures[:3]}")
