#!/usr/bin/env python3
"""Measures how long notes writes pause when the store's node dies.

Usage: failover.py PORT [PORT ...] --kill PID [--seconds N]
Writers POST tagged notes round-robin through the given ports, one connection per POST
(so a dead node costs a refused connect, not a hang); after 2 s the script sends SIGKILL
to PID and reports the longest gap between two acknowledged notes, every OK and every
error, and whether any note was acknowledged twice under different ids.
"""
import os, signal, socket, sys, time, uuid

def post(port, tag, text, timeout=12.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(f"@{tag} POST {text}\n".encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode().strip()

def main():
    args = sys.argv[1:]
    kill = int(args[args.index("--kill") + 1]); del args[args.index("--kill"):args.index("--kill") + 2]
    seconds = 25.0
    if "--seconds" in args:
        seconds = float(args[args.index("--seconds") + 1]); del args[args.index("--seconds"):args.index("--seconds") + 2]
    ports = [int(p) for p in args]
    prefix = uuid.uuid4().hex[:12]
    start = time.monotonic(); killed_at = None; last_ok = None; longest = 0.0
    acked = {}; errors = 0; n = 0
    while time.monotonic() - start < seconds:
        if killed_at is None and time.monotonic() - start > 2:
            os.kill(kill, signal.SIGKILL); killed_at = time.monotonic()
        n += 1
        tag = f"{prefix}{n:08d}"; text = f"note {n}"
        for attempt in range(20):
            port = ports[(n + attempt) % len(ports)]
            try:
                reply = post(port, tag, text)
            except OSError:
                reply = "connect-failed"
            if " OK " in f" {reply} ":
                now = time.monotonic()
                if last_ok is not None:
                    longest = max(longest, now - last_ok)
                last_ok = now
                acked[tag] = int(reply.split()[-1]); break
            errors += 1
            time.sleep(0.1)
        time.sleep(0.05)
    ids = sorted(acked.values())
    print(f"acknowledged {len(acked)} notes, {errors} errors/refusals retried, longest gap between OKs {longest:.1f} s")
    print(f"ids unique: {len(set(ids)) == len(ids)}; first {ids[:1]} last {ids[-1:]}")

main()
