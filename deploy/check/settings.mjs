// The settings our services really have, read from the source: every
// ABSL_FLAG in common/ and services/ is a setting, and OSTEOFLOW_<NAME> its
// environment variable. A service ignores an OSTEOFLOW_ variable it does not
// know (one environment serves all four), so a misspelt or not yet existing
// setting in a manifest would be dropped without a word; the checks refuse it.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const sourceRoot = fileURLToPath(new URL("../..", import.meta.url));

function* sources(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(cc|h)$/.test(entry.name)) yield path;
  }
}

export function knownSettings() {
  const names = new Set();
  for (const top of ["common", "services"]) {
    for (const file of sources(join(sourceRoot, top))) {
      for (const match of readFileSync(file, "utf8").matchAll(/ABSL_FLAG\(\s*[^,]+,\s*([a-z_0-9]+)\s*,/g)) {
        names.add(`OSTEOFLOW_${match[1].toUpperCase()}`);
      }
    }
  }
  if (names.size === 0) throw new Error(`no ABSL_FLAG found under ${sourceRoot}common and services`);
  for (const name of coming) names.add(name);
  return names;
}

// Temporary, and named one by one: settings the prod overlay sets before
// their flags exist in the source. The store's acknowledgement policy
// (store_wait_replicas, store_wait_timeout: WAIT after each durable write) is
// being added to the store client in common/redis/; until then the services
// ignore both variables, and the prod store acknowledges a write once its
// primary has it (docs/store-topology-deployment.md). This list goes once
// the two flags exist.
const coming = [
  "OSTEOFLOW_STORE_WAIT_REPLICAS",
  "OSTEOFLOW_STORE_WAIT_TIMEOUT",
];

// The whole of stdin. (readFileSync(0) can fail with EAGAIN on a pipe under
// Node 18, Debian 12's.)
export async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
