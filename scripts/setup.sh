#!/usr/bin/env bash
# Installs everything osteoflow needs to build, run and test on Debian 12.
# Idempotent: installs only what is missing. Run as root (it uses apt-get).
#   scripts/setup.sh                  everything: build, run, test, containers
#   scripts/setup.sh --compile-only   only what compiles the binaries (the
#                                     image's build stage: no npm, no tools)
#   scripts/setup.sh --containers     only what builds and runs the image and
#                                     the compose stack (scripts/build-image.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-all}
[[ $mode == all || $mode == --compile-only || $mode == --containers ]] ||
  { echo "usage: scripts/setup.sh [--compile-only | --containers]" >&2; exit 2; }

# What compiles every binary (CMake also finds GoogleTest and Benchmark when
# it configures, so they are here too).
compile_packages=(
  g++ cmake ninja-build pkg-config ca-certificates
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc libgrpc++-dev libabsl-dev
  libssl-dev libhiredis-dev zlib1g-dev libzstd-dev libjwt-dev
  # Metrics: the Prometheus client library (its registry and /metrics endpoint).
  prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# The image and the compose stack, built and run for real (docs/containers.md):
# podman with Debian's runc, debootstrap for the base images, docker-compose
# driving podman through its Docker-compatible API (and checking the compose
# file offline), and CNI's dnsname so that containers find each other by name.
container_packages=(
  podman runc debootstrap docker-compose golang-github-containernetworking-plugin-dnsname
)
case $mode in
  --compile-only) packages=("${compile_packages[@]}") ;;
  --containers) packages=("${container_packages[@]}") ;;
  all)
    packages=("${compile_packages[@]}" "${container_packages[@]}"
      git redis-server openssl
      # The fuzz build (scripts/fuzz.sh): clang, libFuzzer with the address and
      # undefined-behaviour sanitizer runtimes, and llvm-symbolizer for their stacks.
      clang-14 libclang-rt-14-dev llvm-14
      # promtool checks and unit-tests the alert rules and scrape configs in
      # deploy/monitoring/ (ctest -L deploy); prometheus itself runs them locally.
      prometheus
      # The Python client example (examples/python): Debian's gRPC and protobuf
      # for its own python3 (the code is generated with protoc and
      # grpc_python_plugin, from protobuf-compiler-grpc).
      python3 python3-grpcio python3-protobuf
    )
    # kubectl renders the Kubernetes overlays (kubectl kustomize); Debian's
    # comes with kubernetes-client. A kubectl already present is used as it
    # is (the two packages would conflict).
    command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
    # buf (contract lint) comes from npm; any Node.js with npm will do.
    command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
    ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run this script as root to install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  # Installing must not start system services: Debian starts a package's
  # service from its maintainer scripts (a Prometheus on :9090, a Redis on
  # :6379), unless /usr/sbin/policy-rc.d answers 101 ("action not allowed").
  # Where the machine has no policy of its own, one that refuses everything
  # stands for the install and is removed afterwards, also when it fails.
  # (Services stay enabled for the next boot as their packages set them.)
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\n# osteoflow scripts/setup.sh: no service starts while it installs.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
  else
    policy=""
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ -n $policy ]]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# Build-time tools pinned by package-lock.json: buf (contracts), and
# kubernetes-models and yaml (offline validation of the Kubernetes manifests).
if [[ $mode == all ]] && { [[ ! -x node_modules/.bin/buf ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; }; then
  echo "setup: installing buf from npm"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: ready"
