#!/usr/bin/env bash
# The test command: installs what is missing, builds, then runs every test and
# check (unit, integration, contract lint and breaking-change check, deployment
# checks) with ctest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/build.sh
# The fuzz targets: built by clang in build-fuzz/ once the main build is done
# (never both at once), each run for a bounded time, before the main tests so
# that their summary ends the output (docs/testing.md, "Fuzzing").
scripts/fuzz.sh
ctest --test-dir "${OSTEOFLOW_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" --timeout 300
