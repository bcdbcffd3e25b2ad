/**
 * Vitest global setup of the integration project: builds the seeds database (see
 * seeds-database.ts) once per run, in the run's temporary folder. The build starts here and
 * goes on in the background while the first test files run; the files that need it wait for
 * its marker. Teardown waits for the build, so no DuckDB work outlives the run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { FIXTURE_LANDING, GoldBuild } from "../marts/gold-harness.js";
import { failedMarker, readyMarker } from "./seeds-database.js";

export default function setup(project: TestProject): () => Promise<void> {
  const databaseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-seeds-")), "seeds.duckdb");
  project.provide("seedsDatabase", databaseFile);
  const building = build(databaseFile);
  return async () => {
    await building;
  };
}

async function build(databaseFile: string): Promise<void> {
  try {
    const gold = await GoldBuild.build(FIXTURE_LANDING, {}, databaseFile);
    await gold.close();
    fs.writeFileSync(readyMarker(databaseFile), "");
  } catch (error) {
    fs.writeFileSync(failedMarker(databaseFile), error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}
