#!/usr/bin/env bash
# Capacity: a generated cohort taken through the public API (enrolment, every
# planned day logged, the week advanced; bench/cohort), with the store on a
# Redis Cluster (three primaries, three replicas) or on one Redis, then:
#   the calls that failed (the goal is none);
#   what the cohort's records take, by Redis's MEMORY USAGE of every key of
#   the cohort's patients (programmes, plans, weeks, logs and their indexes,
#   screenings), per patient-year, on the primaries and with the replicas;
#   each node's used_memory before and after.
# With TRAIN_DICTIONARY_ID=N (one Redis only) it then trains the store's next
# zstd dictionary from the records and writes it to
# services/progress/data/packing/store-dictionary-N.zdict.
# Builds nothing.
#
# Usage: bench/run_cohort_sim.sh [BUILD_DIR]    (default: <repo>/build)
# Environment (optional): TOPOLOGY=cluster|single PATIENTS=2000 WEEKS=12 CLIENTS=8 SEED=2
#   STORE_PACKING=zstd-dictionary TRAIN_DICTIONARY_ID= KEEP_RUN_DIR=1
set -euo pipefail
unset "${!OSTEOFLOW_@}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/bench_lib.sh
source "$repo_root/bench/bench_lib.sh"
bench_settings "${1:-}"
require_built "${suite_binaries[@]}" bench/osteoflow-cohort tools/osteoflow-store-dictionary
topology=${TOPOLOGY:-cluster}
patients=${PATIENTS:-2000}
weeks=${WEEKS:-12}
[[ $topology == cluster || $topology == single ]] || die "TOPOLOGY: want cluster or single"
[[ -z ${TRAIN_DICTIONARY_ID:-} || $topology == single ]] || die "TRAIN_DICTIONARY_ID needs TOPOLOGY=single"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-bench.XXXXXX")"
trap 'finish $?' EXIT

durable=(--appendonly yes --appendfsync always --maxmemory-policy noeviction)
if [[ $topology == cluster ]]; then
  start_cluster "${durable[@]}"
  store_address=$cluster_address
  store_nodes=("${cluster_ports[@]}")
else
  redis_name=store start_redis "${durable[@]}"
  store_address="127.0.0.1:$redis_port"
  store_nodes=("$redis_port")
fi
PROGRESS_SETTINGS="--store_packing=${STORE_PACKING:-zstd-dictionary}" start_suite "" "$store_address"

used_memory() { redis-cli -p "$1" info memory | grep '^used_memory:' | cut -d: -f2 | tr -d '\r'; }
role_of() { redis-cli -p "$1" role | head -n 1 | tr -d '\r'; }
declare -A before
for port in "${store_nodes[@]}"; do before[$port]=$(used_memory "$port"); done

commit="$(measured_commit)"
run=sim$(date +%s)
echo "osteoflow cohort simulation at commit $commit: store on $topology ($store_address), packing ${STORE_PACKING:-zstd-dictionary}"
sim_status=0
"$(bin bench/osteoflow-cohort)" --progress="$progress_address" --samples="$repo_root/samples" \
  --patients="$patients" --weeks="$weeks" --clients="${CLIENTS:-8}" --seed="${SEED:-2}" --run="$run" \
  | tee "$run_dir/cohort.txt" || sim_status=1

# Every key of the cohort's patients, on every node that holds it: its size
# by MEMORY USAGE (one redis-cli reading every command from stdin; keys hold
# no spaces), and its kind (the key's words after the patient, ids left out).
primary_bytes=0
replica_bytes=0
keys=0
: >"$run_dir/primary-keys.txt"
for port in "${store_nodes[@]}"; do
  role=$(role_of "$port")
  redis-cli -p "$port" --scan --pattern "osteoflow:v1:{cohort-$run-*" >"$run_dir/keys-$port.txt"
  # (A cluster replica answers for its keys only after READONLY.)
  { [[ $role == master ]] || echo READONLY; sed 's/^/MEMORY USAGE /; s/$/ SAMPLES 0/' "$run_dir/keys-$port.txt"; } |
    redis-cli -p "$port" | grep -v '^OK$' >"$run_dir/sizes-$port.txt"
  node_bytes=$(awk '{ s += $1 } END { print s + 0 }' "$run_dir/sizes-$port.txt")
  node_keys=$(wc -l <"$run_dir/keys-$port.txt")
  if [[ $role == master ]]; then
    primary_bytes=$(( primary_bytes + node_bytes ))
    keys=$(( keys + node_keys ))
    paste -d' ' "$run_dir/keys-$port.txt" "$run_dir/sizes-$port.txt" >>"$run_dir/primary-keys.txt"
  else
    replica_bytes=$(( replica_bytes + node_bytes ))
  fi
  echo "node 127.0.0.1:$port ($role): $node_keys keys, $node_bytes B by MEMORY USAGE; used_memory ${before[$port]} -> $(used_memory "$port")"
done
echo
echo "on the primaries, by kind of key:"
awk '{
  n = split($1, part, ":"); kind = ""
  for (i = 4; i <= n; i++) if (i == 4 || (i % 2 == 0 && part[i] != "")) kind = kind (kind == "" ? "" : ":") part[i]
  count[kind]++; bytes[kind] += $2
} END { for (k in count) printf "  %-28s %7d keys %11d B  %7.0f B each\n", k, count[k], bytes[k], bytes[k] / count[k] }' \
  "$run_dir/primary-keys.txt" | sort -k4 -n -r

# Patient-years of programmes: a referred patient has no weeks, so what their
# screening and programme record take is counted against the others.
with_plan=$(grep -o 'enrolled with a plan [0-9]*' "$run_dir/cohort.txt" | grep -o '[0-9]*$' || echo 0)
[[ $with_plan -gt 0 ]] || die "no patient was enrolled with a plan"
patient_years=$(awk -v p="$with_plan" -v w="$weeks" 'BEGIN { print p * w / 52 }')
echo
echo "cohort keys on the primaries: $keys; $primary_bytes B ($replica_bytes B more on the replicas)"
awk -v b="$primary_bytes" -v r="$replica_bytes" -v y="$patient_years" 'BEGIN {
  printf "per patient-year: %.1f KB on the primaries, %.1f KB with the replicas (%.1f patient-years of programmes)\n",
    b / y / 1000, (b + r) / y / 1000, y }'

if [[ -n ${TRAIN_DICTIONARY_ID:-} ]]; then
  "$(bin tools/osteoflow-store-dictionary)" --store="$store_address" --id="$TRAIN_DICTIONARY_ID" \
    --out="$repo_root/services/progress/data/packing/store-dictionary-$TRAIN_DICTIONARY_ID.zdict"
fi
[[ $sim_status == 0 ]] || status=1
exit "$status"
