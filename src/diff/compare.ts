/**
 * Compares one relation of the two sides (schema, row counts, EXCEPT ALL both ways, and
 * column values per matching key) and collects what it finds as plain data for the reports.
 */
import type { ColumnInfo, Row } from "../engines/engine.js";
import { errorMessage } from "../errors.js";
import type { DiffTable, KeySource } from "./published.js";
import { DiffError, type DiffConnection } from "./sides.js";
import {
  aAlias,
  bAlias,
  columnSampleSql,
  type DiffColumn,
  differsAlias,
  exceptAllSql,
  keyAlias,
  type KeyedComparison,
  keyedSummarySql,
  rowCountSql,
  TOTAL_COLUMN,
} from "./sql.js";

export interface DiffOptions {
  /** Rows (or keys) shown per difference; the counts are always complete. */
  sampleSize: number;
  /** Absolute tolerance for floating-point columns in the keyed comparison. */
  tolerance?: number;
}

export type TableStatus = "equal" | "different" | "only_in_a" | "only_in_b" | "absent";

export interface RowsOnlyInOneSide {
  count: number;
  sample: Row[];
}

export interface ColumnDifference {
  column: string;
  /** Matched keys whose value of this column differs. */
  keysDiffering: number;
  sample: { key: Row; a: unknown; b: unknown }[];
}

export interface KeyedResult {
  matched: number;
  onlyInA: number;
  onlyInB: number;
  columns: ColumnDifference[];
}

export interface TableDiff {
  table: string;
  status: TableStatus;
  relationA: string;
  relationB: string;
  rowsA?: number;
  rowsB?: number;
  schema: {
    onlyInA: ColumnInfo[];
    onlyInB: ColumnInfo[];
    typeChanged: { name: string; typeA: string; typeB: string }[];
  };
  /** Rows of A missing from B and rows of B missing from A (EXCEPT ALL over the compared columns). */
  rows?: { onlyInA: RowsOnlyInOneSide; onlyInB: RowsOnlyInOneSide };
  key?: string[];
  keySource?: KeySource;
  /** Why no keyed comparison was made, when none was. */
  keyNote?: string;
  keyed?: KeyedResult;
}

function count(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function schemaDifferences(columnsA: ColumnInfo[], columnsB: ColumnInfo[]): TableDiff["schema"] & { compared: DiffColumn[] } {
  const typesB = new Map(columnsB.map((column) => [column.name, column.type]));
  const namesA = new Set(columnsA.map((column) => column.name));
  const compared: DiffColumn[] = [];
  const typeChanged: TableDiff["schema"]["typeChanged"] = [];
  for (const column of columnsA) {
    const typeB = typesB.get(column.name);
    if (typeB === undefined) continue;
    if (typeB === column.type) compared.push(column);
    else typeChanged.push({ name: column.name, typeA: column.type, typeB });
  }
  return {
    compared,
    typeChanged,
    onlyInA: columnsA.filter((column) => !typesB.has(column.name)),
    onlyInB: columnsB.filter((column) => !namesA.has(column.name)),
  };
}

async function rowsOnlyIn(connection: DiffConnection, from: string, minus: string, columns: DiffColumn[], sampleSize: number): Promise<RowsOnlyInOneSide> {
  const rows = await connection.query(exceptAllSql(connection.dialect, from, minus, columns, sampleSize));
  const total = rows.length === 0 ? 0 : count(rows[0][TOTAL_COLUMN]);
  const sample = rows.slice(0, sampleSize).map((row) => {
    const { [TOTAL_COLUMN]: _total, ...values } = row;
    return values;
  });
  return { count: total, sample };
}

function keyProblem(key: string[], compared: DiffColumn[]): string | undefined {
  const comparedNames = new Set(compared.map((column) => column.name));
  const missing = key.filter((column) => !comparedNames.has(column));
  return missing.length === 0 ? undefined : `key column(s) ${missing.join(", ")} missing on a side or of another type: compared as whole rows only`;
}

async function keyedComparison(connection: DiffConnection, a: string, b: string, comparison: KeyedComparison, sampleSize: number): Promise<KeyedResult> {
  const [summary] = await connection.query(keyedSummarySql(connection.dialect, a, b, comparison));
  const columns: ColumnDifference[] = [];
  for (const [index, column] of comparison.columns.entries()) {
    const keysDiffering = count(summary[differsAlias(index)]);
    if (keysDiffering === 0) continue;
    const sampleRows = sampleSize > 0 ? await connection.query(columnSampleSql(connection.dialect, a, b, comparison, index, sampleSize)) : [];
    const sample = sampleRows.map((row) => ({
      key: Object.fromEntries(comparison.key.map((keyColumn, keyIndex) => [keyColumn.name, row[keyAlias(keyIndex)]])),
      a: row[aAlias(index)],
      b: row[bAlias(index)],
    }));
    columns.push({ column: column.name, keysDiffering, sample });
  }
  return { matched: count(summary.matched_keys), onlyInA: count(summary.keys_only_in_a), onlyInB: count(summary.keys_only_in_b), columns };
}

function hasSchemaDifference(schema: TableDiff["schema"]): boolean {
  return schema.onlyInA.length > 0 || schema.onlyInB.length > 0 || schema.typeChanged.length > 0;
}

/**
 * Whether the table differs. Exact comparison: any schema, count, EXCEPT ALL or key
 * difference. With a tolerance and a key, float values within it are equal, so the
 * verdict on values is the keyed comparison's (EXCEPT ALL is exact and only reported).
 */
function isDifferent(result: TableDiff, options: DiffOptions): boolean {
  if (hasSchemaDifference(result.schema) || result.rowsA !== result.rowsB) return true;
  const keyedDiffers = result.keyed !== undefined && (result.keyed.onlyInA > 0 || result.keyed.onlyInB > 0 || result.keyed.columns.length > 0);
  if (options.tolerance !== undefined && result.keyed) return keyedDiffers;
  return keyedDiffers || (result.rows !== undefined && (result.rows.onlyInA.count > 0 || result.rows.onlyInB.count > 0));
}

export async function compareTable(connection: DiffConnection, table: DiffTable, options: DiffOptions): Promise<TableDiff> {
  const a = connection.a.relation(table.target);
  const b = connection.b.relation(table.target);
  const [columnsA, columnsB] = [await connection.a.columns(table.target), await connection.b.columns(table.target)];
  const base = { table: table.name, relationA: a, relationB: b, key: table.key, keySource: table.keySource };
  const noSchemaDifference = { onlyInA: [], onlyInB: [], typeChanged: [] };
  if (!columnsA || !columnsB) {
    const status: TableStatus = columnsA ? "only_in_a" : columnsB ? "only_in_b" : "absent";
    return { ...base, status, schema: noSchemaDifference };
  }
  const { compared, ...schema } = schemaDifferences(columnsA, columnsB);
  const [counts] = await connection.query(rowCountSql(a, b));
  const result: TableDiff = { ...base, status: "equal", schema, rowsA: count(counts.rows_a), rowsB: count(counts.rows_b) };
  if (compared.length === 0) {
    result.keyNote = "no column has the same name and type on both sides: rows not compared";
  } else {
    result.rows = {
      onlyInA: await rowsOnlyIn(connection, a, b, compared, options.sampleSize),
      onlyInB: await rowsOnlyIn(connection, b, a, compared, options.sampleSize),
    };
    if (!table.key) {
      result.keyNote = "no unique key (uniqueKey or a uniqueKey assertion): compared as whole rows only";
    } else {
      result.keyNote = keyProblem(table.key, compared);
      if (!result.keyNote) {
        const keySet = new Set(table.key);
        const byName = new Map(compared.map((column) => [column.name, column]));
        const comparison: KeyedComparison = {
          key: table.key.map((name) => byName.get(name) as DiffColumn),
          columns: compared.filter((column) => !keySet.has(column.name)),
          tolerance: options.tolerance,
        };
        result.keyed = await keyedComparison(connection, a, b, comparison, options.sampleSize);
      }
    }
  }
  result.status = isDifferent(result, options) ? "different" : "equal";
  return result;
}

export interface DiffReport {
  a: string;
  b: string;
  dialect: DiffConnection["dialect"];
  options: DiffOptions;
  tables: TableDiff[];
  /** True when every compared table is equal and present on both sides. */
  equal: boolean;
}

export async function diffTables(connection: DiffConnection, tables: DiffTable[], options: DiffOptions): Promise<DiffReport> {
  const results: TableDiff[] = [];
  for (const table of tables) {
    try {
      results.push(await compareTable(connection, table, options));
    } catch (error) {
      throw new DiffError(`Could not compare ${table.name}: ${errorMessage(error)}`, { cause: error });
    }
  }
  // A table absent from both sides is no difference between them (it is listed, though).
  const equal = results.every((result) => result.status === "equal" || result.status === "absent");
  return { a: connection.a.label, b: connection.b.label, dialect: connection.dialect, options, tables: results, equal };
}
