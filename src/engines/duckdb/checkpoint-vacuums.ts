/**
 * DuckDB's checkpoint "vacuum": when it writes a table, it merges adjacent row groups whose
 * rows fit in fewer (up to three into two or one), reading and compressing all of their rows
 * again. At the end of a table it merges only when the rows reach twice the first row group's
 * (or a full row group), so a few appended rows can tip a fragmented tail over: in the
 * benchmark at 100 k persons, the first incremental build's checkpoint merged the last five row
 * groups of a bronze table (226 k rows, for 11 k appended). DuckDB reports each merge in its log (type
 * Checkpoint, debug level); this module turns those entries into figures the benchmark lists.
 */

import type { DuckDBInstance } from "@duckdb/node-api";
import { runOnOwnConnection } from "./instance-statement.js";

/** One merge of row groups by a checkpoint. */
export interface CheckpointVacuum {
  /** schema.table */
  table: string;
  rowGroupsMerged: number;
  rowGroupsWritten: number;
  /** Rows read and written again. */
  rows: number;
}

/**
 * Turns DuckDB's log on for the instance: every type, at debug level (the checkpoint's entries
 * are debug ones; DuckDB 1.5 does not take "Checkpoint" as a type to enable alone). Kept in
 * memory, so meant for a diagnostic run, not every build.
 */
export async function enableDuckDbLog(instance: DuckDBInstance): Promise<void> {
  await runOnOwnConnection(instance, "call enable_logging(level => 'debug')");
}

/**
 * The time of the log's latest entry (column `mark`; null when it is empty): vacuumLogQuery
 * reads what came after it. Not truncate_duckdb_logs(): in DuckDB 1.5 nothing was logged after it.
 */
export const DUCKDB_LOG_MARK_QUERY = "select cast(max(timestamp) as varchar) as mark from duckdb_logs";

/** The log's vacuum entries (column `message`), in order; only those after `mark` (DUCKDB_LOG_MARK_QUERY) when given. */
export function vacuumLogQuery(mark?: string | null): string {
  const after = mark ? ` and timestamp > cast('${mark.replace(/'/g, "''")}' as timestamp with time zone)` : "";
  return `select message from duckdb_logs where type = 'Checkpoint' and message like '%''type'': vacuum%'${after} order by timestamp`;
}

const VACUUM_MESSAGE = /'schema': ([^,]+), 'table': ([^,]+), 'type': vacuum, 'info': \{[^}]*merge_count=(\d+), target_count=(\d+), merge_rows=(\d+)/;

/**
 * A vacuum entry's figures, e.g. from
 * `{'database': w, 'schema': sales, 'table': orders, 'type': vacuum, 'info': {segment_idx=8, merge_count=5, target_count=2, merge_rows=226012, row_start=882767}}`;
 * undefined for any other message (DuckDB does not promise this format: a change shows as no vacuums).
 */
export function parseVacuumMessage(message: string): CheckpointVacuum | undefined {
  const match = VACUUM_MESSAGE.exec(message);
  if (!match) return undefined;
  const [, schema, table, merged, written, rows] = match;
  return { table: `${schema}.${table}`, rowGroupsMerged: Number(merged), rowGroupsWritten: Number(written), rows: Number(rows) };
}

/** One line per table, most rows first: "sales.orders 5 → 2 row groups (226,012 rows)". */
export function formatVacuums(vacuums: CheckpointVacuum[]): string[] {
  return [...vacuums]
    .sort((a, b) => b.rows - a.rows)
    .map((vacuum) => `${vacuum.table} ${vacuum.rowGroupsMerged} → ${vacuum.rowGroupsWritten} row groups (${vacuum.rows.toLocaleString("en-US")} rows)`);
}
