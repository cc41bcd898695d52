// What must hold once a real Prometheus has scraped the suite after a
// pipeline run (prometheus_e2e.sh sets that up):
//   - every target of the four jobs is up;
//   - every query of the dashboard (Grafana's variables given values) and
//     every alert and recording rule's expression evaluates without error
//     through the HTTP API, and Prometheus has evaluated every rule with
//     health "ok";
//   - the main series an operator watches return data: calls served by
//     method and code, their latency, calls to peers, Redis commands and
//     dependencies, the plan cache, the clinical flow, build and data
//     versions.
// Usage: node prometheus_queries.mjs PROMETHEUS_URL MONITORING_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const [base, monitoring] = process.argv.slice(2);
if (!base || !monitoring) {
  console.error("usage: node prometheus_queries.mjs PROMETHEUS_URL MONITORING_DIR");
  process.exit(2);
}
const problems = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(path) {
  const response = await fetch(`${base}${path}`);
  const body = await response.json().catch(() => ({ status: "error", error: `HTTP ${response.status}` }));
  return body;
}
async function query(expr) {
  return api(`/api/v1/query?query=${encodeURIComponent(expr)}`);
}

// Targets: all four jobs up (scrapes every second; give them ten).
const jobs = ["catalog", "screening", "scheduling", "progress"];
let up = [];
for (let i = 0; i < 50; i++) {
  const answer = await query("up == 1");
  up = answer.status === "success" ? answer.data.result.map((r) => r.metric.job) : [];
  if (jobs.every((job) => up.includes(job))) break;
  await sleep(200);
}
for (const job of jobs) if (!up.includes(job)) problems.push(`target ${job}: not up`);

// Grafana's variables, as a viewer who picked "all" would have them: every
// job, any value of the others (matched with =~), and the built-in intervals.
const dashboard = JSON.parse(readFileSync(join(monitoring, "dashboard.json"), "utf8"));
const chosen = new Map([["__rate_interval", "1m"], ["__interval", "5s"], ["__range", "5m"]]);
for (const variable of dashboard.templating?.list ?? []) {
  if (variable.type === "datasource") continue;
  chosen.set(variable.name, variable.name === "job" ? jobs.join("|") : ".*");
}
const withVariables = (expr) =>
  expr.replaceAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced, bare) => chosen.get(braced ?? bare) ?? whole);
const panels = [];
const walk = (list) => {
  for (const panel of list ?? []) {
    panels.push(panel);
    walk(panel.panels);
  }
};
walk(dashboard.panels);
let dashboardQueries = 0;
let withData = 0;
for (const panel of panels) {
  for (const target of panel.targets ?? []) {
    if (!target.expr) continue;
    dashboardQueries++;
    const answer = await query(withVariables(target.expr));
    if (answer.status !== "success") {
      problems.push(`dashboard "${panel.title}" ${target.refId}: ${answer.error}`);
    } else if (answer.data.result.length > 0) {
      withData++;
    }
  }
}
if (dashboardQueries === 0) problems.push("dashboard: no queries found");

// Rules: each expression evaluates here, and Prometheus evaluated each one
// itself without error.
const groups = parse(readFileSync(join(monitoring, "alerts.yml"), "utf8")).groups ?? [];
let ruleCount = 0;
for (const group of groups) {
  for (const rule of group.rules ?? []) {
    ruleCount++;
    const answer = await query(rule.expr);
    if (answer.status !== "success") problems.push(`rule ${rule.alert ?? rule.record}: ${answer.error}`);
  }
}
let evaluated = [];
for (let i = 0; i < 50; i++) {
  const answer = await api("/api/v1/rules");
  evaluated = answer.status === "success" ? answer.data.groups.flatMap((g) => g.rules) : [];
  if (evaluated.length === ruleCount && evaluated.every((r) => r.health !== "unknown")) break;
  await sleep(200);
}
if (evaluated.length !== ruleCount) problems.push(`rules: Prometheus loaded ${evaluated.length} of ${ruleCount}`);
for (const rule of evaluated) {
  if (rule.health !== "ok") problems.push(`rule ${rule.name}: health ${rule.health} ${rule.lastError ?? ""}`);
}

// The main series.
const main = {
  "calls served by method and code": 'sum by (job, grpc_method, grpc_code) (rate(grpc_server_handled_total{grpc_service=~"osteoflow.*"}[1m])) > 0',
  "latency of calls served": 'histogram_quantile(0.99, sum by (job, grpc_method, le) (rate(grpc_server_handling_seconds_bucket{grpc_service=~"osteoflow.*"}[1m])))',
  "calls progress made to screening and scheduling": 'sum by (grpc_service) (grpc_client_handled_total{job="progress"}) > 0',
  "calls scheduling made to the catalog": 'sum(grpc_client_handled_total{job="scheduling",grpc_service="osteoflow.catalog.v1.CatalogService"}) > 0',
  "store commands": 'sum by (job) (osteoflow_redis_command_seconds_count{role="store"}) > 0',
  "cache commands": 'sum(osteoflow_redis_command_seconds_count{role="cache"}) > 0',
  "store up for screening and progress": 'osteoflow_dependency_up{dependency="store"} == 1',
  "catalog up for scheduling": 'osteoflow_dependency_up{dependency="catalog"} == 1',
  "plan cache lookups": "sum by (result) (osteoflow_plan_cache_lookups_total) > 0",
  "plans computed": "osteoflow_plans_computed_total > 0",
  "enrolments by outcome": "osteoflow_enrolments_total > 0",
  "referrals by rule": 'osteoflow_referrals_total{rule="RF-CHEST"} > 0',
  "programmes paused": "sum(osteoflow_programs_paused_total) > 0",
  "session logs": "osteoflow_session_logs_total > 0",
  "progression decisions": "sum by (change) (osteoflow_progression_decisions_total) > 0",
  "build info": "count(osteoflow_build_info) == 4",
  "data versions": "count(osteoflow_data_version_info) == 4",
};
const expectedSeries = {
  "calls progress made to screening and scheduling": 2,
  "store up for screening and progress": 2,
};
// Each is given up to ten seconds: a scrape or a rule evaluation may be due.
for (const [what, expr] of Object.entries(main)) {
  let answer;
  for (let i = 0; i < 50; i++) {
    answer = await query(expr);
    if (answer.status !== "success" || answer.data.result.length >= (expectedSeries[what] ?? 1)) break;
    await sleep(200);
  }
  if (answer.status !== "success") {
    problems.push(`${what}: ${answer.error}`);
  } else if (answer.data.result.length < (expectedSeries[what] ?? 1)) {
    problems.push(`${what}: ${answer.data.result.length} series from ${expr}`);
  }
}

console.log(`${dashboardQueries} dashboard queries evaluated (${withData} with data), ${ruleCount} rules evaluated, ` +
            `${Object.keys(main).length} main series checked`);
for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
