#!/usr/bin/env bash
# One process per file, as an editor hook, pre-commit or `virsh dumpxml | domxml check -` runs
# it: start-up (loading or compiling the schema, discovery) is most of the time. Runs domxml
# in three modes and `xmllint --noout --relaxng domain.rng` on the same files, alternating
# tool by tool per round so drift in the machine's load hits all alike, and prints the mean
# per file and the ratio of each mode to xmllint (best round of ROUNDS, default 5).
#   builtin : domxml check --schema builtin (the catalogue compiled at build time)
#   dir     : domxml check --schema SCHEMAS (host schemas, compiled once into the cache)
#   default : domxml check (discovery: environment, host directories, else builtin)
# Usage: bench/one-file.sh [N_FILES] [SCHEMAS_DIR] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
schemas=$(realpath "${2:-../shared/libvirt-11.3.0/schemas}")
corpus=${3:-../shared/libvirt-11.3.0/corpus/domain}
rounds=${ROUNDS:-5}
[ -f "$schemas/domain.rng" ] || { echo "no $schemas/domain.rng" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
# BIN=path/to/domxml times a binary already built (e.g. target/release/domxml).
if [ -z "${BIN:-}" ]; then cargo build --profile profiling -q -p domxml; fi
bin=${BIN:-target/profiling/domxml}
mapfile -t files < <(ls "$corpus"/*.xml | head -n "$n")
echo "${#files[@]} files from $corpus, one process each; best of $rounds rounds"
# Warm the host-schema cache once (a first run compiles and stores it).
"$bin" check --schema "$schemas" "${files[0]}" >/dev/null 2>&1 || true

run() { # mode -> runs every file once
  local f
  case $1 in
    builtin) for f in "${files[@]}"; do "$bin" check --schema builtin "$f" >/dev/null 2>&1 || true; done ;;
    dir) for f in "${files[@]}"; do "$bin" check --schema "$schemas" "$f" >/dev/null 2>&1 || true; done ;;
    # Unset in a subshell, not by `env -u` per file: that would time an extra exec.
    default) (unset DOMXML_SCHEMA_PATH; for f in "${files[@]}"; do "$bin" check "$f" >/dev/null 2>&1 || true; done) ;;
    xmllint) for f in "${files[@]}"; do xmllint --noout --relaxng "$schemas/domain.rng" "$f" >/dev/null 2>&1 || true; done ;;
  esac
}

declare -A best
modes=(builtin dir default xmllint)
for _ in $(seq "$rounds"); do
  for m in "${modes[@]}"; do
    s=$(date +%s%N); run "$m"; e=$(date +%s%N)
    t=$(( (e - s) / ${#files[@]} ))
    if [ -z "${best[$m]:-}" ] || [ "$t" -lt "${best[$m]}" ]; then best[$m]=$t; fi
  done
done
x=${best[xmllint]}
printf '  %-8s %8.2f ms/file\n' xmllint "$(echo "$x / 1000000" | bc -l)"
for m in builtin dir default; do
  printf '  %-8s %8.2f ms/file  xmllint/domxml = %.2fx\n' "$m" \
    "$(echo "${best[$m]} / 1000000" | bc -l)" "$(echo "$x / ${best[$m]}" | bc -l)"
done
