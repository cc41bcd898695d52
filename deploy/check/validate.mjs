// Validates rendered Kubernetes manifests offline: every object against the
// Kubernetes schemas (kubernetes-models), then the suite's own rules:
//   - every container has resource requests and limits;
//   - pods run as non-root, with a read-only root filesystem and all
//     capabilities dropped;
//   - our services' Deployments have gRPC liveness and readiness probes that
//     differ (liveness "", readiness the service's name), a preStop pause and
//     a grace period longer than preStop plus the drain;
//   - with --prod: each of those Deployments has at least 2 replicas, a
//     HorizontalPodAutoscaler, a PodDisruptionBudget and a NetworkPolicy
//     selecting its pods, and reflection is off.
// Usage: node validate.mjs [--prod] FILE   (multi-document YAML; "-" = stdin)
// Exit 0 when all holds; 1 with one line per problem, naming the object.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const prod = args.includes("--prod");
const file = args.filter((a) => a !== "--prod")[0] ?? "-";
const text = readFileSync(file === "-" ? 0 : file, "utf8");
const problems = [];
const objects = [];
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors[0].message}`);
    continue;
  }
  const object = document.toJS();
  if (object) objects.push(object);
}
const nameOf = (o) => `${o.kind}/${o.metadata?.name ?? "?"}`;

// 1. The Kubernetes schemas.
for (const object of objects) {
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
const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind));
const services = workloads.filter((o) => o.kind === "Deployment" && o.spec?.template?.metadata?.labels?.["osteoflow.io/role"] === "service");
const settings = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === "osteoflow-settings");
const drainSeconds = parseDuration(settings?.data?.OSTEOFLOW_DRAIN_TIMEOUT ?? "10s");

function parseDuration(text) {
  const match = /^(\d+)(ms|s|m)$/.exec(text);
  if (!match) return Infinity;
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60 }[match[2]];
}

for (const workload of workloads) {
  const pod = workload.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${nameOf(workload)}: pod must set runAsNonRoot`);
  for (const container of pod.containers ?? []) {
    const where = `${nameOf(workload)} container ${container.name}`;
    const resources = container.resources ?? {};
    for (const kind of ["requests", "limits"]) {
      if (!resources[kind]?.cpu || !resources[kind]?.memory) problems.push(`${where}: needs cpu and memory ${kind}`);
    }
    const security = container.securityContext ?? {};
    if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem must be read-only`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: must not allow privilege escalation`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: must drop all capabilities`);
  }
}

for (const deployment of services) {
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const where = nameOf(deployment);
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
  if (!(grace > pause + drainSeconds)) {
    problems.push(`${where}: terminationGracePeriodSeconds ${grace} must exceed preStop ${pause} s + drain ${drainSeconds} s`);
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

for (const problem of problems) console.error(problem);
if (problems.length === 0) console.log(`${objects.length} objects valid${prod ? " (prod rules)" : ""}`);
process.exit(problems.length === 0 ? 0 : 1);
