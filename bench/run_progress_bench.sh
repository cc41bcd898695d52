#!/usr/bin/env bash
# Benchmarks the progress service with the whole suite started here on
# 127.0.0.1 (a durable store Redis: append-only, fsync on every write; a cache
# Redis; catalog, screening, scheduling, progress) and prints, from one run:
#   Enroll      (a fresh request_id per call: screen, plan week 1, store)
#               against the echo with the same response size, and the parts
#               it is made of, each on its own (Screen with a fresh request_id,
#               ValidateIntake, a cached BuildWeeklyPlan, a fsynced SET as
#               large as the programme record): an enrolment previews,
#               plans, then stores the screening (nothing is stored before
#               the request is known good), so the least it can take is
#               echo + ValidateIntake + plan + Screen + SET;
#   LogSession  (a fresh request_id per call: each stores a log) against a
#               bare Redis SET as large as the stored log on the same Redis;
#   the null chain (Enroll's hops, node to node, with the real message sizes
#               and store writes but no work) against the same echo: the
#               transport's share of an enrolment; and LogSession's one hop
#               and fsynced write the same way, against the same bare SET;
#   stored bytes per programme, current plan, finished week and session log
#   (Redis MEMORY USAGE, after one AdvanceWeek), and what a million patients
#   would take in a year.
# Builds nothing.
#
# Usage: bench/run_progress_bench.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional): CONCURRENCY=1,8 DURATION=3s ROUNDS=3 WARMUP=1s KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"

require_built "${suite_binaries[@]}" bench/osteoflow-echo bench/osteoflow-null-node

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

# LogSession is measured as a write path, thousands of logs into one
# programme: the rules' record limits (a few logs a day) are raised for that
# in a copy, and nothing else changes.
bench_rules="$(rules_without_record_limits)"
start_suite "$bench_rules"
start_server echo bench/osteoflow-echo --max_receive_bytes=67108864

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
enrol_request="{\"requestId\":\"bench\",\"startDate\":\"2026-11-23\",\"intake\":$intake,\"preferences\":$preferences}"
# One programme to log against, and a session as the run command logs one.
program_json="$("$(bin tools/osteoflow-call)" --target="$progress_address" \
  --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="${enrol_request/\"bench\"/\"bench-setup\"}")"
program="$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
items=""
for exercise in $(awk -F'"' '/"exercise": "exercises\// { exercise = $4 }
                              /"component": "COMPONENT_/ { if ($4 == "COMPONENT_STRENGTH" && exercise != "") print exercise
                                                           exercise = "" }' <<<"$program_json" | sort -u); do
  items+="${items:+,}{\"exercise\":\"$exercise\",\"repsPerSet\":[11,10],\"effort\":6,\"pain\":0}"
done
log_request="{\"program\":\"$program\",\"requestId\":\"bench\",\"session\":{\"date\":\"2026-11-23\",\"items\":[$items],\"soreness\":{\"present\":true,\"hours\":20}}}"

commit="$(measured_commit)"
echo "osteoflow progress benchmark at commit $commit"
echo "progress $progress_address, store redis 127.0.0.1:$store_port (appendfsync always), echo $echo_address"

# request_id is field 1 of EnrollRequest, ScreenRequest, and field 2 of
# LogSessionRequest.
# Each server's CPU time per call is reported too: with two cores, QPS at 8
# in flight follows the CPU a call costs across the processes it crosses.
run_load enroll --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="$enrol_request" \
  --label="Enroll (screen, plan, store)" --unique_field=1 --baseline_target="$echo_address" \
  --cpu_of="store=$store_pid,catalog=$catalog_pid,screening=$screening_pid,scheduling=$scheduling_pid,progress=$progress_pid"
screen_request="{\"requestId\":\"bench\",\"intake\":$intake}"
run_load screen --target="$screening_address" --method=osteoflow.screening.v1.ScreeningService/Screen \
  --request_json="$screen_request" --label="part: Screen (stored)" --unique_field=1
run_load validate --target="$screening_address" --method=osteoflow.screening.v1.ScreeningService/ValidateIntake \
  --request_json="{\"intake\":$intake}" --label="part: ValidateIntake"
screening_result="$("$(bin tools/osteoflow-call)" --target="$screening_address" \
  --method=osteoflow.screening.v1.ScreeningService/Screen --request_json="${screen_request/\"bench\"/\"bench-plan\"}" \
  | awk '/^ "result": \{/ { on = 1; print "{"; next } on && /^ \}/ { print "}"; exit } on { print }')"
plan_request="{\"screeningResult\":$screening_result,\"patientId\":\"sample-osteopenia-01\",\"preferences\":$preferences,\"weekStartDate\":\"2026-11-23\",\"weekIndex\":1}"
run_load plan --target="$scheduling_address" --method=osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan \
  --request_json="$plan_request" --label="part: BuildWeeklyPlan (cached)"
run_load log_session --method=osteoflow.progress.v1.ProgressService/LogSession --request_json="$log_request" \
  --label="LogSession (stored, fsync)" --unique_field=2 --baseline_redis="127.0.0.1:$store_port" \
  --cpu_of="store=$store_pid,progress=$progress_pid"

# A finished week, to measure one: the setup programme advances once (its
# week has all the logs stored above; the engine reads at most 10,000).
"$(bin tools/osteoflow-call)" --target="$progress_address" --method=osteoflow.progress.v1.ProgressService/AdvanceWeek \
  --request_json="{\"program\":\"$program\",\"requestId\":\"bench-advance\"}" >/dev/null

# Stored sizes, as Redis accounts them (value plus its own overhead).
patient="sample-osteopenia-01"
program_id="${program##*/}"
program_key="osteoflow:v1:{$patient}:program:$program_id"
usage() { redis-cli -p "$store_port" MEMORY USAGE "$1" | tr -d '\r'; }
first_key() { redis-cli -p "$store_port" --scan --pattern "$1" | sort | head -n 1 || true; }
program_bytes="$(usage "$program_key")"
plan_bytes="$(usage "$program_key:plan")"
week_bytes="$(usage "$(first_key "$program_key:week:*")")"
session_bytes="$(usage "$(first_key "$program_key:session:*")")"
index_bytes="$(usage "$program_key:sessions")"
sessions="$(redis-cli -p "$store_port" ZCARD "$program_key:sessions" | tr -d '\r')"
per_session=$(( session_bytes + index_bytes / (sessions > 0 ? sessions : 1) ))
# A year: the programme and its current plan, 52 finished weeks, 3 logged
# sessions a week.
year_bytes=$(( program_bytes + plan_bytes + 52 * (week_bytes + 3 * per_session) ))
echo
echo "stored: programme record $program_bytes B; current plan $plan_bytes B; a finished week $week_bytes B"
echo "        a session log $session_bytes B (+ $(( index_bytes / (sessions > 0 ? sessions : 1) )) B of index, over $sessions logs)"
echo "one patient-year (52 weeks, 3 logged sessions a week): $year_bytes B"
awk -v b="$year_bytes" 'BEGIN { printf "one million patients for a year: %.1f GiB\n", b * 1e6 / 2^30 }'

# The null chain: an enrolment's hops between processes of their own (a node
# standing for progress, one for screening, one for scheduling) with no work
# in them. Each node makes the calls and the fsynced store writes an
# enrolment makes, with messages of the real sizes (read off the runs above),
# and nothing else: what an Enroll would take if our code took no time.
size_of() { grep -o "$2 [0-9]* bytes" "$run_dir/$1.txt" | head -n 1 | grep -o '[0-9]*'; }
padding() { head -c "$1" /dev/zero | base64 -w 0; }
start_server null_progress bench/osteoflow-null-node --store_address="127.0.0.1:$store_port"
start_server null_screening bench/osteoflow-null-node --store_address="127.0.0.1:$store_port"
start_server null_scheduling bench/osteoflow-null-node
screen_hop="{\"target\":\"$null_screening_address\",\"paddingBytes\":$(size_of screen request),\"call\":{\"replyBytes\":$(size_of screen response),\"storeBytes\":$(size_of screen response)}}"
validate_hop="{\"target\":\"$null_screening_address\",\"paddingBytes\":$(size_of validate request),\"call\":{\"replyBytes\":$(size_of validate response)}}"
plan_hop="{\"target\":\"$null_scheduling_address\",\"paddingBytes\":$(size_of plan request),\"call\":{\"replyBytes\":$(size_of plan response)}}"
# One branch: the preview, the plan, then the stored screening, in turn.
null_request="{\"replyBytes\":$(size_of enroll response),\"storeBytes\":$(( program_bytes + plan_bytes )),\"padding\":\"$(padding "$(size_of enroll request)")\",\"branches\":[{\"hops\":[$validate_hop,$plan_hop,$screen_hop]}]}"
run_load null_chain --target="$null_progress_address" --method=osteoflow.bench.v1.NullChain/Call \
  --request_json="$null_request" --label="null chain: Enroll's hops, no work" --baseline_target="$echo_address" \
  --cpu_of="store=$store_pid,progress=$null_progress_pid,screening=$null_screening_pid,scheduling=$null_scheduling_pid"
# And a session log's: one hop, one fsynced write of a stored log's size, an
# answer of the log's size, against the same bare SET.
null_log_request="{\"replyBytes\":$(size_of log_session response),\"storeBytes\":$session_bytes,\"padding\":\"$(padding "$(size_of log_session request)")\"}"
run_load null_log --target="$null_progress_address" --method=osteoflow.bench.v1.NullChain/Call \
  --request_json="$null_log_request" --label="null chain: LogSession's hop, no work" \
  --baseline_redis="127.0.0.1:$store_port" --cpu_of="store=$store_pid,progress=$null_progress_pid"

# The least an Enroll can take: one hop from the caller to the progress
# service (the echo), previewing, planning and storing the screening in
# turn, and the fsynced store of the programme; each part's median.
floor_line() {
  awk -F'|' -v c="$1" '
    FILENAME ~ /\/enroll\.txt$/ && $3 + 0 == c { echo = $13 + 0 }
    FILENAME ~ /\/screen\.txt$/ && $3 + 0 == c { screen = $6 + 0 }
    FILENAME ~ /\/validate\.txt$/ && $3 + 0 == c { validate = $6 + 0 }
    FILENAME ~ /\/plan\.txt$/ && $3 + 0 == c { plan = $6 + 0 }
    FILENAME ~ /\/log_session\.txt$/ && $3 + 0 == c { set = $13 + 0 }
    END {
      if (echo == 0) exit
      if (screen == 0 || validate == 0 || plan == 0 || set == 0) { printf "Enroll floor at %d in flight: n/a (a part has no result)\n", c; exit }
      floor = echo + validate + plan + screen + set
      printf "Enroll floor at %d in flight: echo %d + ValidateIntake %d + plan %d + Screen %d + fsynced SET %d = %d us = %.1f x echo\n", c, echo, validate, plan, screen, set, floor, floor / echo
    }
  ' "$run_dir/enroll.txt" "$run_dir/screen.txt" "$run_dir/validate.txt" "$run_dir/plan.txt" "$run_dir/log_session.txt"
}
# The null chain's p50 against the echo measured with it.
null_line() {
  awk -F'|' -v c="$1" '$3 + 0 == c && $6 + 0 > 0 && $13 + 0 > 0 {
    printf "null chain at %d in flight: p50 %d us = %.1f x echo (%d us)\n", c, $6, $6 / $13, $13 }' \
    "$run_dir/null_chain.txt"
}
# Each call against its own null chain (same run, same client): Enroll's p50
# and QPS, LogSession's QPS, and the CPU a call costs across the processes.
against_null() {
  local call=$1 null=$2 label=$3
  awk -F'|' -v label="$label" '
    FNR == 1 { file++ }
    $3 + 0 > 0 && $5 + 0 > 0 { c = $3 + 0; if (file == 1) { qps[c] = $5; p50[c] = $6 } else { nqps[c] = $5; np50[c] = $6 } }
    END {
      for (c in qps) if (c in nqps) {
        printf "%s at %d in flight: p50 %d / %d us = %.2f x its null chain; QPS %d / %d = %.2f x\n", label, c, p50[c], np50[c], (np50[c] > 0 ? p50[c] / np50[c] : 0), qps[c], nqps[c], (nqps[c] > 0 ? qps[c] / nqps[c] : 0)
      }
    }' "$run_dir/$call.txt" "$run_dir/$null.txt"
  local ours theirs
  ours=$(grep -o 'total [0-9]* us' "$run_dir/$call.txt" | awk '{print $2}' | paste -sd/)
  theirs=$(grep -o 'total [0-9]* us' "$run_dir/$null.txt" | awk '{print $2}' | paste -sd/)
  [[ -n "$ours" && -n "$theirs" ]] && echo "$label CPU per call across its processes (at each concurrency): $ours us; its null chain $theirs us"
}
echo
floor_line 1
floor_line 8
null_line 1
null_line 8
echo
against_null enroll null_chain Enroll
against_null log_session null_log LogSession

stop_servers || { echo "a server did not stop cleanly; see $run_dir" >&2; status=1; }
echo
echo "Results at commit $commit (median of ${ROUNDS:-3} interleaved rounds of ${DURATION:-3s}):"
echo
grep -h -m 2 '^|' "$run_dir/enroll.txt" || true
cat "$run_dir/enroll.txt" "$run_dir/screen.txt" "$run_dir/validate.txt" "$run_dir/plan.txt" "$run_dir/log_session.txt" \
    "$run_dir/null_chain.txt" "$run_dir/null_log.txt" \
  | grep '^|' \
  | grep -v -e '^| scenario |' -e '^|---' || true
exit "$status"
