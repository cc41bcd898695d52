// Lays out the store's Sentinel set from a rendered overlay so that plain
// processes on one machine can run it as the pods would: for every pod of the
// StatefulSets store-redis and store-sentinel, DIR/<pod>/ holds each volume
// its first container mounts (ConfigMap files written out as the volume's
// items say, emptyDir and volume claims as empty directories) under
// DIR/<pod>/root/<mount path>; in those files and in the command, every mount
// path is moved there. DIR/<pod>/command has the command, one argument a
// line, and DIR/<pod>/env its environment (the downward API's metadata.name
// as the pod's name), one NAME=value a line. Nothing else of the manifests is
// changed: the scripts and configurations run are the rendered ones.
// Usage: node store-sentinel-pods.mjs DIR < rendered.yaml
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { readStdin } from "./settings.mjs";

const out = process.argv[2];
if (!out) {
  console.error("usage: node store-sentinel-pods.mjs DIR < rendered.yaml");
  process.exit(2);
}
const objects = parseAllDocuments(await readStdin()).map((d) => d.toJS()).filter((o) => o && o.kind);
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let pods = 0;
for (const name of ["store-redis", "store-sentinel"]) {
  const set = objects.find((o) => o.kind === "StatefulSet" && o.metadata?.name === name);
  if (!set) {
    console.error(`no StatefulSet ${name} in the rendered overlay`);
    process.exit(1);
  }
  const spec = set.spec.template.spec;
  const container = spec.containers[0];
  const claims = new Set((set.spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name));
  for (let ordinal = 0; ordinal < (set.spec.replicas ?? 1); ordinal++) {
    const pod = `${name}-${ordinal}`;
    const root = join(out, pod, "root");
    // Longest first, so that no mount path is moved inside another's place.
    const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => b.mountPath.length - a.mountPath.length);
    const move = (text) => mounts.reduce((t, m) =>
      t.replace(new RegExp(`${escape(m.mountPath)}(?=/|\\s|$|["'])`, "g"), root + m.mountPath), text);
    for (const mount of mounts) {
      const where = root + mount.mountPath;
      mkdirSync(where, { recursive: true });
      const volume = (spec.volumes ?? []).find((v) => v.name === mount.name);
      if (volume?.configMap) {
        const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === volume.configMap.name);
        if (!map) throw new Error(`${pod}: no ConfigMap ${volume.configMap.name}`);
        const items = volume.configMap.items ?? Object.keys(map.data ?? {}).map((key) => ({ key, path: key }));
        for (const { key, path } of items) {
          if (map.data?.[key] === undefined) throw new Error(`${pod}: ConfigMap ${map.metadata.name} has no key ${key}`);
          mkdirSync(dirname(join(where, path)), { recursive: true });
          writeFileSync(join(where, path), move(map.data[key]));
        }
      } else if (!volume?.emptyDir && !claims.has(mount.name)) {
        throw new Error(`${pod}: volume ${mount.name} is neither a ConfigMap, an emptyDir nor a volume claim`);
      }
    }
    const command = [...(container.command ?? []), ...(container.args ?? [])].map(move);
    writeFileSync(join(out, pod, "command"), command.join("\n") + "\n");
    const env = (container.env ?? []).map((e) => {
      if (e.value !== undefined) return `${e.name}=${e.value}`;
      if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") return `${e.name}=${pod}`;
      throw new Error(`${pod}: cannot give ${e.name} a value here`);
    });
    writeFileSync(join(out, pod, "env"), env.map((line) => line + "\n").join(""));
    pods++;
  }
}
console.log(`${pods} pods laid out in ${out}`);
