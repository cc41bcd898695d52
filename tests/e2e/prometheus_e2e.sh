#!/usr/bin/env bash
# End to end with a real Prometheus: the local suite on free loopback ports,
# a sample patient driven through the pipeline, Debian's prometheus scraping
# all four services every second with the shipped alert rules loaded; then
# every dashboard query and every alert and recording rule is evaluated
# through Prometheus' HTTP API (prometheus_queries.mjs says what must hold).
# Starts only what it stops; leaves nothing running.
#
# Usage: tests/e2e/prometheus_e2e.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
build_dir=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
command -v prometheus >/dev/null || { echo "prometheus is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-prometheus.XXXXXX")
prometheus_pid=""
suite_started=false
finish() {
  local code=$?
  [[ -n $prometheus_pid ]] && kill "$prometheus_pid" 2>/dev/null && wait "$prometheus_pid" 2>/dev/null
  $suite_started && OSTEOFLOW_RUN_DIR=$work/suite OSTEOFLOW_BUILD_DIR=$build_dir scripts/local-suite.sh stop >/dev/null
  if [[ $code == 0 ]]; then rm -rf "$work"; else echo "kept for a look: $work" >&2; fi
  exit "$code"
}
trap finish EXIT

# shellcheck source=tests/e2e/suite_ports.sh
source tests/e2e/suite_ports.sh
choose_ports() {
  choose_suite_ports
  prometheus_port=$(free_port)
}

suite_started=true
for attempt in 1 2 3; do
  choose_ports
  if OSTEOFLOW_RUN_DIR=$work/suite OSTEOFLOW_BUILD_DIR=$build_dir scripts/local-suite.sh start; then break; fi
  OSTEOFLOW_RUN_DIR=$work/suite OSTEOFLOW_BUILD_DIR=$build_dir scripts/local-suite.sh stop >/dev/null
  [[ $attempt == 3 ]] && { echo "the local suite did not start in three tries" >&2; exit 1; }
  echo "the local suite did not start (a port taken meanwhile?); trying new ports" >&2
  rm -rf "$work/suite"
done

cat >"$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $root/deploy/monitoring/alerts.yml
scrape_configs:
  - job_name: catalog
    static_configs: [{targets: ["127.0.0.1:$OSTEOFLOW_CATALOG_METRICS_PORT"]}]
  - job_name: screening
    static_configs: [{targets: ["127.0.0.1:$OSTEOFLOW_SCREENING_METRICS_PORT"]}]
  - job_name: scheduling
    static_configs: [{targets: ["127.0.0.1:$OSTEOFLOW_SCHEDULING_METRICS_PORT"]}]
  - job_name: progress
    static_configs: [{targets: ["127.0.0.1:$OSTEOFLOW_PROGRESS_METRICS_PORT"]}]
CONFIG
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!

# The pipeline, as the run command drives it: every sample enrolled (one is
# referred), a week logged and advanced, then a session with chest pain that
# pauses the programme. Twice, a few seconds apart, so that rates have two
# scrapes to work on.
osteoflow=("$build_dir/tools/osteoflow" --progress="127.0.0.1:$OSTEOFLOW_PROGRESS_PORT"
           --catalog="127.0.0.1:$OSTEOFLOW_CATALOG_PORT" --screening="127.0.0.1:$OSTEOFLOW_SCREENING_PORT"
           --scheduling="127.0.0.1:$OSTEOFLOW_SCHEDULING_PORT")
week_ago=$(date -d "12:00 7 days ago" +%F)
week_start=$(date -d "$week_ago 12:00 $(( $(date -d "$week_ago 12:00" +%u) - 1 )) days ago" +%F)
drive() {
  local pass=$1 first="" sample name enrolled
  for sample in samples/intakes/*.json; do
    name=$(basename "$sample" .json)
    enrolled=$("${osteoflow[@]}" enrol --intake="$sample" --preferences="samples/preferences/$name.json" \
      --start="$week_start" --request_id="e2e-$name-$pass")
    [[ -n $first || $name == red-flag* ]] || first=$(head -n 1 <<<"$enrolled" | cut -d' ' -f1)
  done
  "${osteoflow[@]}" simulate-week --program="$first" --strength_reps=13 --first_load_kg=8 >/dev/null
  "${osteoflow[@]}" advance --program="$first" --request_id="e2e-advance-$pass" >/dev/null
  "${osteoflow[@]}" progress --program="$first" >/dev/null
  cat >"$work/chest-pain.json" <<SESSION
{"date": "$(date +%F)", "symptoms": ["SESSION_SYMPTOM_CHEST_PAIN"]}
SESSION
  "${osteoflow[@]}" log --program="$first" --session="$work/chest-pain.json" --request_id="e2e-red-$pass" >/dev/null
}
drive 1
for _ in $(seq 1 100); do
  curl_up=$(exec 3<>"/dev/tcp/127.0.0.1/$prometheus_port" && printf 'GET /-/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3) 2>/dev/null || true
  [[ $curl_up == *" 200 "* ]] && break
  sleep 0.2
done
[[ ${curl_up:-} == *" 200 "* ]] || { echo "prometheus did not become ready; its log:" >&2; tail -n 20 "$work/prometheus.log" >&2; exit 1; }
sleep 4
drive 2
sleep 4
node tests/e2e/prometheus_queries.mjs "http://127.0.0.1:$prometheus_port" deploy/monitoring
