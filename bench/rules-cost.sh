#!/usr/bin/env bash
# What libvirt's rules (crates/libvirt/src/rules/) add to `domxml check` over the corpus,
# side by side: the same run with every rule on, and with every rule switched off by
# `--disable` (then the rules engine reads nothing). Counted in instructions with callgrind, which
# repeats to the instruction on a busy machine where wall time does not; prints both counts and
# the ratio. The issue's target: the rules add < 10%.
# Usage: bench/rules-cost.sh [CORPUS_DIR]   (BIN=path/to/domxml skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/libvirt-11.3.0/corpus/domain}
command -v valgrind >/dev/null || { echo "valgrind missing (apt-get install valgrind)" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then cargo build --release -q -p domxml; fi
bin=${BIN:-target/release/domxml}
mapfile -t files < <(ls "$corpus"/*.xml)
# Every rule code, from the one list of codes.
mapfile -t codes < <(grep -oE '= \("[a-z0-9-]+", (Generic|Qemu),' crates/libvirt/src/rules/codes.rs |
  grep -oE '"[a-z0-9-]+"' | tr -d '"')
[ "${#codes[@]}" -gt 0 ] || { echo "no rule codes found in codes.rs" >&2; exit 2; }
disable=()
for c in "${codes[@]}"; do disable+=(--disable "$c"); done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# `domxml check` runs one worker per CPU it may use (std's available_parallelism reads the
# affinity mask): pinned to one CPU it checks the files in order on one thread, and the counts
# repeat exactly. Without taskset the threads share schema memos and the totals vary a little.
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$(taskset -cp $$ | grep -oE '[0-9]+' | tail -1)"); fi
count() { # name, extra args -> instructions of one run over the corpus ($vg: valgrind options)
  local name=$1
  shift
  "${pin[@]}" valgrind --tool=callgrind ${vg:-} --callgrind-out-file="$out/$name.cg" \
    "$bin" check --schema builtin "$@" "${files[@]}" >/dev/null 2>"$out/$name.err" || true
  grep -oE 'Collected : [0-9]+' "$out/$name.err" | grep -oE '[0-9]+$'
}
with=$(count with)
without=$(count without "${disable[@]}")
own=$(vg=--toggle-collect=domxml_libvirt::rules::check count own)
# With rules on, the parser records each document's element table for them
# (`parse_with_elements`); without, it parses plainly: the difference is the recording's cost.
parse_with=$(vg=--toggle-collect=domxml_syntax::parse_with_elements count parse_with)
parse_without=$(vg=--toggle-collect=domxml_syntax::parse count parse_without "${disable[@]}")
# The same in JSON, where a finding is one short object: what the checks cost without the
# drawing of source snippets for their findings.
with_json=$(count with_json --format json)
without_json=$(count without_json --format json "${disable[@]}")
echo "${#files[@]} files from $corpus, ${#codes[@]} rule codes"
printf '  without rules %14d instructions\n' "$without"
printf '  with rules    %14d instructions\n' "$with"
printf '  the rules add %.1f%%\n' "$(echo "($with - $without) * 100 / $without" | bc -l)"
printf '  --format json: without %d, with %d: the rules add %.1f%%\n' "$without_json" \
  "$with_json" "$(echo "($with_json - $without_json) * 100 / $without_json" | bc -l)"
printf '  rules::check  %14d instructions (%.1f%% of the run without rules)\n' "$own" \
  "$(echo "$own * 100 / $without" | bc -l)"
printf '  recording the element table while parsing: %d instructions (%d with, %d without)\n' \
  "$((parse_with - parse_without))" "$parse_with" "$parse_without"
# "with - without" also counts reporting the findings (source snippets, help lines); the last
# line compares the rules' own work with everything else the run does.
printf '  rules::check is %.1f%% of the run with rules minus rules::check (%d)\n' \
  "$(echo "$own * 100 / ($with - $own)" | bc -l)" "$((with - own))"
