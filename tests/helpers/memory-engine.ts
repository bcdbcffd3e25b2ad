/**
 * In-memory DuckDB warehouses for tests, each a catalog of its own in a DuckDB instance the
 * worker keeps for the run (DuckDbEngine.openInInstance): opening and closing an instance of
 * its own cost about 0.15 s of CPU per warehouse (its system catalog built and torn down), a
 * sixth of a small silver build, and the integration tests open hundreds. One instance per
 * thread setting; vitest's worker processes (isolate: false) keep them from file to file.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";

const instances = new Map<string, Promise<DuckDBInstance>>();

export interface MemoryEngineOptions {
  /** Concurrent connections (DuckDbOptions.connections). */
  connections?: number;
  /** DuckDB threads per query; DuckDB's own choice (the cores) when not given. */
  threads?: number;
}

/** A fresh, empty in-memory warehouse, as DuckDbEngine.open(":memory:", options) opens one; close() frees it. */
export async function openMemoryEngine(options: MemoryEngineOptions = {}): Promise<DuckDbEngine> {
  const key = String(options.threads ?? "default");
  let instance = instances.get(key);
  if (!instance) {
    instance = DuckDBInstance.create(":memory:", options.threads ? { threads: String(options.threads) } : {});
    instances.set(key, instance);
    instance.catch(() => instances.delete(key));
  }
  return DuckDbEngine.openInInstance(await instance, { connections: options.connections });
}
