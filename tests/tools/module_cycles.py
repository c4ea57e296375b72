#!/usr/bin/env python3
"""Lists import cycles between the modules of each crate (`use crate::..`, `use super::..`,
`crate::x::` paths in code). A parent declaring a child (`mod x;`) is not an import. Exit 1 on
a cycle. Usage: tests/tools/module_cycles.py [crates/*]"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def modules(src: pathlib.Path):
    """module path (tuple) -> file"""
    out = {}
    for f in src.rglob("*.rs"):
        rel = f.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] in ("lib", "main"):
            parts = parts[:-1]
        elif parts[-1] == "mod":
            parts = parts[:-1]
        out[tuple(parts)] = f
    return out


def strip_tests(text: str) -> str:
    i = text.find("#[cfg(test)]")
    return text if i < 0 else text[:i]


def resolve(mods, here, path):
    """The longest module prefix of `path` (a list of segments) from module `here`."""
    segs = list(path)
    if not segs:
        return None
    if segs[0] == "crate":
        base, rest = (), segs[1:]
    elif segs[0] == "super":
        base = here[:-1]
        rest = segs[1:]
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
    elif segs[0] == "self":
        base, rest = here, segs[1:]
    else:
        return None
    best = base if base in mods else None
    cur = base
    for s in rest:
        cur = cur + (s,)
        if cur in mods:
            best = cur
        else:
            break
    return best


def graph(src):
    mods = modules(src)
    edges = {m: set() for m in mods}
    pat = re.compile(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
    for m, f in mods.items():
        text = strip_tests(f.read_text())
        for use in re.finditer(r"use\s+([^;]+);", text):
            body = use.group(1)
            head = body.split("{")[0].rstrip(":")
            heads = [head]
            if "{" in body and "}" in body:
                inner = body[body.index("{") + 1 : body.rindex("}")]
                for item in inner.split(","):
                    item = item.strip().split(" as ")[0]
                    if item and item != "self":
                        heads.append(head + "::" + item.split("::{")[0])
            for h in heads:
                t = resolve(mods, m, h.split("::"))
                if t is not None and t != m and not (m[: len(t)] == t):
                    edges[m].add(t)
        for p in pat.finditer(text):
            t = resolve(mods, m, p.group(1).split("::"))
            if t is not None and t != m and not (m[: len(t)] == t):
                edges[m].add(t)
    return edges


def cycles(edges):
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for t in sorted(edges.get(n, ())):
            if state.get(t) == 1:
                found.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def main():
    crates = sys.argv[1:] or sorted(str(p) for p in (ROOT / "crates").iterdir())
    bad = 0
    for c in crates:
        src = pathlib.Path(c) / "src"
        if not src.is_dir():
            continue
        for cyc in cycles(graph(src)):
            bad += 1
            print(f"{pathlib.Path(c).name}: " + " -> ".join("::".join(m) or "(root)" for m in cyc))
    print(f"module cycles: {bad}")
    sys.exit(1 if bad else 0)


main()
