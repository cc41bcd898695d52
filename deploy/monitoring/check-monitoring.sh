#!/usr/bin/env bash
# The monitoring files, offline (ctest: deploy_monitoring): alerts.yml is a
# valid rule file and passes its unit tests (alerts_test.yml); both Prometheus
# configurations are valid; every rule and dashboard query uses only the
# metrics, labels and values of docs/observability.md, and every dashboard
# query parses as PromQL (check-queries.mjs writes them as recording rules
# for promtool); the PrometheusRule of deploy/components/prometheus-operator/
# carries exactly alerts.yml (prometheus-rule.mjs --check).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v promtool >/dev/null || { echo "promtool is not installed (scripts/setup.sh: Debian package prometheus)" >&2; exit 1; }
[[ -d node_modules/yaml ]] || { echo "node_modules is missing: run scripts/setup.sh" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-monitoring.XXXXXX")
trap 'rm -rf "$work"' EXIT
monitoring=deploy/monitoring

step() { echo "== $*"; }

step "promtool check rules alerts.yml"
promtool check rules "$monitoring/alerts.yml"
step "promtool test rules alerts_test.yml"
promtool test rules "$monitoring/alerts_test.yml"
step "promtool check config prometheus-local.yml"
promtool check config "$monitoring/prometheus-local.yml"
# Debian's Prometheus is built without Kubernetes discovery, so its promtool
# refuses kubernetes_sd_configs: the copy checked finds its one target
# statically; the relabelling, which is what matters here, is checked as it is.
step "promtool check config prometheus-kubernetes.yml (discovery replaced by a static target)"
cp "$monitoring/alerts.yml" "$work/"
sed -e 's/^    kubernetes_sd_configs:$/    static_configs:/' \
    -e 's/^      - role: pod$/      - targets: ["127.0.0.1:9464"]/' \
    "$monitoring/prometheus-kubernetes.yml" >"$work/prometheus-kubernetes.yml"
if grep -q kubernetes_sd_configs "$work/prometheus-kubernetes.yml" || ! grep -q static_configs "$work/prometheus-kubernetes.yml"; then
  echo "prometheus-kubernetes.yml: its discovery is no longer the one this check replaces" >&2
  exit 1
fi
promtool check config "$work/prometheus-kubernetes.yml"
step "rules and dashboard against docs/observability.md"
node "$monitoring/check-queries.mjs" --dashboard-rules "$work/dashboard-queries.yml"
step "promtool check rules on every dashboard query"
promtool check rules "$work/dashboard-queries.yml"
step "PrometheusRule carries alerts.yml"
node "$monitoring/prometheus-rule.mjs" --check
