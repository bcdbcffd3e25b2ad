/**
 * Databases the integration tests share, built once per run by the integration project's
 * global setup (tests/helpers/seeds-database-setup.ts) into the run's temporary folder:
 * - seeds: this repository's whole DAG over the hand-written fixture landing folder
 *   (tests/fixtures/landing), as GoldBuild.build(FIXTURE_LANDING) builds it. Its staging and
 *   identity tables are the silver tests' fixture too (SilverBuild.ofSharedFixture): the same
 *   vars and the same SQL over the same folder, so a silver build of their own would only
 *   repeat that work (two builds less per run).
 * Each test file gets an in-memory copy, read from the file opened read-only, so a test may
 * change its copy without touching another file's.
 */
import { inject } from "vitest";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { openMemoryEngine } from "./memory-engine.js";
import { waitUntilBuilt } from "./build-markers.js";
import { SHARED_DATABASES, type SharedDatabase } from "./shared-database-names.js";

export { SHARED_DATABASES, type SharedDatabase };
export { waitUntilBuilt };

/** The run's seeds database (the whole DAG over the fixture), as an engine on an in-memory copy. */
export function openSeedsDatabase(): Promise<DuckDbEngine> {
  return openSharedDatabase("seeds");
}

/** Waits until the run has built the database, then returns an engine on an in-memory copy of it. */
export async function openSharedDatabase(name: SharedDatabase): Promise<DuckDbEngine> {
  const databaseFile = inject("sharedDatabases")?.[name];
  if (!databaseFile) throw new Error(`no shared ${name} database: this test file must run in the integration project (see vitest.config.ts)`);
  await waitUntilBuilt(`${name} database`, databaseFile);
  const engine = await openMemoryEngine({ connections: 1, threads: 1 });
  try {
    // The engine's catalog shares its DuckDB instance with other warehouses: the file's alias is its own too.
    const [{ own }] = await engine.query("select current_database() as own");
    const alias = `${String(own)}_shared_${name}`;
    await engine.execute(`attach '${databaseFile.replaceAll("'", "''")}' as ${alias} (read_only)`);
    await engine.execute(`copy from database ${alias} to ${String(own)}`);
    await engine.execute(`detach ${alias}`);
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}
