#!/usr/bin/env python3
"""Kills the notes store's node of a running cluster and checks that nothing was lost.

Usage: kill-test.py --kill PID [--writers 4] [--seconds 25] PORT [PORT ...]

Writers POST notes round-robin through the given TCP ports, one connection per POST, each note
with its own board-wide tag (as our client does). A note that is not acknowledged (refused
connection, ERR storage, no answer) is sent again, same tag and text, to the next port. After
3 s the script sends SIGKILL to PID. At the end it reads the board from every port that still
answers and checks: the boards agree, ids are 1..N without a gap, every acknowledged note is
there with its id, no text is stored twice. Prints the longest pause between two
acknowledgements (how long writes stopped) and exits 1 if any check fails.
"""
import argparse, os, signal, socket, sys, threading, time, uuid

def post(port, tag, text):
    with socket.create_connection(("127.0.0.1", port), timeout=12) as s:
        s.settimeout(12)
        s.sendall(f"@{tag} POST {text}\n".encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode().strip()

def board(port):
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.settimeout(15)
        s.sendall(b"GET\nQUIT\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    lines = data.decode().split("\n")
    count = int(lines[0].split()[2])
    notes = {}
    for line in lines[1:1 + count]:
        note_id, text = line.split(" ", 1)
        notes[int(note_id)] = text
    return notes

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kill", type=int, required=True)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("ports", type=int, nargs="+")
    args = parser.parse_args()
    prefix = uuid.uuid4().hex[:12]
    lock = threading.Lock()
    acked, oks, counter = {}, [], [0]
    retries = [0]
    start = time.monotonic()
    stop = threading.Event()

    def writer(w):
        while not stop.is_set():
            with lock:
                counter[0] += 1
                n = counter[0]
            tag, text = f"{prefix}{n:08d}", f"note {n} by writer {w}"
            attempt = 0
            while not stop.is_set():
                port = args.ports[(n + attempt) % len(args.ports)]
                try:
                    reply = post(port, tag, text)
                except OSError:
                    reply = ""
                parts = reply.split()
                if len(parts) == 3 and parts[1] == "OK":
                    with lock:
                        acked[tag] = (int(parts[2]), text)
                        oks.append(time.monotonic())
                    break
                with lock:
                    retries[0] += 1
                attempt += 1
                time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(1, args.writers + 1)]
    for t in threads:
        t.start()
    time.sleep(3)
    os.kill(args.kill, signal.SIGKILL)
    killed_at = time.monotonic()
    print(f"killed {args.kill} at {time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d}", flush=True)
    time.sleep(max(args.seconds - 3, 1))
    stop.set()
    for t in threads:
        t.join()

    times = sorted(oks)
    after = [t for t in times if t > killed_at]
    # How long writes stopped: the longest gap between two acknowledgements around and after the
    # kill (a note in flight at the kill may still be acknowledged by the dying store).
    around = [t for t in times if t > killed_at - 1]
    paused = max((b - a for a, b in zip(around, around[1:])), default=float("inf"))
    print(f"acknowledged {len(acked)} notes ({len(after)} after the kill), {retries[0]} tries retried")
    print(f"writes paused {paused:.1f} s (the longest gap between two OKs after the kill)")

    failures = []
    boards = {}
    for port in args.ports:
        try:
            boards[port] = board(port)
        except OSError:
            pass
    if not boards:
        failures.append("no port answers GET")
    reference = next(iter(boards.values()), {})
    for port, notes in boards.items():
        if notes != reference:
            failures.append(f"port {port} serves another board than port {next(iter(boards))}")
    if sorted(reference) != list(range(1, len(reference) + 1)):
        failures.append("ids are not 1..N without a gap")
    lost = [tag for tag, (note_id, text) in acked.items() if reference.get(note_id) != text]
    if lost:
        failures.append(f"{len(lost)} acknowledged notes are not on the board as acknowledged")
    texts = list(reference.values())
    twice = len(texts) - len(set(texts))
    if twice:
        failures.append(f"{twice} notes stored twice")
    print(f"boards read from ports {sorted(boards)}: {len(reference)} notes; lost {len(lost)}, stored twice {twice}")
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)

main()
