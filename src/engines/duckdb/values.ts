/**
 * Converts DuckDB result values to plain JavaScript: exact decimals stay strings (never
 * floats), integers become numbers when they fit, dates and timestamps are ISO-like text.
 */
import type { DuckDBResultReader } from "@duckdb/node-api";
import type { Row } from "../engine.js";

const INTEGER_TYPES = new Set(["BIGINT", "HUGEINT", "UBIGINT", "UHUGEINT"]);

export function readerToRows(reader: DuckDBResultReader): Row[] {
  const rows = reader.getRowObjectsJson() as Row[];
  const integerColumns = reader.columnNames().filter((_name, index) => INTEGER_TYPES.has(reader.columnType(index).toString()));
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
