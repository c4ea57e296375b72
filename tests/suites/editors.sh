#!/usr/bin/env bash
# Editor plugins end to end, with the real `domxml lsp`:
# - Neovim 0.11 headless (tests/editors/nvim/test.lua): always.
# - Neovim 0.11 in a terminal (tests/editors/nvim/demo.sh: the omnifunc menu, virtual text, K
#   hover as drawn on screen in tmux): always (tmux comes from tests/setup/30-editors.sh).
# - VS Code (code-server + headless Chromium, tests/editors/vscode/run.sh): unless
#   DOMXML_TEST_VSCODE=0 (it installs code-server and chromium on first use: ~5 min in all on a
#   clean machine, ~1.5 min afterwards).
set -uo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p domxml --locked || exit 1
bin=$PWD/target/debug
nvim=target/editors-venv/bin/nvim
[ -x "$nvim" ] || bash tests/setup/30-editors.sh || exit 1

status=0
echo "-- neovim: $("$nvim" --version | head -1)"
# vim.lsp.enable (0.11), setup() on 0.11, and setup()'s 0.10 path (FileType autocmd + vim.lsp.start)
for how in enable setup autocmd; do
  PATH="$bin:$PATH" DOMXML_NVIM_SETUP=$how timeout 300 "$nvim" --headless --clean -l tests/editors/nvim/test.lua || status=1
done
PATH="$bin:$PATH" NVIM=$nvim timeout 120 bash tests/editors/nvim/demo.sh || status=1

if [ "${DOMXML_TEST_VSCODE:-1}" != 0 ]; then
  echo "-- vscode (code-server)"
  DOMXML_BIN=$bin/domxml timeout 900 bash tests/editors/vscode/run.sh || status=1
else
  echo "-- vscode: skipped (DOMXML_TEST_VSCODE=0)"
fi
exit $status
