#!/usr/bin/env bash
# Runs the built suite natively on loopback, the same topology docker-compose
# describes: start | stop | status. Logs, pids and the store's data go to the
# run directory (.run/ or $OSTEOFLOW_RUN_DIR).
#
# The store is one Redis unless OSTEOFLOW_STORE_TOPOLOGY asks for a trial of
# another: "sentinel" (that Redis as primary, two replicas on the next two
# ports, three sentinels from OSTEOFLOW_SENTINEL_PORT (26380) naming it
# "store", and every durable write waiting for one replica) or "cluster"
# (three primaries and three replicas from OSTEOFLOW_STORE_CLUSTER_PORT
# (7380), the store's durability on each). The cache is one Redis unless
# OSTEOFLOW_CACHE_TOPOLOGY=cluster: three primaries without replicas from
# OSTEOFLOW_CACHE_CLUSTER_PORT (7390), since a lost cache node only costs
# plans computed again. `stop` stops whatever `start` started, whatever the
# topology settings then.
#
# Plaintext with no tokens (loopback, local development) unless
# OSTEOFLOW_SECRETS_DIR names what deploy/make-local-secrets.sh makes: then
# every service runs as docker-compose.yml runs it, mutual TLS between
# everything and a bearer token on every call (scripts/harness.sh does this).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build_dir=${OSTEOFLOW_BUILD_DIR:-build}
run_dir=${OSTEOFLOW_RUN_DIR:-$root/.run}
health=$build_dir/tools/osteoflow-health
# The suite's own two Redis roles. Not 6379, where a Redis the machine already
# runs may listen without the settings each role needs.
store_port=${OSTEOFLOW_STORE_PORT:-6380}
cache_port=${OSTEOFLOW_CACHE_PORT:-6381}

# name | binary | gRPC service | port | metrics port | extra settings
services=(
  "catalog|services/catalog/osteoflow-catalog|osteoflow.catalog.v1.CatalogService|${OSTEOFLOW_CATALOG_PORT:-50051}|${OSTEOFLOW_CATALOG_METRICS_PORT:-9451}|--catalog_file=$root/services/catalog/data/catalog.json"
  "screening|services/screening/osteoflow-screening|osteoflow.screening.v1.ScreeningService|${OSTEOFLOW_SCREENING_PORT:-50052}|${OSTEOFLOW_SCREENING_METRICS_PORT:-9452}|--rule_set_file=$root/services/screening/data/rules.json --store_address=127.0.0.1:$store_port"
  "scheduling|services/scheduling/osteoflow-scheduling|osteoflow.scheduling.v1.SchedulingService|${OSTEOFLOW_SCHEDULING_PORT:-50053}|${OSTEOFLOW_SCHEDULING_METRICS_PORT:-9453}|--plan_rules_file=$root/services/scheduling/data/plan_rules.json --cache_address=127.0.0.1:$cache_port --catalog_address=127.0.0.1:${OSTEOFLOW_CATALOG_PORT:-50051} --screening_address=127.0.0.1:${OSTEOFLOW_SCREENING_PORT:-50052}"
  "progress|services/progress/osteoflow-progress|osteoflow.progress.v1.ProgressService|${OSTEOFLOW_PROGRESS_PORT:-50054}|${OSTEOFLOW_PROGRESS_METRICS_PORT:-9454}|--progression_rules_file=$root/services/progress/data/progression_rules.json --store_address=127.0.0.1:$store_port --screening_address=127.0.0.1:${OSTEOFLOW_SCREENING_PORT:-50052} --scheduling_address=127.0.0.1:${OSTEOFLOW_SCHEDULING_PORT:-50053}"
)

# role | port | settings | description
redis_roles=(
  "store|$store_port|--appendonly yes --appendfsync always --maxmemory-policy noeviction|append-only, fsync always"
  "cache|$cache_port|--appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru|no persistence, 256 MB, LRU"
)

redis_running() { redis-cli -p "$1" ping >/dev/null 2>&1; }

# The security settings of service NAME, and the health check's.
secrets=${OSTEOFLOW_SECRETS_DIR:-}
security_flags() {
  if [[ -z $secrets ]]; then
    # Loopback only, for local development: plaintext and no tokens, asked
    # for explicitly (a service refuses to start without TLS and token keys
    # otherwise).
    echo "--plaintext=true --auth=off"
    return
  fi
  echo "--tls_ca_file=$secrets/ca.pem --tls_cert_file=$secrets/$1.pem --tls_key_file=$secrets/$1.key" \
    "--auth=jwt --jwt_public_key_files=$secrets/token-verifying.pem" \
    "--jwt_issuer=https://issuer.osteoflow.local --jwt_audience=osteoflow --service_identities=scheduling,progress"
}
health_flags() {
  [[ -z $secrets ]] || echo "--tls_ca_file=$secrets/ca.pem --tls_cert_file=$secrets/$1.pem --tls_key_file=$secrets/$1.key"
}

topology=${OSTEOFLOW_STORE_TOPOLOGY:-single}
cache_topology=${OSTEOFLOW_CACHE_TOPOLOGY:-single}
store_durability="--appendonly yes --appendfsync always --maxmemory-policy noeviction"
cache_settings="--appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru"
cluster_node="--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000"
ports_from() { local first=$1 count=$2 i; for ((i = 0; i < count; ++i)); do echo $((first + i)); done; }
mapfile -t sentinel_ports < <(ports_from "${OSTEOFLOW_SENTINEL_PORT:-26380}" 3)
mapfile -t cluster_ports < <(ports_from "${OSTEOFLOW_STORE_CLUSTER_PORT:-7380}" 6)
mapfile -t cache_cluster_ports < <(ports_from "${OSTEOFLOW_CACHE_CLUSTER_PORT:-7390}" 3)
# host:port,host:port... of a list of ports.
addresses() { local IFS=,; local list=("${@/#/127.0.0.1:}"); echo "${list[*]}"; }
case $topology in
  single) store_override="" ;;
  sentinel)
    store_override="--store_address=redis-sentinel://$(addresses "${sentinel_ports[@]}")/store --store_wait_replicas=1 --store_wait_timeout=200ms"
    redis_roles+=(
      "store-replica-1|$((store_port + 10))|$store_durability --replicaof 127.0.0.1 $store_port|store replica"
      "store-replica-2|$((store_port + 11))|$store_durability --replicaof 127.0.0.1 $store_port|store replica")
    ;;
  cluster)
    store_override="--store_address=redis-cluster://$(addresses "${cluster_ports[@]:0:3}")"
    redis_roles=("${redis_roles[@]/#store|*/}")  # the cluster is the store: no single store Redis
    for port in "${cluster_ports[@]}"; do
      redis_roles+=("store-node-$port|$port|$store_durability $cluster_node|store cluster node")
    done
    ;;
  *) echo "OSTEOFLOW_STORE_TOPOLOGY: want single, sentinel or cluster" >&2; exit 2 ;;
esac
case $cache_topology in
  single) cache_override="" ;;
  cluster)
    cache_override="--cache_address=redis-cluster://$(addresses "${cache_cluster_ports[@]}")"
    redis_roles=("${redis_roles[@]/#cache|*/}")  # the cluster is the cache
    for port in "${cache_cluster_ports[@]}"; do
      redis_roles+=("cache-node-$port|$port|$cache_settings $cluster_node|cache cluster node")
    done
    ;;
  *) echo "OSTEOFLOW_CACHE_TOPOLOGY: want single or cluster" >&2; exit 2 ;;
esac

# The sentinels of the "sentinel" trial: each watches the store primary
# (quorum 2), with short timeouts so that a failover shows in seconds.
start_sentinels() {
  local port
  for port in "${sentinel_ports[@]}"; do
    local name=sentinel-$port
    if [[ -f $run_dir/$name.pid ]] && kill -0 "$(cat "$run_dir/$name.pid")" 2>/dev/null; then continue; fi
    mkdir -p "$run_dir/$name"
    cat >"$run_dir/$name/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
dir $run_dir/$name
sentinel monitor store 127.0.0.1 $store_port 2
sentinel down-after-milliseconds store 1000
sentinel failover-timeout store 5000
CONF
    redis-server "$run_dir/$name/sentinel.conf" --sentinel >>"$run_dir/$name.log" 2>&1 &
    echo $! >"$run_dir/$name.pid"
    for _ in $(seq 1 100); do redis_running "$port" && break; sleep 0.1; done
    printf '%-10s READY    127.0.0.1:%s  sentinel of the store\n' "sentinel" "$port"
  done
}

# A trial's nodes made one cluster, once: NAME REPLICAS_EACH PORT...
create_cluster() {
  local name=$1 replicas=$2 nodes=() port
  shift 2
  for port in "$@"; do nodes+=("127.0.0.1:$port"); done
  if redis-cli -p "$1" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then return; fi
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$replicas" --cluster-yes \
    >>"$run_dir/$name-create.log" 2>&1
  for _ in $(seq 1 100); do
    redis-cli -p "$1" cluster info | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
  printf '%-10s READY    %s  %s primaries, %s replicas each\n' "$name" "${nodes[*]}" \
    $(($# / (replicas + 1))) "$replicas"
}

# The store is append-only with fsync on every write and no eviction: an
# acknowledged write survives a crash of Redis. The cache keeps nothing on
# disk and evicts the least recently used plan when full.
start_redis() {
  local role=$1 port=$2 settings=$3 description=$4
  if [[ -f $run_dir/$role.pid ]] && kill -0 "$(cat "$run_dir/$role.pid")" 2>/dev/null; then
    echo "$role: already running (pid $(cat "$run_dir/$role.pid"))"
    return
  fi
  if redis_running "$port"; then
    echo "$role: something else already listens on 127.0.0.1:$port; set OSTEOFLOW_${role^^}_PORT" >&2
    exit 1
  fi
  mkdir -p "$run_dir/$role"
  # shellcheck disable=SC2086 # settings holds whole --option value words
  redis-server --bind 127.0.0.1 --port "$port" --dir "$run_dir/$role" --save "" $settings \
    >>"$run_dir/$role.log" 2>&1 &
  echo $! >"$run_dir/$role.pid"
  for _ in $(seq 1 100); do redis_running "$port" && break; sleep 0.1; done
  if ! redis_running "$port"; then
    echo "$role: redis-server did not start; last log lines:" >&2
    tail -n 20 "$run_dir/$role.log" >&2
    exit 1
  fi
  printf '%-10s READY    127.0.0.1:%s  redis, %s  (data %s)\n' "$role" "$port" "$description" "$run_dir/$role"
}

stop_redis() {
  local role=$1 pid_file=$run_dir/$1.pid
  [[ -f $pid_file ]] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "$role: stopped"
  fi
  rm -f "$pid_file"
}

start() {
  mkdir -p "$run_dir"
  for entry in "${redis_roles[@]}"; do
    [[ -n $entry ]] || continue
    IFS='|' read -r role port settings description <<<"$entry"
    start_redis "$role" "$port" "$settings" "$description"
  done
  [[ $topology == sentinel ]] && start_sentinels
  [[ $topology == cluster ]] && create_cluster store-cluster 1 "${cluster_ports[@]}"
  [[ $cache_topology == cluster ]] && create_cluster cache-cluster 0 "${cache_cluster_ports[@]}"
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port metrics_port extra <<<"$entry"
    if [[ -f $run_dir/$name.pid ]] && kill -0 "$(cat "$run_dir/$name.pid")" 2>/dev/null; then
      echo "$name: already running (pid $(cat "$run_dir/$name.pid"))"
      continue
    fi
    # A topology other than one Redis replaces the store's or the cache's
    # address (the later flag wins).
    local topology_flags=""
    [[ $extra == *--store_address=* ]] && topology_flags=$store_override
    [[ $extra == *--cache_address=* ]] && topology_flags=$cache_override
    # shellcheck disable=SC2086 # these hold whole --flag=value words
    "$build_dir/$binary" --listen_address="127.0.0.1:$port" --metrics_address="127.0.0.1:$metrics_port" \
      $(security_flags "$name") $extra $topology_flags \
      >>"$run_dir/$name.log" 2>&1 &
    echo $! >"$run_dir/$name.pid"
  done
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port metrics_port extra <<<"$entry"
    # shellcheck disable=SC2046 # whole --flag=value words
    if ! "$health" --target="127.0.0.1:$port" --service="$grpc_service" --wait=20s $(health_flags "$name") >/dev/null; then
      echo "$name: did not become ready; last log lines:" >&2
      tail -n 20 "$run_dir/$name.log" >&2
      stop
      exit 1
    fi
    printf '%-10s SERVING  127.0.0.1:%s  %s  metrics http://127.0.0.1:%s/metrics  (log %s)\n' \
      "$name" "$port" "$grpc_service" "$metrics_port" "$run_dir/$name.log"
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
  # Every Redis and sentinel this run directory started, whichever
  # topology started them.
  local pid_file
  for pid_file in "$run_dir"/*.pid; do
    [[ -e $pid_file ]] || continue
    stop_redis "$(basename "$pid_file" .pid)"
  done
}

status() {
  for entry in "${redis_roles[@]}"; do
    [[ -n $entry ]] || continue
    IFS='|' read -r role port _ <<<"$entry"
    printf '%-10s 127.0.0.1:%s  %s\n' "$role" "$port" "$(redis_running "$port" && echo PONG || echo down)"
  done
  for entry in "${services[@]}"; do
    IFS='|' read -r name binary grpc_service port metrics_port extra <<<"$entry"
    printf '%-10s 127.0.0.1:%s  liveness %s  readiness %s  metrics 127.0.0.1:%s\n' "$name" "$port" \
      "$("$health" --target="127.0.0.1:$port" $(health_flags "$name") 2>/dev/null || true)" \
      "$("$health" --target="127.0.0.1:$port" --service="$grpc_service" $(health_flags "$name") 2>/dev/null || true)" \
      "$metrics_port"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
