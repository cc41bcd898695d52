#!/usr/bin/env bash
# One Redis against a Redis Cluster (three primaries, each with
# CLUSTER_REPLICAS replicas, default 1; the same durability: append-only,
# fsync on every write), in one run, interleaved:
#   LogSession               a progress whose store is the cluster against one
#                            whose store is one Redis (a fresh request_id per
#                            call, so each call is one durable write);
#   BuildWeeklyPlan (cached) a scheduling whose cache is the cluster against
#                            one whose cache is one Redis, both with no
#                            in-process copies, so every call reads Redis.
# Both progress services take the same enrolment (same programme name) and
# share catalog and screening. The baseline is the one-Redis twin: "QPS /
# baseline" is cluster throughput over one-Redis throughput. With
# CLUSTER_REPLICAS=0 the difference at 1 in flight is what the routing layer
# (slot map, per-node connections) and a cluster-mode Redis add to a call;
# with replicas, also what replicating each write costs on the same machine.
# Builds nothing.
#
# Usage: bench/run_topology_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional): CLUSTER_REPLICAS=1 CONCURRENCY=1,8 DURATION=3s ROUNDS=5 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
ROUNDS=${ROUNDS:-5}
bench_settings "${1:-}"
require_built "${suite_binaries[@]}"
command -v redis-cli >/dev/null || die "redis-cli is not installed (scripts/setup.sh installs it)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

bench_rules="$(rules_without_record_limits)"
start_suite "$bench_rules"
start_cluster --appendonly yes --appendfsync always --maxmemory-policy noeviction
scheduling_plain=$scheduling_address
start_server scheduling_single services/scheduling/osteoflow-scheduling \
  --plan_rules_file="$repo_root/services/scheduling/data/plan_rules.json" --cache_address="127.0.0.1:$cache_port" \
  --catalog_address="$catalog_address" --screening_address="$screening_address" --cache_memory_bytes=0
start_server scheduling_cluster services/scheduling/osteoflow-scheduling \
  --plan_rules_file="$repo_root/services/scheduling/data/plan_rules.json" --cache_address="$cluster_address" \
  --catalog_address="$catalog_address" --screening_address="$screening_address" --cache_memory_bytes=0
start_server progress_cluster services/progress/osteoflow-progress \
  --progression_rules_file="$bench_rules" --store_address="$cluster_address" \
  --screening_address="$screening_address" --scheduling_address="$scheduling_plain"
for target in "$scheduling_single_address" "$scheduling_cluster_address"; do
  "$(bin tools/osteoflow-health)" --target="$target" --service=osteoflow.scheduling.v1.SchedulingService \
    --wait=20s >/dev/null || die "scheduling at $target is not ready"
done
"$(bin tools/osteoflow-health)" --target="$progress_cluster_address" --service=osteoflow.progress.v1.ProgressService \
  --wait=20s >/dev/null || die "progress on the cluster at $progress_cluster_address is not ready"

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
enrol_request="{\"requestId\":\"bench-setup\",\"startDate\":\"2026-11-23\",\"intake\":$intake,\"preferences\":$preferences}"
program=""
for target in "$progress_address" "$progress_cluster_address"; do
  program_json="$("$(bin tools/osteoflow-call)" --target="$target" \
    --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="$enrol_request")"
  name="$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
  [[ -n $name ]] || die "the enrolment at $target answered no programme"
  [[ -z $program || $program == "$name" ]] || die "the two enrolments named different programmes"
  program=$name
done
exercise="$(grep -m 1 -o '"exercise": "exercises/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
log_request="{\"program\":\"$program\",\"requestId\":\"bench\",\"session\":{\"date\":\"2026-11-23\",\"items\":[{\"exercise\":\"$exercise\",\"repsPerSet\":[10,10],\"effort\":5,\"pain\":0}]}}"

preview="$("$(bin tools/osteoflow-call)" --target="$screening_address" \
  --method=osteoflow.screening.v1.ScreeningService/ValidateIntake \
  --request_json="{\"intake\":$intake}" | sed '1d;$d' | sed '1s/^ *"preview": //')"
plan_request="{\"patientId\":\"bench-patient\",\"screeningResult\":$preview,\"preferences\":$preferences,
  \"weekStartDate\":\"2026-11-23\",\"weekIndex\":1}"

commit="$(measured_commit)"
echo "osteoflow topology benchmark at commit $commit"
echo "one Redis: store 127.0.0.1:$store_port, cache 127.0.0.1:$cache_port"
echo "cluster: $cluster_address (three primaries with ${CLUSTER_REPLICAS:-1} replica(s) each; store and cache both)"

run_load log_session --target="$progress_cluster_address" --baseline_twin="$progress_address" \
  --method=osteoflow.progress.v1.ProgressService/LogSession --request_json="$log_request" \
  --unique_field=2 --label="LogSession: cluster / one Redis"
run_load cached_plan --target="$scheduling_cluster_address" --baseline_twin="$scheduling_single_address" \
  --method=osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan --request_json="$plan_request" \
  --label="BuildWeeklyPlan (cached in Redis): cluster / one Redis"

stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results at commit $commit (median of $ROUNDS interleaved rounds of ${DURATION:-3s}; the baseline is the same service on one Redis):"
echo
grep -h -m 2 '^|' "$run_dir/log_session.txt" || true
cat "$run_dir/log_session.txt" "$run_dir/cached_plan.txt" | grep '^|' | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
