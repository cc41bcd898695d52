#!/usr/bin/env bash
# What a programme's age costs: GetProgress (every week, and the newest page
# of 4 weeks) and AdvanceWeek on a programme in week 4
# with one logged session and on one with about 2,000 (71 finished weeks of
# 28 logs, four a day, the shipped record limits), the whole suite started
# here on 127.0.0.1 with the shipped rules. Each is measured with
# osteoflow-load at 1 call in flight, one programme after the other.
# AdvanceWeek is measured as the call that finishes a week (a fresh
# request_id each call), in rounds of 0.4 s so that neither programme passes
# the 520 weeks a plan may have; after the first call each week it finishes
# has no logs, so it shows what the programme's age alone costs.
# Builds nothing.
#
# Usage: bench/run_history_bench.sh [BUILD_DIR]
# Environment (optional): WEEKS=71 DURATION=3s ROUNDS=3 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
CONCURRENCY=1 bench_settings "${1:-}"
require_built "${suite_binaries[@]}"
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT
start_suite

weeks="${WEEKS:-71}"
call() {
  local method=$1 request=$2
  "$(bin tools/osteoflow-call)" --target="$progress_address" --method="osteoflow.progress.v1.ProgressService/$method" \
    --request_json="$request"
}
# A Monday far enough back for every week of the old programme to be past.
start="$(date -u -d "$(date -u +%F) -$(( (weeks + 2) * 7 + $(date -u +%u) - 1 )) days" +%F)"
intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
enrol() {
  local program_json
  program_json="$(call Enroll "{\"requestId\":\"$1\",\"startDate\":\"$start\",\"intake\":$intake,\"preferences\":$preferences}")"
  grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4
}
young="$(enrol history-young)"
old="$(enrol history-old)"
log() {  # PROGRAM REQUEST_ID DATE
  call LogSession "{\"program\":\"$1\",\"requestId\":\"$2\",\"session\":{\"date\":\"$3\",\"notes\":\"felt fine\"}}" >/dev/null
}
log "$young" young-1 "$start"
# The young programme in week 4, so that a page of 4 weeks holds as many
# weeks for both programmes.
for week in 1 2 3; do call AdvanceWeek "{\"program\":\"$young\",\"requestId\":\"young-advance-$week\"}" >/dev/null; done
echo "logging $(( weeks * 28 )) sessions over $weeks weeks into the old programme..." >&2
for (( week = 0; week < weeks; week++ )); do
  for (( day = 0; day < 7; day++ )); do
    date="$(date -u -d "$start +$(( week * 7 + day )) days" +%F)"
    for n in 1 2 3 4; do log "$old" "old-$week-$day-$n" "$date"; done
  done
  call AdvanceWeek "{\"program\":\"$old\",\"requestId\":\"old-advance-$week\"}" >/dev/null
done
logged=$(( weeks * 28 ))

commit="$(measured_commit)"
echo "osteoflow history benchmark at commit $commit"
echo "young programme: 1 log, week 4; old programme: $logged logs, week $(( weeks + 1 ))"
for who in young old; do
  program="${!who}"
  run_load "progress_$who" --method=osteoflow.progress.v1.ProgressService/GetProgress \
    --request_json="{\"program\":\"$program\"}" --label="GetProgress, every week ($who)"
  run_load "progress_page_$who" --method=osteoflow.progress.v1.ProgressService/GetProgress \
    --request_json="{\"program\":\"$program\",\"pageSize\":4}" --label="GetProgress, a page of 4 weeks ($who)"
done
for who in young old; do
  program="${!who}"
  run_load "advance_$who" --duration=400ms --warmup=0s --method=osteoflow.progress.v1.ProgressService/AdvanceWeek \
    --request_json="{\"program\":\"$program\",\"requestId\":\"bench\"}" --unique_field=2 \
    --label="AdvanceWeek ($who)"
done
exit "$status"
