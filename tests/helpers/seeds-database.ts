/**
 * The seeds database: this repository's full DAG built over the hand-written fixture landing
 * folder (tests/fixtures/landing), the build many integration tests read. The test run builds
 * it once (tests/helpers/seeds-database-setup.ts, a global setup of the integration project)
 * into a file; each test file gets an in-memory copy, read from the file opened read-only, so
 * tests may change their copy without touching another file's.
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The seeds database file; `<file>.ready` appears when it is built, `<file>.failed` (the error) when the build failed. */
    seedsDatabase: string;
  }
}

export const readyMarker = (databaseFile: string) => `${databaseFile}.ready`;
export const failedMarker = (databaseFile: string) => `${databaseFile}.failed`;

/** Waits for the run's seeds database, then returns an engine on an in-memory copy of it. */
export async function openSeedsDatabase(): Promise<DuckDbEngine> {
  const databaseFile = inject("seedsDatabase");
  if (!databaseFile) throw new Error("no seeds database: this test file must run in the integration project (see vitest.config.ts)");
  await waitUntilBuilt(databaseFile);
  const engine = await DuckDbEngine.open(":memory:", { connections: 1, threads: 1 });
  try {
    await engine.execute(`attach '${databaseFile.replaceAll("'", "''")}' as seeds (read_only)`);
    await engine.execute("copy from database seeds to memory");
    await engine.execute("detach seeds");
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** The build runs in the background while other tests run; its result is a marker file. */
async function waitUntilBuilt(databaseFile: string): Promise<void> {
  for (;;) {
    if (fs.existsSync(readyMarker(databaseFile))) return;
    if (fs.existsSync(failedMarker(databaseFile))) {
      throw new Error(`the seeds database could not be built:\n${fs.readFileSync(failedMarker(databaseFile), "utf8")}`);
    }
    await sleep(50);
  }
}
