#!/usr/bin/env python3
"""Latency and memory benchmarks of `domxml lsp`, measured from a client process over stdio.

    python3 bench/lsp_bench.py [--bin target/release/domxml] [--schema PATH] [--iterations N]

Reports (milliseconds):
  - keystroke -> publishDiagnostics latency (p50, p99) on a ~10 KB and a ~1 MB domain;
  - completion and hover request latency (p50, p99) on the 10 KB domain;
  - cold start: process spawn -> first publishDiagnostics of a domain (built-in catalogue, and
    libvirt's full schema when --schema is given or found under /work/shared);
  - resident memory (VmRSS) with 20 documents of ~10 KB open.
Never run as a test: numbers depend on the machine.
"""

import argparse
import json
import os
import pathlib
import subprocess
import threading
import time
import queue

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_SCHEMA = pathlib.Path("/work/shared/libvirt-11.3.0/schemas/domain.rng")


class Client:
    def __init__(self, binary, init_options=None, encodings=("utf-16",)):
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.responses = {}
        self.notifications = queue.Queue()
        self.cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()
        self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": None,
            "capabilities": {
                "general": {"positionEncodings": list(encodings)},
                "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}},
            },
            "initializationOptions": init_options or {},
        })
        self.notify("initialized", {})

    def _reader(self):
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                c = out.read(1)
                if not c:
                    return
                header += c
            length = int([l for l in header.decode().split("\r\n") if l.lower().startswith("content-length")][0].split(":")[1])
            msg = json.loads(out.read(length))
            now = time.perf_counter()
            if "id" in msg and "method" not in msg:
                with self.cond:
                    self.responses[msg["id"]] = (now, msg)
                    self.cond.notify_all()
            elif "method" in msg and "id" in msg:
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            else:
                self.notifications.put((now, msg))

    def _send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            while rid not in self.responses:
                self.cond.wait(30)
            return self.responses.pop(rid)[1].get("result")

    def wait_diagnostics(self, uri, version, timeout=60):
        deadline = time.perf_counter() + timeout
        while True:
            t, msg = self.notifications.get(timeout=max(0.01, deadline - time.perf_counter()))
            if msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                if p["uri"] == uri and p.get("version") == version:
                    return t, p["diagnostics"]

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "xml", "version": version, "text": text}})

    def change(self, uri, version, line, col_start, col_end, text):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col_start}, "end": {"line": line, "character": col_end}}, "text": text}],
        })

    def rss_kib(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def close(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(5)
        except Exception:
            self.proc.kill()


def domain_of_size(target_bytes):
    """A valid domain padded with disks to about `target_bytes`."""
    base = (ROOT / "tests" / "lsp" / "data" / "domain.xml").read_text()
    head, tail = base.split("    <console")
    disks = []
    size = len(base)
    i = 0
    while size < target_bytes:
        dev = "vd" + "".join(chr(ord("a") + d) for d in digits26(i + 1))
        d = (f"    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2' cache='none'/>\n"
             f"      <source file='/var/lib/libvirt/images/disk{i}.qcow2'/>\n      <target dev='{dev}' bus='virtio'/>\n    </disk>\n")
        disks.append(d)
        size += len(d)
        i += 1
    return head + "".join(disks) + "    <console" + tail


def digits26(n):
    out = []
    while n > 0:
        n, r = divmod(n - 1, 26)
        out.append(r)
    return reversed(out)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def keystrokes(binary, text, iterations, label):
    c = Client(binary)
    uri = f"file:///bench/{label}.xml"
    c.open(uri, text)
    c.wait_diagnostics(uri, 1)
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if "<name>" in l)
    col = lines[line].index("web1") + 4
    lat = []
    version = 1
    for i in range(iterations):
        version += 1
        t0 = time.perf_counter()
        if i % 2 == 0:
            c.change(uri, version, line, col, col, "x")
        else:
            c.change(uri, version, line, col, col + 1, "")
        t1, _ = c.wait_diagnostics(uri, version)
        lat.append((t1 - t0) * 1000)
    c.close()
    return lat


def requests(binary, text, iterations):
    c = Client(binary)
    uri = "file:///bench/req.xml"
    c.open(uri, text)
    c.wait_diagnostics(uri, 1)
    lines = text.split("\n")
    wline = next(i for i, l in enumerate(lines) if "<watchdog" in l)
    wcol = lines[wline].index("action='") + len("action='")
    mline = next(i for i, l in enumerate(lines) if "<memballoon" in l)
    mcol = lines[mline].index("memballoon") + 2
    comp, hov = [], []
    for _ in range(iterations):
        t0 = time.perf_counter()
        r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": wline, "character": wcol}})
        comp.append((time.perf_counter() - t0) * 1000)
        assert r and r["items"], r
        t0 = time.perf_counter()
        r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": mline, "character": mcol}})
        hov.append((time.perf_counter() - t0) * 1000)
        assert r, r
    c.close()
    return comp, hov


def cold_start(binary, text, options):
    c = Client(binary, init_options=options)
    uri = "file:///bench/cold.xml"
    c.open(uri, text)
    t, diags = c.wait_diagnostics(uri, 1)
    ms = (t - c.t_spawn) * 1000
    c.close()
    return ms, len(diags)


def memory(binary, text, n=20):
    c = Client(binary)
    for i in range(n):
        uri = f"file:///bench/mem{i}.xml"
        c.open(uri, text)
        c.wait_diagnostics(uri, 1)
    kib = c.rss_kib()
    c.close()
    return kib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "domxml"))
    ap.add_argument("--schema", default=str(DEFAULT_SCHEMA) if DEFAULT_SCHEMA.exists() else None)
    ap.add_argument("--iterations", type=int, default=500)
    a = ap.parse_args()
    small = domain_of_size(10 * 1024)
    big = domain_of_size(1024 * 1024)
    print(f"documents: {len(small)} bytes and {len(big)} bytes")
    for label, text, n in [("10KB", small, a.iterations), ("1MB", big, max(50, a.iterations // 5))]:
        lat = keystrokes(a.bin, text, n, label)
        print(f"keystroke->diagnostics {label}: p50 {percentile(lat, 50):.2f} ms, p99 {percentile(lat, 99):.2f} ms (n={n})")
    comp, hov = requests(a.bin, small, a.iterations)
    print(f"completion 10KB: p50 {percentile(comp, 50):.3f} ms, p99 {percentile(comp, 99):.3f} ms")
    print(f"hover 10KB: p50 {percentile(hov, 50):.3f} ms, p99 {percentile(hov, 99):.3f} ms")
    runs = [cold_start(a.bin, small, {}) for _ in range(5)]
    print(f"cold start (built-in catalogue) -> first diagnostics: best {min(r[0] for r in runs):.1f} ms, median {sorted(r[0] for r in runs)[2]:.1f} ms")
    if a.schema:
        runs = [cold_start(a.bin, small, {"domxml": {"schema": {"path": a.schema}}}) for _ in range(5)]
        print(f"cold start ({a.schema}) -> first diagnostics: best {min(r[0] for r in runs):.1f} ms, median {sorted(r[0] for r in runs)[2]:.1f} ms, {runs[0][1]} diagnostics")
    print(f"resident memory, 20 documents of {len(small)} bytes open: {memory(a.bin, small) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
