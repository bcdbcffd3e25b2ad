/**
 * Staging tables of a load: a bronze table being rebuilt is loaded into `<table>__loading`
 * in its own schema, and swapped in when every part has loaded (index.ts). A staging table
 * that outlives its load (the process was killed) is dropped by the next load; bronze itself
 * was never touched.
 */
import type { Engine, TableRef } from "../engines/engine.js";
import { C360Error, errorMessage } from "../errors.js";

export const LOADING_SUFFIX = "__loading";

export function loadingTableOf(table: TableRef): TableRef {
  return { ...table, name: `${table.name}${LOADING_SUFFIX}` };
}

export async function dropLoadingTables(engine: Engine, schemas: string[]): Promise<void> {
  for (const schema of schemas) {
    for (const table of await engine.listTables(schema)) {
      if (table.name.endsWith(LOADING_SUFFIX)) await engine.execute(`drop table if exists ${engine.quoteTable(table)}`, { actionName: "drop staging tables of an earlier load" });
    }
  }
}

/** After a failed load: its staging tables go; a failure to drop them is told with the load's own error, which stays the cause. */
export async function dropLoadingTablesAfterFailure(engine: Engine, schemas: string[], failure: unknown): Promise<void> {
  try {
    await dropLoadingTables(engine, schemas);
  } catch (dropError) {
    throw new C360Error(`${errorMessage(failure)}\n(the load's staging tables could not be dropped either: ${errorMessage(dropError)}; the next load drops them)`, { cause: failure });
  }
}

export async function countRows(engine: Engine, table: TableRef): Promise<number> {
  const rows = await engine.query(`select count(*) as row_count from ${engine.quoteTable(table)}`, { actionName: `count ${table.schema}.${table.name}` });
  return Number(rows[0]?.row_count ?? 0);
}
