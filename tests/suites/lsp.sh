#!/usr/bin/env bash
# End-to-end language-server tests: builds `domxml` (release) and drives `domxml lsp` with
# pytest-lsp using VS Code's and Neovim's client capabilities (tests/lsp/).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/setup/20-python.sh
cargo build --release --locked -p domxml
DOMXML_BIN="$PWD/target/release/domxml" target/lsp-venv/bin/python -m pytest -q -p no:cacheprovider tests/lsp "$@"
