#!/usr/bin/env python3
"""Writers for the cluster scenarios of netns.sh, and the checks that follow them.

  writers.py write --nodes HOST:PORT[,...] --log FILE [--writers 4] [--prefix P]
      POSTs notes until SIGTERM, as our client does: one connection per POST, one board-wide tag
      per note, and a note not acknowledged (refused, ERR storage, ERR busy, no answer) sent again,
      same tag and text, through the next node. Every OK is appended to FILE as
      "<monotonic seconds> <node> <id> <tag> <text>".

  writers.py check --log FILE [--log FILE ...] --events FILE --boards HOST:PORT[,...]
                   [--isolated HOST:PORT --isolated-log FILE] [--max-gap S] [--gap-from EVENT]
      Reads the boards and checks: every node that answers serves the same board; ids are 1..N
      without a gap; every acknowledged note is on it with its id; no text is stored twice; the
      longest pause between two acknowledgements from EVENT on (default the first event) is at most
      S seconds; and, with --isolated, the node cut off or paused answered no OK once the
      majority's store had written (its first OK through another node more than 1 s after the
      first event). Prints one line of figures; exits 1 if a check fails.

The events file has one "<monotonic seconds> <name>" line per event (netns.sh writes it; every
network namespace shares the machine's monotonic clock).
"""
import argparse, signal, socket, sys, threading, time, uuid


def endpoints(text):
    return [(host, int(port)) for host, port in (item.rsplit(":", 1) for item in text.split(",") if item)]


def post(node, tag, text):
    # A node cut off takes no connection at all: give up on it after 2 s and try the next, as a
    # client with fallbacks would, so that the pauses measured are the cluster's, not the connect's.
    with socket.create_connection(node, timeout=2) as s:
        s.settimeout(15)
        s.sendall(f"@{tag} POST {text}\n".encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace").strip()


def board(node):
    with socket.create_connection(node, timeout=20) as s:
        s.settimeout(20)
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


def write(args):
    nodes = endpoints(args.nodes)
    prefix = args.prefix or uuid.uuid4().hex[:10]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    counter = [0]
    log = open(args.log, "a", buffering=1)

    def writer(w):
        while not stop.is_set():
            with lock:
                counter[0] += 1
                n = counter[0]
            tag, text = f"{prefix}{n:08d}", f"{prefix} note {n} by writer {w}"
            attempt = 0
            while not stop.is_set():
                node = nodes[(n + attempt) % len(nodes)]
                try:
                    reply = post(node, tag, text)
                except OSError:
                    reply = ""
                parts = reply.split()
                if len(parts) == 3 and parts[1] == "OK":
                    with lock:
                        log.write(f"{time.monotonic():.3f} {node[0]}:{node[1]} {parts[2]} {tag} {text}\n")
                    break
                attempt += 1
                time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(1, args.writers + 1)]
    for t in threads:
        t.start()
    while not stop.is_set():
        stop.wait(0.2)
    # A POST under way may wait for its answer up to its timeout; what it gets then is not counted.
    for t in threads:
        t.join(timeout=16)
    log.close()


def read_oks(path):
    oks = []
    with open(path) as f:
        for line in f:
            at, node, note_id, tag, text = line.rstrip("\n").split(" ", 4)
            oks.append((float(at), node, int(note_id), tag, text))
    return oks


def check_boards(nodes, acknowledged):
    """Reads the board from every node that answers and checks it against acknowledged (tag -> (id, text)).
    Returns the board, the tags lost, how many texts are stored twice, and what failed."""
    failures = []
    boards = {}
    for node in nodes:
        try:
            boards[f"{node[0]}:{node[1]}"] = board(node)
        except (OSError, ValueError, IndexError):
            pass
    if not boards:
        failures.append("no node answers GET")
    reference = next(iter(boards.values()), {})
    for name, notes in boards.items():
        if notes != reference:
            failures.append(f"{name} serves another board than {next(iter(boards))}")
    if sorted(reference) != list(range(1, len(reference) + 1)):
        failures.append("ids are not 1..N without a gap")
    lost = [tag for tag, (note_id, text) in acknowledged.items() if reference.get(note_id) != text]
    if lost:
        failures.append(f"{len(lost)} acknowledged notes are not on the board as acknowledged (first: {lost[0]})")
    texts = list(reference.values())
    twice = len(texts) - len(set(texts))
    if twice:
        failures.append(f"{twice} notes stored twice")
    return reference, lost, twice, failures


def check(args):
    events = []
    with open(args.events) as f:
        for line in f:
            at, name = line.split(" ", 1)
            events.append((float(at), name.strip()))
    oks = sorted(ok for path in args.log for ok in read_oks(path))
    isolated_oks = read_oks(args.isolated_log) if args.isolated_log else []
    failures = []

    acknowledged = {}
    for _, _, note_id, tag, text in oks + isolated_oks:
        if acknowledged.setdefault(tag, (note_id, text)) != (note_id, text):
            failures.append(f"{tag} acknowledged with two ids")
    reference, lost, twice, board_failures = check_boards(endpoints(args.boards), acknowledged)
    failures += board_failures

    start = next((at for at, name in events if name == args.gap_from), None) if args.gap_from else (events[0][0] if events else None)
    figures = [f"{len(reference)} notes on the board, {len(acknowledged)} acknowledged, lost {len(lost)}, stored twice {twice}"]
    if start is not None:
        around = [ok[0] for ok in oks if ok[0] > start - 1]
        pairs = list(zip(around, around[1:]))
        gap, gap_at = max(((b - a, a) for a, b in pairs), default=(float("inf"), start))
        figures.append(f"writes paused {gap:.1f} s at most (from {gap_at - start:+.1f} s after '{args.gap_from or events[0][1]}')")
        if args.max_gap is not None and gap > args.max_gap:
            failures.append(f"writes paused {gap:.1f} s, more than {args.max_gap} s")
    if args.isolated and events:
        first = events[0][0]
        majority = [ok[0] for ok in oks if ok[1] != args.isolated and ok[0] > first + 1]
        new_store_wrote = majority[0] if majority else float("inf")
        late = [ok for ok in isolated_oks if ok[0] >= new_store_wrote]
        last = max((ok[0] for ok in isolated_oks if ok[0] > first), default=None)
        figures.append(f"the isolated node's last OK {'none after the event' if last is None else f'{last - first:+.1f} s'}, "
                       f"the majority's first write {new_store_wrote - first:+.1f} s after it")
        if late:
            failures.append(f"the isolated node answered {len(late)} OKs after the majority's store had written")
    print("; ".join(figures))
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("--nodes", required=True)
    w.add_argument("--log", required=True)
    w.add_argument("--writers", type=int, default=4)
    w.add_argument("--prefix")
    c = sub.add_parser("check")
    c.add_argument("--log", action="append", required=True)
    c.add_argument("--events", required=True)
    c.add_argument("--boards", required=True)
    c.add_argument("--isolated")
    c.add_argument("--isolated-log")
    c.add_argument("--max-gap", type=float)
    c.add_argument("--gap-from")
    args = parser.parse_args()
    write(args) if args.command == "write" else check(args)


if __name__ == "__main__":
    main()
