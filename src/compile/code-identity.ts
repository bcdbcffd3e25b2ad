/**
 * A hash of the c360 code that is running, so that what one version of c360 stored (a
 * compiled graph) is never reused by another, even between two builds of the same version.
 * The built CLI reads the hash scripts/build-cli.mjs wrote beside it (build-id.json); run
 * from source (tsx, vitest), it hashes every file under src/.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BUILD_ID_FILE = "build-id.json";

let identity: string | undefined;

function hashTree(root: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : 1))) {
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(entryPath);
      else hash.update(path.relative(root, entryPath)).update("\0").update(fs.readFileSync(entryPath)).update("\0");
    }
  };
  walk(root);
  return hash.digest("hex");
}

export function codeIdentity(): string {
  if (identity) return identity;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const buildId = path.join(here, BUILD_ID_FILE);
  if (fs.existsSync(buildId)) {
    identity = `build:${(JSON.parse(fs.readFileSync(buildId, "utf8")) as { id: string }).id}`;
  } else {
    // From source: this file is src/compile/code-identity.ts.
    identity = `source:${hashTree(path.resolve(here, ".."))}`;
  }
  return identity;
}
