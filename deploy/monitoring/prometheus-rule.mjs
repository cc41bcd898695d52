// Writes deploy/components/prometheus-operator/prometheus-rule.yaml, the
// PrometheusRule that carries deploy/monitoring/alerts.yml to a Prometheus
// run by the Prometheus Operator: the same groups, rule for rule.
// alerts.yml is the one to edit; run this after every change to it.
// With --check it writes nothing and fails when the file is not what it
// would write (check-monitoring.sh; deploy/check/validate.mjs also compares
// the rendered PrometheusRule with alerts.yml).
// Usage: node deploy/monitoring/prometheus-rule.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const source = "deploy/monitoring/alerts.yml";
const target = "deploy/components/prometheus-operator/prometheus-rule.yaml";

const rules = parse(readFileSync(join(root, source), "utf8"));
const object = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "osteoflow" },
  spec: { groups: rules.groups },
};
const text = `# Generated from ${source} by deploy/monitoring/prometheus-rule.mjs:
# edit alerts.yml and run that script, never this file.
${stringify(object, { lineWidth: 0 })}`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(join(root, target), "utf8");
  } catch {
    // missing: reported below
  }
  if (current !== text) {
    console.error(`${target} is not ${source}: run node deploy/monitoring/prometheus-rule.mjs`);
    process.exit(1);
  }
  console.log(`${target}: the ${rules.groups.length} groups of ${source}`);
} else {
  writeFileSync(join(root, target), text);
  console.log(`wrote ${target}`);
}
