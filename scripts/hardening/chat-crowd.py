#!/usr/bin/env python3
"""An established chat's message round trip while crowds attack the chat's crypto work.

One chat (a real 2048-bit key, every message sealed and opened as PROTOCOL.md section 5 says)
sends a message and waits for the echo, again and again, while:
  distinct: 200 connections at once each send KEY with a distinct 4096-bit modulus;
  prime:    20 connections send, over and over, KEY with a 4096-bit modulus that is prime.
Prints the chat's round trip (p50, p99, max) quiet and under each attack, and what the crowd heard.

Server: dotnet run -c Release --project src/Server -- --set service=chat --set chat.responder=echo \
          --set clients-limit=500 --set timeout=off --port PORT
Usage:  python3 scripts/hardening/chat-crowd.py PORT [SECONDS]   (needs python3-cryptography)
"""
import base64, os, secrets, socket, struct, sys, threading, time
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.stdout.reconfigure(line_buffering=True)
PORT = int(sys.argv[1])
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10
OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)

def lines(sock):
    buffer = b""
    while True:
        while b"\n" not in buffer:
            data = sock.recv(65536)
            if not data:
                return
            buffer += data
        line, buffer = buffer.split(b"\n", 1)
        yield line.decode()

def der_public(modulus, exponent=65537):
    return rsa.RSAPublicNumbers(exponent, modulus).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

def aad(direction, seq):
    return b"chat/1" + direction + struct.pack(">Q", seq)

class Chat:
    def __init__(self):
        self.key = rsa.generate_private_key(65537, 2048)
        self.sock = socket.create_connection(("127.0.0.1", PORT))
        self.read = lines(self.sock)
        hello = next(self.read).split()
        self.server = serialization.load_der_public_key(base64.b64decode(hello[2]))
        self.sock.sendall(b"KEY " + base64.b64encode(der_public(self.key.public_key().public_numbers().n)) + b"\n")
        assert next(self.read) == "READY"
        self.seq = 1

    def round_trip(self, text):
        k, n = secrets.token_bytes(32), secrets.token_bytes(12)
        a = aad(b"C", self.seq)
        wrapped = self.server.encrypt(k, OAEP)
        cipher = AESGCM(k).encrypt(n, text.encode(), a)
        signature = self.key.sign(a + wrapped + n + cipher, PSS, hashes.SHA256())
        fields = " ".join(base64.b64encode(f).decode() for f in (wrapped, n, cipher, signature))
        started = time.perf_counter()
        self.sock.sendall(f"MSG {self.seq} {fields}\n".encode())
        reply = next(self.read)
        elapsed = (time.perf_counter() - started) * 1000
        if not reply.startswith("MSG "):
            raise RuntimeError(f"the chat got {reply!r}")
        _, seq, wrapped, n, cipher, _ = reply.split()
        k = self.key.decrypt(base64.b64decode(wrapped), OAEP)
        assert AESGCM(k).decrypt(base64.b64decode(n), base64.b64decode(cipher), aad(b"S", int(seq))).decode() == "echo: " + text
        self.seq += 1
        return elapsed

SMALL_PRIMES = [p for p in range(3, 744) if all(p % d for d in range(2, int(p ** .5) + 1))]

def odd_modulus(bits=4096):
    # Distinct, odd, full-size, with no small factor: what the server's checks ask of a modulus.
    while True:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if all(n % p for p in SMALL_PRIMES):
            return n

def prime_modulus(bits=4096):
    from cryptography.hazmat.primitives.asymmetric import rsa as r
    # The p of a fresh 8192-bit key is a 4096-bit prime.
    return r.generate_private_key(65537, 2 * bits).private_numbers().p

def handshake(modulus, heard):
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=30) as s:
            read = lines(s)
            next(read)
            s.sendall(b"KEY " + base64.b64encode(der_public(modulus)) + b"\n")
            reply = next(read, "closed")
            heard[reply.split(":")[0]] = heard.get(reply.split(":")[0], 0) + 1
    except OSError as e:
        heard[type(e).__name__] = heard.get(type(e).__name__, 0) + 1

def measure(chat, seconds):
    times, end = [], time.time() + seconds
    while time.time() < end:
        times.append(chat.round_trip("still there?"))
    times.sort()
    return f"n={len(times)} p50 {times[len(times) // 2]:.1f} ms, p99 {times[int(len(times) * .99)]:.1f} ms, max {times[-1]:.1f} ms"

def main():
    chat = Chat()
    print("quiet:   ", measure(chat, 2))

    moduli = [odd_modulus() for _ in range(200)]
    heard = {}
    crowd = [threading.Thread(target=handshake, args=(m, heard)) for m in moduli]
    for t in crowd:
        t.start()
    print("distinct:", measure(chat, SECONDS), "; the crowd heard", heard)
    for t in crowd:
        t.join()

    prime = prime_modulus()
    heard, stop = {}, threading.Event()
    def repeat():
        while not stop.is_set():
            handshake(prime, heard)
    repeaters = [threading.Thread(target=repeat) for _ in range(20)]
    for t in repeaters:
        t.start()
    print("prime:   ", measure(chat, SECONDS), "; the repeaters heard", heard)
    stop.set()
    for t in repeaters:
        t.join()

main()
