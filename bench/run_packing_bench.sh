#!/usr/bin/env bash
# What the store dictionary costs in time: a progress that packs with the
# dictionary built in (store_packing=zstd-dictionary, the default) against a
# twin that packs as before (zstd with no dictionary, large values only), on
# the same store Redis and the same peers, in interleaved rounds:
#   LogSession   a fresh request_id per call: the log packed and stored with
#                fsync (with the dictionary a log is packed; before, it was
#                not). Both log into one programme in the shared store.
# The baseline ("twin") packs without the dictionary: "QPS / baseline" is
# with-dictionary throughput over without. Builds nothing.
#
# Usage: bench/run_packing_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional): CONCURRENCY=1,8 DURATION=3s ROUNDS=5 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
ROUNDS=${ROUNDS:-5}
bench_settings "${1:-}"
require_built "${suite_binaries[@]}"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

bench_rules="$(rules_without_record_limits)"
start_suite "$bench_rules"
start_server progress_plain services/progress/osteoflow-progress \
  --progression_rules_file="$bench_rules" --store_address="127.0.0.1:$store_port" \
  --screening_address="$screening_address" --scheduling_address="$scheduling_address" --store_packing=zstd
"$(bin tools/osteoflow-health)" --target="$progress_plain_address" --service=osteoflow.progress.v1.ProgressService \
  --wait=20s >/dev/null || die "progress packing without the dictionary at $progress_plain_address is not ready"

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
enrol_request="{\"requestId\":\"bench-setup\",\"startDate\":\"2026-11-23\",\"intake\":$intake,\"preferences\":$preferences}"
program_json="$("$(bin tools/osteoflow-call)" --target="$progress_address" \
  --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="$enrol_request")"
program="$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
[[ -n $program ]] || die "the enrolment answered no programme"
exercise="$(grep -m 1 -o '"exercise": "exercises/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
log_request="{\"program\":\"$program\",\"requestId\":\"bench\",\"session\":{\"date\":\"2026-11-23\",\"items\":[{\"exercise\":\"$exercise\",\"repsPerSet\":[10,10],\"effort\":5,\"pain\":0}]}}"

commit="$(measured_commit)"
echo "osteoflow store-packing benchmark at commit $commit"
echo "with the dictionary: progress $progress_address; without: $progress_plain_address; store redis 127.0.0.1:$store_port"

run_load log_session --target="$progress_address" --baseline_twin="$progress_plain_address" \
  --method=osteoflow.progress.v1.ProgressService/LogSession --request_json="$log_request" \
  --unique_field=2 --label="LogSession: dictionary / none"

stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results at commit $commit (median of $ROUNDS interleaved rounds of ${DURATION:-3s}; the baseline packs without the dictionary):"
echo
grep -h -m 2 '^|' "$run_dir/log_session.txt" || true
grep '^|' "$run_dir/log_session.txt" | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
