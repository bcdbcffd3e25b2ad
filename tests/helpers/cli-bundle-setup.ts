/**
 * Vitest global setup of the integration project: bundles the CLI under test once per run,
 * as `npm run build` bundles dist/ (scripts/build-cli.mjs), so the end-to-end tests that need
 * a real process (runCli in cli.ts) start `node bin.js` in a fraction of a second instead of
 * node with tsx compiling every source file in each process. The bundle goes in a folder of its
 * own directly under the repository (the bin finds package.json two levels up and the external
 * packages in node_modules), removed when the run ends.
 *
 * The bundling (seconds) goes on in the background: vitest runs every global setup before the
 * first test file starts, and few files need the bundle. runCli waits for `bin.js.ready` (or
 * `bin.js.failed`, holding esbuild's error) beside the bin.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { buildWithMarker } from "./build-markers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's bundled CLI: <folder>/cli/bin.js, usable once <folder>/cli/bin.js.ready exists (see build-markers.ts). */
    cliBin: string;
  }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default function setup(project: TestProject): () => Promise<void> {
  const folder = fs.mkdtempSync(path.join(REPO_ROOT, ".test-cli-"));
  const bin = path.join(folder, "cli", "bin.js");
  project.provide("cliBin", bin);
  const bundling = buildWithMarker(async () => {
    try {
      await bundle(folder);
    } finally {
      // build-cli.mjs empties the folder first, and may fail before it makes cli/: the marker goes there.
      fs.mkdirSync(path.dirname(bin), { recursive: true });
    }
  }, bin);
  return async () => {
    await bundling;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}

/** scripts/build-cli.mjs --out folder, as a child process; rejects with its output when it fails. */
function bundle(folder: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts/build-cli.mjs"), "--out", folder], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (status) => {
      if (status === 0) resolve();
      else reject(new Error(`could not bundle the CLI for the end-to-end tests (scripts/build-cli.mjs --out ${folder}):\n${output}`));
    });
  });
}
