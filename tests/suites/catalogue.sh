#!/usr/bin/env bash
# The built-in catalogue's documentation against libvirt's corpus (needs ../shared; a visible
# skip without it, a failure under CI): documented defaults against what libvirt writes back,
# and stated limits against the values of documents libvirt accepts and its error messages.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/catalogue/defaults.py
python3 tests/catalogue/limits.py
# The limits check must be able to fail: a limit that the corpus breaks is caught.
if [ -d ../shared/libvirt-11.3.0/corpus/domain ] &&
    python3 tests/catalogue/limits.py --check-limit 'address@function=0..3' >/dev/null; then
    echo "limits.py did not catch a wrong limit (<address function> 0..3)"
    exit 1
fi
