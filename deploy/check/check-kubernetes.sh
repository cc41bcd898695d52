#!/usr/bin/env bash
# Renders every overlay with `kubectl kustomize` and validates each object
# offline (deploy/check/validate.mjs: the Kubernetes schemas from the npm
# package kubernetes-models, then our rules); then checks that the validator
# catches each broken manifest in deploy/check/fixtures/.
#
# Usage: deploy/check/check-kubernetes.sh [dev|prod|fixtures]...   (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v kubectl >/dev/null || { echo "kubectl is not installed (scripts/setup.sh)" >&2; exit 1; }
[[ -d node_modules/kubernetes-models ]] || { echo "node_modules is missing: run scripts/setup.sh" >&2; exit 1; }
status=0
for what in "${@:-dev prod fixtures}"; do
  for part in $what; do
    case $part in
      dev|prod)
        flags=()
        [[ $part == prod ]] && flags=(--prod)
        rendered=$(kubectl kustomize "deploy/overlays/$part" 2>/dev/null) || { echo "$part: kustomize failed" >&2; status=1; continue; }
        echo -n "$part: "
        node deploy/check/validate.mjs "${flags[@]}" - <<<"$rendered" || status=1
        ;;
      fixtures)
        for fixture in deploy/check/fixtures/*.yaml; do
          expected=$(sed -n '1s/^# expect: //p' "$fixture")
          if output=$(node deploy/check/validate.mjs --prod "$fixture" 2>&1); then
            echo "fixture $fixture: accepted, but it is broken ($expected)" >&2
            status=1
          elif ! grep -qF -- "$expected" <<<"$output"; then
            echo "fixture $fixture: refused, but not for '$expected':" >&2
            echo "$output" >&2
            status=1
          else
            echo "fixture $(basename "$fixture"): refused ($expected)"
          fi
        done
        ;;
      *) echo "unknown part $part" >&2; exit 2 ;;
    esac
  done
done
exit "$status"
