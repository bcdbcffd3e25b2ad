/**
 * Vitest global setup of the integration project: builds the shared databases (see
 * seeds-database.ts) and checks the repository (see repository-check.ts) once per run, in the
 * run's temporary folder. The builds start here and go on in the background, side by side,
 * while the first test files run; the files that need one wait for its marker. Teardown waits
 * for them, so no DuckDB or ZetaSQL work outlives the run.
 *
 * Vitest runs every project's global setup before the first test file of the run starts, so
 * this module imports only what is light: the framework, the harnesses and the checker (seconds
 * of transforming and loading) are imported by the builds themselves, in the background.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { buildWithMarker } from "./build-markers.js";
import { SHARED_DATABASES, type SharedDatabase } from "./shared-database-names.js";
// Declares the provided "repositoryCheck" (a type-only import: nothing of it loads here).
import type {} from "./repository-check.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const BUILDS: Record<SharedDatabase, (databaseFile: string) => Promise<void>> = {
  seeds: async (databaseFile) => {
    const { FIXTURE_LANDING, GoldBuild } = await import("../marts/gold-harness.js");
    const gold = await GoldBuild.build(FIXTURE_LANDING, {}, databaseFile);
    await gold.close();
  },
};

export default function setup(project: TestProject): () => Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-shared-databases-"));
  const files = Object.fromEntries(SHARED_DATABASES.map((name) => [name, path.join(folder, `${name}.duckdb`)])) as Record<SharedDatabase, string>;
  project.provide("sharedDatabases", files);
  const checkFile = path.join(folder, "repository-check.json");
  project.provide("repositoryCheck", checkFile);
  // Side by side: each runs DuckDB on one thread, and the first files wait for the one they need.
  const building = Promise.all([
    ...SHARED_DATABASES.map((name) => buildWithMarker(() => BUILDS[name](files[name]), files[name])),
    // `c360 check` of the repository (its own ZetaSQL service, stopped when the check ends).
    buildWithMarker(async () => {
      const { checkProject } = await import("../../src/check/index.js");
      fs.writeFileSync(checkFile, JSON.stringify(await checkProject({ projectDir: REPO_ROOT })));
    }, checkFile),
  ]);
  return async () => {
    await building;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}
