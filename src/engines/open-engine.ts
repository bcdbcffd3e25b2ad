/** Opens the engine a target names. BigQuery is loaded only when a target asks for it. */
import path from "node:path";
import type { ProjectContext } from "../config/project.js";
import type { StatementLog } from "./duckdb/statement-log.js";
import type { Engine } from "./engine.js";

export interface OpenEngineOptions {
  threads?: number;
  /** BigQuery only: dry-run every statement and collect bytes processed. */
  dryRun?: boolean;
  /** Label of the run (BigQuery job labels). */
  runId?: string;
  /** Projects the graph names besides its default one (DuckDB attaches one catalog each). */
  projects?: string[];
  /** DuckDB: open the database file read-only (it must exist); other readers may share it. */
  readOnly?: boolean;
  /** DuckDB: told every statement and commit (`--statement-log`). */
  statementLog?: StatementLog;
}

export async function openEngine(context: ProjectContext, options: OpenEngineOptions = {}): Promise<Engine> {
  const { target } = context;
  // Engines load on demand: compile-only commands never pay for a warehouse driver.
  if (target.engine === "duckdb") {
    const { DuckDbEngine } = await import("./duckdb/duckdb-engine.js");
    const database = target.database === ":memory:" ? ":memory:" : path.resolve(context.projectDir, target.database);
    return DuckDbEngine.open(database, {
      connections: options.threads ?? target.threads ?? 2,
      threads: target.duckdbThreads,
      memoryLimit: target.memoryLimit,
      blockAllocatorMemory: target.blockAllocatorMemory,
      storageVersion: target.storageVersion,
      projects: options.projects,
      readOnly: options.readOnly,
      statementLog: options.statementLog,
    });
  }
  const { openBigQueryEngine } = await import("./bigquery/index.js");
  return openBigQueryEngine(target, {
    threads: options.threads ?? target.threads,
    dryRun: options.dryRun,
    runId: options.runId,
    projectName: path.basename(context.projectDir),
  });
}
