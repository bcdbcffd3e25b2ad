/**
 * The load manifest: one row per landing part loaded into bronze (file, size, modification
 * time, sha256, records, when), kept in the warehouse beside the bronze tables so that any machine
 * building into the same warehouse knows what is already there. Incremental loads append
 * only parts it does not list; a listed part whose bytes changed is an error.
 */
import type { Engine, LoadColumn, TableRef } from "../engines/engine.js";

export const MANIFEST_TABLE: TableRef = { schema: "raw_meta", name: "load_manifest" };

export const MANIFEST_COLUMNS: LoadColumn[] = [
  { name: "file", type: "text" },
  { name: "bronze_table", type: "text" },
  { name: "part_suffix", type: "text" },
  { name: "size_bytes", type: "integer" },
  { name: "sha256", type: "text" },
  { name: "records", type: "integer" },
  { name: "loaded_at", type: "text" },
  { name: "landing_dir", type: "text" },
  { name: "modified_at", type: "text" },
];

export interface ManifestEntry {
  /** Path inside the landing folder, e.g. web/events-2024-07-01.ndjson. */
  file: string;
  /** schema.table of the bronze table the part landed in. */
  bronzeTable: string;
  partSuffix: string;
  sizeBytes: number;
  sha256: string;
  records: number;
  /** ISO timestamp (UTC) of the load; bookkeeping only, never read by models. */
  loadedAt: string;
  /** Absolute landing folder the part was read from. */
  landingDir: string;
  /** The part's modification time when it was listed for the load (ns since the epoch, as text); '' in manifests written before it was recorded. */
  modifiedAt: string;
}

export async function readManifest(engine: Engine): Promise<ManifestEntry[]> {
  const columns = await engine.describeTable(MANIFEST_TABLE);
  if (!columns) return [];
  const rows = await engine.query(`select * from ${engine.quoteTable(MANIFEST_TABLE)} order by file`, { actionName: "read load manifest" });
  return rows.map((row) => ({
    file: String(row.file),
    bronzeTable: String(row.bronze_table),
    partSuffix: String(row.part_suffix ?? ""),
    sizeBytes: Number(row.size_bytes),
    sha256: String(row.sha256),
    records: Number(row.records),
    loadedAt: String(row.loaded_at),
    landingDir: String(row.landing_dir ?? ""),
    modifiedAt: String(row.modified_at ?? ""),
  }));
}

/** Adds the columns a manifest written by an earlier version lacks (its rows keep '' there, so their parts are verified by checksum). */
export async function upgradeManifest(engine: Engine): Promise<void> {
  const columns = await engine.describeTable(MANIFEST_TABLE);
  if (!columns) return;
  const present = new Set(columns.map((column) => column.name));
  for (const column of MANIFEST_COLUMNS.filter((candidate) => !present.has(candidate.name))) {
    await engine.addColumn(MANIFEST_TABLE, column, { actionName: "upgrade load manifest" });
  }
}

/** Replaces the manifest with exactly these entries (one statement: one load job on BigQuery). */
export async function writeManifest(engine: Engine, entries: ManifestEntry[]): Promise<void> {
  await engine.load({ target: MANIFEST_TABLE, columns: MANIFEST_COLUMNS, rows: entries.map(manifestRow), mode: "replace" });
}

export async function appendManifestEntry(engine: Engine, entry: ManifestEntry): Promise<void> {
  await engine.load({ target: MANIFEST_TABLE, columns: MANIFEST_COLUMNS, rows: [manifestRow(entry)], mode: "append" });
}

function manifestRow(entry: ManifestEntry): (string | number)[] {
  return [entry.file, entry.bronzeTable, entry.partSuffix, entry.sizeBytes, entry.sha256, entry.records, entry.loadedAt, entry.landingDir, entry.modifiedAt];
}

/** A loaded part read again and found unchanged: its current modification time, so the next load need not read it. */
export async function recordModificationTime(engine: Engine, file: string, modifiedAt: string): Promise<void> {
  await engine.execute(
    `update ${engine.quoteTable(MANIFEST_TABLE)} set modified_at = ${sqlText(engine, modifiedAt)} where file = ${sqlText(engine, file)}`,
    { actionName: "update load manifest" },
  );
}

/** A string literal in the engine's SQL (BigQuery escapes with backslashes, DuckDB doubles quotes). */
export function sqlText(engine: Engine, value: string): string {
  if (engine.dialect === "bigquery") return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return `'${value.replaceAll("'", "''")}'`;
}
