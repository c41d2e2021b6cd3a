#!/usr/bin/env python3
"""Forged sources sending GET 9223372036854775807 (20 datagrams a second, each from a new port) while
one writer POSTs over UDP; prints how many POSTs were acknowledged and how long each took.
Server: --set service=notes --set transport=udp --set clients-limit=1000
Usage: forged-gets.py PORT [SECONDS]"""
import socket, sys, threading, time
port = int(sys.argv[1]); seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
end = time.time() + seconds
def forge():
    while time.time() < end:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"GET 9223372036854775807", ("127.0.0.1", port)); s.close()
        time.sleep(0.05)
threading.Thread(target=forge, daemon=True).start()
w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); w.settimeout(12)
ok, errors, times, n = 0, {}, [], 0
while time.time() < end:
    n += 1; tag = f"writer-{n:012d}"; t = time.perf_counter()
    w.sendto(f"@{tag} POST note {n}".encode(), ("127.0.0.1", port))
    try:
        reply = w.recv(2048).decode()
    except socket.timeout:
        reply = "timeout"
    times.append((time.perf_counter() - t) * 1000)
    if " OK " in reply: ok += 1
    else: errors[reply.split(":")[0]] = errors.get(reply.split(":")[0], 0) + 1
    time.sleep(0.05)
times.sort()
print(f"POSTs {n}: OK {ok}, others {errors}; latency p50 {times[len(times)//2]:.1f} ms, max {times[-1]:.1f} ms")
