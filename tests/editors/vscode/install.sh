#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, idempotently, into $DOMXML_EDITORS_CACHE
# (default ~/.cache/domxml-editors): code-server 4.99.4 and playwright-core from npm, and
# Debian's chromium (driven headless through playwright-core) plus ripgrep (which code-server's
# @vscode/ripgrep postinstall would otherwise download from GitHub).
set -euo pipefail
CODE_SERVER_VERSION=4.99.4
PLAYWRIGHT_VERSION=1.65.1
cache=${DOMXML_EDITORS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/domxml-editors}
mkdir -p "$cache"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
  echo "install.sh: Node.js >= 20 with npm is needed (code-server $CODE_SERVER_VERSION, @vscode/vsce 3); found: $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || need+=(libkrb5-dev)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "apt: installing ${need[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

export npm_config_dangerously_allow_all_scripts=true npm_config_unsafe_perm=true npm_config_yes=true
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
# native modules (kerberos, ...) are built with node-gyp, which would download Node's headers from
# nodejs.org (unreachable): use the installed ones
if [ -z "${npm_config_nodedir:-}" ] && [ -e /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

cs="$cache/code-server-$CODE_SERVER_VERSION"
if [ ! -x "$cs/node_modules/.bin/code-server" ]; then
  # @vscode/ripgrep's postinstall looks in $TMPDIR/vscode-ripgrep-cache-<version> before
  # downloading from GitHub (unreachable here): seed it with Debian's rg.
  tmp=${TMPDIR:-/tmp}
  rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache"
  for triple in x86_64-unknown-linux-musl; do
    tarball="$rgcache/ripgrep-v13.0.0-10-$triple.tar.gz"
    [ -s "$tarball" ] || tar czf "$tarball" -C "$(dirname "$(command -v rg)")" rg
  done
  echo "npm: installing code-server@$CODE_SERVER_VERSION into $cs (a few minutes)"
  rm -rf "$cs.tmp" && mkdir -p "$cs.tmp"
  (cd "$cs.tmp" && echo '{"private":true}' > package.json && npm install --no-save "code-server@$CODE_SERVER_VERSION" >install.log 2>&1) \
    || { tail -40 "$cs.tmp/install.log"; exit 1; }
  rm -rf "$cs" && mv "$cs.tmp" "$cs"
fi

pw="$cache/playwright-core-$PLAYWRIGHT_VERSION"
if [ ! -e "$pw/node_modules/playwright-core/package.json" ]; then
  echo "npm: installing playwright-core@$PLAYWRIGHT_VERSION into $pw"
  rm -rf "$pw" && mkdir -p "$pw"
  (cd "$pw" && echo '{"private":true}' > package.json && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null)
fi
echo "code-server: $cs/node_modules/.bin/code-server"
echo "playwright-core: $pw/node_modules/playwright-core"
