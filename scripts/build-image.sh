#!/usr/bin/env bash
# Builds the project's image with podman from the Dockerfile as it is, where
# no image registry is reachable: installs what is missing (scripts/setup.sh
# --containers),
# makes the Debian 12 base image with debootstrap and the Redis image from
# Debian's redis-server (once), then builds localhost/osteoflow:latest (or
# $OSTEOFLOW_IMAGE). Idempotent: base images are kept, and podman's layer
# cache rebuilds only what changed. The build stage's packages come through
# this machine's apt cache, mounted for the build, so a machine that already
# downloaded them does not again. Needs root. docs/containers.md.
# Exits 77 where containers cannot run (not root), as the tests that use the
# image skip then.
# Usage: scripts/build-image.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $(id -u) == 0 ]] || { echo "build-image: skipped: needs root (podman with the runc runtime, as set up here)"; exit 77; }
bash scripts/setup.sh --containers >/dev/null
source scripts/containers.sh
why=$(containers_unavailable)
[[ -z $why ]] || { echo "build-image: $why" >&2; exit 1; }
ensure_base_image
ensure_redis_image
echo "containers: building $project_image from the Dockerfile"
started=$SECONDS
mkdir -p /var/cache/apt/archives/partial
log=$(mktemp "${TMPDIR:-/tmp}/osteoflow-image-build.XXXXXX")
podman build --tag "$project_image" --volume /var/cache/apt/archives:/var/cache/apt/archives \
  --file Dockerfile . >"$log" 2>&1 || {
  tail -n 40 "$log" >&2
  echo "build-image: the build failed (whole log: $log)" >&2
  exit 1
}
rm -f "$log"
echo "containers: $project_image built in $((SECONDS - started)) s"
