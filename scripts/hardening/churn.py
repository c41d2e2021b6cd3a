#!/usr/bin/env python3
# Four loops connect, send "3 4" and close at once (N times each) while a newcomer connects, asks
# and reads 200 times; prints what the newcomer got. Then ask the server STATS for "refused=".
# Usage: python3 scripts/hardening/churn.py PORT N   (server: --set clients-limit=100)
import socket, threading, sys, time
port=int(sys.argv[1]); n=int(sys.argv[2])
res={"ok":0,"busy":0,"other":0}
lock=threading.Lock()
def loop():
    for i in range(n):
        s=socket.create_connection(("127.0.0.1",port))
        s.sendall(b"3 4\n")
        s.close()
def newcomer():
    for i in range(200):
        s=socket.create_connection(("127.0.0.1",port)); s.settimeout(5)
        s.sendall(b"3 4\n"); data=s.recv(100); s.close()
        k="ok" if data.startswith(b"7") else "busy" if data.startswith(b"ERR busy") else "other"
        with lock: res[k]+=1
        time.sleep(0.01)
ts=[threading.Thread(target=loop) for _ in range(4)]+[threading.Thread(target=newcomer)]
t0=time.time()
[t.start() for t in ts]; [t.join() for t in ts]
print(res, round(time.time()-t0,1),"s")
