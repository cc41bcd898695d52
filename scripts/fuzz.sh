#!/usr/bin/env bash
# The fuzz build and its bounded runs: configures build-fuzz/ (or
# $OSTEOFLOW_FUZZ_BUILD_DIR) with clang, libFuzzer and the address and
# undefined-behaviour sanitizers, builds the targets of fuzz/, then runs
# each one for OSTEOFLOW_FUZZ_SECONDS (default 30) from its committed seeds,
# and replays the inputs kept in fuzz/regressions/, through ctest (label
# fuzz). Longer on demand: OSTEOFLOW_FUZZ_SECONDS=600 scripts/fuzz.sh
# (extra ctest arguments pass through, e.g. -R bearer_token for one target).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${OSTEOFLOW_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${OSTEOFLOW_FUZZ_SECONDS:-30}
cmake -S . -B "$build_dir" -G Ninja -DOSTEOFLOW_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
OSTEOFLOW_FUZZ_SECONDS=$seconds ctest --test-dir "$build_dir" -L fuzz --output-on-failure -j"$(nproc)" \
  --timeout $((seconds + 300)) "$@"
