/**
 * The two sides of a diff and the one connection their comparison runs on: every query
 * reads both sides at once, so the warehouse does the work and only counts and samples
 * come back.
 *
 * - Two DuckDB files: an in-memory DuckDB attaches both READ_ONLY (neither file is changed,
 *   upgraded or created).
 * - Two BigQuery targets: one engine (the first target's project runs the jobs); both sides
 *   are fully qualified `project.dataset.table` names in the same query.
 */
import fs from "node:fs";
import path from "node:path";
import { quoteIdentifier as quoteDuckDb } from "../engines/duckdb/references.js";
import type { ColumnInfo, Dialect, Engine, Row, TableRef } from "../engines/engine.js";
import { actionErrorMessage, C360Error, UsageError } from "../errors.js";

export interface DiffSide {
  /** What the report calls this side: a file path or a target name. */
  label: string;
  /** The table's columns, or undefined when this side lacks it. */
  columns(table: TableRef): Promise<ColumnInfo[] | undefined>;
  /** The relation as SQL of the connection's dialect. */
  relation(table: TableRef): string;
}

export interface DiffConnection {
  dialect: Dialect;
  a: DiffSide;
  b: DiffSide;
  query(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * The comparison could not be made (a side cannot be opened or read). Exit code 2, never 1:
 * 1 means "the sides differ", and a caller must not mistake a failure for that answer.
 */
export class DiffError extends C360Error {}

const CATALOG_A = "c360_diff_a";
const CATALOG_B = "c360_diff_b";

function duckDbSide(engine: Engine, catalog: string, label: string, sqlString: (value: string) => string): DiffSide {
  return {
    label,
    relation: (table) => `${quoteDuckDb(catalog)}.${quoteDuckDb(table.schema)}.${quoteDuckDb(table.name)}`,
    columns: async (table) => {
      const rows = await engine.query(
        `select column_name, data_type from information_schema.columns where table_catalog = ${sqlString(catalog)} and table_schema = ${sqlString(table.schema)} and table_name = ${sqlString(table.name)} order by ordinal_position`,
        { actionName: "diff" },
      );
      return rows.length === 0 ? undefined : rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
    },
  };
}

/** Opens an in-memory DuckDB with both files attached read-only. */
export async function openDuckDbFiles(fileA: string, fileB: string, labels: { a: string; b: string }): Promise<DiffConnection> {
  for (const [option, file] of [
    ["a", fileA],
    ["b", fileB],
  ] as const) {
    if (!fs.existsSync(file)) throw new UsageError(`Side ${option}: the DuckDB database ${file} does not exist. Build it first (c360 build --database ${file}).`);
  }
  // Loaded on demand, as openEngine does: other commands never pay for the DuckDB driver.
  const { DuckDbEngine, sqlString } = await import("../engines/duckdb/duckdb-engine.js");
  const engine = await DuckDbEngine.open(":memory:", { connections: 1 });
  const sameFile = path.resolve(fileA) === path.resolve(fileB);
  const attach = async (side: "a" | "b", file: string, catalog: string): Promise<void> => {
    try {
      await engine.execute(`attach ${sqlString(path.resolve(file))} as ${quoteDuckDb(catalog)} (read_only)`);
    } catch (error) {
      await engine.close();
      const message = actionErrorMessage(error);
      const hint = /lock/i.test(message) ? " Another process holds it (a build still running?): wait for it to finish." : "";
      throw new DiffError(`Side ${side}: cannot open ${file} read-only: ${message}.${hint}`, { cause: error });
    }
  };
  await attach("a", fileA, CATALOG_A);
  // DuckDB attaches a file once per instance: a file diffed against itself is read through one catalog.
  if (!sameFile) await attach("b", fileB, CATALOG_B);
  return {
    dialect: "duckdb",
    a: duckDbSide(engine, CATALOG_A, labels.a, sqlString),
    b: duckDbSide(engine, sameFile ? CATALOG_A : CATALOG_B, labels.b, sqlString),
    query: (sql) => engine.query(sql, { actionName: "diff" }),
    close: () => engine.close(),
  };
}

export interface BigQuerySideSettings {
  label: string;
  project: string;
  datasetSuffix?: string;
  /** The project the graph was compiled with (a table's own `database` other than it is kept). */
  compiledDefaultDatabase?: string;
}

function bigQuerySide(engine: Engine, settings: BigQuerySideSettings): DiffSide {
  const locate = (table: TableRef): TableRef => ({
    database: table.database && table.database !== settings.compiledDefaultDatabase ? table.database : settings.project,
    schema: settings.datasetSuffix ? `${table.schema}_${settings.datasetSuffix}` : table.schema,
    name: table.name,
  });
  return {
    label: settings.label,
    relation: (table) => engine.quoteTable(locate(table)),
    columns: (table) => engine.describeTable(locate(table)),
  };
}

/** Both sides through one BigQuery engine (already open on the first target). */
export function bigQueryConnection(engine: Engine, a: BigQuerySideSettings, b: BigQuerySideSettings): DiffConnection {
  return {
    dialect: "bigquery",
    a: bigQuerySide(engine, a),
    b: bigQuerySide(engine, b),
    query: (sql) => engine.query(sql, { actionName: "diff" }),
    close: () => engine.close(),
  };
}
