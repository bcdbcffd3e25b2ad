/**
 * Vitest global setup of the integration project: builds the shared databases (see
 * seeds-database.ts) and checks the repository (see repository-check.ts) once per run, in the
 * run's temporary folder. The builds start here and go on in the background, side by side,
 * while the first test files run; the files that need one wait for its marker. Teardown waits
 * for them, so no DuckDB or ZetaSQL work outlives the run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { checkProject } from "../../src/check/index.js";
import { FIXTURE_LANDING, GoldBuild } from "../marts/gold-harness.js";
import { buildSilverDatabase, SILVER_SELECTION, writeSilverProject } from "../staging/silver-project.js";
import { REPO_ROOT } from "./project.js";
import { failedMarker, readyMarker, SHARED_DATABASES, type SharedDatabase } from "./seeds-database.js";

const BUILDS: Record<SharedDatabase, (databaseFile: string, folder: string) => Promise<void>> = {
  seeds: async (databaseFile) => {
    const gold = await GoldBuild.build(FIXTURE_LANDING, {}, databaseFile);
    await gold.close();
  },
  silver: (databaseFile, folder) => buildSilverDatabase(silverProject(folder), databaseFile, SILVER_SELECTION),
  silverStaging: (databaseFile, folder) => buildSilverDatabase(silverProject(folder), databaseFile, ["tag:staging"]),
};

function silverProject(folder: string): string {
  return writeSilverProject(fs.mkdtempSync(path.join(folder, "silver-project-")));
}

export default function setup(project: TestProject): () => Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-shared-databases-"));
  const files = Object.fromEntries(SHARED_DATABASES.map((name) => [name, path.join(folder, `${name}.duckdb`)])) as Record<SharedDatabase, string>;
  project.provide("sharedDatabases", files);
  const checkFile = path.join(folder, "repository-check.json");
  project.provide("repositoryCheck", checkFile);
  // Side by side: each runs DuckDB on one thread, and the first files wait for the one they need.
  const building = Promise.all([
    ...SHARED_DATABASES.map((name) => build(() => BUILDS[name](files[name], folder), files[name])),
    // `c360 check` of the repository (its own ZetaSQL service, stopped when the check ends).
    build(async () => fs.writeFileSync(checkFile, JSON.stringify(await checkProject({ projectDir: REPO_ROOT }))), checkFile),
  ]);
  return async () => {
    await building;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}

/** Runs one build and leaves its marker beside its file: ready, or failed with the error. */
async function build(run: () => Promise<void>, file: string): Promise<void> {
  try {
    await run();
    fs.writeFileSync(readyMarker(file), "");
  } catch (error) {
    fs.writeFileSync(failedMarker(file), error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}
