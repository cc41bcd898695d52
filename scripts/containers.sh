# Sourced by every script that builds or runs the project's containers: podman
# with the project's engine settings (deploy/containers/containers.conf), the
# image names, and the base images made offline, since no image registry is
# reachable: Debian 12 from the Debian mirror with debootstrap, Redis from
# Debian's redis-server on top of it (docs/containers.md).
# shellcheck shell=bash
containers_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CONTAINERS_CONF=$containers_root/deploy/containers/containers.conf
# The names the Dockerfile and docker-compose.yml use, made here.
base_image=docker.io/library/debian:bookworm-slim
redis_image=docker.io/library/redis:7-bookworm
project_image=${OSTEOFLOW_IMAGE:-localhost/osteoflow:latest}
debian_mirror=${OSTEOFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# Why containers cannot run here, or nothing when they can.
containers_unavailable() {
  if [[ $(id -u) != 0 ]]; then echo "needs root (podman with the runc runtime, as set up here)"; return; fi
  command -v podman >/dev/null || { echo "podman is not installed (scripts/setup.sh)"; return; }
  command -v runc >/dev/null || { echo "runc is not installed (scripts/setup.sh)"; return; }
}

# Why containers do not work here, found by trying, or nothing when they do.
# podman and runc installed is not enough: a kernel, a cgroup layout or a
# sandbox can still refuse every container. So podman must answer `info`,
# and where an image is already made, run a container of it to its end.
# With no image yet that run cannot be tried without a registry; the image
# build is then the first container. Each step is bounded, so that a hung
# engine costs seconds, not the caller's run.
containers_not_working() {
  local why image out
  why=$(containers_unavailable)
  [[ -z $why ]] || { echo "$why"; return; }
  if ! out=$(timeout 20 podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1 </dev/null); then
    echo "podman info failed: $(tail -n 1 <<<"${out:-no answer in 20 s}")"
    return
  fi
  for image in "$project_image" "$base_image"; do
    podman image exists "$image" 2>/dev/null || continue
    if ! out=$(timeout 60 podman run --rm --pull=never --network=none --entrypoint=true "$image" 2>&1 </dev/null); then
      echo "podman could not run a container of $image: $(tail -n 1 <<<"${out:-no answer in 60 s}")"
    fi
    return
  done
}

# For tests: exits 77 (skipped) saying why where containers cannot run, and
# 1 when one of the IMAGES named is not built.
containers_required() {
  local why image
  why=$(containers_unavailable)
  [[ -z $why ]] || { echo "skipped: $why"; exit 77; }
  for image in "$@"; do
    podman image exists "$image" || { echo "no image $image: scripts/build-image.sh makes it" >&2; exit 1; }
  done
}

# A minimal Debian 12 root as the base image, with the security and point
# release updates in its sources as Debian's own images have. Made once.
ensure_base_image() {
  podman image exists "$base_image" && return
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (scripts/setup.sh)" >&2; return 1; }
  local root
  root=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-base.XXXXXX")
  echo "containers: making $base_image with debootstrap from $debian_mirror"
  if ! debootstrap --variant=minbase bookworm "$root" "$debian_mirror" >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2
    rm -rf "$root" "$root.log"
    return 1
  fi
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $debian_mirror bookworm main
deb $debian_mirror bookworm-updates main
deb $debian_mirror-security bookworm-security main
SOURCES
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  chmod 0755 "$root"
  tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base_image" >/dev/null
  rm -rf "$root" "$root.log"
}

# Redis 7 as Debian packages it, under the tag docker-compose.yml names.
ensure_redis_image() {
  podman image exists "$redis_image" && return
  echo "containers: making $redis_image from Debian's redis-server"
  podman build --quiet --tag "$redis_image" --file "$containers_root/deploy/containers/redis.Containerfile" \
    "$containers_root/deploy/containers" >/dev/null
}

# docker-compose.yml run for real: Debian's docker-compose drives podman
# through podman's Docker-compatible API, on a socket of the run's own. podman
# runs health checks from systemd timers; where there is no systemd (CI, most
# containers) a small loop runs them instead, so that compose's
# `condition: service_healthy` and the health shown by `podman ps` work.
# compose_engine_start DIR PROJECT: the API and the health loop for PROJECT,
# their process ids in DIR (left running until compose_engine_stop DIR).
compose_engine_start() {
  local dir=$1 project=$2
  mkdir -p "$dir"
  export DOCKER_HOST=unix://$dir/podman.sock
  if ! { [[ -f $dir/podman-api.pid ]] && kill -0 "$(cat "$dir/podman-api.pid")" 2>/dev/null; }; then
    rm -f "$dir/podman.sock"
    setsid podman system service --time=0 "$DOCKER_HOST" </dev/null >"$dir/podman-api.log" 2>&1 &
    echo $! >"$dir/podman-api.pid"
    local waited=0
    until [[ -S $dir/podman.sock ]]; do
      ((waited++ < 100)) || { echo "containers: podman's API did not start ($dir/podman-api.log)" >&2; return 1; }
      sleep 0.1
    done
  fi
  if ! { [[ -f $dir/health-loop.pid ]] && kill -0 "$(cat "$dir/health-loop.pid")" 2>/dev/null; }; then
    setsid bash -c '
      while true; do
        podman ps --filter "label=com.docker.compose.project=$1" --format "{{.Names}}" 2>/dev/null |
          while read -r name; do
          podman healthcheck run "$name" </dev/null >/dev/null 2>&1 || true
        done
        sleep 2
      done' health-loop "$project" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/health-loop.pid"
  fi
}
compose_engine_stop() {
  local dir=$1 file pid
  for file in "$dir/health-loop.pid" "$dir/podman-api.pid"; do
    [[ -f $file ]] || continue
    pid=$(cat "$file")
    # setsid made each the leader of its own group: end the group.
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    rm -f "$file"
  done
  rm -f "$dir/podman.sock"
}
# compose PROJECT ARGS...: docker-compose on docker-compose.yml (and any
# files in $compose_overrides) for PROJECT, through the engine started above;
# given up after 5 minutes (a health that never comes would wait forever).
compose_overrides=()
compose() {
  local project=$1 files=(--file "$containers_root/docker-compose.yml") file
  shift
  for file in "${compose_overrides[@]}"; do files+=(--file "$file"); done
  timeout 300 docker-compose --project-name "$project" --project-directory "$containers_root" "${files[@]}" "$@"
}
# compose_remove PROJECT: everything of PROJECT gone, its volumes too. After
# compose's own down, whatever a restart policy brought back in the meantime
# (a container that keeps failing is restarted while it is being removed) is
# removed by its compose label, a few times over.
compose_remove() {
  local project=$1 label="label=com.docker.compose.project=$1" tries
  compose "$project" down --volumes --timeout 1 >/dev/null 2>&1 || true
  for tries in 1 2 3 4 5; do
    [[ -z $(podman ps --all --quiet --filter "$label") ]] && break
    podman ps --all --quiet --filter "$label" | xargs -r podman rm --force --time 0 >/dev/null 2>&1 || true
    sleep 1
  done
  podman volume ls --quiet --filter "$label" | xargs -r podman volume rm --force >/dev/null 2>&1 || true
  podman network ls --quiet --filter "$label" | xargs -r podman network rm --force >/dev/null 2>&1 || true
}
