#!/usr/bin/env bash
# The built-in catalogue's documented defaults against what libvirt writes back in the
# corpus's output documents (needs ../shared; a visible skip without it, a failure under CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/catalogue/defaults.py
