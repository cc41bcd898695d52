#!/usr/bin/env bash
# The local suite's trial topologies: started with the store on a Sentinel
# set and the cache on a Redis Cluster, then with the store on a Cluster,
# each carries a sample patient from enrolment through a logged week to week
# 2 with the command-line client; the programme is on a store replica (the
# Sentinel trial) and the plans in the cache cluster; `stop`, with no
# topology settings, leaves nothing listening.
#
# Usage: tests/e2e/trial_topologies.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
export OSTEOFLOW_BUILD_DIR=$build_dir

# shellcheck source=tests/e2e/suite_ports.sh
source tests/e2e/suite_ports.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-trial.XXXXXX")
export OSTEOFLOW_RUN_DIR=$work/suite
started=false
finish() {
  local code=$?
  $started && scripts/local-suite.sh stop >/dev/null 2>&1
  if [[ $code == 0 ]]; then rm -rf "$work"; else echo "kept for a look: $work" >&2; fi
  exit "$code"
}
trap finish EXIT
fail() { echo "trial_topologies: $*" >&2; exit 1; }

# COUNT consecutive free ports whose cluster bus ports (10000 above) are
# free too; the first.
free_block() {
  local count=$1 first i
  while true; do
    first=$(free_port)
    for ((i = 0; i < count; ++i)); do
      [[ $taken == *" $((first + i)) "* ]] && continue 2
      (exec 3<>"/dev/tcp/127.0.0.1/$((first + i))") 2>/dev/null && continue 2
      (exec 3<>"/dev/tcp/127.0.0.1/$((first + i + 10000))") 2>/dev/null && continue 2
    done
    for ((i = 0; i < count; ++i)); do taken+="$((first + i)) "; done
    echo "$first"
    return
  done
}

# Starts the suite with the topology settings in the environment, on fresh
# ports, trying again on others when a start loses a port.
start_suite() {
  local attempt
  started=true
  for attempt in 1 2 3; do
    choose_suite_ports
    OSTEOFLOW_SENTINEL_PORT=$(free_block 3)
    OSTEOFLOW_STORE_CLUSTER_PORT=$(free_block 6)
    OSTEOFLOW_CACHE_CLUSTER_PORT=$(free_block 3)
    export OSTEOFLOW_SENTINEL_PORT OSTEOFLOW_STORE_CLUSTER_PORT OSTEOFLOW_CACHE_CLUSTER_PORT
    # The Sentinel trial's replicas sit 10 and 11 above the store's port.
    if (exec 3<>"/dev/tcp/127.0.0.1/$((OSTEOFLOW_STORE_PORT + 10))") 2>/dev/null ||
       (exec 3<>"/dev/tcp/127.0.0.1/$((OSTEOFLOW_STORE_PORT + 11))") 2>/dev/null; then
      continue
    fi
    scripts/local-suite.sh start >"$work/start.txt" 2>&1 && return 0
    scripts/local-suite.sh stop >/dev/null 2>&1
  done
  cat "$work/start.txt" >&2
  fail "the suite did not start in three tries"
}

# Enrols the sample, logs a simulated week, advances to week 2; the programme.
pipeline() {
  local name=$1 week_ago start enrolled program advanced
  osteoflow() { "$build_dir/tools/osteoflow" --progress="127.0.0.1:$OSTEOFLOW_PROGRESS_PORT" "$@"; }
  week_ago=$(date -d "12:00 7 days ago" +%F)
  start=$(date -d "$week_ago 12:00 $(( $(date -d "$week_ago 12:00" +%u) - 1 )) days ago" +%F)
  enrolled=$(osteoflow enrol --intake=samples/intakes/osteopenia-no-fractures.json \
    --preferences=samples/preferences/osteopenia-no-fractures.json --start="$start" --request_id="trial-$name-1")
  program=$(head -n 1 <<<"$enrolled" | cut -d' ' -f1)
  [[ $program == patients/*/programs/* ]] || fail "$name: enrolment answered: $enrolled"
  osteoflow simulate-week --program="$program" >"$work/$name-week1.txt"
  grep -q "^logged " "$work/$name-week1.txt" || fail "$name: no session logged: $(cat "$work/$name-week1.txt")"
  advanced=$(osteoflow advance --program="$program" --request_id="trial-$name-advance-1")
  grep -q "week 2" <<<"$advanced" || fail "$name: advance answered: $(head -n 1 <<<"$advanced")"
  echo "$program"
}

# Keys on the node on PORT.
keys_on() { redis-cli -p "$1" dbsize; }

# What `stop` must leave: nothing listening on any port the suite used.
nothing_left() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "something still listens on $port after stop"; fi
  done
}

# 1. The store on a Sentinel set (writes wait for a replica), the cache on a
# cluster of three primaries.
export OSTEOFLOW_STORE_TOPOLOGY=sentinel OSTEOFLOW_CACHE_TOPOLOGY=cluster
start_suite
grep -q "sentinel .*READY" "$work/start.txt" || fail "no sentinel started: $(cat "$work/start.txt")"
grep -q "cache-cluster READY" "$work/start.txt" || fail "no cache cluster: $(cat "$work/start.txt")"
program=$(pipeline sentinel)
replica_keys=$(keys_on $((OSTEOFLOW_STORE_PORT + 10)))
((replica_keys > 0)) || fail "sentinel: the store's replica holds no keys"
cached=0
for ((i = 0; i < 3; ++i)); do cached=$((cached + $(keys_on $((OSTEOFLOW_CACHE_CLUSTER_PORT + i))))); done
((cached > 0)) || fail "sentinel: no plan cached on the cache cluster"
redis-cli -p "$OSTEOFLOW_CACHE_PORT" ping >/dev/null 2>&1 && fail "sentinel: a single cache Redis was started too"
used=("$OSTEOFLOW_STORE_PORT" $((OSTEOFLOW_STORE_PORT + 10)) $((OSTEOFLOW_STORE_PORT + 11))
      "$OSTEOFLOW_SENTINEL_PORT" $((OSTEOFLOW_SENTINEL_PORT + 1)) $((OSTEOFLOW_SENTINEL_PORT + 2))
      "$OSTEOFLOW_CACHE_CLUSTER_PORT" $((OSTEOFLOW_CACHE_CLUSTER_PORT + 1)) $((OSTEOFLOW_CACHE_CLUSTER_PORT + 2))
      "$OSTEOFLOW_PROGRESS_PORT")
(unset OSTEOFLOW_STORE_TOPOLOGY OSTEOFLOW_CACHE_TOPOLOGY; scripts/local-suite.sh stop >/dev/null)
started=false
nothing_left "${used[@]}"
echo "sentinel store, cluster cache: $program reached week 2 ($replica_keys keys on a store replica, $cached on the cache cluster)"

# 2. The store on a cluster of three primaries and three replicas.
rm -rf "$OSTEOFLOW_RUN_DIR"
export OSTEOFLOW_STORE_TOPOLOGY=cluster OSTEOFLOW_CACHE_TOPOLOGY=single
start_suite
grep -q "store-cluster READY" "$work/start.txt" || fail "no store cluster: $(cat "$work/start.txt")"
program=$(pipeline cluster)
stored=0
for ((i = 0; i < 6; ++i)); do stored=$((stored + $(keys_on $((OSTEOFLOW_STORE_CLUSTER_PORT + i))))); done
((stored > 0)) || fail "cluster: the store cluster holds no keys"
redis-cli -p "$OSTEOFLOW_STORE_PORT" ping >/dev/null 2>&1 && fail "cluster: a single store Redis was started too"
used=()
for ((i = 0; i < 6; ++i)); do used+=($((OSTEOFLOW_STORE_CLUSTER_PORT + i))); done
used+=("$OSTEOFLOW_CACHE_PORT" "$OSTEOFLOW_PROGRESS_PORT")
(unset OSTEOFLOW_STORE_TOPOLOGY OSTEOFLOW_CACHE_TOPOLOGY; scripts/local-suite.sh stop >/dev/null)
started=false
nothing_left "${used[@]}"
echo "cluster store: $program reached week 2 ($stored keys over the store cluster's nodes)"
