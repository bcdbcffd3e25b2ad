/**
 * Databases the integration tests share, built once per run by the integration project's
 * global setup (tests/helpers/seeds-database-setup.ts) into the run's temporary folder:
 * - seeds: this repository's whole DAG over the hand-written fixture landing folder
 *   (tests/fixtures/landing), as GoldBuild.build(FIXTURE_LANDING) builds it;
 * - silver and silverStaging: the silver layers alone over the same folder, staging and
 *   identity or staging only, as SilverBuild.ofFixture() builds them.
 * Each test file gets an in-memory copy, read from the file opened read-only, so a test may
 * change its copy without touching another file's.
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";

export const SHARED_DATABASES = ["seeds", "silver", "silverStaging"] as const;
export type SharedDatabase = (typeof SHARED_DATABASES)[number];

declare module "vitest" {
  export interface ProvidedContext {
    /** Each shared database's file; `<file>.ready` appears when it is built, `<file>.failed` (the error) when its build failed. */
    sharedDatabases: Record<SharedDatabase, string>;
  }
}

export const readyMarker = (file: string) => `${file}.ready`;
export const failedMarker = (file: string) => `${file}.failed`;

/** The run's seeds database (the whole DAG over the fixture), as an engine on an in-memory copy. */
export function openSeedsDatabase(): Promise<DuckDbEngine> {
  return openSharedDatabase("seeds");
}

/** Waits until the run has built the database, then returns an engine on an in-memory copy of it. */
export async function openSharedDatabase(name: SharedDatabase): Promise<DuckDbEngine> {
  const databaseFile = inject("sharedDatabases")?.[name];
  if (!databaseFile) throw new Error(`no shared ${name} database: this test file must run in the integration project (see vitest.config.ts)`);
  await waitUntilBuilt(`${name} database`, databaseFile);
  const engine = await DuckDbEngine.open(":memory:", { connections: 1, threads: 1 });
  try {
    await engine.execute(`attach '${databaseFile.replaceAll("'", "''")}' as shared (read_only)`);
    await engine.execute("copy from database shared to memory");
    await engine.execute("detach shared");
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/**
 * The global setup's builds run in the background while other tests run; each one's result is
 * a marker file beside what it builds. Waits for it; throws the build's error if it failed.
 */
export async function waitUntilBuilt(what: string, file: string): Promise<void> {
  for (;;) {
    if (fs.existsSync(readyMarker(file))) return;
    if (fs.existsSync(failedMarker(file))) {
      throw new Error(`the shared ${what} could not be built:\n${fs.readFileSync(failedMarker(file), "utf8")}`);
    }
    await sleep(50);
  }
}
