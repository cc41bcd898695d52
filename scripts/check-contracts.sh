#!/usr/bin/env bash
# Contract checks with buf: `lint` applies buf.yaml's rules to protos/;
# `breaking` compares protos/ with the previous commit (or $OSTEOFLOW_CONTRACT_BASE,
# any git ref) and fails on a change that would break existing clients.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
buf=node_modules/.bin/buf
if [[ ! -x $buf ]]; then
  echo "buf is not installed: run scripts/setup.sh" >&2
  exit 1
fi
case "${1:-}" in
  lint)
    "$buf" lint
    echo "contract lint: clean"
    ;;
  breaking)
    base=${OSTEOFLOW_CONTRACT_BASE:-HEAD~1}
    if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
      echo "contract breaking check: no commit $base to compare with; nothing to check"
      exit 0
    fi
    if ! git cat-file -e "$base:buf.yaml" 2>/dev/null; then
      echo "contract breaking check: $base has no contracts yet; nothing to check"
      exit 0
    fi
    "$buf" breaking --against ".git#ref=$(git rev-parse "$base")"
    echo "contract breaking check: compatible with $base"
    ;;
  *)
    echo "usage: $0 lint|breaking" >&2
    exit 2
    ;;
esac
