# Shared by the bench/run_*_bench.sh scripts (sourced, not run). The caller
# sets repo_root and run_dir, and appends each server's pid to server_pids.
# shellcheck shell=bash

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Everything here runs on loopback; the services and the echo run without
# TLS or tokens, on the same transport, so the ratios compare like with like.
export OSTEOFLOW_PLAINTEXT=true OSTEOFLOW_AUTH=off

server_pids=()

# TERM, up to 15 s to drain, then KILL: a stuck server must not hang the script.
stop_servers() {
  local pid status=0
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      status=1
    fi
    wait "$pid" || status=1
  done
  server_pids=()
  return "$status"
}

# The access log of a run is tens of MB: the run directory goes unless asked
# for or needed to see what failed.
# shellcheck disable=SC2317  # run by the EXIT trap
finish() {
  local exit_code="$1"
  stop_servers || exit_code=1
  if [[ "$exit_code" == 0 && "${KEEP_RUN_DIR:-0}" != 1 ]]; then
    rm -rf "$run_dir"
  else
    echo "run directory kept: $run_dir" >&2
  fi
}

# Prints the port from a server's "serving" JSON log line once it appears.
read_port() {
  local log="$1" pid="$2" name="$3" port
  for _ in $(seq 1 100); do
    port="$(grep -o '"port":[0-9]*' "$log" 2>/dev/null | head -n 1 | cut -d: -f2 || true)"
    if [[ -n "$port" ]]; then echo "$port"; return 0; fi
    kill -0 "$pid" 2>/dev/null || die "$name exited at start; see $log"
    sleep 0.1
  done
  die "$name did not report its port within 10 s; see $log"
}

# Sets build_dir (the script's first argument, or <repo>/build) and
# load_settings (osteoflow-load's round settings, from the environment).
bench_settings() {
  build_dir="${1:-$repo_root/build}"
  [[ -d "$build_dir" ]] || die "no build directory $build_dir"
  build_dir="$(cd "$build_dir" && pwd)"
  load_settings=(
    "--concurrency=${CONCURRENCY:-1,8}" "--duration=${DURATION:-3s}"
    "--rounds=${ROUNDS:-3}" "--warmup=${WARMUP:-1s}")
}

# Starts redis-server on a free loopback port with the given settings (its
# data and log in the run directory, named by $redis_name, "redis" unless
# set) and waits for it; sets redis_port.
start_redis() {
  local name=${redis_name:-redis}
  redis_port="$(free_port)"
  mkdir -p "$run_dir/$name"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$run_dir/$name" --save "" "$@" \
    >"$run_dir/$name.log" 2>&1 &
  server_pids+=("$!")
  for _ in $(seq 1 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || die "redis-server did not start; see $run_dir/$name.log"
}

# A loopback port nothing listens on at the moment.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free loopback port found"
}

# The commit measured, marked when the tree has uncommitted changes.
measured_commit() {
  local commit
  commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$repo_root" status --porcelain 2>/dev/null | head -n 1)" ]]; then
    commit="$commit (with uncommitted changes)"
  fi
  echo "$commit"
}
