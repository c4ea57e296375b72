#!/usr/bin/env bash
# Debian packages the test suites use as oracles: xmllint (libxml2-utils).
set -euo pipefail
need=()
command -v xmllint >/dev/null || need+=(libxml2-utils)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
