#!/usr/bin/env bash
# docker-compose.yml is valid (Debian's docker-compose, no engine needed) and
# describes the topology the local suite starts natively: the same service
# ports and the same settings for the two Redis roles.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v docker-compose >/dev/null || { echo "docker-compose is not installed (scripts/setup.sh)" >&2; exit 1; }
rendered=$(docker-compose -f docker-compose.yml config)
status=0
fail() { echo "compose: $*" >&2; status=1; }
for entry in "catalog 50051" "screening 50052" "scheduling 50053" "progress 50054"; do
  read -r name port <<<"$entry"
  grep -q "OSTEOFLOW_$(tr '[:lower:]' '[:upper:]' <<<"${name}")_PORT:-$port" scripts/local-suite.sh \
    || fail "scripts/local-suite.sh does not serve $name on $port"
  grep -q "OSTEOFLOW_LISTEN_ADDRESS: 0.0.0.0:$port" <<<"$rendered" || fail "$name does not listen on $port"
done
# The Redis roles: the same settings, word for word, in both places.
for words in "--appendonly yes --appendfsync always --maxmemory-policy noeviction" \
             "--maxmemory 256mb --maxmemory-policy allkeys-lru"; do
  grep -qF -- "$words" scripts/local-suite.sh || fail "scripts/local-suite.sh lacks '$words'"
  compact=$(tr -d '\n' <<<"$rendered" | sed -E 's/ +- +/ /g')
  for word in $words; do
    grep -qF -- "$word" <<<"$compact" || fail "docker-compose.yml lacks '$word' of '$words'"
  done
done
# Start order by health: each service waits for what it calls.
for pair in "screening store-redis" "scheduling catalog" "scheduling screening" "scheduling cache-redis" \
            "progress store-redis" "progress screening" "progress scheduling"; do
  read -r service dependency <<<"$pair"
  awk -v s="  $service:" -v d="      $dependency:" '
    $0 == s { inside = 1; next } inside && /^  [a-z]/ { inside = 0 }
    inside && $0 == d { getline; if ($0 ~ /condition: service_healthy/) found = 1 }
    END { exit found ? 0 : 1 }' <<<"$rendered" || fail "$service does not wait for $dependency to be healthy"
done
[[ $status == 0 ]] && echo "compose: valid, and the same topology as the local suite"
exit "$status"
