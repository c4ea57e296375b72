#!/usr/bin/env python3
"""Renders terminal captures (`tmux capture-pane -e -p`, SGR colours) as one HTML page.

    ansi2html.py OUT.html TITLE1 CAPTURE1.txt [TITLE2 CAPTURE2.txt ...]

Used by tests/editors/nvim/demo.sh to make the README still of Neovim (screenshot by Chromium).
"""
import html
import re
import sys

BASE16 = [
    "#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
    "#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea",
]
DEFAULT_FG, DEFAULT_BG = "#e0e2ea", "#14161b"


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def render(text):
    state = {"fg": None, "bg": None, "bold": False, "italic": False, "underline": False, "reverse": False}
    out = []

    def apply(params):
        codes = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                state.update(fg=None, bg=None, bold=False, italic=False, underline=False, reverse=False)
            elif c == 1:
                state["bold"] = True
            elif c == 3:
                state["italic"] = True
            elif c == 4:
                state["underline"] = True
            elif c == 7:
                state["reverse"] = True
            elif c == 22:
                state["bold"] = False
            elif c == 23:
                state["italic"] = False
            elif c == 24:
                state["underline"] = False
            elif c == 27:
                state["reverse"] = False
            elif 30 <= c <= 37:
                state["fg"] = BASE16[c - 30]
            elif 90 <= c <= 97:
                state["fg"] = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                state["bg"] = BASE16[c - 40]
            elif 100 <= c <= 107:
                state["bg"] = BASE16[c - 100 + 8]
            elif c == 39:
                state["fg"] = None
            elif c == 49:
                state["bg"] = None
            elif c in (38, 48) and i + 1 < len(codes):
                key = "fg" if c == 38 else "bg"
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    state[key] = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    state[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
            i += 1

    def span(chunk):
        if not chunk:
            return
        fg, bg = state["fg"] or DEFAULT_FG, state["bg"]
        if state["reverse"]:
            fg, bg = (bg or DEFAULT_BG), fg
        style = [f"color:{fg}"]
        if bg:
            style.append(f"background:{bg}")
        if state["bold"]:
            style.append("font-weight:bold")
        if state["italic"]:
            style.append("font-style:italic")
        if state["underline"]:
            style.append("text-decoration:underline")
        out.append(f'<span style="{";".join(style)}">{html.escape(chunk)}</span>')

    pos = 0
    for m in SGR.finditer(text):
        span(text[pos:m.start()])
        apply(m.group(1))
        pos = m.end()
    span(text[pos:])
    return "".join(out)


def main():
    out, pairs = sys.argv[1], sys.argv[2:]
    blocks = []
    for title, path in zip(pairs[0::2], pairs[1::2]):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().rstrip("\n")
        blocks.append(f'<figure><figcaption>{html.escape(title)}</figcaption><pre>{render(text)}</pre></figure>')
    page = f"""<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; padding: 12px; background: #0b0c0f; font-family: 'DejaVu Sans', sans-serif; }}
figure {{ margin: 0 0 12px 0; display: inline-block; vertical-align: top; }}
figcaption {{ color: #c5c8c6; font-size: 13px; margin: 0 0 4px 2px; }}
pre {{ margin: 0; padding: 6px; background: {DEFAULT_BG}; color: {DEFAULT_FG};
      font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 13px; line-height: 1.25; }}
</style><body>{''.join(blocks)}</body>"""
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
