#!/usr/bin/env bash
# Runs the built suite natively on loopback, the same topology docker-compose
# describes: start | stop | status. Logs, pids and the store's data go to the
# run directory (.run/ or $OSTEOFLOW_RUN_DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build_dir=${OSTEOFLOW_BUILD_DIR:-build}
run_dir=${OSTEOFLOW_RUN_DIR:-$root/.run}
health=$build_dir/tools/osteoflow-health
# The suite's own durable Redis (the store role). Not 6379, where a Redis the
# machine already runs may listen without the store's durability settings.
store_port=${OSTEOFLOW_STORE_PORT:-6380}

# name | binary | gRPC service | port | extra settings
services=(
  "catalog|services/catalog/osteoflow-catalog|osteoflow.catalog.v1.CatalogService|${OSTEOFLOW_CATALOG_PORT:-50051}|--catalog_file=$root/services/catalog/data/catalog.json"
  "screening|services/screening/osteoflow-screening|osteoflow.screening.v1.ScreeningService|${OSTEOFLOW_SCREENING_PORT:-50052}|--rule_set_file=$root/services/screening/data/rules.json --store_address=127.0.0.1:$store_port"
)

store_running() { redis-cli -p "$store_port" ping >/dev/null 2>&1; }

# Append-only with fsync on every write and no eviction: an acknowledged
# write survives a crash of Redis.
start_store() {
  if [[ -f $run_dir/store.pid ]] && kill -0 "$(cat "$run_dir/store.pid")" 2>/dev/null; then
    echo "store: already running (pid $(cat "$run_dir/store.pid"))"
    return
  fi
  if store_running; then
    echo "store: something else already listens on 127.0.0.1:$store_port; set OSTEOFLOW_STORE_PORT" >&2
    exit 1
  fi
  mkdir -p "$run_dir/store"
  redis-server --bind 127.0.0.1 --port "$store_port" --dir "$run_dir/store" --save "" \
    --appendonly yes --appendfsync always --maxmemory-policy noeviction \
    >>"$run_dir/store.log" 2>&1 &
  echo $! >"$run_dir/store.pid"
  for _ in $(seq 1 100); do store_running && break; sleep 0.1; done
  if ! store_running; then
    echo "store: redis-server did not start; last log lines:" >&2
    tail -n 20 "$run_dir/store.log" >&2
    exit 1
  fi
  printf '%-10s READY    127.0.0.1:%s  redis, append-only, fsync always  (data %s)\n' store "$store_port" "$run_dir/store"
}

stop_store() {
  local pid_file=$run_dir/store.pid
  [[ -f $pid_file ]] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "store: stopped"
  fi
  rm -f "$pid_file"
}

start() {
  mkdir -p "$run_dir"
  start_store
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port extra <<<"$entry"
    if [[ -f $run_dir/$name.pid ]] && kill -0 "$(cat "$run_dir/$name.pid")" 2>/dev/null; then
      echo "$name: already running (pid $(cat "$run_dir/$name.pid"))"
      continue
    fi
    # shellcheck disable=SC2086 # extra holds whole --flag=value words
    "$build_dir/$binary" --listen_address="127.0.0.1:$port" $extra \
      >>"$run_dir/$name.log" 2>&1 &
    echo $! >"$run_dir/$name.pid"
  done
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port extra <<<"$entry"
    if ! "$health" --target="127.0.0.1:$port" --service="$grpc_service" --wait=20s >/dev/null; then
      echo "$name: did not become ready; last log lines:" >&2
      tail -n 20 "$run_dir/$name.log" >&2
      stop
      exit 1
    fi
    printf '%-10s SERVING  127.0.0.1:%s  %s  (log %s)\n' "$name" "$port" "$grpc_service" "$run_dir/$name.log"
  done
}

stop() {
  for entry in "${services[@]}"; do
    IFS='|' read -r name _ <<<"$entry"
    local pid_file=$run_dir/$name.pid
    [[ -f $pid_file ]] || continue
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "$name: did not drain in time; killing" >&2
        kill -KILL "$pid" 2>/dev/null || true
      else
        echo "$name: stopped"
      fi
    fi
    rm -f "$pid_file"
  done
  stop_store
}

status() {
  printf '%-10s 127.0.0.1:%s  %s\n' store "$store_port" "$(store_running && echo PONG || echo down)"
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port extra <<<"$entry"
    printf '%-10s 127.0.0.1:%s  liveness %s  readiness %s\n' "$name" "$port" \
      "$("$health" --target="127.0.0.1:$port" 2>/dev/null || true)" \
      "$("$health" --target="127.0.0.1:$port" --service="$grpc_service" 2>/dev/null || true)"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
