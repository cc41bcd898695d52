#!/usr/bin/env bash
# Benchmarks the catalog service against the echo baseline, both started here
# on 127.0.0.1, and prints the results with a Markdown table for the README.
# Builds nothing.
#
# Usage: bench/run_catalog_bench.sh [BUILD_DIR]      (default: <repo>/build)
# Environment (optional):
#   CONCURRENCY=1,8  DURATION=3s  ROUNDS=3  WARMUP=1s   passed to osteoflow-load
#   CATALOG_FILE=...   default <repo>/services/catalog/data/catalog.json
#   LIST_FILTER='"maxImpactLevel":"IMPACT_LEVEL_LOW"'   ListExercises filter
#                      (JSON fields); default: the first candidate below that
#                      matches at least 50 entries
#   KEEP_RUN_DIR=1     keep the temporary run directory (server logs, JSON
#                      results); it is always kept when something failed
set -euo pipefail
# Settings from the caller's environment (a shared OSTEOFLOW_* set) must not
# change what is measured or where the traffic goes.
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"
catalog_file="${CATALOG_FILE:-$repo_root/services/catalog/data/catalog.json}"

catalog_bin="$build_dir/services/catalog/osteoflow-catalog"
echo_bin="$build_dir/bench/osteoflow-echo"
load_bin="$build_dir/bench/osteoflow-load"
call_bin="$build_dir/tools/osteoflow-call"
health_bin="$build_dir/tools/osteoflow-health"
catalog_service="osteoflow.catalog.v1.CatalogService"
page_size=50

for bin in "$catalog_bin" "$echo_bin" "$load_bin" "$call_bin" "$health_bin"; do
  [[ -x "$bin" ]] || die "missing $bin (build first: cmake --build $build_dir)"
done
[[ -f "$catalog_file" ]] || die "missing catalog file $catalog_file"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# The access log stays on, as in production; it goes to a file, not the terminal.
"$catalog_bin" --catalog_file="$catalog_file" --listen_address=127.0.0.1:0 --access_log=true \
  >"$run_dir/catalog.out" 2>"$run_dir/catalog.log" &
server_pids+=("$!")
catalog_pid="$!"
# The echo must accept requests as large as the largest response measured.
"$echo_bin" --listen_address=127.0.0.1:0 --max_receive_bytes=67108864 >"$run_dir/echo.out" 2>"$run_dir/echo.log" &
server_pids+=("$!")
echo_pid="$!"

catalog_address="127.0.0.1:$(read_port "$run_dir/catalog.log" "$catalog_pid" osteoflow-catalog)"
echo_address="127.0.0.1:$(read_port "$run_dir/echo.log" "$echo_pid" osteoflow-echo)"
"$health_bin" --target="$catalog_address" --service="$catalog_service" --wait=10s >/dev/null \
  || die "catalog at $catalog_address is not ready"

call_catalog() {
  "$call_bin" --target="$catalog_address" --method="$catalog_service/$1" --request_json="$2"
}
# The first value of a field in pretty JSON; empty when absent.
json_field() { { grep -o "\"$1\": *[^,}]*" || true; } | sed -n '1{s/^[^:]*: *//; s/"//g; p}'; }

# An exercise that exists: the first one listed.
exercise_name="$(call_catalog ListExercises '{"pageSize":1}' | json_field name)"
[[ -n "$exercise_name" ]] || die "the catalog lists no exercises"

# A filter that leaves at least a full page; a given filter is checked the
# same way, so that a typo fails here rather than after the first benchmark.
if [[ -n "${LIST_FILTER:-}" ]]; then
  candidates=("$LIST_FILTER")
else
  candidates=(
    '"maxImpactLevel":"IMPACT_LEVEL_LOW"'
    '"weightBearingOnly":true'
    '"maxImpactLevel":"IMPACT_LEVEL_MODERATE"'
    '"excludeSafetyTags":["SAFETY_TAG_AVOID_NECK"]'
    '"maxImpactLevel":"IMPACT_LEVEL_HIGH"')
fi
list_filter=""
best_total=-1
for candidate in "${candidates[@]}"; do
  total="$(call_catalog ListExercises "{\"pageSize\":1,$candidate}" | json_field totalSize)"
  total="${total:-0}"
  if (( total > best_total )); then best_total="$total"; list_filter="$candidate"; fi
  if (( total >= page_size )); then break; fi
done
if (( best_total < page_size )); then
  echo "note: {$list_filter} matches only $best_total entries, less than a page of $page_size"
fi
list_request="{\"pageSize\":$page_size,$list_filter}"

commit="$(measured_commit)"
echo "osteoflow catalog benchmark at commit $commit"
echo "catalog $catalog_address ($catalog_file), echo $echo_address"
echo "GetExercise request: {\"name\":\"$exercise_name\"}"
echo "ListExercises request: $list_request"

status=0
run_load() {
  local label="$1" method="$2" request="$3" out="$4"
  echo
  "$load_bin" --target="$catalog_address" --baseline_target="$echo_address" \
    --method="$catalog_service/$method" --request_json="$request" --label="$label" \
    "${load_settings[@]}" --json_out="$run_dir/$out.json" | tee "$run_dir/$out.txt" \
    || status=1
}
run_load "GetExercise" GetExercise "{\"name\":\"$exercise_name\"}" get_exercise
run_load "ListExercises (page of $page_size)" ListExercises "$list_request" list_exercises

stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "catalog access log lines: $(grep -c '"event":"rpc"' "$run_dir/catalog.log" || true)"
echo
echo "Results at commit $commit (median of ${ROUNDS:-3} interleaved rounds of ${DURATION:-3s}):"
echo
grep -h -m 2 '^|' "$run_dir/get_exercise.txt" || true
cat "$run_dir/get_exercise.txt" "$run_dir/list_exercises.txt" \
  | grep '^|' | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
