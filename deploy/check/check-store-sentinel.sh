#!/usr/bin/env bash
# Runs the prod overlay's store Sentinel set for real on this machine and
# takes it through failovers: the three Redis pods and three sentinels as
# rendered by `kubectl kustomize deploy/overlays/prod` (their start scripts
# and configurations as they are, laid out by store-sentinel-pods.mjs), each
# pod a process on its own loopback address, inside a network and mount
# namespace of its own (unshare) where /etc/hosts gives the pods' stable names
# (store-redis-0.store-redis, ...). Nothing leaves the namespace.
#
# Checked: the set starts with pod 0 as the primary and the others as its
# replicas, every Redis with the store's durability and the replication
# settings; the sentinels name the primary by its name; a write reaches a
# replica (WAIT 1) and a replica refuses writes; the primary killed, the
# sentinels promote a replica that has the write, and the old primary comes
# back as a replica of the new one; a primary that comes back with an empty
# volume before the sentinels noticed refuses to start; a sentinel that lost
# its state learns the current primary from the others; a primary cut off
# from both replicas refuses writes after min-replicas-max-lag.
#
# Needs root (unshare), redis-server and redis-cli (scripts/setup.sh), node
# and node_modules; exits 77 (skipped) when not root. About a minute: two
# failovers at down-after-milliseconds 5 s, and one wait of the 10 s lag.
# Usage: deploy/check/check-store-sentinel.sh      KUBECTL=<path> as in check-kubernetes.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ -z ${STORE_SENTINEL_NAMESPACED:-} ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "skipped: needs root, for a network and mount namespace of its own (unshare)"
    exit 77
  fi
  for tool in redis-server redis-cli unshare ip node; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/setup.sh)" >&2; exit 1; }
  done
  kubectl=${KUBECTL:-kubectl}
  command -v "$kubectl" >/dev/null || { echo "kubectl is not installed (scripts/setup.sh)" >&2; exit 1; }
  [[ -d node_modules/yaml ]] || { echo "node_modules is missing: run scripts/setup.sh" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$kubectl" kustomize deploy/overlays/prod 2>/dev/null > "$work/prod.yaml"
  node deploy/check/store-sentinel-pods.mjs "$work/pods" < "$work/prod.yaml" >/dev/null
  # Everything below runs in the new namespaces; when that shell exits, every
  # process it started is ended (see finish), and the namespaces go with them.
  STORE_SENTINEL_NAMESPACED=1 unshare --net --mount bash "$0" "$work"
  exit $?
fi

work=$1
ip link set lo up
declare -A address pid
for n in 0 1 2; do
  address[store-redis-$n]=127.0.1.$((10 + n))
  address[store-sentinel-$n]=127.0.2.$((10 + n))
done
{
  echo "127.0.0.1 localhost"
  for pod in "${!address[@]}"; do echo "${address[$pod]} $pod.${pod%-*}"; done
} > "$work/hosts"
mount --bind "$work/hosts" /etc/hosts

passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
finish() {
  for p in "${pid[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "$passed passed, $failed failed"
}
trap finish EXIT

# start POD: the pod's container command, as rendered, on its own address.
start() {
  local pod=$1 command
  mapfile -t command < "$work/pods/$pod/command"
  mapfile -t -O 0 environment < "$work/pods/$pod/env"
  env -i PATH="$PATH" "${environment[@]}" "${command[@]}" \
    --bind "${address[$pod]}" --logfile "$work/pods/$pod/redis.log" >> "$work/pods/$pod/start.log" 2>&1 &
  pid[$pod]=$!
}
port() { [[ $1 == store-sentinel-* ]] && echo 26379 || echo 6379; }
# ask POD COMMAND...: one command to a pod, its answer without carriage returns.
ask() { local pod=$1; shift; timeout 2 redis-cli -h "${address[$pod]}" -p "$(port "$pod")" "$@" 2>&1 | tr -d '\r'; }
field() { ask "$1" INFO replication | sed -n "s/^$2://p"; }
primary_of() { ask "$1" SENTINEL get-master-addr-by-name store | head -n 1; }
# until SECONDS DESCRIPTION COMMAND...: true once COMMAND succeeds within SECONDS.
until_true() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then bad "$what (not within $seconds s)"; return 1; fi
    sleep 0.5
  done
  ok "$what"
}
sentinels_agree_on() {
  local n
  for n in 0 1 2; do [[ $(primary_of store-sentinel-$n) == "$1" ]] || return 1; done
}
new_primary() {
  local n name
  name=$(primary_of store-sentinel-0)
  [[ -n $name && $name != "$1" ]] && sentinels_agree_on "$name"
}
replica_of() { [[ $(field "$1" role) == slave && $(field "$1" master_host) == "$2" && $(field "$1" master_link_status) == up ]]; }
# A replica counts once its first copy is done (state=online): until then the
# primary refuses writes (min-replicas-to-write) and WAIT waits.
is_primary_with_replicas() {
  local info
  info=$(ask "$1" INFO replication)
  [[ $(sed -n 's/^role://p' <<<"$info") == master ]] \
    && (($(grep -c '^slave[0-9]*:.*state=online' <<<"$info") == $2))
}
pod_of() { echo "${1%%.*}"; }

echo "starting the set: 3 sentinels and 3 Redis pods at once"
for n in 0 1 2; do start store-sentinel-$n; start store-redis-$n; done
until_true 60 "store-redis-0 is the primary with two replicas in step" is_primary_with_replicas store-redis-0 2 || exit 1
until_true 30 "the three sentinels name store-redis-0.store-redis, by name" sentinels_agree_on store-redis-0.store-redis || exit 1
knows_the_set() {
  local n info
  for n in 0 1 2; do
    info=$(ask store-sentinel-$n SENTINEL master store)
    grep -A1 -x num-slaves <<<"$info" | tail -n 1 | grep -qx 2 || return 1
    grep -A1 -x num-other-sentinels <<<"$info" | tail -n 1 | grep -qx 2 || return 1
  done
}
until_true 30 "each sentinel knows both replicas and the two other sentinels" knows_the_set

for n in 0 1 2; do
  pod=store-redis-$n
  settings=$(ask $pod CONFIG GET '*' | paste -sd ' ' -)
  missing=()
  for want in "appendonly yes" "appendfsync always" "maxmemory-policy noeviction" "maxmemory 1073741824" \
              "replica-read-only yes" "min-replicas-to-write 1" "min-replicas-max-lag 10" \
              "replica-announce-ip $pod.store-redis"; do
    [[ " $settings " == *" $want "* ]] || missing+=("$want")
  done
  if ((${#missing[@]} == 0)); then ok "$pod runs with the store's durability and the replication settings"
  else bad "$pod lacks: ${missing[*]}"; fi
done

answer=$(ask store-redis-0 SET screening:1 first)
acknowledged=$(timeout 8 redis-cli -h "${address[store-redis-0]}" WAIT 1 5000 2>&1 | tr -d '\r')
[[ $answer == OK && $acknowledged =~ ^[0-9]+$ && $acknowledged -ge 1 ]] && ok "a write on the primary is acknowledged by a replica (WAIT 1)" \
  || bad "WAIT 1 after a write (SET answered '$answer', WAIT '$acknowledged')"
[[ $(ask store-redis-1 SET screening:2 x) == READONLY* ]] && ok "a replica refuses writes (READONLY)" \
  || bad "a replica accepted a write"

echo "killing the primary, store-redis-0"
kill -9 "${pid[store-redis-0]}"
wait "${pid[store-redis-0]}" 2>/dev/null || true
killed_at=$SECONDS
until_true 30 "the sentinels agree on a new primary" new_primary store-redis-0.store-redis || exit 1
primary=$(primary_of store-sentinel-0)
echo "  $primary is the primary, $((SECONDS - killed_at)) s after the kill"
[[ $(ask "$(pod_of "$primary")" GET screening:1) == first ]] && ok "the new primary has the acknowledged write" \
  || bad "the acknowledged write is not on $primary"

echo "store-redis-0 comes back with its volume"
start store-redis-0
until_true 30 "store-redis-0 comes back as a replica of $primary" replica_of store-redis-0 "$primary"
grep -q "starts as the replica of $primary (named by the sentinels)" "$work/pods/store-redis-0/start.log" \
  && ok "store-redis-0 asked the sentinels whom to follow" || bad "store-redis-0's start: $(tail -n 1 "$work/pods/store-redis-0/start.log")"
until_true 30 "store-redis-0 has the data again" bash -c "[[ \$(timeout 2 redis-cli -h ${address[store-redis-0]} GET screening:1 2>/dev/null) == first ]]"

old=$(pod_of "$primary")
echo "killing the primary, $old, and bringing it back at once with an empty volume"
kill -9 "${pid[$old]}"
wait "${pid[$old]}" 2>/dev/null || true
rm -rf "$work/pods/$old/root/data/"*
start "$old"
if wait "${pid[$old]}"; then
  bad "$old started with an empty volume"
elif grep -q "this volume is empty" "$work/pods/$old/start.log"; then
  ok "$old refuses to be the primary with an empty volume while a replica holds keys"
else
  bad "$old stopped, but not for its empty volume: $(tail -n 1 "$work/pods/$old/start.log")"
fi
until_true 30 "the sentinels promote another replica" new_primary "$primary" || exit 1
primary=$(primary_of store-sentinel-0)
start "$old"
until_true 30 "$old, empty, comes back as a replica of $primary and copies it" \
  bash -c "[[ \$(timeout 2 redis-cli -h ${address[$old]} GET screening:1 2>/dev/null) == first ]]"

echo "store-sentinel-2 restarts with its state lost"
kill -9 "${pid[store-sentinel-2]}"
wait "${pid[store-sentinel-2]}" 2>/dev/null || true
rm -rf "$work/pods/store-sentinel-2/root/run/sentinel/"*
start store-sentinel-2
until_true 30 "store-sentinel-2 learns the primary, $primary, from the others" sentinels_agree_on "$primary"

echo "cutting the primary off from both replicas (stopping them)"
replicas=()
for n in 0 1 2; do [[ store-redis-$n != "$(pod_of "$primary")" ]] && replicas+=("store-redis-$n"); done
for r in "${replicas[@]}"; do kill -STOP "${pid[$r]}"; done
refuses() { [[ $(ask "$(pod_of "$primary")" SET screening:3 x) == NOREPLICAS* ]]; }
until_true 30 "the primary refuses writes (NOREPLICAS) once no replica acknowledged for 10 s" refuses
for r in "${replicas[@]}"; do kill -CONT "${pid[$r]}"; done
accepts() { [[ $(ask "$(pod_of "$primary")" SET screening:3 x) == OK ]]; }
until_true 30 "and takes writes again once they are back" accepts

((failed == 0))
