#!/usr/bin/env python3
# 200 concurrent chat handshakes (KEY with 200 distinct keys, or one key 200 times) while a canary
# chat session sends PING; prints the canary's latency before and during the burst.
# Keys first: for i in $(seq 1 200); do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out /tmp/keys/k$i.pem;
#   openssl pkey -in /tmp/keys/k$i.pem -pubout -outform DER | base64 -w0 > /tmp/keys/k$i.b64; done
# Usage: python3 scripts/hardening/chat-burst.py PORT distinct|same   (server: service=chat, chat.responder=echo, clients-limit=500)
import socket, threading, sys, time, statistics
port=int(sys.argv[1]); mode=sys.argv[2]  # distinct|same
keys=[open(f"/tmp/keys/k{i}.b64").read().strip() for i in range(1,201)]
if mode=="same": keys=[keys[0]]*200
def readline(s):
    b=b""
    while not b.endswith(b"\n"):
        d=s.recv(65536)
        if not d: break
        b+=d
    return b
# canary
c=socket.create_connection(("127.0.0.1",port)); readline(c)
lat=[]; stop=False
def canary():
    while not stop:
        t=time.perf_counter(); c.sendall(b"PING\n"); r=readline(c); lat.append((time.perf_counter()-t)*1000); time.sleep(0.005)
ok=[0]
def hs(k):
    s=socket.create_connection(("127.0.0.1",port)); readline(s); s.sendall(f"KEY {k}\n".encode())
    if readline(s).startswith(b"READY"): ok[0]+=1
    s.close()
# baseline
ct=threading.Thread(target=canary); ct.start(); time.sleep(1); base=list(lat); lat.clear()
t0=time.time(); ts=[threading.Thread(target=hs,args=(k,)) for k in keys]; [t.start() for t in ts]; [t.join() for t in ts]; dur=time.time()-t0
stop=True; ct.join()
q=lambda xs,p: sorted(xs)[min(len(xs)-1,int(len(xs)*p))]
print(f"{mode}: {ok[0]}/200 READY in {dur:.2f}s; canary idle p50 {q(base,.5):.2f} ms; during burst n={len(lat)} p50 {q(lat,.5):.1f} p99 {q(lat,.99):.1f} max {max(lat):.1f} ms")
