#!/usr/bin/env bash
# Shows that the image check (check-image.sh) fails on a broken image: two
# images made from the built one, each with one defect that only running it
# shows, must each fail the check, and the failure must name what broke.
#   missing-library  libhiredis removed, as if the runtime stage forgot it
#   truncated-binary osteoflow-progress cut short, a binary that cannot start
# Needs root and the image (scripts/build-image.sh); exits 77 (skipped) where
# containers cannot run. About a minute.
# Usage: deploy/check/check-image-broken.sh [IMAGE]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/containers.sh
image=${1:-$project_image}
containers_required "$image"
broken=localhost/osteoflow-broken
trap 'podman rmi --force "$broken:missing-library" "$broken:truncated-binary" >/dev/null 2>&1 || true' EXIT

failed=0
# expect_broken TAG DEFECT EXPECTED: builds the image with DEFECT (a shell
# command run as root) and checks that check-image.sh fails on it with a
# FAILED line matching EXPECTED.
expect_broken() {
  local tag=$1 defect=$2 expected=$3 output
  printf 'FROM %s\nUSER 0\nRUN %s\nUSER 10001:10001\n' "$image" "$defect" |
    podman build --quiet --tag "$broken:$tag" --file - . >/dev/null
  if output=$(bash deploy/check/check-image.sh "$broken:$tag" 2>&1); then
    echo "FAILED: the image check passed an image with $tag"
    failed=$((failed + 1))
  elif grep -q "^FAILED: .*$expected" <<<"$output"; then
    echo "ok: the image check fails an image with $tag:"
    grep -A3 "^FAILED" <<<"$output" | sed 's/^/    /'
  else
    echo "FAILED: the image check failed on $tag, but not for it:"
    sed 's/^/    /' <<<"$output"
    failed=$((failed + 1))
  fi
}
expect_broken missing-library "find / -xdev -name 'libhiredis.so*' -delete" "screening did not answer SERVING"
expect_broken truncated-binary \
  "head -c 4096 /usr/local/bin/osteoflow-progress > /tmp/cut && cp /tmp/cut /usr/local/bin/osteoflow-progress && rm /tmp/cut" \
  "progress did not answer SERVING"
((failed == 0))
