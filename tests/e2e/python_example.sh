#!/usr/bin/env bash
# The Python client example against the harness: scripts/harness.sh up on
# free loopback ports with fresh trial secrets, natively or (--containers)
# as docker-compose.yml in containers, then examples/python/pipeline.py
# (Debian's python3 with python3-grpcio) takes a sample patient through
# enrolment, the test clock, a logged week and an advance to week 2 over
# mutual TLS with tokens; `harness.sh clock advance` reaches all four; then
# down. In containers it needs root and the
# image (scripts/build-image.sh), and exits 77 (skipped) where containers
# cannot run.
#
# Usage: tests/e2e/python_example.sh BUILD_DIR [--native|--containers]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir=$(cd "${1:?usage: $0 BUILD_DIR [--native|--containers]}" && pwd)
mode=${2:---native}
export OSTEOFLOW_BUILD_DIR=$build_dir
[[ -d $build_dir/examples/python/osteoflow ]] || { echo "no generated Python code in $build_dir/examples/python" >&2; exit 1; }
/usr/bin/python3 -c 'import grpc' 2>/dev/null || { echo "python3-grpcio is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

if [[ $mode == --containers ]]; then
  source scripts/containers.sh
  containers_required "$project_image" "$redis_image"
fi

# shellcheck source=tests/e2e/suite_ports.sh
source tests/e2e/suite_ports.sh
harness_workspace "python${mode#--}"

harness_up_on_free_ports "$work" "$mode"
[[ $mode == --native ]] || grep -q "up in containers" "$work/up.txt" || { cat "$work/up.txt" >&2; exit 1; }
/usr/bin/python3 examples/python/pipeline.py --generated="$build_dir/examples/python" \
  --clinician-token="$(scripts/harness.sh token clinician)" \
  --operator-token="$(scripts/harness.sh token operator)" | tee "$work/pipeline.txt"
grep -q "^advanced to week 2" "$work/pipeline.txt"
# The kit's own clock command reaches every service the same way in both modes.
scripts/harness.sh clock advance 1d >"$work/clock.txt"
for service in progress screening scheduling catalog; do
  grep -q "\"$service\"" "$work/clock.txt" || { echo "clock advance did not reach $service: $(cat "$work/clock.txt")" >&2; exit 1; }
done
