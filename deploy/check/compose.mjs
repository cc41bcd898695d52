// Checks a rendered compose file (the output of `docker-compose config`, on
// stdin) against the topology scripts/local-suite.sh starts natively, read
// from that script itself: the same services with the same binaries and
// ports, readiness health checks with our health client, each service's peer
// addresses pointing at the same peers, started only once those are healthy,
// the two Redis roles with the same settings (the store on a named volume),
// and nothing else. Every OSTEOFLOW_ variable must be a real setting. Each
// service serves metrics on 0.0.0.0:9464 in its container, published on
// loopback only at the port deploy/monitoring/prometheus-local.yml scrapes
// for it (and scripts/local-suite.sh's, where it names one).
// Usage: docker-compose -f FILE config | node compose.mjs
// Exit 0 when all holds; 1 with one line per problem.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { knownSettings, readStdin, sourceRoot } from "./settings.mjs";

const problems = [];
const fail = (what) => problems.push(`compose: ${what}`);
const compose = parse(await readStdin())?.services ?? {};
const script = readFileSync(join(sourceRoot, "scripts/local-suite.sh"), "utf8");

// The local suite's tables.
const block = (name) => {
  const found = new RegExp(`^${name}=\\(\\n([\\s\\S]*?)^\\)`, "m").exec(script);
  if (!found) throw new Error(`scripts/local-suite.sh: no ${name}=( ... ) table`);
  return [...found[1].matchAll(/^\s*"([^"]*)"/gm)].map((m) => m[1].split("|"));
};
const roles = block("redis_roles").map(([role, portVariable, settings]) =>
  ({ role, service: `${role}-redis`, portVariable, settings: settings.trim().split(/\s+/) }));
const services = block("services").map(([name, binary, grpcService, port, metricsPort, extra]) => {
  const portMatch = /:-(\d+)\}$/.exec(port);
  const peers = [...extra.matchAll(/--([a-z]+_address)=127\.0\.0\.1:(\S+)/g)].map(([, flag, target]) => {
    const role = roles.find((r) => r.portVariable === target);
    const service = /\$\{OSTEOFLOW_([A-Z]+)_PORT:-(\d+)\}/.exec(target);
    if (role) return { flag, service: role.service, address: `${role.service}:6379` };
    if (service) return { flag, service: service[1].toLowerCase(), address: `${service[1].toLowerCase()}:${service[2]}` };
    throw new Error(`scripts/local-suite.sh: cannot tell what ${flag}=${target} points at`);
  });
  const metricsMatch = /:-(\d+)\}$/.exec(metricsPort);
  return { name, binary: binary.split("/").pop(), grpcService, port: portMatch ? Number(portMatch[1]) : NaN,
           metricsPort: metricsMatch ? Number(metricsMatch[1]) : NaN, peers };
});
if (services.length !== 4 || roles.length !== 2) throw new Error("scripts/local-suite.sh: expected 4 services and 2 Redis roles");

// Metrics ports on this machine: the ones the local Prometheus scrapes
// (job name = service name), which the local suite's defaults must match.
const METRICS_PORT = 9464;
const localPrometheus = parse(readFileSync(join(sourceRoot, "deploy/monitoring/prometheus-local.yml"), "utf8"));
const metricsPorts = new Map();
for (const job of localPrometheus?.scrape_configs ?? []) {
  const target = /^127\.0\.0\.1:(\d+)$/.exec(job.static_configs?.[0]?.targets?.[0] ?? "");
  if (target) metricsPorts.set(job.job_name, Number(target[1]));
}
for (const [, name, port] of script.matchAll(/\$\{OSTEOFLOW_([A-Z]+)_METRICS_PORT:-(\d+)\}/g)) {
  if (metricsPorts.get(name.toLowerCase()) !== Number(port)) {
    fail(`${name.toLowerCase()}: scripts/local-suite.sh serves metrics on ${port}, deploy/monitoring/prometheus-local.yml scrapes ${metricsPorts.get(name.toLowerCase()) ?? "nothing"}`);
  }
}
const publishesMetrics = (entry, port) =>
  typeof entry === "object" ? entry.host_ip === "127.0.0.1" && Number(entry.published) === port && Number(entry.target) === METRICS_PORT
                            : new RegExp(`^127\\.0\\.0\\.1:${port}:${METRICS_PORT}(/tcp)?$`).test(String(entry));

const expected = new Set([...services.map((s) => s.name), ...roles.map((r) => r.service)]);
for (const name of Object.keys(compose)) if (!expected.has(name)) fail(`${name}: not in the local suite`);
for (const name of expected) if (!compose[name]) fail(`${name}: missing (the local suite runs it)`);

const known = knownSettings();
const seconds = (text) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(String(text ?? ""));
  return m ? Number(m[1]) * { ms: 1e-3, s: 1, m: 60 }[m[2]] : NaN;
};
const publishes = (entry, port) =>
  typeof entry === "object" ? Number(entry.published) === port && Number(entry.target) === port
                            : new RegExp(`(^|:)${port}:${port}(/tcp)?$`).test(String(entry));

for (const service of services) {
  const spec = compose[service.name];
  if (!spec) continue;
  const where = service.name;
  const env = spec.environment ?? {};
  for (const key of Object.keys(env)) {
    if (key.startsWith("OSTEOFLOW_") && !known.has(key)) fail(`${where}: ${key} is not a setting of any service`);
  }
  const program = [...(spec.entrypoint ?? []), ...(spec.command ?? [])][0] ?? "";
  if (program.split("/").pop() !== service.binary) fail(`${where}: must run ${service.binary}, not '${program}'`);
  if (env.OSTEOFLOW_LISTEN_ADDRESS !== `0.0.0.0:${service.port}`) fail(`${where}: must listen on 0.0.0.0:${service.port}`);
  if (!(spec.ports ?? []).some((p) => publishes(p, service.port))) fail(`${where}: must publish ${service.port}:${service.port}`);
  if (env.OSTEOFLOW_METRICS_ADDRESS !== `0.0.0.0:${METRICS_PORT}`) fail(`${where}: must serve metrics on 0.0.0.0:${METRICS_PORT} (OSTEOFLOW_METRICS_ADDRESS)`);
  const metricsPort = metricsPorts.get(service.name);
  if (!metricsPort) {
    fail(`${where}: deploy/monitoring/prometheus-local.yml has no job ${service.name} scraping 127.0.0.1`);
  } else if (!(spec.ports ?? []).some((p) => publishesMetrics(p, metricsPort))) {
    fail(`${where}: must publish its metrics on loopback only, 127.0.0.1:${metricsPort}:${METRICS_PORT} (what prometheus-local.yml scrapes)`);
  }
  const test = spec.healthcheck?.test ?? [];
  if (!(String(test[1] ?? "").endsWith("osteoflow-health") && test.includes(`--target=localhost:${service.port}`) &&
        test.includes(`--service=${service.grpcService}`))) {
    fail(`${where}: healthcheck must ask osteoflow-health at localhost:${service.port} for ${service.grpcService}`);
  }
  const drain = seconds(env.OSTEOFLOW_DRAIN_TIMEOUT ?? "10s");
  if (!(seconds(spec.stop_grace_period ?? "10s") > drain)) fail(`${where}: stop_grace_period must exceed the drain (${drain} s)`);
  // Peers: the same as the local suite's, and waited for until healthy.
  const addressKeys = Object.keys(env).filter((k) => /^OSTEOFLOW_[A-Z]+_ADDRESS$/.test(k) && !["OSTEOFLOW_LISTEN_ADDRESS", "OSTEOFLOW_METRICS_ADDRESS"].includes(k));
  for (const peer of service.peers) {
    const key = `OSTEOFLOW_${peer.flag.toUpperCase()}`;
    if (env[key] !== peer.address) fail(`${where}: ${key} must be ${peer.address}, not ${env[key] ?? "unset"}`);
    if (spec.depends_on?.[peer.service]?.condition !== "service_healthy") {
      fail(`${where}: must wait for ${peer.service} to be healthy (depends_on condition: service_healthy)`);
    }
  }
  for (const key of addressKeys) {
    if (!service.peers.some((p) => `OSTEOFLOW_${p.flag.toUpperCase()}` === key)) fail(`${where}: ${key} is not a peer in the local suite`);
  }
  for (const dependency of Object.keys(spec.depends_on ?? {})) {
    if (!service.peers.some((p) => p.service === dependency)) fail(`${where}: depends on ${dependency}, which it does not call`);
  }
}

for (const role of roles) {
  const spec = compose[role.service];
  if (!spec) continue;
  const command = (Array.isArray(spec.command) ? spec.command : String(spec.command ?? "").split(/\s+/)).map(String);
  for (let i = 0; i + 1 < role.settings.length; i += 2) {
    const [option, value] = role.settings.slice(i, i + 2);
    const at = command.indexOf(option);
    if (at < 0 || command[at + 1] !== value) fail(`${role.service}: command lacks ${option} ${value} (the local suite's ${role.role} setting)`);
  }
  if (!spec.healthcheck?.test) fail(`${role.service}: needs a healthcheck (services wait for it)`);
}
const store = compose["store-redis"];
if (store && !(store.volumes ?? []).some((v) => (typeof v === "object" ? v.type === "volume" && v.target === "/data"
                                                                      : /^[a-z][\w.-]*:\/data(:|$)/.test(String(v))))) {
  fail("store-redis: its /data must be a named volume");
}

for (const problem of problems) console.error(problem);
if (problems.length === 0) console.log("compose: valid, and the same topology as the local suite");
process.exit(problems.length === 0 ? 0 : 1);
