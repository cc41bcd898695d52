#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the suite on
# loopback, screens the sample patients and plans their first week from each
# screening, takes one patient's restrictions through the catalog, and stops
# it.
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
screening=127.0.0.1:${OSTEOFLOW_SCREENING_PORT:-50052}
scheduling=127.0.0.1:${OSTEOFLOW_SCHEDULING_PORT:-50053}
plan_table=$build_dir/tools/osteoflow-plan-table
say() { printf '\n== %s\n' "$*"; }
# The lines of a screening a reader looks at first: outcome, bone status,
# red flags, clearance, supervision, fall risk, impact ceiling, rule ids.
summary() {
  grep -E '"(name|outcome|category|treatedAs|lowestTScore|severe|finding|referTo|required|flagged|reason|level|maxIntensity|maxPercentOneRepMax|ruleId|ruleSetVersion)"' \
    | sed -e 's/^ *//' -e 's/,$//'
}

# A fresh request id per run: the store keeps earlier runs' screenings, and a
# reused id would answer with those (as a retry should).
run_id=$(date +%s)
# Plans start on the coming Monday.
week_start=$(date -d "next monday" +%F)
for sample in samples/intakes/*.json; do
  name=$(basename "$sample" .json)
  say "Screening the sample patient '$name'"
  screened=$("$call" --target="$screening" --method=osteoflow.screening.v1.ScreeningService/Screen \
    --request_json="{\"requestId\": \"run-$name-$run_id\", \"intake\": $(cat "$sample")}")
  summary <<<"$screened"
  screening_name=$(grep -m 1 -o '"name": "patients/[^"]*"' <<<"$screened" | cut -d'"' -f4)
  say "Week 1 for '$name' (preferences: samples/preferences/$name.json)"
  # A referral gets no plan: the call fails FAILED_PRECONDITION with the reasons.
  if plan=$("$call" --target="$scheduling" --method=osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan \
      --request_json="{\"screening\": \"$screening_name\", \"weekStartDate\": \"$week_start\",
                       \"weekIndex\": 1, \"preferences\": $(cat "samples/preferences/$name.json")}" 2>&1); then
    "$plan_table" <<<"$plan"
  else
    echo "no plan: $plan"
  fi
done

progress=127.0.0.1:${OSTEOFLOW_PROGRESS_PORT:-50054}
progress_call() { "$call" --target="$progress" --method="osteoflow.progress.v1.ProgressService/$1" --request_json="$2"; }
say "Enrolling the sample patient 'osteopenia-no-fractures' in a tracked programme"
enrolled=$(progress_call Enroll "{\"requestId\": \"run-enrol-$run_id\", \"startDate\": \"$week_start\",
  \"intake\": $(cat samples/intakes/osteopenia-no-fractures.json),
  \"preferences\": $(cat samples/preferences/osteopenia-no-fractures.json)}")
program=$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$enrolled" | cut -d'"' -f4)
grep -m 2 -E '"(state|weekIndex)"' <<<"$enrolled" | sed -e 's/^ *//' -e 's/,$//'
# Week 1's first strength session done with every set above 12 repetitions.
# (Fields print in their contract order: an item's exercise comes before its component.)
strength=$(awk -F'"' '/"exercise": "exercises\// { exercise = $4 } /"component": "COMPONENT_STRENGTH"/ { print exercise }' \
  <<<"$enrolled" | sort -u)
items=""
for exercise in $strength; do
  items+="${items:+,}{\"exercise\": \"$exercise\", \"repsPerSet\": [13, 13], \"effort\": 6}"
done
say "Logging the first session of week 1 (every set above 12 repetitions, no pain)"
progress_call LogSession "{\"program\": \"$program\", \"requestId\": \"run-log-$run_id\",
  \"session\": {\"date\": \"$week_start\", \"items\": [$items]}}" | grep -m 3 -E '"(name|date|weekIndex)"' \
  | sed -e 's/^ *//' -e 's/,$//'
say "Advancing to week 2: what changed and why"
progress_call AdvanceWeek "{\"program\": \"$program\", \"requestId\": \"run-advance-$run_id\"}" >/dev/null
# Each decision that changed a dose: exercise, change, rules, reason (the
# decisions' own fields, three spaces in; their rules' ids five).
progress_call GetProgress "{\"program\": \"$program\"}" | awk -F'"' '
  /^ "decisions": \[/ { inside = 1; next }
  inside && /^ \]/ { inside = 0 }
  !inside { next }
  /^   "exercise"/ { exercise = $4 } /^   "change"/ { change = $4 } /^     "ruleId"/ { rules = rules " " $4 }
  /^   "reason"/ { if (change !~ /HOLD/) printf "%-34s %-28s%s: %s\n", exercise, change, rules, $4; else held++; rules = "" }
  END { printf "%d exercises held at their dose (not done yet, or nothing to change)\n", held }'

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

if $keep; then
  say "The suite keeps running; stop it with scripts/local-suite.sh stop"
fi
