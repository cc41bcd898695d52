#!/usr/bin/env bash
# Remakes the seed corpora committed in fuzz/corpus/ from the samples and the
# shipped data, with a new test-only token key: its public half is written
# to fuzz/keys/token_public.pem, its private half signs the seed tokens and is
# deleted. Review the changes and commit them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${OSTEOFLOW_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build_dir" -G Ninja -DOSTEOFLOW_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target osteoflow-fuzz-seeds

keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
openssl ecparam -genkey -name prime256v1 -noout -out "$keys/private.pem"
mkdir -p fuzz/keys
openssl ec -in "$keys/private.pem" -pubout -out fuzz/keys/token_public.pem 2>/dev/null
rm -rf fuzz/corpus
ASAN_OPTIONS=detect_leaks=0 "$build_dir/fuzz/osteoflow-fuzz-seeds" fuzz/corpus "$keys/private.pem"
echo "fuzz-seeds: $(find fuzz/corpus -type f | wc -l) seeds in fuzz/corpus/"
