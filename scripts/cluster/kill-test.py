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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from writers import check_boards, post as post_to  # one client and one check for every cluster script

def post(port, tag, text):
    return post_to(("127.0.0.1", port), tag, text)

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

    reference, lost, twice, failures = check_boards([("127.0.0.1", port) for port in args.ports], acked)
    print(f"boards read from ports {args.ports}: {len(reference)} notes; lost {len(lost)}, stored twice {twice}")
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)

main()
