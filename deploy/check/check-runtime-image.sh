#!/usr/bin/env bash
# Stands in for building the image where no Docker engine runs: makes a
# Debian 12 minimal root with debootstrap, installs exactly the runtime
# packages the Dockerfile's runtime stage installs (read from the Dockerfile),
# copies in the built binaries and data, and starts the catalog inside it as
# uid 10001 until our health client says SERVING. Needs root, debootstrap and
# the Debian mirror; not part of ctest (it downloads a base system).
#
# Usage: deploy/check/check-runtime-image.sh [BUILD_DIR]    (default: build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir=${1:-build}
root=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-runtime.XXXXXX")
catalog_pid=""
trap '[[ -n $catalog_pid ]] && kill "$catalog_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$root"' EXIT
# shellcheck disable=SC1003 # tr deletes the backslashes that continue the line
packages=$(awk '/^FROM .* AS runtime/ { on = 1 } on && /--no-install-recommends/ { getline; print; exit }' Dockerfile \
  | tr -d '\\' | xargs)
[[ -n $packages ]] || { echo "no runtime packages found in the Dockerfile" >&2; exit 1; }
echo "runtime packages: $packages"
chmod 0755 "$root"  # mktemp makes it 0700; the service user must reach /
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
cp /etc/resolv.conf "$root/etc/resolv.conf"
# shellcheck disable=SC2086 # the package list is words
chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages" >/dev/null 2>&1
mkdir -p "$root/usr/local/bin" "$root/usr/share/osteoflow"
for binary in services/catalog/osteoflow-catalog services/screening/osteoflow-screening \
              services/scheduling/osteoflow-scheduling services/progress/osteoflow-progress \
              tools/osteoflow-health tools/osteoflow; do
  cp "$build_dir/$binary" "$root/usr/local/bin/"
  missing=$(chroot "$root" ldd "/usr/local/bin/$(basename "$binary")" | grep 'not found' || true)
  [[ -z $missing ]] || { echo "$(basename "$binary") lacks: $missing" >&2; exit 1; }
done
cp services/catalog/data/catalog.json "$root/usr/share/osteoflow/"
chroot --userspec=10001:10001 "$root" /usr/bin/env OSTEOFLOW_CATALOG_FILE=/usr/share/osteoflow/catalog.json \
  /usr/local/bin/osteoflow-catalog --plaintext=true --auth=off --listen_address=127.0.0.1:0 \
  --health_listen_address=127.0.0.1:50099 >"$root/catalog.log" 2>&1 &
catalog_pid=$!  # chroot and env exec, so this is the catalog itself
chroot --userspec=10001:10001 "$root" /usr/local/bin/osteoflow-health --target=127.0.0.1:50099 \
  --service=osteoflow.catalog.v1.CatalogService --wait=10s
echo "runtime image: every binary's libraries are there, and the catalog serves as uid 10001"
