#!/usr/bin/env python3
# 20 clients pipeline requests and never read; SIGTERM the server (PID): how long until it exits.
# Usage: python3 scripts/hardening/sigterm-never-readers.py PORT PID
import socket, sys, time, os, signal
port=int(sys.argv[1]); pid=int(sys.argv[2]); n=20
socks=[socket.create_connection(("127.0.0.1",port)) for i in range(n)]
for s in socks: s.setblocking(False)
payload=b"1 1\n"*20000
for s in socks:
    t0=time.time()
    while time.time()-t0<0.5:
        try: s.send(payload)
        except BlockingIOError: time.sleep(0.01)
time.sleep(1)
t0=time.time(); os.kill(pid, signal.SIGTERM)
while True:
    try: os.kill(pid,0); time.sleep(0.05)
    except ProcessLookupError: break
    if time.time()-t0>40: break
print("never-readers: server gone after", round(time.time()-t0,1), "s")
