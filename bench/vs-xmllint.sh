#!/usr/bin/env bash
# Times `domxml check --schema <libvirt schemas dir>` against `xmllint --noout --relaxng
# domain.rng` over the same corpus files, side by side in one run, and prints the ratio.
# Both tools compile the schema once and validate every file (best of 3 runs each).
# Usage: bench/vs-xmllint.sh [SCHEMAS_DIR] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
schemas=${1:-../shared/libvirt-11.3.0/schemas}
corpus=${2:-../shared/libvirt-11.3.0/corpus/domain}
[ -f "$schemas/domain.rng" ] || { echo "no $schemas/domain.rng" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
cargo build --release -q -p domxml
files=("$corpus"/*.xml)
echo "corpus: ${#files[@]} files from $corpus; schemas: $schemas"

best_of_3() { # command... ; prints the best wall time in seconds
  local best=
  for _ in 1 2 3; do
    local start end t
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

domxml=$(best_of_3 target/release/domxml check --schema "$schemas" "${files[@]}")
xmllint=$(best_of_3 xmllint --noout --relaxng "$schemas/domain.rng" "${files[@]}")
printf 'domxml check --schema : %.3f s\n' "$domxml"
printf 'xmllint --relaxng      : %.3f s\n' "$xmllint"
printf 'ratio (xmllint/domxml) : %.2fx\n' "$(echo "$xmllint / $domxml" | bc -l)"
