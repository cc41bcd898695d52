#!/usr/bin/env bash
# What metrics cost: the same service twice in one run, one with its metrics
# endpoint on (every call counted, a scrape every second) and one with it off,
# measured in interleaved rounds against each other:
#   GetExercise  a catalog with metrics against a catalog without;
#   LogSession   (a fresh request_id per call, each stored with fsync) a
#                progress with metrics against a progress without, both on
#                the same store Redis and the same peers.
# The baseline ("twin") is the service without metrics: "QPS / baseline" is
# the metrics-on throughput divided by the metrics-off one.
# Builds nothing.
#
# Usage: bench/run_metrics_bench.sh [BUILD_DIR]    (default: <repo>/build)
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
trap 'kill "${scraper_pid:-}" 2>/dev/null || true; finish $?' EXIT

bench_rules="$(rules_without_record_limits)"
start_suite "$bench_rules"
start_server catalog_on services/catalog/osteoflow-catalog \
  --catalog_file="$repo_root/services/catalog/data/catalog.json" --metrics_address=127.0.0.1:0
start_server progress_on services/progress/osteoflow-progress \
  --progression_rules_file="$bench_rules" --store_address="127.0.0.1:$store_port" \
  --screening_address="$screening_address" --scheduling_address="$scheduling_address" --metrics_address=127.0.0.1:0
"$(bin tools/osteoflow-health)" --target="$progress_on_address" --service=osteoflow.progress.v1.ProgressService \
  --wait=20s >/dev/null || die "progress with metrics at $progress_on_address is not ready"
metrics_port_of() { grep -o '"metrics_port":[0-9]*' "$run_dir/$1.log" | head -n 1 | cut -d: -f2; }
catalog_metrics=$(metrics_port_of catalog_on)
progress_metrics=$(metrics_port_of progress_on)
[[ -n $catalog_metrics && -n $progress_metrics ]] || die "a service with metrics printed no metrics_port"

# A scraper as Prometheus would be, only more often: every second, both.
scrape() {
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 0
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  cat <&3
  exec 3<&-
}
( while true; do scrape "$catalog_metrics"; scrape "$progress_metrics"; sleep 1; done ) >/dev/null &
scraper_pid=$!

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
echo "osteoflow metrics-cost benchmark at commit $commit"
echo "metrics on: catalog $catalog_on_address (http :$catalog_metrics), progress $progress_on_address (http :$progress_metrics)"
echo "metrics off: catalog $catalog_address, progress $progress_address; store redis 127.0.0.1:$store_port"

run_load get_exercise --target="$catalog_on_address" --baseline_twin="$catalog_address" \
  --method=osteoflow.catalog.v1.CatalogService/GetExercise --request_json="{\"name\":\"$exercise\"}" \
  --label="GetExercise: metrics on / off"
run_load log_session --target="$progress_on_address" --baseline_twin="$progress_address" \
  --method=osteoflow.progress.v1.ProgressService/LogSession --request_json="$log_request" \
  --unique_field=2 --label="LogSession: metrics on / off"

kill "$scraper_pid" 2>/dev/null || true
scraped=$(scrape "$progress_metrics" | grep -c '^grpc_server_handled_total' || true)
stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "progress exposed $scraped grpc_server_handled_total series"
echo
echo "Results at commit $commit (median of $ROUNDS interleaved rounds of ${DURATION:-3s}; the baseline is the same service without metrics):"
echo
grep -h -m 2 '^|' "$run_dir/get_exercise.txt" || true
cat "$run_dir/get_exercise.txt" "$run_dir/log_session.txt" | grep '^|' | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
