/**
 * Loads one landing folder twice, into two fresh DuckDB databases: once through the
 * framework's parsers and engine.load (the reference), once through staged files and
 * DuckDB's own reader (the fast path), and returns what each produced: every bronze table
 * row by row, the load report, or the error.
 */
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { PROJECT_SOURCES } from "../helpers/project.js";
import { loadLandingFolder, type LoadReport } from "../../src/loader/index.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

export interface LoadOutcome {
  /** schema.table → rows ordered by part and record. */
  tables: Record<string, Record<string, unknown>[]>;
  report?: LoadReport;
  error?: { name: string; message: string };
}

async function loadOnce(folder: string, engineReader: boolean): Promise<LoadOutcome> {
  const engine = await openMemoryEngine({ connections: 1 });
  try {
    let report: LoadReport | undefined;
    let error: LoadOutcome["error"];
    try {
      report = await loadLandingFolder(engine, folder, PROJECT_SOURCES, { engineReader });
    } catch (caught) {
      error = { name: (caught as Error).name, message: (caught as Error).message };
    }
    const tables: LoadOutcome["tables"] = {};
    for (const source of PROJECT_SOURCES) {
      const table = { schema: source.schema, name: source.table };
      if (!(await engine.describeTable(table))) continue;
      tables[`${table.schema}.${table.name}`] = await engine.query(`select * from ${engine.quoteTable(table)} order by _part_suffix, _source_file, _record_number`);
    }
    return { tables, report, error };
  } finally {
    await engine.close();
  }
}

export async function loadBothWays(folder: string): Promise<{ reference: LoadOutcome; fast: LoadOutcome }> {
  return { reference: await loadOnce(folder, false), fast: await loadOnce(folder, true) };
}

/** Which reader loaded each part on the fast path (file → reader). */
export function readers(outcome: LoadOutcome): Record<string, string | undefined> {
  return Object.fromEntries((outcome.report?.files ?? []).map((file) => [file.file, file.reader]));
}

/** The report without what legitimately differs between the two paths (timings, which reader). */
export function comparableReport(outcome: LoadOutcome) {
  if (!outcome.report) return undefined;
  const { seconds: _seconds, landingDir: _landing, files, ...rest } = outcome.report;
  return { ...rest, files: files.map(({ seconds: _fileSeconds, reader: _reader, ...file }) => file) };
}
