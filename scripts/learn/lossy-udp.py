#!/usr/bin/env python3
# Usage: python3 scripts/learn/lossy-udp.py PORT   (docs/LEARN.md, "Loss and retries")
# A UDP "network" that loses every first try: it drops a request the first time it sees it and
# answers the second (as the sum server would), to show the client's --tries and --wait at work.
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
seen = set()
while True:
    data, peer = s.recvfrom(2048)
    line = data.decode().strip()
    tag, _, body = line.partition(" ") if line.startswith("@") else ("", "", line)
    print(f"{time.strftime('%H:%M:%S')} got {line!r}: {'answered' if line in seen else 'dropped'}", flush=True)
    if line in seen:
        a, b = body.split()
        s.sendto(f"{tag} {int(a) + int(b)}\n".encode(), peer)
    seen.add(line)
