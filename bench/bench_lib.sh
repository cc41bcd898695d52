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

bin() { echo "$build_dir/$1"; }

# require_built BINARY...: each built under build_dir (relative paths), and
# redis-server installed.
require_built() {
  local b
  for b in "$@"; do
    [[ -x "$(bin "$b")" ]] || die "missing $(bin "$b") (build first: cmake --build $build_dir)"
  done
  command -v redis-server >/dev/null || die "redis-server is not installed (scripts/setup.sh installs it)"
}

# The suite's binaries and the tools the suite scripts use.
suite_binaries=(services/catalog/osteoflow-catalog services/screening/osteoflow-screening
                services/scheduling/osteoflow-scheduling services/progress/osteoflow-progress
                bench/osteoflow-load tools/osteoflow-call tools/osteoflow-health)

# run_load NAME ARGS...: osteoflow-load with the round settings against
# progress (a --target among ARGS overrides it), its report shown and kept as
# NAME.txt and NAME.json in the run directory; a failed run sets status=1.
status=0
run_load() {
  local out="$1"; shift
  echo
  "$(bin bench/osteoflow-load)" --target="$progress_address" "${load_settings[@]}" \
    --json_out="$run_dir/$out.json" "$@" | tee "$run_dir/$out.txt" || status=1
}

# start_server NAME BINARY ARGS...: starts it on a free port; sets <NAME>_address
# and <NAME>_pid.
start_server() {
  local name=$1 binary=$2
  shift 2
  "$(bin "$binary")" --listen_address=127.0.0.1:0 "$@" >"$run_dir/$name.out" 2>"$run_dir/$name.log" &
  server_pids+=("$!")
  printf -v "${name}_pid" '%s' "$!"
  printf -v "${name}_address" '127.0.0.1:%s' "$(read_port "$run_dir/$name.log" "$!" "$name")"
}

# start_suite [PROGRESSION_RULES_FILE] [STORE_ADDRESS]: the whole suite on
# loopback, as in production: a store Redis (append-only, fsync on every
# write, no eviction; sets store_port and store_pid) unless STORE_ADDRESS
# names one already running, a cache Redis (cache_port),
# (PROGRESS_SETTINGS: more settings for progress, whole --flag=value words)
# then catalog, screening, scheduling and progress (each <name>_address and
# <name>_pid), waiting until scheduling and progress are ready.
# A copy of the shipped progression rules in the run directory with the
# record limits raised out of reach, so that a load can log sessions into one
# programme for as long as it runs; prints its path.
rules_without_record_limits() {
  local rules="$run_dir/progression_rules.json"
  sed -E 's/"(session_logs_per_day|session_logs_per_week|measurements_per_week)": [0-9]+/"\1": 1000000/' \
    "$repo_root/services/progress/data/progression_rules.json" >"$rules"
  echo "$rules"
}

start_suite() {
  local rules="${1:-$repo_root/services/progress/data/progression_rules.json}"
  local store_address=${2:-}
  if [[ -z $store_address ]]; then
    redis_name=store start_redis --appendonly yes --appendfsync always --maxmemory-policy noeviction
    store_port=$redis_port
    store_pid=${server_pids[-1]}
    store_address="127.0.0.1:$store_port"
  fi
  redis_name=cache start_redis --appendonly no --maxmemory 512mb --maxmemory-policy allkeys-lru
  cache_port=$redis_port
  start_server catalog services/catalog/osteoflow-catalog \
    --catalog_file="$repo_root/services/catalog/data/catalog.json"
  start_server screening services/screening/osteoflow-screening \
    --rule_set_file="$repo_root/services/screening/data/rules.json" --store_address="$store_address"
  start_server scheduling services/scheduling/osteoflow-scheduling \
    --plan_rules_file="$repo_root/services/scheduling/data/plan_rules.json" --cache_address="127.0.0.1:$cache_port" \
    --catalog_address="$catalog_address" --screening_address="$screening_address"
  start_server progress services/progress/osteoflow-progress \
    --progression_rules_file="$rules" \
    --store_address="$store_address" --screening_address="$screening_address" \
    --scheduling_address="$scheduling_address" ${PROGRESS_SETTINGS:-}  # whole --flag=value words
  local pair target service
  for pair in "$scheduling_address osteoflow.scheduling.v1.SchedulingService" \
              "$progress_address osteoflow.progress.v1.ProgressService"; do
    read -r target service <<<"$pair"
    "$(bin tools/osteoflow-health)" --target="$target" --service="$service" --wait=20s >/dev/null \
      || die "$service at $target is not ready"
  done
}

# start_cluster REDIS_SETTINGS...: redis-server nodes on free loopback ports
# made one Redis Cluster of three primaries, each with CLUSTER_REPLICAS
# replicas (default 1); sets cluster_ports and cluster_address
# (redis-cluster:// with the first three).
start_cluster() {
  local nodes=() i replicas=${CLUSTER_REPLICAS:-1}
  cluster_ports=()
  for i in $(seq 1 $(( 3 * (1 + replicas) ))); do
    redis_name="cluster-node-$i" start_redis --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 2000 "$@"
    cluster_ports+=("$redis_port")
    nodes+=("127.0.0.1:$redis_port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$replicas" --cluster-yes >"$run_dir/cluster-create.log" 2>&1 \
    || die "the cluster was not created; see $run_dir/cluster-create.log"
  for _ in $(seq 1 100); do
    redis-cli -p "${cluster_ports[0]}" cluster info | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
  redis-cli -p "${cluster_ports[0]}" cluster info | grep -q 'cluster_state:ok' || die "the cluster is not ok"
  cluster_address="redis-cluster://${nodes[0]},${nodes[1]},${nodes[2]}"
}
