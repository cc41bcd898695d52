#!/usr/bin/env bash
# Benchmarks the progress event feed with the whole suite started here on
# 127.0.0.1 (a durable store Redis: append-only, fsync on every write) and
# prints, from one run:
#   LogSession raising an event (an item at pain 6: pain.reported, so the
#               change's script also appends to the outbox and the relay
#               copies it to the feed) against LogSession raising none (pain
#               0) on the same server, interleaved rounds;
#   delivery latency: 1 and 8 writers logging such sessions while a watcher
#               follows the feed; p50 and p99 of the log's own call, of send
#               to receipt and of answer to receipt.
# Builds nothing.
#
# Usage: bench/run_events_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional): CONCURRENCY=1,8 DURATION=3s ROUNDS=3 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"

require_built "${suite_binaries[@]}" bench/osteoflow-event-latency

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# Thousands of logs into a few programmes: the record limits raised in a copy.
start_suite "$(rules_without_record_limits)"

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
programs=()
for writer in 1 2 3 4 5 6 7 8; do
  enrol="{\"requestId\":\"bench-events-$writer\",\"startDate\":\"2026-11-23\",\"intake\":${intake/\"patientId\": \"sample-osteopenia-01\"/\"patientId\": \"bench-writer-$writer\"},\"preferences\":$preferences}"
  program_json="$("$(bin tools/osteoflow-call)" --target="$progress_address" \
    --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="$enrol")"
  programs+=("$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)")
done
exercise="$(grep -m 1 -o '"exercise": "exercises/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
program=${programs[0]}
log_request() {
  echo "{\"program\":\"$program\",\"requestId\":\"bench\",\"session\":{\"date\":\"2026-11-23\",\"items\":[{\"exercise\":\"$exercise\",\"repsPerSet\":[10],\"effort\":6,\"pain\":$1}]}}"
}

echo "osteoflow event feed benchmark at commit $(measured_commit)"
echo "progress $progress_address, store redis 127.0.0.1:$store_port (appendfsync always)"

# request_id is field 2 of LogSessionRequest.
run_load log_with_event --method=osteoflow.progress.v1.ProgressService/LogSession \
  --request_json="$(log_request 6)" --baseline_request_json="$(log_request 0)" --unique_field=2 \
  --label="LogSession raising pain.reported (baseline: raising nothing)" \
  --cpu_of="store=$store_pid,progress=$progress_pid"

echo
echo "Delivery: a watcher of pain.reported while writers log (a programme each), ${DURATION:-3s} per writer count"
"$(bin bench/osteoflow-event-latency)" --target="$progress_address" --exercise="$exercise" \
  --programs="$(IFS=,; echo "${programs[*]}")" --duration="${DURATION:-3s}" | tee "$run_dir/latency.txt" || status=1
exit "$status"
