#!/usr/bin/env bash
# End-to-end test of editors/vscode in a real VS Code (code-server 4.99.4 in headless Chromium):
# installs what it needs (install.sh), builds domxml and the .vsix with the binary inside,
# installs it into a fresh code-server profile, opens tests/editors/fixtures/demo.xml and checks
# through the VS Code UI that diagnostics, hover and completion arrive from `domxml lsp`.
#   tests/editors/vscode/run.sh                 # debug build of domxml
#   DOMXML_BIN=target/release/domxml tests/editors/vscode/run.sh
#   DOMXML_SCREENSHOTS=editors/vscode/images tests/editors/vscode/run.sh   # refresh the README images
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD
here=tests/editors/vscode

eval "$(bash $here/install.sh | sed -n 's/^code-server: /CODE_SERVER=/p; s/^playwright-core: /PLAYWRIGHT_CORE=/p')"
export CODE_SERVER PLAYWRIGHT_CORE

if [ -z "${DOMXML_BIN:-}" ]; then
  cargo build -q -p domxml --locked
  DOMXML_BIN=$repo/target/debug/domxml
fi
DOMXML_BIN=$(realpath "$DOMXML_BIN")
"$DOMXML_BIN" --version

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
(
  cd editors/vscode
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi
  rm -f domxml-*.vsix
  npm run -s package:bundled -- --binary "$DOMXML_BIN" >/dev/null
)
VSIX=$(ls "$repo"/editors/vscode/domxml-*.vsix)
export VSIX
echo "vsix: $VSIX ($(du -h "$VSIX" | cut -f1))"

work=$(mktemp -d "${TMPDIR:-/tmp}/domxml-vscode-test.XXXXXX")
trap 'status=$?; if [ $status -eq 0 ] && [ -z "${DOMXML_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work (logs, failure screenshots)"; fi' EXIT
export WORK=$work
mkdir -p "$work/user/User" "$work/extensions" "$work/workspace"
cp tests/editors/fixtures/demo.xml tests/editors/fixtures/not-libvirt.xml "$work/workspace/"
: > "$work/workspace/vm.xml"   # a new, empty file
# a second copy of the server, for domxml.server.path; and a binary that is not domxml
mkdir -p "$work/bin" && cp "$DOMXML_BIN" "$work/bin/domxml"
printf '#!/bin/sh\necho "not a language server"\n' > "$work/bin/other" && chmod +x "$work/bin/other"
cat > "$work/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "editor.minimap.enabled": false,
  "editor.fontSize": 14,
  "editor.hover.delay": 100,
  "window.commandCenter": false,
  "workbench.colorTheme": "Default Dark Modern",
  "chat.commandCenter.enabled": false,
  "domxml.trace.server": "messages"
}
JSON
"$CODE_SERVER" --user-data-dir "$work/user" --extensions-dir "$work/extensions" --install-extension "$VSIX" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; exit 1; }

node $here/test.mjs
