#!/usr/bin/env bash
# Python test client for the end-to-end LSP suite: pytest + pytest-lsp in a venv under
# target/ (idempotent; a no-op when the pinned versions are already installed).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/lsp-venv
want="pytest-lsp==1.0.1"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("pytest-lsp") != "1.0.1")' 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "$want" pytest pytest-asyncio
