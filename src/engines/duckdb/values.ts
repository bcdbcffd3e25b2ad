/**
 * Converts DuckDB result values to plain JavaScript: exact decimals stay strings (never
 * floats), integers become numbers when they fit, dates and timestamps are ISO-like text.
 */
import type { DuckDBMaterializedResult, DuckDBResultReader } from "@duckdb/node-api";
import type { Row } from "../engine.js";

const INTEGER_TYPES = new Set(["BIGINT", "HUGEINT", "UBIGINT", "UHUGEINT"]);
/** Types whose values the reader gives as a number or a bigint, so a row needs no conversion through JSON text. */
const NUMERIC_TYPES = new Set([...INTEGER_TYPES, "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT", "DOUBLE", "FLOAT"]);

export function readerToRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  // A result of numbers only (a model fit's inputs: hundreds of thousands of rows) is read
  // column-wise: about twice as fast as through JSON text, with the same values.
  if (names.every((_name, index) => NUMERIC_TYPES.has(reader.columnType(index).toString()))) return numericRows(reader, names);
  const rows = reader.getRowObjectsJson() as Row[];
  const integerColumns = names.filter((_name, index) => INTEGER_TYPES.has(reader.columnType(index).toString()));
  if (integerColumns.length === 0) return rows;
  for (const row of rows) {
    for (const column of integerColumns) {
      const value = row[column];
      if (typeof value === "string") {
        const asNumber = Number(value);
        if (Number.isSafeInteger(asNumber)) row[column] = asNumber;
      }
    }
  }
  return rows;
}

/** The rows of a result whose columns are all numeric, valued as readerToRows' JSON path values them. */
function numericRows(reader: DuckDBResultReader, names: string[]): Row[] {
  const columns = reader.getColumns();
  const rows: Row[] = [];
  for (let index = 0; index < reader.currentRowCount; index++) {
    const row: Row = {};
    names.forEach((name, column) => {
      row[name] = plainNumber(columns[column][index] as number | bigint | null);
    });
    rows.push(row);
  }
  return rows;
}

function plainNumber(value: number | bigint | null): number | string | null {
  if (value === null) return null;
  if (typeof value === "bigint") {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  // JSON has no NaN or infinities: DuckDB's JSON values name them ("NaN", "Infinity").
  return Number.isFinite(value) ? value : String(value);
}

/**
 * Each column of a result of numbers as doubles (null as NaN), read chunk by chunk from the
 * vectors: at 100 k persons a model fit's two inputs (121 k rows) took 77 ms of CPU this way,
 * against 280 ms through rows of objects.
 */
export function floatColumns(result: DuckDBMaterializedResult): Float64Array[] {
  let rows = 0;
  for (let chunk = 0; chunk < result.chunkCount; chunk++) rows += result.getChunk(chunk).rowCount;
  const columns = Array.from({ length: result.columnCount }, () => new Float64Array(rows));
  let at = 0;
  for (let index = 0; index < result.chunkCount; index++) {
    const chunk = result.getChunk(index);
    columns.forEach((column, columnIndex) => {
      const vector = chunk.getColumnVector(columnIndex);
      for (let row = 0; row < chunk.rowCount; row++) {
        const value = vector.getItem(row);
        column[at + row] = value === null ? Number.NaN : Number(value);
      }
    });
    at += chunk.rowCount;
  }
  return columns;
}
