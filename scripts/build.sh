#!/usr/bin/env bash
# Configures and builds into build/ (or $OSTEOFLOW_BUILD_DIR): every binary and
# test, or only the targets named (the image builds only what it ships).
# Usage: scripts/build.sh [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${OSTEOFLOW_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
targets=()
(($# == 0)) || targets=(--target "$@")
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
