#!/usr/bin/env bash
# A bounded soak of the whole suite on 127.0.0.1, with each service's
# resident memory sampled: first mixed traffic at 8 calls in flight across
# all four services (enrolments, session logs past the record limits,
# reports, screening checks, cached plans, catalog pages) for SOAK (default
# 30m), then the largest requests the services accept (max_receive_bytes,
# 256 KiB: a session log whose notes fill it, refused after parsing) at 8 in
# flight for BIG (default 2m). Prints each service's RSS after warm-up, its
# highest and its last, per phase, and keeps the samples as CSV.
# Builds nothing.
#
# Usage: bench/run_soak.sh [BUILD_DIR]
# Environment (optional): SOAK=30m BIG=2m SAMPLE=10 KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"
require_built "${suite_binaries[@]}"
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-soak.XXXXXX")"
trap 'finish $?' EXIT
start_suite

soak="${SOAK:-30m}"
big="${BIG:-2m}"
sample_every="${SAMPLE:-10}"
seconds_of() { local d=$1; case $d in *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";; *) echo "$d";; esac; }

intake="$(cat "$repo_root/samples/intakes/osteopenia-no-fractures.json")"
preferences="$(cat "$repo_root/samples/preferences/osteopenia-no-fractures.json")"
today="$(date -u +%F)"
monday="$(date -u -d "$today -$(( $(date -u +%u) - 1 )) days" +%F)"
enrol_request="{\"requestId\":\"soak\",\"startDate\":\"$monday\",\"intake\":$intake,\"preferences\":$preferences}"
program_json="$("$(bin tools/osteoflow-call)" --target="$progress_address" \
  --method=osteoflow.progress.v1.ProgressService/Enroll --request_json="${enrol_request/\"soak\"/\"soak-setup\"}")"
program="$(grep -m 1 -o '"name": "patients/[^"]*/programs/[^"]*"' <<<"$program_json" | cut -d'"' -f4)"
screening_result="$("$(bin tools/osteoflow-call)" --target="$screening_address" \
  --method=osteoflow.screening.v1.ScreeningService/Screen \
  --request_json="{\"requestId\":\"soak-plan\",\"intake\":$intake}" \
  | awk '/^ "result": \{/ { on = 1; print "{"; next } on && /^ \}/ { print "}"; exit } on { print }')"
plan_request="{\"screeningResult\":$screening_result,\"patientId\":\"sample-osteopenia-01\",\"preferences\":$preferences,\"weekStartDate\":\"$monday\",\"weekIndex\":1}"

# Every SAMPLE seconds: seconds since start, phase, then each service's RSS in KiB.
services=(catalog screening scheduling progress)
sampler() {
  local t=0 phase_file="$run_dir/phase" name pid rss line
  echo "seconds,phase,${services[*]}" | tr ' ' ',' >"$run_dir/rss.csv"
  while [[ -e "$phase_file" ]]; do
    line="$t,$(cat "$phase_file")"
    for name in "${services[@]}"; do
      pid="${name}_pid"
      rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/${!pid}/status" 2>/dev/null || echo 0)"
      line+=",$rss"
    done
    echo "$line" >>"$run_dir/rss.csv"
    sleep "$sample_every"
    t=$(( t + sample_every ))
  done
}
echo mixed >"$run_dir/phase"
sampler &
sampler_pid=$!

# load NAME TARGET METHOD IN_FLIGHT DURATION ARGS...: one steady stream of calls.
load_pids=()
load() {
  local name=$1 target=$2 method=$3 in_flight=$4 length=$5
  shift 5
  local round=$(( $(seconds_of "$length") / 3 ))
  "$(bin bench/osteoflow-load)" --target="$target" --method="$method" --concurrency="$in_flight" \
    --rounds=3 --duration="${round}s" --warmup=0s --deadline=10s "$@" >"$run_dir/load-$name.txt" 2>&1 &
  load_pids+=("$!")
}
commit="$(measured_commit)"
echo "osteoflow soak at commit $commit: $soak mixed at 8 in flight, then $big of $((256 * 1024))-byte requests at 8"
load enrol "$progress_address" osteoflow.progress.v1.ProgressService/Enroll 2 "$soak" \
  --request_json="$enrol_request" --unique_field=1
load log "$progress_address" osteoflow.progress.v1.ProgressService/LogSession 2 "$soak" \
  --request_json="{\"program\":\"$program\",\"requestId\":\"soak\",\"session\":{\"date\":\"$today\",\"notes\":\"fine\"}}" \
  --unique_field=2
load report "$progress_address" osteoflow.progress.v1.ProgressService/GetProgress 1 "$soak" \
  --request_json="{\"program\":\"$program\"}"
load validate "$screening_address" osteoflow.screening.v1.ScreeningService/ValidateIntake 1 "$soak" \
  --request_json="{\"intake\":$intake}"
load plan "$scheduling_address" osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan 1 "$soak" \
  --request_json="$plan_request"
load catalog "$catalog_address" osteoflow.catalog.v1.CatalogService/ListExercises 1 "$soak" \
  --request_json="{\"pageSize\":50}"
for pid in "${load_pids[@]}"; do wait "$pid" || true; done

echo big >"$run_dir/phase"
load_pids=()
notes="$(head -c $(( 256 * 1024 - 400 )) /dev/zero | tr '\0' 'n')"
printf '{"program":"%s","requestId":"soak-big","session":{"date":"%s","notes":"%s"}}' "$program" "$today" "$notes" \
  >"$run_dir/big.json"
load big "$progress_address" osteoflow.progress.v1.ProgressService/LogSession 8 "$big" \
  --request_file="$run_dir/big.json" --unique_field=2 --refusals_expected
for pid in "${load_pids[@]}"; do wait "$pid" || true; done
rm -f "$run_dir/phase"
wait "$sampler_pid" || true

# Per phase and service: RSS at the first sample after a minute (warm),
# highest, last, in MiB.
echo
awk -F, -v names="${services[*]}" '
  NR == 1 { n = split(names, service, " "); next }
  { phase = $2; if (!(phase in first_t)) first_t[phase] = $1
    for (i = 1; i <= n; i++) { v = $(i + 2) / 1024
      if ($1 - first_t[phase] >= 60 && !((phase, i) in warm)) warm[phase, i] = v
      if (v > high[phase, i]) high[phase, i] = v
      last[phase, i] = v } phases[phase] = 1 }
  END { printf "%-7s %-11s %9s %9s %9s\n", "phase", "service", "warm MiB", "high MiB", "last MiB"
        for (phase in phases) for (i = 1; i <= n; i++)
          printf "%-7s %-11s %9.1f %9.1f %9.1f\n", phase, service[i], warm[phase, i], high[phase, i], last[phase, i] }
' "$run_dir/rss.csv"
echo
# Each stream's rounds (calls, QPS, latency, errors) and its first error.
for f in "$run_dir"/load-*.txt; do
  echo "$(basename "$f" .txt):"
  grep -E "^  round|^first target error" "$f" || true
done
if [[ -n "${SOAK_CSV:-}" ]]; then cp "$run_dir/rss.csv" "$SOAK_CSV"; fi
