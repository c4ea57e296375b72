#!/usr/bin/env python3
"""Does the server's cost follow the edit or the document? Typing latency over document size.

    python3 bench/lsp_typing.py [--bin target/release/domxml] [--sizes 10K,100K,1M,5M] [--rounds N]

For generated domains of ~10 KB, 100 KB, 1 MB and 5 MB (disks padding <devices>), types a new
device line into <devices> one character per incremental didChange (then deletes it again with
backspaces), and measures keystroke -> publishDiagnostics (p50, p99). The server may publish a
large document's diagnostics twice per change: at once (syntax, schema, and the rules' earlier
findings moved through the edit), then with the rules' fresh findings, followed by the
`domxml/diagnosticsComplete` notification. So each size is typed twice: once sending the next
key as soon as the first publish arrives (keystroke -> first publish, while the rules may still
run for older text), once waiting for the fresh findings before the next key (keystroke -> fresh). Then completion and hover
near the top and near the end of the 1 MB domain, and a hover sent right after a large change
of a 10 MB domain. Every figure is also printed as a ratio to the 10 KB case (or to the top of
the document): a server whose cost follows the edit keeps them near 1.
Never run as a test: numbers depend on the machine.
"""

import argparse
import pathlib
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lsp_bench import ROOT, Client, domain_of_size, percentile  # noqa: E402

LINE = "<watchdog model='i6300esb' action='reset'/>"
SIZES = {"10K": 10 * 1024, "100K": 100 * 1024, "1M": 1024 * 1024, "5M": 5 * 1024 * 1024, "10M": 10 * 1024 * 1024}


def wait_complete(c, uri, version, timeout=300):
    """When the server said the diagnostics of `version` include the rules' fresh findings."""
    deadline = time.perf_counter() + timeout
    while True:
        t, msg = c.notifications.get(timeout=max(0.01, deadline - time.perf_counter()))
        p = msg.get("params") or {}
        if msg.get("method") == "domxml/diagnosticsComplete" and p.get("uri") == uri and p.get("version") == version:
            return t


def typing(binary, text, rounds, label, fresh=False):
    """Latencies (ms) of each keystroke typing LINE on a new line after <devices>, then deleting it:
    to the first publish, or (`fresh`) to the publish with the rules' findings for that text."""
    c = Client(binary)
    uri = f"file:///bench/typing-{label}.xml"
    c.open(uri, text)
    wait_complete(c, uri, 1)
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if l.strip() == "<devices>") + 1
    lat = []
    version = 1

    def key(col_start, col_end, insert, on_line=line):
        nonlocal version
        version += 1
        t0 = time.perf_counter()
        c.change(uri, version, on_line, col_start, col_end, insert)
        t1 = wait_complete(c, uri, version) if fresh else c.wait_diagnostics(uri, version, timeout=300)[0]
        lat.append((t1 - t0) * 1000)

    for _ in range(rounds):
        # A new line: "\n" at the start of the line after <devices>, then indentation.
        key(0, 0, "    \n")
        for i, ch in enumerate(LINE):
            key(4 + i, 4 + i, ch)
        for i in range(len(LINE), 0, -1):
            key(4 + i - 1, 4 + i, "")
        # Join the empty line back.
        version += 1
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": ""}],
        })
        wait_complete(c, uri, version)
    c.close()
    return lat


def positions(text):
    """(name, line, col) of completion and hover targets near the top and near the end."""
    lines = text.split("\n")
    vline = next(i for i, l in enumerate(lines) if "<vcpu placement=" in l)
    vcol = lines[vline].index("placement='") + len("placement='")
    wline = next(i for i, l in enumerate(lines) if "<watchdog" in l)
    wcol = lines[wline].index("action='") + len("action='")
    return {"top": (vline, vcol), "end": (wline, wcol)}


def requests(binary, text, iterations):
    c = Client(binary)
    uri = "file:///bench/requests.xml"
    c.open(uri, text)
    c.wait_diagnostics(uri, 1, timeout=300)
    out = {}
    for where, (line, col) in positions(text).items():
        comp, hov = [], []
        for _ in range(iterations):
            t0 = time.perf_counter()
            r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
            comp.append((time.perf_counter() - t0) * 1000)
            assert r and r["items"], r
            t0 = time.perf_counter()
            r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col - 3}})
            hov.append((time.perf_counter() - t0) * 1000)
            assert r, r
        out[where] = (comp, hov)
    c.close()
    return out


def hover_during_change(binary, text, iterations):
    """A hover sent right after a change of a large document: how long it waits."""
    c = Client(binary)
    uri = "file:///bench/huge.xml"
    c.open(uri, text)
    c.wait_diagnostics(uri, 1, timeout=600)
    line, col = positions(text)["top"]
    lat = []
    lines = text.split("\n")
    dline = next(i for i, l in enumerate(lines) if l.strip() == "<devices>") + 1
    version = 1
    for i in range(iterations):
        version += 1
        # An unbalanced "<" makes the edit expensive: the tree around it is rebuilt.
        insert = "<" if i % 2 == 0 else ""
        end = 0 if i % 2 == 0 else 1
        c.change(uri, version, dline, 0, end, insert)
        t0 = time.perf_counter()
        c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col - 3}})
        lat.append((time.perf_counter() - t0) * 1000)
        c.wait_diagnostics(uri, version, timeout=600)
    c.close()
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "domxml"))
    ap.add_argument("--sizes", default="10K,100K,1M,5M")
    ap.add_argument("--rounds", type=int, default=3, help="times the line is typed and deleted per size")
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--huge", default="10M", help="size for the hover-during-change case ('' to skip)")
    ap.add_argument("--only-requests", action="store_true", help="only completion and hover at the top and the end of the 1M domain")
    a = ap.parse_args()
    if a.only_requests:
        a.sizes, a.huge = "", ""
    base = {}
    if a.sizes:
        print(f"typing {LINE!r} into <devices> ({2 * len(LINE) + 1} keystrokes per round)")
    for label in filter(None, a.sizes.split(",")):
        text = domain_of_size(SIZES[label])
        rounds = a.rounds if SIZES[label] < SIZES["5M"] else max(1, a.rounds // 3)
        for fresh, what in ((False, "first publish"), (True, "fresh rules  ")):
            lat = typing(a.bin, text, rounds, label, fresh)
            p50, p99 = percentile(lat, 50), percentile(lat, 99)
            b50, b99 = base.setdefault(fresh, (p50, p99))
            print(f"  {label:>5} ({len(text):>8} B): keystroke->{what} p50 {p50:7.2f} ms ({p50 / b50:5.1f}x), "
                  f"p99 {p99:7.2f} ms ({p99 / b99:5.1f}x), n={len(lat)}")
    big = domain_of_size(SIZES["1M"])
    res = requests(a.bin, big, a.requests)
    print(f"requests on the 1M domain ({len(big)} B), n={a.requests}:")
    top = {k: percentile(v, 50) for k, v in zip(("completion", "hover"), res["top"])}
    for where in ("top", "end"):
        for kind, lat in zip(("completion", "hover"), res[where]):
            p50 = percentile(lat, 50)
            print(f"  {kind:>10} at the {where}: p50 {p50:7.3f} ms ({p50 / top[kind]:5.1f}x the top), p99 {percentile(lat, 99):7.3f} ms")
    if a.huge:
        text = domain_of_size(SIZES[a.huge])
        lat = hover_during_change(a.bin, text, 10)
        print(f"hover sent during a change of the {a.huge} domain ({len(text)} B): p50 {percentile(lat, 50):.1f} ms, max {max(lat):.1f} ms")


if __name__ == "__main__":
    main()
