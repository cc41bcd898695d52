// Validates rendered Kubernetes manifests offline: every object against the
// Kubernetes schemas (kubernetes-models), then the suite's own rules:
//   - every OSTEOFLOW_ variable (the settings ConfigMap, a container's env) is
//     a setting one of our services has (an ABSL_FLAG in common/ or services/),
//     and none is one for tests only (the test clock, a response delay);
//   - every workload: requests and limits on each container, runs as non-root
//     under the runtime's seccomp profile, no service account token, read-only
//     root filesystem, no privilege escalation, all capabilities dropped;
//   - our services' Deployments: uid 10001, native gRPC liveness and
//     readiness probes that differ (liveness "", readiness the service's
//     name), a preStop sleep and a grace period longer than preStop plus the
//     drain (drain_timeout); metrics served on 0.0.0.0:9464 from a container
//     port named `metrics`, the pods annotated for scraping
//     (prometheus.io/scrape, port, path), and a Service with a port
//     `metrics` for them;
//   - with --prod: each of those Deployments has at least 2 replicas, a
//     HorizontalPodAutoscaler, a PodDisruptionBudget and a NetworkPolicy of
//     its own, and a ServiceMonitor scrapes its Service's metrics port under
//     the service's name as the job; a default-deny policy; reflection off;
//     a PrometheusRule;
//   - the Prometheus Operator's ServiceMonitor and PrometheusRule (CRDs, not
//     in kubernetes-models) have the shape of its monitoring.coreos.com/v1
//     types, and every PrometheusRule carries exactly the groups of
//     deploy/monitoring/alerts.yml;
//   - the store: every Redis of it with the store's durability (appendonly
//     yes, appendfsync always, noeviction under a maxmemory), read from the
//     configuration files its container mounts, and its data on a volume of
//     its own; a Sentinel set (StatefulSet store-sentinel) with replicas that
//     are read-only and a primary that stops taking writes without one
//     (min-replicas-to-write), sentinels that use names (resolve-hostnames,
//     announce-hostnames) with a majority quorum, headless Services, and the
//     same pods and primary name in the set's topology, the StatefulSets and
//     OSTEOFLOW_STORE_ADDRESS (redis-sentinel://);
//   - with --prod, the store is such a set: at least three Redis pods and
//     three sentinels, each set one pod per node (required anti-affinity) and
//     at most one pod down at a time (a PodDisruptionBudget), and each write
//     waits for one replica and no more (store_wait_replicas);
//   - with --suite (a whole overlay): the workloads are there and the
//     network policies allow exactly the calls the suite makes (the table
//     `flows` below, the same as deploy/README.md's; with the sentinels in
//     prod), DNS for every pod, scrapes of the services' metrics port from
//     the namespace `monitoring`, and nothing else between the suite's pods
//     (two pods of one workload included), clients and other pods.
// Usage: node validate.mjs [--prod] [--suite] FILE   (multi-document YAML; "-" = stdin)
// Exit 0 when all holds; 1 with one line per problem, naming the object and the rule.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { knownSettings, readStdin, sourceRoot } from "./settings.mjs";

// Where every service serves GET /metrics (docs/observability.md).
const METRICS_PORT = 9464;

const args = process.argv.slice(2);
const prod = args.includes("--prod");
const suite = args.includes("--suite");
const file = args.filter((a) => !a.startsWith("--"))[0] ?? "-";
const text = file === "-" ? await readStdin() : readFileSync(file, "utf8");
const problems = [];
const objects = [];
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors[0].message}`);
    continue;
  }
  const object = document.toJS();
  // kustomize 2.0.3 leaves "{}" where a patch deleted an object: nothing there.
  if (object && Object.keys(object).length > 0) objects.push(object);
}
const nameOf = (o) => `${o.kind}/${o.metadata?.name ?? "?"}`;

// The Prometheus Operator's kinds are CRDs that kubernetes-models does not
// know: their shape is checked here against its monitoring.coreos.com/v1
// types, every field name and the fields the suite uses by type. (A cluster
// with the CRDs checks the rest: kubectl apply --dry-run=server.)
const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isStringMap = (v) => isMap(v) && Object.values(v).every((x) => typeof x === "string");
const isStringList = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
const isDuration = (v) => typeof v === "string" && /^(\d+(ms|s|m|h|d|w|y))+$/.test(v);
function fieldsOf(value, allowed, path, out) {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) out.push(`${path}.${key} is not a field`);
}
function selectorShape(selector, path, out) {
  if (!isMap(selector)) return out.push(`${path} must be a label selector`);
  fieldsOf(selector, ["matchLabels", "matchExpressions"], path, out);
  if (selector.matchLabels !== undefined && !isStringMap(selector.matchLabels)) out.push(`${path}.matchLabels must map labels to strings`);
  if (selector.matchExpressions !== undefined && !Array.isArray(selector.matchExpressions)) out.push(`${path}.matchExpressions must be a list`);
  for (const [i, e] of (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).entries()) {
    if (!isMap(e) || typeof e.key !== "string" || !["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator) ||
        (e.values !== undefined && !isStringList(e.values))) {
      out.push(`${path}.matchExpressions[${i}] needs a key, an operator (In, NotIn, Exists, DoesNotExist) and string values`);
    }
  }
}
const serviceMonitorFields = ["jobLabel", "targetLabels", "podTargetLabels", "endpoints", "selector", "namespaceSelector",
  "sampleLimit", "scrapeProtocols", "targetLimit", "labelLimit", "labelNameLengthLimit", "labelValueLengthLimit",
  "keepDroppedTargets", "attachMetadata", "scrapeClass", "bodySizeLimit"];
const endpointFields = ["port", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout", "tlsConfig",
  "bearerTokenFile", "bearerTokenSecret", "authorization", "honorLabels", "honorTimestamps", "trackTimestampsStaleness",
  "basicAuth", "oauth2", "metricRelabelings", "relabelings", "proxyUrl", "noProxy", "proxyFromEnvironment",
  "proxyConnectHeader", "followRedirects", "enableHttp2", "filterRunning"];
const operatorShapes = {
  ServiceMonitor(object) {
    const out = [];
    const spec = object.spec;
    if (!isMap(spec)) return ["spec is required"];
    fieldsOf(spec, serviceMonitorFields, "spec", out);
    if (spec.selector === undefined) out.push("spec.selector is required");
    else selectorShape(spec.selector, "spec.selector", out);
    if (spec.jobLabel !== undefined && typeof spec.jobLabel !== "string") out.push("spec.jobLabel must be a string");
    for (const key of ["targetLabels", "podTargetLabels"]) {
      if (spec[key] !== undefined && !isStringList(spec[key])) out.push(`spec.${key} must be a list of label names`);
    }
    if (spec.namespaceSelector !== undefined) {
      if (!isMap(spec.namespaceSelector)) out.push("spec.namespaceSelector must be an object");
      else {
        fieldsOf(spec.namespaceSelector, ["any", "matchNames"], "spec.namespaceSelector", out);
        if (spec.namespaceSelector.any !== undefined && typeof spec.namespaceSelector.any !== "boolean") out.push("spec.namespaceSelector.any must be true or false");
        if (spec.namespaceSelector.matchNames !== undefined && !isStringList(spec.namespaceSelector.matchNames)) out.push("spec.namespaceSelector.matchNames must be a list of names");
      }
    }
    if (!Array.isArray(spec.endpoints) || spec.endpoints.length === 0) out.push("spec.endpoints must list at least one endpoint");
    for (const [i, endpoint] of (Array.isArray(spec.endpoints) ? spec.endpoints : []).entries()) {
      const where = `spec.endpoints[${i}]`;
      if (!isMap(endpoint)) {
        out.push(`${where} must be an object`);
        continue;
      }
      fieldsOf(endpoint, endpointFields, where, out);
      if (endpoint.port === undefined && endpoint.targetPort === undefined) out.push(`${where} needs a port (the Service port's name) or a targetPort`);
      if (endpoint.port !== undefined && typeof endpoint.port !== "string") out.push(`${where}.port must be the name of a Service port`);
      if (endpoint.targetPort !== undefined && !["string", "number"].includes(typeof endpoint.targetPort)) out.push(`${where}.targetPort must be a port name or number`);
      if (endpoint.path !== undefined && !(typeof endpoint.path === "string" && endpoint.path.startsWith("/"))) out.push(`${where}.path must start with /`);
      if (endpoint.scheme !== undefined && !["http", "https"].includes(endpoint.scheme)) out.push(`${where}.scheme must be http or https`);
      for (const key of ["interval", "scrapeTimeout"]) {
        if (endpoint[key] !== undefined && !isDuration(endpoint[key])) out.push(`${where}.${key} must be a duration such as 30s`);
      }
      for (const key of ["honorLabels", "honorTimestamps", "followRedirects", "enableHttp2", "filterRunning"]) {
        if (endpoint[key] !== undefined && typeof endpoint[key] !== "boolean") out.push(`${where}.${key} must be true or false`);
      }
      for (const key of ["relabelings", "metricRelabelings"]) {
        if (endpoint[key] !== undefined && !(Array.isArray(endpoint[key]) && endpoint[key].every(isMap))) out.push(`${where}.${key} must be a list of relabelings`);
      }
    }
    return out;
  },
  PrometheusRule(object) {
    const out = [];
    const spec = object.spec;
    if (!isMap(spec)) return ["spec is required"];
    fieldsOf(spec, ["groups"], "spec", out);
    if (!Array.isArray(spec.groups)) return [...out, "spec.groups must be a list"];
    const names = new Set();
    for (const [g, group] of spec.groups.entries()) {
      const where = `spec.groups[${g}]`;
      if (!isMap(group)) {
        out.push(`${where} must be an object`);
        continue;
      }
      fieldsOf(group, ["name", "interval", "rules", "partial_response_strategy", "limit"], where, out);
      if (typeof group.name !== "string" || group.name === "") out.push(`${where}.name is required`);
      else if (names.has(group.name)) out.push(`${where}.name ${group.name} is used twice`);
      names.add(group.name);
      if (group.interval !== undefined && !isDuration(group.interval)) out.push(`${where}.interval must be a duration`);
      if (group.rules !== undefined && !Array.isArray(group.rules)) out.push(`${where}.rules must be a list`);
      for (const [r, rule] of (Array.isArray(group.rules) ? group.rules : []).entries()) {
        const at = `${where}.rules[${r}]`;
        if (!isMap(rule)) {
          out.push(`${at} must be an object`);
          continue;
        }
        fieldsOf(rule, ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"], at, out);
        if ((typeof rule.record === "string") === (typeof rule.alert === "string")) out.push(`${at} must have one of record and alert`);
        if (!(typeof rule.expr === "string" && rule.expr.trim() !== "") && !Number.isInteger(rule.expr)) out.push(`${at}.expr is required`);
        for (const key of ["for", "keep_firing_for"]) {
          if (rule[key] !== undefined && !isDuration(rule[key])) out.push(`${at}.${key} must be a duration such as 5m`);
        }
        if (rule.labels !== undefined && !isStringMap(rule.labels)) out.push(`${at}.labels must map names to strings`);
        if (rule.annotations !== undefined && !(isStringMap(rule.annotations) && rule.alert)) out.push(`${at}.annotations must map names to strings, on an alert`);
      }
    }
    return out;
  },
};

// 1. The Kubernetes schemas.
for (const object of objects) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problems.push(`${nameOf(object)}: needs apiVersion and kind`);
    continue;
  }
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  if (group === "monitoring.coreos.com") {
    const shape = version === "v1" ? operatorShapes[object.kind] : undefined;
    if (!shape) {
      problems.push(`${nameOf(object)}: unknown kind ${object.kind} in ${object.apiVersion} (ServiceMonitor and PrometheusRule in monitoring.coreos.com/v1 are checked)`);
      continue;
    }
    for (const problem of shape(object)) problems.push(`${nameOf(object)}: schema: ${problem}`);
    continue;
  }
  const modulePath = group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  let models;
  try {
    models = await import(modulePath);
  } catch {
    problems.push(`${nameOf(object)}: unknown apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (typeof Model !== "function") {
    problems.push(`${nameOf(object)}: unknown kind ${object.kind} in ${object.apiVersion}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${nameOf(object)}: schema: ${String(error.message).split("\n")[0]}`);
  }
}

// 2. Our rules.
const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind) && o.spec?.template?.spec);
const services = workloads.filter((o) => o.kind === "Deployment" && o.spec.template.metadata?.labels?.["osteoflow.io/role"] === "service");
const settings = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === "osteoflow-settings");

// Settings: only ones that exist.
const known = knownSettings();
for (const key of Object.keys(settings?.data ?? {})) {
  if (!known.has(key)) problems.push(`${nameOf(settings)}: ${key} is not a setting of any service`);
}
for (const workload of workloads) {
  for (const container of workload.spec.template.spec.containers ?? []) {
    for (const { name } of container.env ?? []) {
      if (name.startsWith("OSTEOFLOW_") && !known.has(name)) {
        problems.push(`${nameOf(workload)} container ${container.name}: ${name} is not a setting of any service`);
      }
    }
  }
}

// Settings for tests only never reach a cluster.
const testsOnly = ["OSTEOFLOW_TEST_CLOCK", "OSTEOFLOW_TEST_RESPONSE_DELAY"];
for (const key of Object.keys(settings?.data ?? {})) {
  if (testsOnly.includes(key)) problems.push(`${nameOf(settings)}: ${key} is for tests only`);
}
for (const workload of workloads) {
  for (const container of workload.spec.template.spec.containers ?? []) {
    for (const { name } of container.env ?? []) {
      if (testsOnly.includes(name)) problems.push(`${nameOf(workload)} container ${container.name}: ${name} is for tests only`);
    }
  }
}

// absl durations: "10s", "1.5s", "1m30s", "500ms".
function parseDuration(value) {
  const units = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  const parts = [...String(value).matchAll(/(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== String(value)) return Infinity;
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}
// The drain a container gets: its own env, else the settings ConfigMap, else the default (10s).
function drainOf(container) {
  const own = (container.env ?? []).find((e) => e.name === "OSTEOFLOW_DRAIN_TIMEOUT");
  if (own) return parseDuration(own.value);
  return parseDuration(settings?.data?.OSTEOFLOW_DRAIN_TIMEOUT ?? "10s");
}

for (const workload of workloads) {
  const pod = workload.spec.template.spec;
  const podSecurity = pod.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) problems.push(`${nameOf(workload)}: pod must set runAsNonRoot`);
  if (pod.automountServiceAccountToken !== false) {
    problems.push(`${nameOf(workload)}: pod must set automountServiceAccountToken: false`);
  }
  for (const container of pod.containers ?? []) {
    const where = `${nameOf(workload)} container ${container.name}`;
    const resources = container.resources ?? {};
    for (const kind of ["requests", "limits"]) {
      if (!resources[kind]?.cpu || !resources[kind]?.memory) problems.push(`${where}: needs cpu and memory ${kind}`);
    }
    const security = container.securityContext ?? {};
    const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault") problems.push(`${where}: seccompProfile must be RuntimeDefault`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem must be read-only`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: must not allow privilege escalation`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: must drop all capabilities`);
  }
}

for (const deployment of services) {
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const where = nameOf(deployment);
  const uid = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  if (uid !== 10001) problems.push(`${where}: must run as uid 10001 (the image's user), not ${uid}`);
  const live = container.livenessProbe?.grpc;
  const ready = container.readinessProbe?.grpc;
  if (!live || !ready) {
    problems.push(`${where}: needs native gRPC liveness and readiness probes`);
  } else if ((live.service ?? "") === (ready.service ?? "") || (live.service ?? "") !== "") {
    problems.push(`${where}: liveness must ask for "" and readiness for the service's name`);
  }
  const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
  const pause = preStop[0]?.endsWith("sleep") ? Number(preStop[1]) : NaN;
  if (!(pause > 0)) problems.push(`${where}: needs a preStop sleep`);
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const drain = drainOf(container);
  if (!(grace > (pause > 0 ? pause : 0) + drain)) {
    problems.push(`${where}: terminationGracePeriodSeconds ${grace} must exceed preStop ${pause > 0 ? pause : 0} s + drain ${drain} s`);
  }
  // Metrics: served beyond loopback on the port the pod names `metrics`,
  // announced to scrapers by annotation, and reachable through its Service.
  const metricsAddress = (container.env ?? []).find((e) => e.name === "OSTEOFLOW_METRICS_ADDRESS")?.value ??
                         settings?.data?.OSTEOFLOW_METRICS_ADDRESS;
  if (metricsAddress !== `0.0.0.0:${METRICS_PORT}`) {
    problems.push(`${where}: must serve metrics on 0.0.0.0:${METRICS_PORT} (OSTEOFLOW_METRICS_ADDRESS), not ${metricsAddress ?? "nowhere"}`);
  }
  if (!(container.ports ?? []).some((p) => p.name === "metrics" && p.containerPort === METRICS_PORT && (p.protocol ?? "TCP") === "TCP")) {
    problems.push(`${where}: needs a container port metrics (${METRICS_PORT})`);
  }
  const annotations = deployment.spec.template.metadata?.annotations ?? {};
  if (annotations["prometheus.io/scrape"] !== "true" || annotations["prometheus.io/port"] !== String(METRICS_PORT) ||
      annotations["prometheus.io/path"] !== "/metrics") {
    problems.push(`${where}: pods need the annotations prometheus.io/scrape "true", prometheus.io/port "${METRICS_PORT}", prometheus.io/path /metrics`);
  }
  const podLabels = deployment.spec.template.metadata?.labels ?? {};
  const ownServices = objects.filter((o) => o.kind === "Service" && (o.metadata?.namespace ?? "") === (deployment.metadata.namespace ?? "") &&
                                            Object.keys(o.spec?.selector ?? {}).length > 0 &&
                                            Object.entries(o.spec.selector).every(([k, v]) => podLabels[k] === v));
  const metricsService = ownServices.find((o) => (o.spec.ports ?? []).some((p) => p.name === "metrics" && p.port === METRICS_PORT &&
                                                                                 [METRICS_PORT, "metrics"].includes(p.targetPort ?? p.port)));
  if (!metricsService) {
    problems.push(`${where}: no Service of its pods has a port metrics (${METRICS_PORT}, targetPort metrics)`);
  }
  if (!prod) continue;
  if (!((deployment.spec.replicas ?? 1) >= 2)) problems.push(`${where}: needs at least 2 replicas in prod`);
  const labels = deployment.spec.template.metadata.labels;
  const selects = (selector, of = labels, expressions = false) =>
    selector && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => of[k] === v) &&
    (expressions ? (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
      (operator === "In" && values.includes(of[key])) || (operator === "NotIn" && !values.includes(of[key])) ||
      (operator === "Exists" && Object.hasOwn(of, key)) || (operator === "DoesNotExist" && !Object.hasOwn(of, key)))
                 : (selector.matchExpressions ?? []).length === 0);
  if (!objects.some((o) => o.kind === "PodDisruptionBudget" && selects(o.spec?.selector))) {
    problems.push(`${where}: no PodDisruptionBudget covers it`);
  }
  if (!objects.some((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length > 0 && selects(o.spec.podSelector))) {
    problems.push(`${where}: no NetworkPolicy of its own selects it`);
  }
  if (!objects.some((o) => o.kind === "HorizontalPodAutoscaler" && o.spec?.scaleTargetRef?.kind === "Deployment" && o.spec.scaleTargetRef.name === deployment.metadata.name)) {
    problems.push(`${where}: no HorizontalPodAutoscaler scales it`);
  }
  // Scraped by the Prometheus Operator, as job <the service's name>: the
  // name alerts.yml and the dashboard know it by.
  if (metricsService) {
    const namespace = metricsService.metadata.namespace ?? "";
    const monitor = objects.find((o) => o.kind === "ServiceMonitor" && isMap(o.spec) &&
      (o.spec.namespaceSelector?.any === true ||
       (o.spec.namespaceSelector?.matchNames ?? [o.metadata?.namespace ?? ""]).includes(namespace)) &&
      selects(o.spec.selector, metricsService.metadata.labels ?? {}, true) &&
      (o.spec.endpoints ?? []).some((e) => e?.port === "metrics"));
    if (!monitor) {
      problems.push(`${where}: no ServiceMonitor scrapes the metrics port of Service/${metricsService.metadata.name}`);
    } else {
      const job = (monitor.spec.jobLabel && metricsService.metadata.labels?.[monitor.spec.jobLabel]) || metricsService.metadata.name;
      if (job !== deployment.metadata.name) {
        problems.push(`${nameOf(monitor)}: scrapes Service/${metricsService.metadata.name} as job ${job}, but alerts and dashboard know it as ${deployment.metadata.name} (jobLabel)`);
      }
    }
  }
}
if (prod) {
  if (settings?.data?.OSTEOFLOW_REFLECTION !== "false") problems.push("ConfigMap/osteoflow-settings: reflection must be off in prod");
  if (!objects.some((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec?.podSelector ?? {}).length === 0 &&
                           (o.spec.policyTypes ?? []).includes("Ingress") && (o.spec.policyTypes ?? []).includes("Egress") &&
                           !o.spec.ingress && !o.spec.egress)) {
    problems.push("NetworkPolicy: no default-deny policy for the namespace");
  }
}
if (services.length === 0) problems.push("no osteoflow service Deployments found");

// The store. Its Redis configuration is read from the files its container
// mounts (every *.conf of its ConfigMap volumes, which must agree), then the
// redis-server command's own --options; in a Sentinel set the start script
// includes them (check-store-sentinel.sh runs it and asks each Redis).
const storeRedis = workloads.find((w) => w.kind === "StatefulSet" && w.metadata?.name === "store-redis");
const storeSentinel = workloads.find((w) => w.kind === "StatefulSet" && w.metadata?.name === "store-sentinel");
const SENTINEL_PORT = 26379;
const REDIS_PORT = 6379;

// Whether a label selector (matchLabels and matchExpressions) selects labels.
function selectorMatches(selector, labels) {
  if (!selector) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      return (operator === "In" && has && values.includes(labels[key])) || (operator === "NotIn" && !(has && values.includes(labels[key]))) ||
             (operator === "Exists" && has) || (operator === "DoesNotExist" && !has);
    });
}
// The files a container sees from its ConfigMap volumes: path -> text.
function mountedFiles(workload, container) {
  const files = new Map();
  const namespace = workload.metadata?.namespace ?? "";
  for (const mount of container.volumeMounts ?? []) {
    const volume = (workload.spec.template.spec.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume?.configMap) continue;
    const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === volume.configMap.name &&
                                    (o.metadata?.namespace ?? "") === namespace);
    const items = volume.configMap.items ?? Object.keys(map?.data ?? {}).map((key) => ({ key, path: key }));
    for (const { key, path } of items) {
      if (map?.data?.[key] !== undefined) files.set(`${mount.mountPath}/${path}`, map.data[key]);
    }
  }
  return files;
}
// A Redis or Sentinel configuration's lines, as [directive, value] pairs.
function directives(text) {
  return text.split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [name, ...rest] = line.split(/\s+/);
      return [name.toLowerCase(), rest.join(" ").replace(/^"(.*)"$/, "$1")];
    });
}
// A shell file of NAME=value and NAME="value value" lines.
function shellVariables(text) {
  const variables = {};
  for (const match of (text ?? "").matchAll(/^\s*([A-Z_][A-Z_0-9]*)=(?:"([^"]*)"|(\S*))\s*$/gm)) variables[match[1]] = match[2] ?? match[3];
  return variables;
}
// The pods of a StatefulSet by the names its governing Service gives them.
const podNames = (set) => Array.from({ length: set.spec.replicas ?? 1 }, (_, i) => `${set.metadata.name}-${i}.${set.spec.serviceName}`);
const sameSet = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
if (storeRedis) checkStore();
else if (storeSentinel) problems.push(`${nameOf(storeSentinel)}: sentinels without a StatefulSet store-redis to watch`);

function checkStore() {
  const where = nameOf(storeRedis);
  const pod = storeRedis.spec.template.spec;
  const container = pod.containers.find((c) => c.name === "redis") ?? pod.containers[0];
  const set = storeSentinel !== undefined || (storeRedis.spec.replicas ?? 1) > 1;

  // Its configuration: the mounted *.conf files, which must not disagree
  // (which one wins depends on the order they are included in, which these
  // files do not show), then the options on the redis-server command line.
  // A setting the store needs must hold wherever it is set.
  const config = new Map();
  const set_ = (name, value, path) => config.set(name, [...(config.get(name) ?? []), { value, path }]);
  for (const [path, text] of mountedFiles(storeRedis, container)) {
    if (!path.endsWith(".conf")) continue;
    for (const [name, value] of directives(text)) {
      if (!["include", "replicaof", "slaveof"].includes(name)) set_(name, value, path);
    }
  }
  for (const [name, entries] of config) {
    const byFile = new Map(entries.map((e) => [e.path, e.value]));
    const files = [...byFile.keys()].sort();
    if (new Set(byFile.values()).size > 1) {
      problems.push(`${where}: ${name} is ${files.map((f) => `"${byFile.get(f)}" in ${f}`).join(" but ")}`);
    }
  }
  const command = [...(container.command ?? []), ...(container.args ?? [])];
  if (/(^|\/)redis-server$/.test(command[0] ?? "")) {
    for (let i = 1; i < command.length; i++) {
      if (!command[i].startsWith("--")) continue;
      const value = [];
      for (let j = i + 1; j < command.length && !command[j].startsWith("--"); j++) value.push(command[j]);
      set_(command[i].slice(2).toLowerCase(), value.join(" "), "its command");
    }
  }
  const setting = (name) => config.get(name)?.at(-1).value;
  for (const [name, value] of [["appendonly", "yes"], ["appendfsync", "always"], ["maxmemory-policy", "noeviction"]]) {
    const other = (config.get(name) ?? [{ value: "Redis's default" }]).find((e) => e.value !== value);
    if (other) problems.push(`${where}: the store needs ${name} ${value}, not ${other.value}`);
  }
  if (!setting("maxmemory") || /^0+[a-z]*$/i.test(setting("maxmemory"))) {
    problems.push(`${where}: the store needs a maxmemory, or noeviction never acts`);
  }
  const claims = new Set((storeRedis.spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name));
  for (const dir of new Set((config.get("dir") ?? [{ value: "unset" }]).map((e) => e.value))) {
    const dataMount = (container.volumeMounts ?? []).find((m) => m.mountPath === dir);
    if (!dataMount || !claims.has(dataMount.name)) {
      problems.push(`${where}: the store's dir (${dir}) must be a volume of each pod's own (a volumeClaimTemplate)`);
    }
  }
  if (set) {
    if ((setting("replica-read-only") ?? "yes") !== "yes") problems.push(`${where}: replicas must refuse writes (replica-read-only yes)`);
    if (!(Number(setting("min-replicas-to-write") ?? 0) >= 1)) {
      problems.push(`${where}: needs min-replicas-to-write 1 or more, so that a primary cut off from its replicas stops taking writes`);
    }
    if (!(Number(setting("min-replicas-max-lag") ?? 10) >= 1)) problems.push(`${where}: min-replicas-max-lag must be 1 s or more`);
    if (!storeSentinel) problems.push(`${where}: ${storeRedis.spec.replicas} Redis pods need sentinels (no StatefulSet store-sentinel)`);
  }
  if (prod && !storeSentinel) problems.push(`${where}: prod runs the store under Sentinel (deploy/components/store-sentinel): no StatefulSet store-sentinel`);
  if (storeSentinel) checkSentinelSet(container);
}

function checkSentinelSet(redisContainer) {
  const where = nameOf(storeSentinel);
  const container = storeSentinel.spec.template.spec.containers[0];
  const files = mountedFiles(storeSentinel, container);
  const conf = [...files].find(([, text]) => directives(text).some(([name, value]) => name === "sentinel" && value.startsWith("monitor ")));
  let primaryName;
  if (!conf) {
    problems.push(`${where}: no file it mounts has a "sentinel monitor" line`);
  } else {
    const options = directives(conf[1]).filter(([name]) => name === "sentinel").map(([, value]) => value.split(/\s+/));
    const option = (name, ...rest) => options.find((o) => o[0] === name && rest.every((r, i) => o[i + 1] === r));
    for (const name of ["resolve-hostnames", "announce-hostnames"]) {
      if (option(name)?.[1] !== "yes") problems.push(`${where}: sentinels must use names, not addresses, which change at every restart (sentinel ${name} yes)`);
    }
    const monitor = option("monitor");
    primaryName = monitor[1];
    const count = storeSentinel.spec.replicas ?? 1;
    const majority = Math.floor(count / 2) + 1;
    if (Number(monitor[4]) !== majority) {
      problems.push(`${where}: quorum ${monitor[4]} with ${count} sentinels: must be ${majority}, a majority (fewer lets one sentinel's view start a failover, more lets one lost sentinel prevent it)`);
    }
    if (monitor[3] !== String(REDIS_PORT)) problems.push(`${where}: watches port ${monitor[3]}, not the store's ${REDIS_PORT}`);
    for (const name of ["down-after-milliseconds", "failover-timeout"]) {
      if (!option(name, primaryName)) problems.push(`${where}: sentinel ${name} for ${primaryName} must be chosen, not left to Redis's default`);
    }
  }
  if (!(container.ports ?? []).some((p) => p.containerPort === SENTINEL_PORT)) problems.push(`${where}: needs a container port ${SENTINEL_PORT}`);

  // One topology: the pods the start scripts know, the StatefulSets' pods,
  // the name the sentinels watch and the address the services use.
  for (const [workload, c, key] of [[storeRedis, redisContainer, "REDIS_PODS"], [storeSentinel, container, "SENTINELS"]]) {
    const service = objects.find((o) => o.kind === "Service" && o.metadata?.name === workload.spec.serviceName &&
                                        (o.metadata?.namespace ?? "") === (workload.metadata?.namespace ?? ""));
    if (!service || service.spec?.clusterIP !== "None" ||
        !selectorMatches({ matchLabels: service.spec?.selector ?? { "": "" } }, workload.spec.template.metadata?.labels ?? {})) {
      problems.push(`${nameOf(workload)}: its Service ${workload.spec.serviceName} must be headless (clusterIP: None) and select its pods, or the pods have no names of their own`);
    }
    const topology = [...mountedFiles(workload, c)].find(([path]) => path.endsWith("/topology"));
    if (!topology) {
      problems.push(`${nameOf(workload)}: mounts no topology file (the set's pods and primary name)`);
      continue;
    }
    const variables = shellVariables(topology[1]);
    const listed = (variables[key] ?? "").split(/\s+/).filter(Boolean);
    if (!sameSet(listed, podNames(workload))) {
      problems.push(`${nameOf(workload)}: the topology's ${key} (${listed.join(" ") || "none"}) must name its ${workload.spec.replicas ?? 1} pods: ${podNames(workload).join(" ")}`);
    }
    if (primaryName && variables.PRIMARY_NAME !== primaryName) {
      problems.push(`${nameOf(workload)}: the topology's PRIMARY_NAME (${variables.PRIMARY_NAME}) is not the name the sentinels watch (${primaryName})`);
    }
  }
  const address = settings?.data?.OSTEOFLOW_STORE_ADDRESS ?? "";
  const parts = /^redis-sentinel:\/\/([^/]+)\/(.+)$/.exec(address);
  const expected = podNames(storeSentinel).map((name) => `${name}:${SENTINEL_PORT}`);
  if (!parts) {
    problems.push(`ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_ADDRESS must be redis-sentinel://${expected.join(",")}/${primaryName} under Sentinel, not ${address || "unset"}`);
  } else {
    if (!sameSet(parts[1].split(","), expected)) {
      problems.push(`ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_ADDRESS must list every sentinel (${expected.join(",")}), not ${parts[1]}`);
    }
    if (primaryName && parts[2] !== primaryName) {
      problems.push(`ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_ADDRESS asks for the primary ${parts[2]}, but the sentinels watch ${primaryName}`);
    }
  }
  if (!prod) return;

  // Prod: enough pods, one per node, one down at a time.
  for (const [workload, least] of [[storeRedis, 3], [storeSentinel, 3]]) {
    const name = nameOf(workload);
    const replicas = workload.spec.replicas ?? 1;
    if (replicas < least) problems.push(`${name}: needs at least ${least} pods in prod`);
    if (workload === storeSentinel && replicas % 2 === 0) problems.push(`${name}: needs an odd number of sentinels (an even one adds no vote)`);
    const labels = workload.spec.template.metadata?.labels ?? {};
    const terms = workload.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!terms.some((t) => t.topologyKey === "kubernetes.io/hostname" && !t.namespaces && !t.namespaceSelector &&
                           selectorMatches(t.labelSelector, labels))) {
      problems.push(`${name}: needs a required pod anti-affinity on kubernetes.io/hostname against its own pods in prod (one per node)`);
    }
    const budgets = objects.filter((o) => o.kind === "PodDisruptionBudget" && (o.metadata?.namespace ?? "") === (workload.metadata?.namespace ?? "") &&
                                          selectorMatches(o.spec?.selector, labels));
    if (budgets.length === 0) problems.push(`${name}: no PodDisruptionBudget covers it`);
    for (const budget of budgets) {
      if (!(budget.spec.maxUnavailable === 1 || budget.spec.minAvailable === replicas - 1)) {
        problems.push(`${name}: ${nameOf(budget)} must let one pod go at a time, no more and not none (maxUnavailable: 1)`);
      }
    }
  }
  // Each write on two machines before it is acknowledged, and either replica may be down.
  const wait = Number(settings?.data?.OSTEOFLOW_STORE_WAIT_REPLICAS ?? 0);
  const most = (storeRedis.spec.replicas ?? 1) - 2;
  if (!(wait >= 1)) problems.push("ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_WAIT_REPLICAS must be 1 or more in prod: an acknowledged write on two machines");
  else if (wait > most) problems.push(`ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_WAIT_REPLICAS ${wait} with ${most + 2} Redis pods: at most ${most}, or one replica down fails every write`);
  const waitTimeout = parseDuration(settings?.data?.OSTEOFLOW_STORE_WAIT_TIMEOUT ?? "100ms");
  const commandTimeout = parseDuration(settings?.data?.OSTEOFLOW_STORE_COMMAND_TIMEOUT ?? "500ms");
  if (!(waitTimeout < commandTimeout)) {
    problems.push(`ConfigMap/osteoflow-settings: OSTEOFLOW_STORE_WAIT_TIMEOUT must be less than the store's command timeout (${commandTimeout * 1000} ms), within which it waits`);
  }
}

// The PrometheusRule is generated from deploy/monitoring/alerts.yml, the
// rules promtool tests: a copy that differs (edited by hand, patched by an
// overlay, not regenerated) would alert on rules nobody tested.
const ruleObjects = objects.filter((o) => o.kind === "PrometheusRule");
const expectedGroups = parse(readFileSync(join(sourceRoot, "deploy/monitoring/alerts.yml"), "utf8"))?.groups;
for (const rule of ruleObjects) {
  const difference = firstDifference(expectedGroups, rule.spec?.groups, "groups");
  if (difference) {
    problems.push(`${nameOf(rule)}: its groups are not those of deploy/monitoring/alerts.yml (${difference}); ` +
                  "edit alerts.yml and run node deploy/monitoring/prometheus-rule.mjs");
  }
}
if (prod && ruleObjects.length === 0) problems.push("PrometheusRule: none in prod (deploy/components/prometheus-operator carries alerts.yml)");

// Where two values first differ, or "" when they are equal.
function firstDifference(expected, actual, path) {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${path}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`;
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return "";
  }
  if (isMap(expected) && isMap(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const difference = firstDifference(expected[key], actual[key], `${path}.${key}`);
      if (difference) return difference;
    }
    return "";
  }
  return expected === actual ? "" : `${path}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`;
}

// 3. The network: who can reach whom, worked out from the policies as a
// cluster would apply them (pod and namespace selectors, ports, policy types).
if (suite) checkFlows();

function checkFlows() {
  // caller > callee:port, for every call the suite makes; clients are pods
  // labelled osteoflow.io/client: "true" in another namespace.
  const flows = new Set([
    "scheduling>catalog:50051", "scheduling>screening:50052", "scheduling>cache-redis:6379",
    "screening>store-redis:6379",
    "progress>screening:50052", "progress>scheduling:50053", "progress>store-redis:6379",
    "client>catalog:50051", "client>screening:50052", "client>scheduling:50053", "client>progress:50054",
    // Prometheus, from the namespace `monitoring`: the services' metrics and nothing else.
    `scraper>catalog:${METRICS_PORT}`, `scraper>screening:${METRICS_PORT}`, `scraper>scheduling:${METRICS_PORT}`,
    `scraper>progress:${METRICS_PORT}`,
  ]);
  const names = ["catalog", "screening", "scheduling", "progress", "store-redis", "cache-redis"];
  // The store under Sentinel (prod): the services ask the sentinels where the
  // primary is and then talk to it (store-redis:6379, above); the sentinels
  // talk to each other and watch every Redis; replicas copy the primary; a
  // Redis pod asks the sentinels whom to follow when it starts. A name on
  // both sides means two pods of one workload.
  if (prod || workloads.some((w) => w.metadata?.name === "store-sentinel")) {
    names.push("store-sentinel");
    for (const flow of ["screening>store-sentinel:26379", "progress>store-sentinel:26379",
                        "store-sentinel>store-sentinel:26379", "store-sentinel>store-redis:6379",
                        "store-redis>store-redis:6379", "store-redis>store-sentinel:26379"]) {
      flows.add(flow);
    }
  }
  const pods = [];
  for (const name of names) {
    const workload = workloads.find((w) => w.metadata?.name === name);
    if (!workload) {
      problems.push(`suite: no workload named ${name}`);
      continue;
    }
    const namespace = workload.metadata.namespace ?? "default";
    const ports = workload.spec.template.spec.containers.flatMap((c) => c.ports ?? [])
      .map((p) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? "TCP" }));
    pods.push({ name, namespace, labels: workload.spec.template.metadata?.labels ?? {}, ports });
  }
  if (pods.length !== names.length) return;
  const outside = (name, namespace, labels, ports = []) =>
    ({ name, namespace, labels, ports, namespaceLabels: { "kubernetes.io/metadata.name": namespace } });
  for (const pod of pods) pod.namespaceLabels = { "kubernetes.io/metadata.name": pod.namespace };
  const client = outside("client", "a-client-team", { "osteoflow.io/client": "true" });
  const scraper = outside("scraper", "monitoring", { "app.kubernetes.io/name": "prometheus" });
  const stranger = outside("stranger", "elsewhere", { app: "stranger" }, [{ port: 443, protocol: "TCP" }]);
  const dns = outside("dns", "kube-system", { "k8s-app": "kube-dns" },
                      [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");

  const matches = (selector, labels) => {
    if (!selector) return true;
    const ok = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    return ok && (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case "In": return has && values.includes(labels[key]);
        case "NotIn": return !has || !values.includes(labels[key]);
        case "Exists": return has;
        case "DoesNotExist": return !has;
        default: return false;
      }
    });
  };
  const peerMatches = (peer, policyNamespace, pod) => {
    if (peer.ipBlock) return false; // no policy of ours opens address ranges; pods are what is modelled
    if (peer.namespaceSelector) {
      if (!matches(peer.namespaceSelector, pod.namespaceLabels)) return false;
    } else if (pod.namespace !== policyNamespace) {
      return false;
    }
    return matches(peer.podSelector, pod.labels);
  };
  const portMatches = (rulePorts, destination, port, protocol) =>
    !rulePorts || rulePorts.length === 0 || rulePorts.some((p) => {
      if ((p.protocol ?? "TCP") !== protocol) return false;
      if (p.port === undefined) return true;
      const number = typeof p.port === "string" ? destination.ports.find((q) => q.name === p.port)?.port : p.port;
      return number === port || (p.endPort !== undefined && port >= number && port <= p.endPort);
    });
  const typesOf = (policy) => policy.spec?.policyTypes ?? (policy.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
  // Whether `pod`'s policies let traffic go out to (Egress) or come in from (Ingress) `peer`.
  const admits = (pod, direction, peer, destination, port, protocol) => {
    const relevant = policies.filter((p) => (p.metadata?.namespace ?? "default") === pod.namespace &&
                                            matches(p.spec?.podSelector ?? {}, pod.labels) && typesOf(p).includes(direction));
    if (relevant.length === 0) return true;
    const [rulesKey, peersKey] = direction === "Ingress" ? ["ingress", "from"] : ["egress", "to"];
    return relevant.some((p) => (p.spec[rulesKey] ?? []).some((rule) => {
      const peers = rule[peersKey];
      const fromOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, p.metadata?.namespace ?? "default", peer));
      return fromOk && portMatches(rule.ports, destination, port, protocol);
    }));
  };
  const reaches = (from, to, port, protocol) =>
    admits(from, "Egress", to, to, port, protocol) && admits(to, "Ingress", from, to, port, protocol);

  // A pod to another pod of its own workload too (same labels): denied but
  // for the store's replication and the sentinels' own talk.
  for (const from of [...pods, client, scraper, stranger]) {
    for (const to of pods) {
      for (const { port, protocol } of to.ports) {
        const flow = `${from.name}>${to.name}:${port}`;
        const allowed = reaches(from, to, port, protocol);
        if (flows.has(flow) && !allowed) problems.push(`NetworkPolicy: ${from.name} cannot reach ${to.name}:${port}, but the suite needs that call`);
        if (!flows.has(flow) && allowed) problems.push(`NetworkPolicy: ${from.name} can reach ${to.name}:${port}, but must not`);
      }
    }
  }
  for (const pod of pods) {
    for (const { port, protocol } of dns.ports) {
      if (!reaches(pod, dns, port, protocol)) problems.push(`NetworkPolicy: ${pod.name} cannot reach DNS (kube-system :${port}/${protocol})`);
    }
    if (reaches(pod, stranger, 443, "TCP")) problems.push(`NetworkPolicy: ${pod.name} can send to pods outside the suite, but must not`);
  }
}

for (const problem of problems) console.error(problem);
if (problems.length === 0) console.log(`${objects.length} objects valid${prod ? " (prod rules)" : ""}${suite ? " (network flows)" : ""}`);
process.exit(problems.length === 0 ? 0 : 1);
