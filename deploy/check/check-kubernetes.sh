#!/usr/bin/env bash
# Renders every overlay with `kubectl kustomize` and validates each object
# offline (deploy/check/validate.mjs: the Kubernetes schemas from the npm
# package kubernetes-models, then our rules and the network flows); then
# checks that the validator refuses each broken manifest in
# deploy/check/fixtures/: a *.yaml file is validated as it is, a directory is
# a kustomize overlay over deploy/overlays/prod that breaks one thing, rendered
# first. Each fixture names what must be said with one or more
# "# expect: <text>" lines at its top (in kustomization.yaml for a directory).
#
# Usage: deploy/check/check-kubernetes.sh [dev|prod|fixtures]...   (default: all)
# KUBECTL=<path> renders with another kubectl (e.g. Debian 12's 1.20 beside a
# newer one: both must pass).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
kubectl=${KUBECTL:-kubectl}
command -v "$kubectl" >/dev/null || { echo "kubectl is not installed (scripts/setup.sh)" >&2; exit 1; }
[[ -d node_modules/kubernetes-models ]] || { echo "node_modules is missing: run scripts/setup.sh" >&2; exit 1; }
status=0

# refused <fixture> <file with the expect lines> <validator output>: every
# expected text is in the output.
refused() {
  local fixture=$1 expects=$2 output=$3 expected missing=0
  while IFS= read -r expected; do
    if ! grep -qF -- "$expected" <<<"$output"; then
      echo "fixture $fixture: refused, but it does not say '$expected'" >&2
      missing=1
    fi
  done < <(sed -n 's/^# expect: //p' "$expects")
  if [[ -z $(sed -n 's/^# expect: //p' "$expects") ]]; then
    echo "fixture $fixture: has no '# expect:' line" >&2
    missing=1
  fi
  if ((missing)); then
    echo "$output" >&2
    return 1
  fi
  echo "fixture $fixture: refused ($(sed -n 's/^# expect: //p' "$expects" | paste -sd ';' - | sed 's/;/; /g'))"
}

for what in "${@:-dev prod fixtures}"; do
  for part in $what; do
    case $part in
      dev|prod)
        flags=(--suite)
        [[ $part == prod ]] && flags+=(--prod)
        rendered=$("$kubectl" kustomize "deploy/overlays/$part" 2>/dev/null) || { echo "$part: kustomize failed" >&2; status=1; continue; }
        echo -n "$part: "
        node deploy/check/validate.mjs "${flags[@]}" - <<<"$rendered" || status=1
        ;;
      fixtures)
        for fixture in deploy/check/fixtures/*; do
          if [[ -d $fixture ]]; then
            expects=$fixture/kustomization.yaml
            if ! rendered=$("$kubectl" kustomize "$fixture" 2>/dev/null); then
              echo "fixture $fixture: kustomize failed:" >&2
              "$kubectl" kustomize "$fixture" >/dev/null || true
              status=1
              continue
            fi
            output=$(node deploy/check/validate.mjs --prod --suite - <<<"$rendered" 2>&1) && accepted=1 || accepted=0
          else
            expects=$fixture
            output=$(node deploy/check/validate.mjs --prod "$fixture" 2>&1) && accepted=1 || accepted=0
          fi
          if ((accepted)); then
            echo "fixture $fixture: accepted, but it is broken ($(sed -n 's/^# expect: //p' "$expects" | head -n 1))" >&2
            status=1
          else
            refused "$fixture" "$expects" "$output" || status=1
          fi
        done
        ;;
      *) echo "unknown part $part" >&2; exit 2 ;;
    esac
  done
done
exit "$status"
