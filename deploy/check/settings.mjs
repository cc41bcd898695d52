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
  return names;
}

// The whole of stdin. (readFileSync(0) can fail with EAGAIN on a pipe under
// Node 18, Debian 12's.)
export async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
