#!/usr/bin/env bash
# Benchmarks the scheduling service, started here on 127.0.0.1 with its own
# cache Redis (no persistence, LRU) and the catalog, and prints the results
# with a Markdown table for the README. One run, one client (osteoflow-load):
#   cached BuildWeeklyPlan  against the echo with the same response size;
#   cached BuildWeeklyPlan  against a bare Redis GET of a value as large as the plan;
#   cached BuildWeeklyPlan  against the same call with patient_id fresh on
#                           every call (a miss: plan computed and cached).
# The screening result is given inline (screened once here by ValidateIntake).
# Builds nothing.
#
# Usage: bench/run_scheduling_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional):
#   CONCURRENCY=1,8  DURATION=3s  ROUNDS=3  WARMUP=1s   passed to osteoflow-load
#   INTAKE=...       intake JSON; default samples/intakes/osteopenia-no-fractures.json
#   CACHE_MEMORY_BYTES=N  the service's in-process copy of recent plans (default
#                    as the service's; 0: every hit is a Redis GET)
#   KEEP_RUN_DIR=1   keep the temporary run directory (logs, JSON results)
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"
intake_file="${INTAKE:-$repo_root/samples/intakes/osteopenia-no-fractures.json}"

scheduling_bin="$build_dir/services/scheduling/osteoflow-scheduling"
catalog_bin="$build_dir/services/catalog/osteoflow-catalog"
screening_bin="$build_dir/services/screening/osteoflow-screening"
echo_bin="$build_dir/bench/osteoflow-echo"
load_bin="$build_dir/bench/osteoflow-load"
plan_build_bin="$build_dir/bench/osteoflow-plan-build"
call_bin="$build_dir/tools/osteoflow-call"
health_bin="$build_dir/tools/osteoflow-health"
scheduling_service="osteoflow.scheduling.v1.SchedulingService"

for bin in "$scheduling_bin" "$catalog_bin" "$screening_bin" "$echo_bin" "$load_bin" "$call_bin" \
  "$health_bin" "$plan_build_bin"; do
  [[ -x "$bin" ]] || die "missing $bin (build first: cmake --build $build_dir)"
done
[[ -f "$intake_file" ]] || die "missing intake file $intake_file"
command -v redis-server >/dev/null || die "redis-server is not installed (scripts/setup.sh installs it)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# The cache role, as deployed: nothing on disk, a memory cap, LRU eviction.
start_redis --appendonly no --maxmemory 512mb --maxmemory-policy allkeys-lru

"$catalog_bin" --listen_address=127.0.0.1:0 --access_log=true \
  --catalog_file="$repo_root/services/catalog/data/catalog.json" \
  >"$run_dir/catalog.out" 2>"$run_dir/catalog.log" &
server_pids+=("$!")
catalog_pid="$!"
catalog_address="127.0.0.1:$(read_port "$run_dir/catalog.log" "$catalog_pid" osteoflow-catalog)"
# Screening only previews the sample intake (ValidateIntake stores nothing).
"$screening_bin" --listen_address=127.0.0.1:0 --store_address="127.0.0.1:$redis_port" \
  --rule_set_file="$repo_root/services/screening/data/rules.json" \
  >"$run_dir/screening.out" 2>"$run_dir/screening.log" &
server_pids+=("$!")
screening_pid="$!"
screening_address="127.0.0.1:$(read_port "$run_dir/screening.log" "$screening_pid" osteoflow-screening)"
# The access log stays on, as in production; it goes to a file, not the terminal.
"$scheduling_bin" --listen_address=127.0.0.1:0 --cache_address="127.0.0.1:$redis_port" \
  --catalog_address="$catalog_address" --screening_address="$screening_address" \
  --plan_rules_file="$repo_root/services/scheduling/data/plan_rules.json" --access_log=true \
  ${CACHE_MEMORY_BYTES:+--cache_memory_bytes="$CACHE_MEMORY_BYTES"} \
  >"$run_dir/scheduling.out" 2>"$run_dir/scheduling.log" &
server_pids+=("$!")
scheduling_pid="$!"
"$echo_bin" --listen_address=127.0.0.1:0 --max_receive_bytes=67108864 >"$run_dir/echo.out" 2>"$run_dir/echo.log" &
server_pids+=("$!")
echo_pid="$!"

scheduling_address="127.0.0.1:$(read_port "$run_dir/scheduling.log" "$scheduling_pid" osteoflow-scheduling)"
echo_address="127.0.0.1:$(read_port "$run_dir/echo.log" "$echo_pid" osteoflow-echo)"
"$health_bin" --target="$scheduling_address" --service="$scheduling_service" --wait=10s >/dev/null \
  || die "scheduling at $scheduling_address is not ready"

# The sample's screening result, inline: {"preview": {...}} less its wrapper.
preview="$("$call_bin" --target="$screening_address" \
  --method=osteoflow.screening.v1.ScreeningService/ValidateIntake \
  --request_json="{\"intake\":$(cat "$intake_file")}" | sed '1d;$d' | sed '1s/^ *"preview": //')"
# patient_id (field 3) is what the miss baseline makes fresh on every call.
request="{\"patientId\":\"bench-patient\",\"screeningResult\":$preview,
  \"preferences\":{\"availableDays\":[\"WEEKDAY_MONDAY\",\"WEEKDAY_TUESDAY\",\"WEEKDAY_WEDNESDAY\",
  \"WEEKDAY_THURSDAY\",\"WEEKDAY_FRIDAY\",\"WEEKDAY_SATURDAY\"],\"minutesPerDay\":60,
  \"equipment\":[\"EQUIPMENT_CHAIR\",\"EQUIPMENT_RESISTANCE_BAND\",\"EQUIPMENT_DUMBBELLS\",\"EQUIPMENT_STEP\"]},
  \"weekStartDate\":\"2026-11-23\",\"weekIndex\":1}"
printf '%s\n' "$request" >"$run_dir/request.json"
commit="$(measured_commit)"
echo "osteoflow scheduling benchmark at commit $commit"
echo "scheduling $scheduling_address, cache redis 127.0.0.1:$redis_port (no persistence), catalog $catalog_address, echo $echo_address"
echo "intake: $intake_file"
echo "in-process copies of recent plans: ${CACHE_MEMORY_BYTES:-the service default} bytes"

status=0
run_load() {
  local out="$1"; shift
  echo
  "$load_bin" --target="$scheduling_address" "${load_settings[@]}" \
    --method="$scheduling_service/BuildWeeklyPlan" --request_json="$request" \
    --json_out="$run_dir/$out.json" "$@" | tee "$run_dir/$out.txt" || status=1
}
run_load hit_vs_echo --label="BuildWeeklyPlan (cached)" --baseline_target="$echo_address"
run_load hit_vs_get --label="BuildWeeklyPlan (cached)" --baseline_redis="127.0.0.1:$redis_port" \
  --redis_command=get
run_load hit_vs_miss --label="BuildWeeklyPlan (cached)" --baseline_unique_field=3

# One uncached plan in process (validation, canonical inputs, plan id, plan,
# serialisation): time, and instructions under callgrind when valgrind is here.
echo
(cd "$repo_root" && "$plan_build_bin" --request_file="$run_dir/request.json" --repeat=2000) \
  | sed 's/^/uncached plan in process: /'
if command -v valgrind >/dev/null; then
  instructions() {
    (cd "$repo_root" && valgrind --tool=callgrind --callgrind-out-file="$run_dir/callgrind.$1" \
      "$plan_build_bin" --request_file="$run_dir/request.json" --repeat="$1" 2>&1 >/dev/null) \
      | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*'
  }
  one="$(instructions 1)"
  eleven="$(instructions 11)"
  echo "uncached plan in process: $(( (eleven - one) / 10 )) instructions per plan (callgrind; target <= 2000000)"
fi

echo
grep -h '"event":"plan_cache"' "$run_dir/scheduling.log" | tail -n 1 || true
echo "plans cached: $(redis-cli -p "$redis_port" --scan --pattern 'osteoflow:v1:plan:*' | wc -l)"
stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results at commit $commit (median of ${ROUNDS:-3} interleaved rounds of ${DURATION:-3s}):"
echo
grep -h -m 2 '^|' "$run_dir/hit_vs_echo.txt" || true
cat "$run_dir/hit_vs_echo.txt" "$run_dir/hit_vs_get.txt" "$run_dir/hit_vs_miss.txt" \
  | grep '^|' | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
