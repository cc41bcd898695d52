#!/usr/bin/env bash
# Shows that the compose check bites: each line below breaks a copy of
# docker-compose.yml in one way (a sed expression) and names what the check
# must then say. Each broken copy must be refused, for that reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-compose.XXXXXX")
trap 'rm -rf "$work"' EXIT

# sed expression | what the check must say
mutants=(
  's/^services:/servics:/|docker-compose config refuses'
  's/"allkeys-lru"/"volatile-lru"/|cache-redis: command lacks --maxmemory-policy allkeys-lru'
  's/"--appendfsync", "always"/"--appendfsync", "everysec"/|store-redis: command lacks --appendfsync always'
  '/^  scheduling:/,/^  progress:/s/service_healthy/service_started/|scheduling: must wait for catalog to be healthy'
  's/--service=osteoflow.screening.v1.ScreeningService/--service=/|screening: healthcheck must ask osteoflow-health'
  's/OSTEOFLOW_DRAIN_TIMEOUT:/OSTEOFLOW_DRAIN_TIMEOUTS:/|OSTEOFLOW_DRAIN_TIMEOUTS is not a setting of any service'
  's/PROGRESS_PORT:-50054}:50054/PROGRESS_PORT:-50055}:50054/|progress: must publish 50054:50054'
  's/OSTEOFLOW_CATALOG_ADDRESS: catalog:50051/OSTEOFLOW_CATALOG_ADDRESS: catalog:50052/|scheduling: OSTEOFLOW_CATALOG_ADDRESS must be catalog:50051'
  's/stop_grace_period: 15s/stop_grace_period: 5s/|stop_grace_period must exceed the drain'
  's/store-data:\/data/.\/store:\/data/|store-redis: its /data must be a named volume'
  's/SCHEDULING_METRICS_PORT:-9453}:9464/SCHEDULING_METRICS_PORT:-9455}:9464/|scheduling: must publish its metrics on loopback only, 127.0.0.1:9453:9464'
  's/"127.0.0.1:${OSTEOFLOW_CATALOG_METRICS_PORT:-9451}:9464"/"${OSTEOFLOW_CATALOG_METRICS_PORT:-9451}:9464"/|catalog: must publish its metrics on loopback only, 127.0.0.1:9451:9464'
  's/OSTEOFLOW_METRICS_ADDRESS: "0.0.0.0:9464"/OSTEOFLOW_METRICS_ADDRESS: "127.0.0.1:9464"/|progress: must serve metrics on 0.0.0.0:9464 (OSTEOFLOW_METRICS_ADDRESS)'
)
status=0
for entry in "${mutants[@]}"; do
  expression=${entry%%|*}
  expected=${entry#*|}
  sed -e "$expression" docker-compose.yml >"$work/docker-compose.yml"
  if cmp -s docker-compose.yml "$work/docker-compose.yml"; then
    echo "mutant '$expression' changes nothing: fix the expression" >&2
    status=1
  elif output=$(bash deploy/check/check-compose.sh "$work/docker-compose.yml" 2>&1); then
    echo "mutant '$expression': accepted, but it is broken ($expected)" >&2
    status=1
  elif ! grep -qF -- "$expected" <<<"$output"; then
    echo "mutant '$expression': refused, but not for '$expected':" >&2
    echo "$output" >&2
    status=1
  else
    echo "mutant refused: $expected"
  fi
done
exit "$status"
