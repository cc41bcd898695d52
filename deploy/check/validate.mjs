// Validates rendered Kubernetes manifests offline: every object against the
// Kubernetes schemas (kubernetes-models), then the suite's own rules:
//   - every OSTEOFLOW_ variable (the settings ConfigMap, a container's env) is
//     a setting one of our services has (an ABSL_FLAG in common/ or services/);
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
//     its own; a default-deny policy; reflection off;
//   - with --suite (a whole overlay): the six workloads are there and the
//     network policies allow exactly the calls the suite makes (the table
//     `flows` below, the same as deploy/README.md's), DNS for every pod,
//     scrapes of the services' metrics port from the namespace `monitoring`,
//     and nothing else between the suite's pods, clients and other pods.
// Usage: node validate.mjs [--prod] [--suite] FILE   (multi-document YAML; "-" = stdin)
// Exit 0 when all holds; 1 with one line per problem, naming the object and the rule.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { knownSettings, readStdin } from "./settings.mjs";

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

// 1. The Kubernetes schemas.
for (const object of objects) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problems.push(`${nameOf(object)}: needs apiVersion and kind`);
    continue;
  }
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
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
  const selects = (selector) =>
    selector && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector.matchExpressions ?? []).length === 0;
  if (!objects.some((o) => o.kind === "PodDisruptionBudget" && selects(o.spec?.selector))) {
    problems.push(`${where}: no PodDisruptionBudget covers it`);
  }
  if (!objects.some((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length > 0 && selects(o.spec.podSelector))) {
    problems.push(`${where}: no NetworkPolicy of its own selects it`);
  }
  if (!objects.some((o) => o.kind === "HorizontalPodAutoscaler" && o.spec?.scaleTargetRef?.kind === "Deployment" && o.spec.scaleTargetRef.name === deployment.metadata.name)) {
    problems.push(`${where}: no HorizontalPodAutoscaler scales it`);
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

  for (const from of [...pods, client, scraper, stranger]) {
    for (const to of pods) {
      if (from === to) continue;
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
