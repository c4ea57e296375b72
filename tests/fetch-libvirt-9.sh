#!/usr/bin/env bash
# Fetches libvirt 9.0's RELAX NG schemas from Debian bookworm's libvirt0 package (through apt,
# the ordinary client) and extracts them into a cache directory, for the schema crate's second
# corpus fidelity test. Idempotent: does nothing when the cache is already there.
# Usage: tests/fetch-libvirt-9.sh [CACHE_DIR]   (default: target/libvirt-9.0)
# Prints the schemas directory; the test finds it at the default path or via
# DOMXML_LIBVIRT9_SCHEMAS.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${1:-target/libvirt-9.0}
schemas="$cache/usr/share/libvirt/schemas"
if [ -f "$schemas/domain.rng" ]; then
  echo "$schemas"
  exit 0
fi
mkdir -p "$cache/download"
(
  cd "$cache/download"
  rm -f libvirt0_*.deb
  apt-get download libvirt0 >/dev/null
)
deb=$(ls "$cache"/download/libvirt0_*.deb | head -n 1)
dpkg -x "$deb" "$cache"
test -f "$schemas/domain.rng"
echo "$schemas"
