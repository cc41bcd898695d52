#!/usr/bin/env bash
# Runs the project's image for real with podman: its user, its read-only root,
# and every binary in it started as the suite. Redis from the Redis image
# made beside it; the four services from the image, each in its own
# container with a read-only root, all sharing one loopback (the Redis
# container's network), plaintext and without tokens since nothing leaves it.
# Checked: the image says uid 10001 and runs as it; nothing can be written
# outside the mounted volumes; every service answers SERVING to
# osteoflow-health inside its own container; the CLI in the image reaches
# all four. Whatever fails is named with the container's last log lines.
# Needs root and the images (scripts/build-image.sh); exits 77 (skipped)
# where containers cannot run. About 20 s.
# Usage: deploy/check/check-image.sh [IMAGE]     (default localhost/osteoflow:latest)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/containers.sh
image=${1:-$project_image}
containers_required "$image" "$redis_image"

run=osteoflow-image-check-$$
passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
finish() {
  # The services first: they live in the Redis container's network.
  podman ps -a --filter "name=^$run-" --format '{{.Names}}' | grep -v -- '-redis$' |
    xargs -r podman rm --force --time 0 >/dev/null 2>&1 || true
  podman rm --force --time 0 "$run-redis" >/dev/null 2>&1 || true
  echo "$passed passed, $failed failed"
}
trap finish EXIT

user=$(podman image inspect --format '{{.Config.User}}' "$image")
[[ $user == 10001:10001 ]] && ok "the image runs as 10001:10001" || bad "the image's user is '$user', not 10001:10001"

podman run --detach --name "$run-redis" "$redis_image" redis-server --save "" --appendonly no >/dev/null
# name|binary|port|gRPC service|settings
services=(
  "catalog|osteoflow-catalog|50051|osteoflow.catalog.v1.CatalogService|"
  "screening|osteoflow-screening|50052|osteoflow.screening.v1.ScreeningService|OSTEOFLOW_STORE_ADDRESS=127.0.0.1:6379"
  "scheduling|osteoflow-scheduling|50053|osteoflow.scheduling.v1.SchedulingService|OSTEOFLOW_CACHE_ADDRESS=127.0.0.1:6379 OSTEOFLOW_CATALOG_ADDRESS=127.0.0.1:50051 OSTEOFLOW_SCREENING_ADDRESS=127.0.0.1:50052"
  "progress|osteoflow-progress|50054|osteoflow.progress.v1.ProgressService|OSTEOFLOW_STORE_ADDRESS=127.0.0.1:6379 OSTEOFLOW_SCREENING_ADDRESS=127.0.0.1:50052 OSTEOFLOW_SCHEDULING_ADDRESS=127.0.0.1:50053"
)
for entry in "${services[@]}"; do
  IFS='|' read -r name binary port _ settings <<<"$entry"
  environment=(--env OSTEOFLOW_PLAINTEXT=true --env OSTEOFLOW_AUTH=off --env "OSTEOFLOW_LISTEN_ADDRESS=127.0.0.1:$port")
  for setting in $settings; do environment+=(--env "$setting"); done
  podman run --detach --name "$run-$name" --network "container:$run-redis" --read-only \
    "${environment[@]}" --entrypoint "/usr/local/bin/$binary" "$image" >/dev/null
done

last_words() { podman logs --tail 3 "$1" 2>&1 | sed 's/^/    /'; }
for entry in "${services[@]}"; do
  IFS='|' read -r name _ port service _ <<<"$entry"
  if podman exec "$run-$name" osteoflow-health --target="127.0.0.1:$port" --service="$service" --wait=30s >/dev/null 2>&1; then
    ok "$name starts and answers SERVING inside its container"
  else
    bad "$name did not answer SERVING ($(podman inspect --format '{{.State.Status}}, exit {{.State.ExitCode}}' "$run-$name"))"
    last_words "$run-$name"
  fi
done

uid=$(podman exec "$run-catalog" id -u 2>&1 || true)
[[ $uid == 10001 ]] && ok "the services run as uid 10001" || bad "the catalog runs as '$uid'"
# As root inside, so that only the read-only mount can refuse it.
written=$(podman exec --user 0 "$run-catalog" touch /usr/local/bin/written 2>&1 || true)
[[ $written == *"Read-only file system"* ]] && ok "the root filesystem is read-only" \
  || bad "the root filesystem took a write (${written:-no error})"
if health=$(podman run --rm --network "container:$run-redis" --read-only --entrypoint /usr/local/bin/osteoflow \
              "$image" health 2>&1); then
  ok "the CLI in the image reaches all four services"
else
  bad "the CLI's health: $health"
fi
((failed == 0))
