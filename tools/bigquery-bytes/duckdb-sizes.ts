/**
 * The logical BigQuery size of each column of a table, summed over its rows in DuckDB: the
 * local build of the same landing folder stands for the warehouse's contents.
 */
import type { Engine, TableRef } from "../../src/engines/engine.js";
import type { ColumnTypes } from "../../src/check/catalog.js";
import { parseTypeName } from "../../src/check/zetasql/types.js";
import { quoteDuckDbIdentifier, sizeExpression } from "./size-rules.js";

/** Bytes per column of `table` as BigQuery would count them, its columns typed as BigQuery types. */
export async function columnBytesInDuckDb(engine: Engine, table: TableRef, columns: ColumnTypes): Promise<Record<string, number>> {
  const names = Object.keys(columns);
  if (names.length === 0) return {};
  const sums = names.map((name, index) => `coalesce(sum(${sizeExpression(quoteDuckDbIdentifier(name), parseTypeName(columns[name]))}), 0)::bigint as c${index}`);
  const [row] = await engine.query(`select ${sums.join(",\n  ")}\nfrom ${engine.quoteTable(table)}`);
  return Object.fromEntries(names.map((name, index) => [name, Number(row[`c${index}`])]));
}
