#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the suite on
# loopback (both Redis roles and all four services), enrols each sample patient
# (screening, then week 1 printed day by day, or the referral), logs a
# simulated week 1 for the first, advances it to week 2 and shows what changed
# and why, logs chest pain and a fall for two others and prints the event feed,
# takes one patient's restrictions through the catalog, and stops it.
# With --keep the suite keeps running (stop it with scripts/local-suite.sh stop).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keep=false
[[ ${1:-} == --keep ]] && keep=true

scripts/setup.sh
scripts/build.sh
build_dir=${OSTEOFLOW_BUILD_DIR:-build}
call=$build_dir/tools/osteoflow-call

scripts/local-suite.sh start
$keep || trap 'scripts/local-suite.sh stop' EXIT

catalog=127.0.0.1:${OSTEOFLOW_CATALOG_PORT:-50051}
say() { printf '\n== %s\n' "$*"; }

run_id=$(date +%s)
osteoflow=$build_dir/tools/osteoflow
progress=127.0.0.1:${OSTEOFLOW_PROGRESS_PORT:-50054}
# Programmes start on last week's Monday, so that all of week 1 is past and
# can be logged (a log cannot be dated in the future).
# (At noon: in some zones midnight does not exist on the day clocks go forward.)
week_ago=$(date -d "12:00 7 days ago" +%F)
week_start=$(date -d "$week_ago 12:00 $(( $(date -d "$week_ago 12:00" +%u) - 1 )) days ago" +%F)
say "Every service's health"
"$osteoflow" health
first_program=""
programs=()
for sample in samples/intakes/*.json; do
  name=$(basename "$sample" .json)
  say "Enrolling the sample patient '$name' (preferences: samples/preferences/$name.json)"
  # A fresh request id per run: the store keeps earlier runs' programmes, and
  # the same id would answer with those (as a retry should).
  enrolled=$("$osteoflow" enrol --intake="$sample" --preferences="samples/preferences/$name.json" \
    --start="$week_start" --request_id="run-$name-$run_id")
  echo "$enrolled"
  programs+=("$(head -n 1 <<<"$enrolled" | cut -d' ' -f1)")
  [[ -n $first_program ]] || first_program=${programs[0]}
done

# A simulated week 1 for the first sample: every planned day done as
# planned, every strength set above 12 repetitions, dumbbells logged at 8 kg
# (the load progressed is the one logged: week 2 shows it in kilograms).
say "Logging a simulated week 1 for $first_program (each planned day done, every strength set at 13 repetitions, dumbbells at 8 kg, bands at medium)"
"$osteoflow" simulate-week --program="$first_program" --strength_reps=13 --first_load_kg=8
say "Advancing to week 2"
advanced=$("$osteoflow" advance --program="$first_program" --request_id="run-advance-$run_id")
head -n 1 <<<"$advanced"
say "What changed and why"
progress_report=$("$osteoflow" progress --program="$first_program")
grep -v PROGRESSION_CHANGE_HOLD <<<"$progress_report" || true
say "Week 2's strength items with the load progressed from the log"
"$osteoflow" plan --program="$first_program" | grep -E "^    strength .*( at [0-9.]+ kg|band)" || true

# A clinic system hears of red flags and falls from the event feed instead of
# polling every programme: chest pain logged for the second sample, a fall
# for the third, then the feed from just before them.
say "A red flag and a fall, as the event feed tells a clinic system (docs/events.md)"
cursor=$("$osteoflow" events --types=program.enrolled 2>&1 >/dev/null | sed -n 's/^cursor: //p')
sessions=$(mktemp -d)
printf '{"date": "%s", "symptoms": ["SESSION_SYMPTOM_CHEST_PAIN"]}\n' "$week_start" >"$sessions/chest-pain.json"
printf '{"date": "%s", "fall": {"fell": true}}\n' "$week_start" >"$sessions/fall.json"
"$osteoflow" log --program="${programs[1]}" --session="$sessions/chest-pain.json" --request_id="run-chest-$run_id" || true
"$osteoflow" log --program="${programs[2]}" --session="$sessions/fall.json" --request_id="run-fall-$run_id" || true
rm -r "$sessions"
"$osteoflow" events --cursor="$cursor" 2>/dev/null

say "The catalog"
"$call" --target="$catalog" --method=osteoflow.catalog.v1.CatalogService/GetCatalogInfo --request_json='{}'

# The sample patient: osteoporosis without a vertebral fracture, so screening
# (a later service) would give a moderate impact ceiling (IMP-LOWBONE) and
# exclude every AVOID-* movement.
restrictions=$(cat samples/restrictions/osteoporosis-no-vertebral-fracture.json)

for exercise in sit-up jumping-rope swimming brisk-walking; do
  say "Is $exercise suitable for the sample patient?"
  "$call" --target="$catalog" --method=osteoflow.catalog.v1.CatalogService/EvaluateActivity \
    --request_json="{\"restrictions\": $restrictions, \"exercise\": \"exercises/$exercise\"}"
done

say "Balance exercises the sample patient can do at home with no equipment (first 5)"
"$call" --target="$catalog" --method=osteoflow.catalog.v1.CatalogService/ListExercises \
  --request_json='{"categories": ["CATEGORY_BALANCE"], "equipment": {"available": []},
                   "excludeSafetyTags": ["SAFETY_TAG_AVOID_FALLRISK"], "pageSize": 5}'

# Plain HTTP on loopback with bash alone (a fresh machine may have no curl).
scrape() {
  local port=$1
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  cat <&3
  exec 3<&-
}
progress_metrics=${OSTEOFLOW_PROGRESS_METRICS_PORT:-9454}
say "What the metrics saw (progress, http://127.0.0.1:$progress_metrics/metrics; docs/observability.md)"
scrape "$progress_metrics" |
  grep -E '^(osteoflow_(enrolments|referrals|session_logs|programs_paused|falls_reported)_total|osteoflow_progression_decisions_total|grpc_server_handled_total\{.*grpc_code="OK".*grpc_service="osteoflow)' |
  grep -v ' 0$' || true

if $keep; then
  say "The suite keeps running; stop it with scripts/local-suite.sh stop"
fi
