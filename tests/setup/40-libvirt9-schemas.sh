#!/usr/bin/env bash
# libvirt 9.0's schemas (Debian bookworm's libvirt0) for the schema crate's second corpus
# fidelity test; cached under target/. Not fatal: without them that test skips with a message.
cd "$(dirname "$0")/../.."
tests/fetch-libvirt-9.sh >/dev/null 2>&1 || echo "libvirt 9.0 schemas unavailable (apt-get download libvirt0 failed): corpus_libvirt9 will skip"
exit 0
