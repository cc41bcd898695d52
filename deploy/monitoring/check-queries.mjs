// Checks the monitoring files against the metrics contract
// (docs/observability.md), which promtool alone cannot: a misspelt metric,
// label or label value parses and then silently matches nothing.
//   - every metric an expression of alerts.yml or dashboard.json selects is
//     one the contract names (a histogram's _bucket, _sum and _count too), a
//     series alerts.yml records, `up` or `ALERTS`;
//   - every label an expression matches on or aggregates by is one that
//     metric has (or a target label: job, instance, namespace, pod, ...),
//     and a value matched against a closed set (codes, roles, results, the
//     four job names, ...) is in that set;
//   - alerts.yml: every alert has a severity (critical, warning) and a
//     summary, a description and a runbook link to a heading of
//     docs/alerts-and-dashboards.md, and its templates use only such labels;
//   - dashboard.json: Grafana schemaVersion 36 or newer, a `datasource`
//     variable of type prometheus that every panel and query uses, a `job`
//     variable, unique panel ids, every query with a refId;
//   - prometheus-local.yml scrapes the four jobs on the contract's local
//     ports and loads alerts.yml.
// With --dashboard-rules FILE it writes every dashboard query (Grafana's
// variables replaced by sample values) as a recording rule to FILE, for
// `promtool check rules` to parse.
// Usage: node deploy/monitoring/check-queries.mjs [--dashboard-rules FILE]
// Exit 0 when all holds; 1 with one line per problem.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (path) => readFileSync(join(root, path), "utf8");
const args = process.argv.slice(2);
const rulesOut = args.includes("--dashboard-rules") ? args[args.indexOf("--dashboard-rules") + 1] : null;
const problems = [];
const JOBS = ["catalog", "screening", "scheduling", "progress"];

// ---------------------------------------------------------------- contract
// Each table row of docs/observability.md that starts with a metric name:
// | `name` | type | labels | ... . A label is `label`, optionally followed
// by its values in parentheses: a closed set when they are all in
// backquotes (up to a colon that starts an explanation), "as <metric>"
// for another metric's set, anything else an open set.
const contractText = read("docs/observability.md");
const metrics = new Map(); // name -> {type, labels: Map(label -> Set | null)}
const pending = [];
for (const line of contractText.split("\n")) {
  const row = /^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|\s*([^|]*)\|\s*([^|]*)\|/.exec(line);
  if (!row) continue;
  const [, name, typeCell, labelsCell] = row;
  const type = typeCell.trim().split(/[ ,]/)[0];
  if (!["counter", "gauge", "histogram"].includes(type)) continue;
  metrics.set(name, { type, labels: new Map() });
  pending.push([name, labelsCell.trim()]);
}
for (const [name, cell] of pending) {
  const labels = metrics.get(name).labels;
  if (/^as the server's/.test(cell)) {
    for (const [label, values] of metrics.get(name.replace("grpc_client_", "grpc_server_"))?.labels ?? []) labels.set(label, values);
    continue;
  }
  let i = 0;
  while (i < cell.length) {
    const label = /^`([a-z_][a-z0-9_]*)`/.exec(cell.slice(i));
    if (!label) { i++; continue; }
    i += label[0].length;
    let values = null;
    const open = /^\s*\(/.exec(cell.slice(i));
    if (open) {
      let depth = 0, j = i + open[0].length - 1;
      for (; j < cell.length; j++) {
        if (cell[j] === "(") depth++;
        if (cell[j] === ")" && --depth === 0) break;
      }
      const inside = cell.slice(i + open[0].length, j).trim();
      i = j + 1;
      const as = /^as (\w+)$/.exec(inside);
      if (as) {
        const other = [...metrics.entries()].find(([n]) => n.includes(`_${as[1]}_`) || n.endsWith(`_${as[1]}_total`));
        values = other?.[1].labels.get(label[1]) ?? null;
      } else if (inside.startsWith("`")) {
        const items = inside.split(":")[0].split(",").map((s) => s.trim());
        if (items.every((s) => /^`[^`]+`$/.test(s))) values = new Set(items.map((s) => s.slice(1, -1)));
      }
    }
    labels.set(label[1], values);
  }
}
// The bullets under the calls table close the gRPC label sets.
const flat = contractText.replace(/\s+/g, " ");
const codes = /`grpc_code` is [^:]*:([^.]*)\./.exec(flat);
const types = /`grpc_type` (`[a-z_]+`(?:, `[a-z_]+`)*(?: or `[a-z_]+`)?)/.exec(flat);
for (const [name, metric] of metrics) {
  if (!name.startsWith("grpc_")) continue;
  if (codes && metric.labels.has("grpc_code")) metric.labels.set("grpc_code", new Set([...codes[1].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1])));
  if (types && metric.labels.has("grpc_type")) metric.labels.set("grpc_type", new Set([...types[1].matchAll(/`([a-z_]+)`/g)].map((m) => m[1])));
}
// A label a row names without values has the set another row gives it
// (`role` is spelt out once, for the command histogram).
for (const { labels } of metrics.values()) {
  for (const [label, values] of labels) {
    if (values) continue;
    const elsewhere = [...metrics.values()].map((m) => m.labels.get(label)).find(Boolean);
    if (elsewhere) labels.set(label, elsewhere);
  }
}
if (metrics.size < 20 || !codes || !types) {
  console.error(`docs/observability.md: cannot read the metrics contract (${metrics.size} metrics, codes ${codes ? "found" : "not found"}, types ${types ? "found" : "not found"})`);
  process.exit(1);
}
// Labels every scraped series gets from its target (locally job and
// instance; on Kubernetes the ServiceMonitor or the pod scrape adds the rest).
const targetLabels = new Map([["job", new Set(JOBS)], ["instance", null], ["namespace", null], ["pod", null],
                              ["service", null], ["endpoint", null], ["container", null]]);
// Every series name a query may select, with its labels.
const series = new Map();
for (const [name, { type, labels }] of metrics) {
  const all = new Map([...targetLabels, ...labels]);
  if (type === "histogram") {
    series.set(`${name}_bucket`, new Map([...all, ["le", null]]));
    series.set(`${name}_sum`, all);
    series.set(`${name}_count`, all);
  } else {
    series.set(name, all);
  }
}
series.set("up", new Map(targetLabels));
// A label's closed set wherever it appears (for recorded series, which keep
// the labels of what they aggregate).
const anyLabel = new Map(targetLabels);
for (const labels of series.values()) {
  for (const [label, values] of labels) if (!anyLabel.has(label) || (values && !anyLabel.get(label))) anyLabel.set(label, values);
}

// ------------------------------------------------------------------ PromQL
const AGGREGATIONS = new Set(["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile"]);
const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan", "atan2"]);

// The tokens of a PromQL expression: strings, numbers and durations,
// identifiers, punctuation and operators.
function tokens(expr) {
  const out = [];
  const re = /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:ms|s|m|h|d|w|y)*|0x[0-9a-fA-F]+)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@:])/y;
  let m;
  while (re.lastIndex < expr.length) {
    const at = re.lastIndex;
    if (!(m = re.exec(expr))) throw new Error(`cannot read "${expr.slice(at, at + 20)}"`);
    const text = m[0];
    if (/^\s|^#/.test(text)) continue;
    if (/^["'`]/.test(text)) out.push({ kind: "string", text, value: text.startsWith("`") ? text.slice(1, -1) : JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replace(/"/g, '\\"')}"` : text) });
    else if (m[1]) out.push({ kind: "number", text });
    else if (m[2]) out.push({ kind: "ident", text });
    else out.push({ kind: "punct", text });
  }
  return out;
}

// The series selectors of an expression ({name, matchers: [{label, op,
// value}]}) and the labels named in by/without/on/ignoring/group_x lists.
function analyse(expr) {
  const list = tokens(expr);
  const selectors = [];
  const grouping = [];
  let depthSquare = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t.text === "[") { depthSquare++; continue; }
    if (t.text === "]") { depthSquare--; continue; }
    if (depthSquare > 0) continue;
    if (t.kind === "ident" && ["by", "without", "on", "ignoring", "group_left", "group_right"].includes(t.text) && list[i + 1]?.text === "(") {
      let j = i + 2;
      for (; j < list.length && list[j].text !== ")"; j++) if (list[j].kind === "ident") grouping.push(list[j].text);
      i = j;
      continue;
    }
    const name = t.kind === "ident" && !KEYWORDS.has(t.text) && list[i + 1]?.text !== "(" && !(AGGREGATIONS.has(t.text) && ["by", "without"].includes(list[i + 1]?.text)) ? t.text : null;
    if (name !== null || t.text === "{") {
      const selector = { name, matchers: [] };
      let j = name !== null ? i + 1 : i;
      if (list[j]?.text === "{") {
        for (j++; j < list.length && list[j].text !== "}"; j++) {
          if (list[j].text === ",") continue;
          const [label, op, value] = [list[j], list[j + 1], list[j + 2]];
          if (label?.kind !== "ident" || !["=", "!=", "=~", "!~"].includes(op?.text) || value?.kind !== "string") throw new Error("a label matcher it cannot read");
          selector.matchers.push({ label: label.text, op: op.text, value: value.value });
          j += 2;
        }
        i = j;
      }
      const byName = selector.matchers.find((m) => m.label === "__name__" && m.op === "=");
      if (selector.name === null && byName) selector.name = byName.value;
      selectors.push(selector);
    }
  }
  return { selectors, grouping };
}

// Recorded series: their labels are what their expression aggregates by
// (or, for a quantile of a recorded histogram, that one's labels but le).
const rulesText = read("deploy/monitoring/alerts.yml");
const ruleFile = parse(rulesText);
const allRules = (ruleFile?.groups ?? []).flatMap((g) => g.rules ?? []);
for (const rule of allRules.filter((r) => r.record)) {
  try {
    const { selectors } = analyse(String(rule.expr));
    const by = /\bby\s*\(([^)]*)\)/.exec(String(rule.expr));
    let labels;
    if (by) {
      labels = new Map(by[1].split(",").map((s) => s.trim()).filter(Boolean).map((l) => [l, anyLabel.get(l) ?? null]));
    } else if (/^histogram_quantile\(/.test(String(rule.expr).trim()) && series.has(selectors[0]?.name)) {
      labels = new Map([...series.get(selectors[0].name)].filter(([l]) => l !== "le"));
    } else {
      labels = new Map(selectors.flatMap((s) => [...(series.get(s.name) ?? [])]));
    }
    series.set(rule.record, labels);
  } catch (error) {
    problems.push(`alerts.yml: record ${rule.record}: ${error.message}`);
  }
}
const alertLabels = new Map([["alertname", null], ["alertstate", new Set(["pending", "firing"])], ["severity", new Set(["critical", "warning"])], ...anyLabel]);
series.set("ALERTS", alertLabels);

// Everything an expression selects and groups by must exist in the contract.
function checkExpr(where, expr) {
  let result;
  try {
    result = analyse(expr);
  } catch (error) {
    problems.push(`${where}: ${error.message} in ${expr}`);
    return;
  }
  for (const { name, matchers } of result.selectors) {
    if (name === null) {
      problems.push(`${where}: a selector without a metric name`);
      continue;
    }
    const labels = series.get(name);
    if (!labels) {
      problems.push(`${where}: ${name} is not a metric of docs/observability.md nor recorded by alerts.yml`);
      continue;
    }
    for (const { label, op, value } of matchers) {
      if (label === "__name__") continue;
      if (!labels.has(label)) {
        problems.push(`${where}: ${name} has no label ${label}`);
        continue;
      }
      const closed = labels.get(label);
      if (!closed) continue;
      const wanted = op.endsWith("~") ? (/^[\w-]+(\|[\w-]+)*$/.test(value) ? value.split("|") : []) : [value];
      for (const v of wanted) {
        if (!closed.has(v)) problems.push(`${where}: ${name}{${label}${op}"${value}"}: ${v} is not one of ${[...closed].join(", ")}`);
      }
    }
  }
  for (const label of result.grouping) {
    if (!anyLabel.has(label) && label !== "le" && !alertLabels.has(label)) problems.push(`${where}: no metric has a label ${label}`);
  }
}

// ------------------------------------------------------------- alerts.yml
const docText = read("docs/alerts-and-dashboards.md");
const anchors = new Set([...docText.matchAll(/^#+\s+(.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")));
for (const rule of allRules) {
  const where = `alerts.yml: ${rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`}`;
  checkExpr(where, String(rule.expr));
  if (!rule.alert) continue;
  if (!["critical", "warning"].includes(rule.labels?.severity)) problems.push(`${where}: needs a severity label, critical or warning`);
  for (const key of ["summary", "description", "runbook"]) {
    if (!rule.annotations?.[key]) problems.push(`${where}: needs a ${key} annotation`);
  }
  const runbook = /^docs\/alerts-and-dashboards\.md#(.+)$/.exec(rule.annotations?.runbook ?? "");
  if (rule.annotations?.runbook && (!runbook || !anchors.has(runbook[1]))) {
    problems.push(`${where}: runbook ${rule.annotations.runbook} is not a heading of docs/alerts-and-dashboards.md`);
  }
  const byLabels = new Set([...String(rule.expr).matchAll(/\b(?:by|on)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(",").map((s) => s.trim())));
  for (const text of Object.values(rule.annotations ?? {})) {
    for (const [, label] of String(text).matchAll(/\$labels\.([a-zA-Z_]+)/g)) {
      if (!anyLabel.has(label) && !byLabels.has(label)) problems.push(`${where}: its annotations use $labels.${label}, which no series has`);
    }
  }
}

// --------------------------------------------------------- dashboard.json
const dashboard = JSON.parse(read("deploy/monitoring/dashboard.json"));
const variables = dashboard.templating?.list ?? [];
if (!(dashboard.schemaVersion >= 36)) problems.push(`dashboard.json: schemaVersion ${dashboard.schemaVersion} is older than 36`);
if (!dashboard.uid) problems.push("dashboard.json: needs a uid (links and provisioning find it by that)");
const datasourceVariable = variables.find((v) => v.name === "datasource");
if (datasourceVariable?.type !== "datasource" || datasourceVariable.query !== "prometheus") {
  problems.push("dashboard.json: needs a variable `datasource` of type datasource, query prometheus");
}
if (!variables.some((v) => v.name === "job" && v.type === "query")) problems.push("dashboard.json: needs a query variable `job`");
if (dashboard.__inputs) problems.push("dashboard.json: has __inputs (an export for sharing): the datasource variable does that job");
const usesVariable = (ds) => ds?.type === "prometheus" && ["${datasource}", "$datasource"].includes(ds?.uid);
// Grafana's variables, replaced by values that parse as PromQL.
const samples = { __rate_interval: "5m", __interval: "1m", __range: "1h", __range_s: "3600", __interval_ms: "60000", namespace: "osteoflow", job: "catalog" };
const substitute = (where, expr) => expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a, b) => {
  const name = a ?? b;
  if (samples[name] === undefined) problems.push(`${where}: uses $${name}, which is not a variable of the dashboard`);
  return samples[name] ?? whole;
});
for (const variable of variables) {
  if (variable.type === "query" && !samples[variable.name]) samples[variable.name] = "x";
}
const queries = [];
for (const variable of variables.filter((v) => v.type === "query")) {
  const where = `dashboard.json: variable ${variable.name}`;
  if (!usesVariable(variable.datasource)) problems.push(`${where}: must query the \${datasource} variable`);
  const query = typeof variable.query === "string" ? variable.query : variable.query?.query;
  const labelValues = /^label_values\((.*),\s*([a-zA-Z_]+)\)$/.exec(query ?? "");
  if (!labelValues) {
    problems.push(`${where}: expected label_values(<selector>, <label>), not ${query}`);
    continue;
  }
  const expr = substitute(where, labelValues[1]);
  checkExpr(where, expr);
  const name = analyse(expr).selectors[0]?.name;
  if (series.get(name) && !series.get(name).has(labelValues[2])) problems.push(`${where}: ${name} has no label ${labelValues[2]}`);
  queries.push({ where, expr });
}
for (const annotation of dashboard.annotations?.list ?? []) {
  if (!annotation.expr) continue;
  const where = `dashboard.json: annotation "${annotation.name}"`;
  if (!usesVariable(annotation.datasource)) problems.push(`${where}: must query the \${datasource} variable`);
  queries.push({ where, expr: substitute(where, annotation.expr) });
}
const ids = new Set();
const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
for (const panel of panels) {
  const where = `dashboard.json: panel ${panel.id} "${panel.title}"`;
  if (ids.has(panel.id)) problems.push(`${where}: id used twice`);
  ids.add(panel.id);
  if (!panel.gridPos) problems.push(`${where}: needs a gridPos`);
  if (panel.type === "row") continue;
  if (!usesVariable(panel.datasource)) problems.push(`${where}: must use the \${datasource} variable`);
  if ((panel.targets ?? []).length === 0) problems.push(`${where}: has no query`);
  const refIds = new Set();
  for (const target of panel.targets ?? []) {
    if (!target.refId || refIds.has(target.refId)) problems.push(`${where}: every query needs a refId of its own`);
    refIds.add(target.refId);
    if (target.datasource && !usesVariable(target.datasource)) problems.push(`${where} query ${target.refId}: must use the \${datasource} variable`);
    if (!target.expr) {
      problems.push(`${where} query ${target.refId}: has no expr`);
      continue;
    }
    queries.push({ where: `${where} query ${target.refId}`, expr: substitute(`${where} query ${target.refId}`, target.expr) });
  }
}
for (const { where, expr } of queries) checkExpr(where, expr);
if (rulesOut) {
  const rules = queries.map(({ where, expr }, i) => ({ record: `dashboard:query_${i + 1}`, expr, labels: { query_of: where.replace(/^dashboard\.json: /, "") } }));
  writeFileSync(rulesOut, stringify({ groups: [{ name: "dashboard-queries", rules }] }, { lineWidth: 0 }));
}

// --------------------------------------------------- prometheus-local.yml
// The contract's local ports: "127.0.0.1:9451 catalog, 9452 screening, ...".
const localPorts = new Map();
const portsText = /127\.0\.0\.1:(\d+) (\w+)((?:, \d+ \w+)+)/.exec(flat);
if (portsText) {
  localPorts.set(portsText[2], Number(portsText[1]));
  for (const [, port, job] of portsText[3].matchAll(/, (\d+) (\w+)/g)) localPorts.set(job, Number(port));
}
if (JOBS.some((job) => !localPorts.has(job))) problems.push("docs/observability.md: cannot read the local suite's metrics ports");
const local = parse(read("deploy/monitoring/prometheus-local.yml"));
const jobs = new Map((local?.scrape_configs ?? []).map((c) => [c.job_name, c]));
for (const job of JOBS) {
  const targets = (jobs.get(job)?.static_configs ?? []).flatMap((s) => s.targets ?? []);
  if (targets.length !== 1 || targets[0] !== `127.0.0.1:${localPorts.get(job)}`) {
    problems.push(`prometheus-local.yml: job ${job} must scrape 127.0.0.1:${localPorts.get(job)}, not ${targets.join(", ") || "nothing"}`);
  }
}
for (const job of jobs.keys()) if (!JOBS.includes(job) && job !== "prometheus") problems.push(`prometheus-local.yml: job ${job} is not a service of the suite`);
if (!(local?.rule_files ?? []).includes("alerts.yml")) problems.push("prometheus-local.yml: must load alerts.yml");

for (const problem of problems) console.error(problem);
if (problems.length === 0) {
  console.log(`monitoring: ${allRules.length} rules and ${queries.length} dashboard queries use only the metrics, labels and values of docs/observability.md`);
}
process.exit(problems.length === 0 ? 0 : 1);
