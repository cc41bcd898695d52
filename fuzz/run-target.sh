#!/usr/bin/env bash
# One bounded fuzz run, as a ctest test:
#   run-target.sh <fuzz binary> <seed corpus folder> <scratch folder>
# The seeds are copied into the scratch folder and the run works there, so
# the committed corpus is never written. It lasts OSTEOFLOW_FUZZ_SECONDS
# (default 30). A crash, a leak, undefined behaviour or an input slower than
# 60 s fails the test; the input is kept in the scratch folder and printed
# (base64) so that a run in CI can be replayed from its log.
set -euo pipefail
binary=$1 seeds=$2 scratch=$3
seconds=${OSTEOFLOW_FUZZ_SECONDS:-30}

rm -rf "$scratch"
mkdir -p "$scratch/corpus" "$scratch/findings"
cp -R "$seeds/." "$scratch/corpus/"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

status=0
"$binary" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$scratch/findings/" "$scratch/corpus" || status=$?
if ((status != 0)); then
  for finding in "$scratch"/findings/*; do
    [[ -e $finding ]] || continue
    echo "fuzz: finding $finding ($(stat -c %s "$finding") bytes), base64:"
    head -c 65536 "$finding" | base64 -w 120
  done
fi
exit "$status"
