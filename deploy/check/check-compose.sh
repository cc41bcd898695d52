#!/usr/bin/env bash
# docker-compose.yml (or FILE) is valid for Debian's docker-compose (no engine
# needed) and describes the topology the local suite starts natively
# (deploy/check/compose.mjs reads scripts/local-suite.sh for it).
#
# Usage: deploy/check/check-compose.sh [FILE]    (default: docker-compose.yml)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
file=${1:-docker-compose.yml}
command -v docker-compose >/dev/null || { echo "docker-compose is not installed (scripts/setup.sh)" >&2; exit 1; }
[[ -d node_modules/yaml ]] || { echo "node_modules is missing: run scripts/setup.sh" >&2; exit 1; }
if ! docker-compose -f "$file" config -q; then
  echo "compose: docker-compose config refuses $file" >&2
  exit 1
fi
docker-compose -f "$file" config 2>/dev/null | node deploy/check/compose.mjs
