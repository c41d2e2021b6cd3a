#!/usr/bin/env python3
# N clients (default 20) pipeline requests without reading until the server stops reading them, then
# SIGTERM the server (PID) and read to the end: counts who got "BYE shutdown", who got a reset.
# Usage: python3 scripts/hardening/sigterm-readers.py PORT PID [N]
import socket, sys, time, os, signal, subprocess, threading
port=int(sys.argv[1]); pid=int(sys.argv[2]); n=int(sys.argv[3]) if len(sys.argv)>3 else 20
socks=[]
for i in range(n):
    s=socket.create_connection(("127.0.0.1",port)); s.setblocking(False); socks.append(s)
payload=b"1 1\n"*20000
# push until the server stops reading us (send buffer full)
for s in socks:
    sent=0; t0=time.time()
    while time.time()-t0<1.0:
        try: sent+=s.send(payload)
        except BlockingIOError: time.sleep(0.01)
time.sleep(1)
t0=time.time(); os.kill(pid, signal.SIGTERM)
# now the clients read everything until close
res={"bye":0,"reset":0,"eof-no-bye":0}
def drain(s):
    s.setblocking(True); s.settimeout(30); last=b""; total=0
    try:
        while True:
            d=s.recv(1<<20)
            if not d: break
            total+=len(d)
            last=(last+d)[-200:]
        print("eof after", round(time.time()-t0,2), "bytes", total, last[-30:])
        res["bye" if last.endswith(b"BYE shutdown: server stopping\n") else "eof-no-bye"]+=1
    except ConnectionResetError:
        res["reset"]+=1; print("reset after", round(time.time()-t0,2), "bytes", total, last[-30:])
ts=[threading.Thread(target=drain,args=(s,)) for s in socks]
# keep them not reading for a while first? they read at once after SIGTERM here, as a slow client would
[t.start() for t in ts]; [t.join() for t in ts]
while True:
    try: os.kill(pid,0); time.sleep(0.05)
    except ProcessLookupError: break
    if time.time()-t0>40: break
print(res, "server gone after", round(time.time()-t0,1), "s")
