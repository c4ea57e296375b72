#!/usr/bin/env bash
# Neovim with domxml in a real terminal (tmux): types "<" inside <devices> and asks for completion
# with <C-x><C-o> (the LSP omnifunc), then hovers <memory> with K, and checks what the screen shows.
# With DOMXML_SCREENSHOTS=dir it also renders both screens into dir/nvim-demo.png (Chromium).
#   PATH=target/debug:$PATH NVIM=target/editors-venv/bin/nvim tests/editors/nvim/demo.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD
nvim=${NVIM:-nvim}
command -v tmux >/dev/null || { echo "SKIP - nvim UI demo: tmux is not installed"; exit 0; }
command -v domxml >/dev/null || { echo "FAIL - nvim UI demo: no domxml on PATH"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/domxml-nvim-demo.XXXXXX")
sock=$work/nvim.sock
tmux_sock=domxml-demo-$$
cleanup() { tmux -L "$tmux_sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
cp tests/editors/fixtures/demo.xml "$work/demo.xml"
cat > "$work/init.lua" <<LUA
vim.opt.runtimepath:prepend('$repo/editors/nvim')
vim.o.termguicolors = true
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.completeopt = 'menuone,noselect,popup'
vim.o.pumheight = 8
vim.o.laststatus = 2
function _G.domxml_statusline()
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'domxml' })[1]
  return client and ('domxml ' .. ((client.server_info or {}).version or '')) or 'no server'
end
vim.o.statusline = ' %f %= %{v:lua.domxml_statusline()} '
vim.diagnostic.config({ virtual_text = true, update_in_insert = true })
vim.lsp.enable('domxml')
LUA

remote() { timeout 5 "$nvim" --server "$sock" --remote-expr "$1" 2>/dev/null; }
screen() { tmux -L "$tmux_sock" capture-pane -p -e -t demo; }
keys() { tmux -L "$tmux_sock" send-keys -t demo "$@"; }
wait_screen() { # pattern what
  for _ in $(seq 1 100); do
    if screen | sed 's/\x1b\[[0-9;:]*m//g' | grep -q -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL - nvim UI demo: timed out waiting for $2; the screen:"
  screen | sed 's/\x1b\[[0-9;:]*m//g'
  exit 1
}

tmux -L "$tmux_sock" -f /dev/null new-session -d -s demo -x 100 -y 25 \
  "env TERM=tmux-256color COLORTERM=truecolor $nvim --clean -u $work/init.lua --listen $sock $work/demo.xml"
tmux -L "$tmux_sock" set-option -g default-terminal tmux-256color >/dev/null
for _ in $(seq 1 100); do
  [ "$(remote 'luaeval("#vim.lsp.get_clients({bufnr=0,name=[[domxml]]})")')" = 1 ] && break
  sleep 0.1
done
[ "$(remote 'luaeval("#vim.lsp.get_clients({bufnr=0,name=[[domxml]]})")')" = 1 ] \
  || { echo "FAIL - nvim UI demo: domxml did not attach"; exit 1; }
sleep 0.5

# 1. a schema error shown as virtual text, then completion in insert mode
keys 4G 'A' '    <bogus/>' Escape
wait_screen 'unknown element <bogus>' 'the schema diagnostic on <bogus/>'
keys 14G 'cc' '    <' C-x C-o
wait_screen 'interface' 'the completion menu with <interface>'
keys Down Down Down
sleep 1
screen > "$work/completion.txt"
keys C-e Escape u u
sleep 0.3
keys ':' C-u "echo ''" Enter

# 2. hover with K
keys 3G '0' 'fm' 'K'
wait_screen 'RAM given' 'the hover window of <memory>'
sleep 0.3
screen > "$work/hover.txt"
echo "ok   - nvim UI: omnifunc completion menu (<C-x><C-o>), diagnostics as virtual text, hover with K"

if [ -n "${DOMXML_SCREENSHOTS:-}" ]; then
  mkdir -p "$DOMXML_SCREENSHOTS"
  python3 tests/editors/ansi2html.py "$work/demo.html" \
    'Neovim 0.11: <C-x><C-o> after "<" inside <devices>; a schema error as virtual text' "$work/completion.txt" \
    'K over <memory>' "$work/hover.txt"
  ${CHROMIUM:-chromium} --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars --window-size=860,895 \
    --screenshot="$DOMXML_SCREENSHOTS/nvim-demo.png" "file://$work/demo.html" >/dev/null 2>&1
  echo "#      wrote $DOMXML_SCREENSHOTS/nvim-demo.png"
fi
