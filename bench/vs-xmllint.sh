#!/usr/bin/env bash
# Times `domxml check --schema <libvirt schemas dir>` against `xmllint --noout --relaxng
# domain.rng` over the same corpus files and prints the ratios (best of 3 runs each).
#
# The main comparison runs each tool once over all the files: both compile the schema once and
# validate every file. domxml checks files on every core and xmllint uses one, so the same run
# is also reported with domxml pinned to one core, and as CPU time (user + sys) of each.
# PER_FILE=N adds a run of each tool once per file over the first N files (both then compile
# the schema for every file: that measures start-up and schema compilation, not validation).
# Usage: bench/vs-xmllint.sh [SCHEMAS_DIR] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
schemas=${1:-../shared/libvirt-11.3.0/schemas}
corpus=${2:-../shared/libvirt-11.3.0/corpus/domain}
[ -f "$schemas/domain.rng" ] || { echo "no $schemas/domain.rng" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
cargo build --release -q -p domxml
files=("$corpus"/*.xml)
echo "corpus: ${#files[@]} files from $corpus; schemas: $schemas; $(nproc) cores"

# best_of_3 command... : sets $wall (best wall time) and $cpu (user + sys of that run), seconds.
best_of_3() {
  local best= best_cpu= t
  for _ in 1 2 3; do
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1 || true; } 2>&1 | tail -1)
    read -r r u s <<<"$t"
    if [ -z "$best" ] || [ "$(echo "$r < $best" | bc -l)" = 1 ]; then
      best=$r
      best_cpu=$(echo "$u + $s" | bc -l)
    fi
  done
  wall=$best cpu=$best_cpu
}

ratio() { printf '%.2fx' "$(echo "$1 / $2" | bc -l)"; }

each_file() { # tool args... -- runs the tool once per file of $per_file_set
  local f
  for f in "${per_file_set[@]}"; do "$@" "$f" >/dev/null 2>&1 || true; done
}

best_of_3 target/release/domxml check --schema "$schemas" "${files[@]}"
d_wall=$wall d_cpu=$cpu
one_core=
if command -v taskset >/dev/null; then
  best_of_3 taskset -c 0 target/release/domxml check --schema "$schemas" "${files[@]}"
  d1_wall=$wall one_core=1
fi
best_of_3 xmllint --noout --relaxng "$schemas/domain.rng" "${files[@]}"
x_wall=$wall x_cpu=$cpu

echo "one process over all files:"
printf '  domxml check --schema            : %.3f s wall, %.3f s cpu\n' "$d_wall" "$d_cpu"
[ -n "$one_core" ] && printf '  domxml check --schema (one core) : %.3f s wall\n' "$d1_wall"
printf '  xmllint --relaxng                : %.3f s wall, %.3f s cpu\n' "$x_wall" "$x_cpu"
echo "  ratio (xmllint/domxml) wall     : $(ratio "$x_wall" "$d_wall")"
[ -n "$one_core" ] && echo "  ratio (xmllint/domxml) one core : $(ratio "$x_wall" "$d1_wall")"
echo "  ratio (xmllint/domxml) cpu      : $(ratio "$x_cpu" "$d_cpu")"

if [ -n "${PER_FILE:-}" ]; then
  per_file_set=("${files[@]:0:$PER_FILE}")
  best_of_3 each_file target/release/domxml check --schema "$schemas"
  pd_wall=$wall
  best_of_3 each_file xmllint --noout --relaxng "$schemas/domain.rng"
  px_wall=$wall
  echo "one process per file (${#per_file_set[@]} files):"
  printf '  domxml check --schema : %.3f s\n' "$pd_wall"
  printf '  xmllint --relaxng     : %.3f s\n' "$px_wall"
  echo "  ratio (xmllint/domxml): $(ratio "$px_wall" "$pd_wall")"
fi
