#!/usr/bin/env bash
# Benchmarks the screening service, started here on 127.0.0.1 with its own
# durable Redis (append-only, fsync on every write), and prints the results
# with a Markdown table for the README:
#   ValidateIntake  against the echo with the same request size;
#   Screen          (a fresh request_id per call, so every call stores a
#                   screening) against a bare Redis SET of a value as large as
#                   the stored screening, on the same Redis in the same run.
# Builds nothing.
#
# Usage: bench/run_screening_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional):
#   CONCURRENCY=1,8  DURATION=3s  ROUNDS=3  WARMUP=1s   passed to osteoflow-load
#   INTAKE=...       intake JSON; default samples/intakes/osteoporosis-vertebral-fracture-two-falls.json
#   KEEP_RUN_DIR=1   keep the temporary run directory (logs, Redis data, JSON results)
set -euo pipefail
# Settings from the caller's environment (a shared OSTEOFLOW_* set) must not
# change what is measured or where the traffic goes.
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"
intake_file="${INTAKE:-$repo_root/samples/intakes/osteoporosis-vertebral-fracture-two-falls.json}"

screening_bin="$build_dir/services/screening/osteoflow-screening"
echo_bin="$build_dir/bench/osteoflow-echo"
load_bin="$build_dir/bench/osteoflow-load"
health_bin="$build_dir/tools/osteoflow-health"
screening_service="osteoflow.screening.v1.ScreeningService"

for bin in "$screening_bin" "$echo_bin" "$load_bin" "$health_bin"; do
  [[ -x "$bin" ]] || die "missing $bin (build first: cmake --build $build_dir)"
done
[[ -f "$intake_file" ]] || die "missing intake file $intake_file"
command -v redis-server >/dev/null || die "redis-server is not installed (scripts/setup.sh installs it)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# The store role, as deployed: every write fsynced before it is acknowledged.
start_redis --appendonly yes --appendfsync always --maxmemory-policy noeviction

# The access log stays on, as in production; it goes to a file, not the terminal.
"$screening_bin" --listen_address=127.0.0.1:0 --store_address="127.0.0.1:$redis_port" \
  --access_log=true >"$run_dir/screening.out" 2>"$run_dir/screening.log" &
server_pids+=("$!")
screening_pid="$!"
"$echo_bin" --listen_address=127.0.0.1:0 --max_receive_bytes=67108864 >"$run_dir/echo.out" 2>"$run_dir/echo.log" &
server_pids+=("$!")
echo_pid="$!"

screening_address="127.0.0.1:$(read_port "$run_dir/screening.log" "$screening_pid" osteoflow-screening)"
echo_address="127.0.0.1:$(read_port "$run_dir/echo.log" "$echo_pid" osteoflow-echo)"
"$health_bin" --target="$screening_address" --service="$screening_service" --wait=10s >/dev/null \
  || die "screening at $screening_address is not ready"

intake="$(tr -d '\n' <"$intake_file")"
commit="$(measured_commit)"
echo "osteoflow screening benchmark at commit $commit"
echo "screening $screening_address, store redis 127.0.0.1:$redis_port (appendfsync always), echo $echo_address"
echo "intake: $intake_file"

status=0
run_load() {
  local out="$1"; shift
  echo
  "$load_bin" --target="$screening_address" "${load_settings[@]}" \
    --json_out="$run_dir/$out.json" "$@" | tee "$run_dir/$out.txt" || status=1
}
run_load validate_intake --method="$screening_service/ValidateIntake" \
  --request_json="{\"intake\":$intake}" --label="ValidateIntake" \
  --baseline_target="$echo_address" --echo_size=request
# request_id is field 1 of ScreenRequest: each call gets a fresh one.
run_load screen --method="$screening_service/Screen" \
  --request_json="{\"requestId\":\"bench\",\"intake\":$intake}" --label="Screen (stored)" \
  --unique_field=1 --baseline_redis="127.0.0.1:$redis_port"

echo
echo "screenings stored: $(redis-cli -p "$redis_port" --scan --pattern 'osteoflow:v1:*:screening:*' | wc -l)"
stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results at commit $commit (median of ${ROUNDS:-3} interleaved rounds of ${DURATION:-3s}):"
echo
grep -h -m 2 '^|' "$run_dir/validate_intake.txt" || true
cat "$run_dir/validate_intake.txt" "$run_dir/screen.txt" \
  | grep '^|' | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
