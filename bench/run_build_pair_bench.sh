#!/usr/bin/env bash
# Two builds of the suite against each other, in one run, interleaved: each
# build's own suite (its binaries, its data files, its own store and cache
# Redis), the same calls to both:
#   Enroll       a fresh request_id per call (screen, plan week 1, store);
#   LogSession   a fresh request_id per call, the strength items both builds
#                planned, into the programme both enrolled (same name);
#   BuildWeeklyPlan (cached) the same plan request to each scheduling.
# The baseline ("twin") is the other build: "QPS / baseline" is this build's
# throughput over the other's. `--cpu_of` reports the CPU each of this
# build's processes spends per call. Builds nothing.
#
# Usage: bench/run_build_pair_bench.sh OTHER_BUILD_DIR [BUILD_DIR]
#   OTHER_BUILD_DIR: a build of another commit (e.g. in a git worktree);
#   BUILD_DIR (default <repo>/build) the one measured against it. Each
#   build's source tree (for its data files) is read from its
#   CMakeCache.txt; the load and call tools are always <repo>/build's.
# Environment (optional): CONCURRENCY=1,8 DURATION=3s ROUNDS=5 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
ROUNDS=${ROUNDS:-5}
[[ $# -ge 1 ]] || die "usage: $(basename "$0") OTHER_BUILD_DIR [BUILD_DIR]"
other_build="$(cd "$1" && pwd)" || die "no build directory $1"
other_root="$(grep -m 1 '^CMAKE_HOME_DIRECTORY:' "$other_build/CMakeCache.txt" | cut -d= -f2)"
[[ -d $other_root ]] || die "$other_build: no CMakeCache.txt naming its source tree"
bench_settings "${2:-}"
this_build=$build_dir
this_root="$(grep -m 1 '^CMAKE_HOME_DIRECTORY:' "$this_build/CMakeCache.txt" | cut -d= -f2)"
[[ -d $this_root ]] || die "$this_build: no CMakeCache.txt naming its source tree"
tools_root=$repo_root
tools_build=$repo_root/build
build_dir=$other_build require_built "${suite_binaries[@]}"
require_built "${suite_binaries[@]}"
build_dir=$tools_build require_built bench/osteoflow-load tools/osteoflow-call tools/osteoflow-health

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# start_suite_of NAME ROOT BUILD: a whole suite of that build, its addresses
# kept as NAME_progress, NAME_scheduling, NAME_screening, and its pids.
start_suite_of() {
  local name=$1
  repo_root=$2 build_dir=$3
  local rules="$run_dir/$name-progression_rules.json"
  sed -E 's/"(session_logs_per_day|session_logs_per_week|measurements_per_week)": [0-9]+/"\1": 1000000/' \
    "$repo_root/services/progress/data/progression_rules.json" >"$rules"
  start_suite "$rules"
  printf -v "${name}_progress" '%s' "$progress_address"
  printf -v "${name}_scheduling" '%s' "$scheduling_address"
  printf -v "${name}_screening" '%s' "$screening_address"
  printf -v "${name}_pids" '%s' "$catalog_pid,$screening_pid,$scheduling_pid,$progress_pid,$store_pid"
}
start_suite_of other "$other_root" "$other_build"
start_suite_of this "$this_root" "$this_build"
# Both suites now run; the calls and the load tool are <repo>/build's.
repo_root=$tools_root build_dir=$tools_build

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
enrol_request="{\"requestId\":\"bench\",\"startDate\":\"2026-11-23\",\"intake\":$intake,\"preferences\":$preferences}"
strength_of() {
  awk -F'"' '/"exercise": "exercises\// { exercise = $4 }
             /"component": "COMPONENT_/ { if ($4 == "COMPONENT_STRENGTH" && exercise != "") print exercise
                                          exercise = "" }' | sort -u
}
program=""
for target in "$other_progress" "$this_progress"; do
  program_json="$("$(bin tools/osteoflow-call)" --target="$target" \
    --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="${enrol_request/\"bench\"/\"bench-setup\"}")"
  name="$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
  [[ -n $name && ( -z $program || $program == "$name" ) ]] || die "the two builds named different programmes"
  program=$name
  strength_of <<<"$program_json" >"$run_dir/strength-$(( ${#program_json} % 1000 ))-$RANDOM.txt"
done
items=""
for exercise in $(cat "$run_dir"/strength-*.txt | sort | uniq -d); do
  items+="${items:+,}{\"exercise\":\"$exercise\",\"repsPerSet\":[11,10],\"effort\":6,\"pain\":0}"
done
[[ -n $items ]] || die "the two builds planned no strength exercise in common"
log_request="{\"program\":\"$program\",\"requestId\":\"bench\",\"session\":{\"date\":\"2026-11-23\",\"items\":[$items],\"soreness\":{\"present\":true,\"hours\":20}}}"
preview="$("$(bin tools/osteoflow-call)" --target="$this_screening" \
  --method=osteoflow.screening.v1.ScreeningService/ValidateIntake \
  --request_json="{\"intake\":$intake}" | sed '1d;$d' | sed '1s/^ *"preview": //')"
plan_request="{\"patientId\":\"bench-patient\",\"screeningResult\":$preview,\"preferences\":$preferences,
  \"weekStartDate\":\"2026-11-23\",\"weekIndex\":1}"

commit="$(git -C "$this_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$this_root" status --porcelain 2>/dev/null | head -n 1)" ]] || commit="$commit+"
other_commit="$(git -C "$other_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "osteoflow build-pair benchmark: this build at $commit, the other at $other_commit"
IFS=, read -r catalog_pid screening_pid scheduling_pid progress_pid store_pid <<<"$this_pids"
cpu="--cpu_of=progress=$progress_pid,scheduling=$scheduling_pid,screening=$screening_pid,catalog=$catalog_pid,store=$store_pid"

run_load log_session --target="$this_progress" --baseline_twin="$other_progress" "$cpu" \
  --method=osteoflow.progress.v1.ProgressService/LogSession --request_json="$log_request" \
  --unique_field=2 --label="LogSession: $commit / $other_commit"
run_load enroll --target="$this_progress" --baseline_twin="$other_progress" "$cpu" \
  --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="$enrol_request" \
  --unique_field=1 --label="Enroll: $commit / $other_commit"
run_load cached_plan --target="$this_scheduling" --baseline_twin="$other_scheduling" "$cpu" \
  --method=osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan --request_json="$plan_request" \
  --label="BuildWeeklyPlan (cached): $commit / $other_commit"

stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results, this build at $commit against $other_commit (median of $ROUNDS interleaved rounds of ${DURATION:-3s}):"
echo
grep -h -m 2 '^|' "$run_dir/log_session.txt" || true
cat "$run_dir/log_session.txt" "$run_dir/enroll.txt" "$run_dir/cached_plan.txt" | grep '^|' |
  grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
