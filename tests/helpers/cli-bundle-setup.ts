/**
 * Vitest global setup of the integration project: bundles the CLI under test once per run,
 * as `npm run build` bundles dist/ (scripts/build-cli.mjs), so the end-to-end tests that need
 * a real process (runCli in cli.ts) start `node bin.js` in a fraction of a second instead of
 * node with tsx compiling every source file in each process. The bundle goes in a folder of its
 * own directly under the repository (the bin finds package.json two levels up and the external
 * packages in node_modules), removed when the run ends.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { REPO_ROOT } from "./project.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's bundled CLI: <folder>/cli/bin.js. */
    cliBin: string;
  }
}

export default function setup(project: TestProject): () => void {
  const folder = fs.mkdtempSync(path.join(REPO_ROOT, ".test-cli-"));
  const bundled = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts/build-cli.mjs"), "--out", folder], { cwd: REPO_ROOT, encoding: "utf8" });
  if (bundled.status !== 0) {
    fs.rmSync(folder, { recursive: true, force: true });
    throw new Error(`could not bundle the CLI for the end-to-end tests (scripts/build-cli.mjs --out ${folder}):\n${bundled.stderr}${bundled.stdout}`);
  }
  project.provide("cliBin", path.join(folder, "cli", "bin.js"));
  return () => fs.rmSync(folder, { recursive: true, force: true });
}
