/**
 * The logical BigQuery size of each column of a table, summed over its rows in DuckDB: the
 * local build of the same landing folder stands for the warehouse's contents.
 */
import type { Engine, TableRef } from "../../src/engines/engine.js";
import type { ColumnTypes } from "../../src/check/catalog.js";
import { parseTypeName } from "../../src/check/zetasql/types.js";
import type { PartitionBytes } from "./estimator.js";
import { quoteDuckDbIdentifier, sizeExpression } from "./size-rules.js";

/** Bytes per column of `table` as BigQuery would count them, its columns typed as BigQuery types. */
export async function columnBytesInDuckDb(engine: Engine, table: TableRef, columns: ColumnTypes): Promise<Record<string, number>> {
  const names = Object.keys(columns);
  if (names.length === 0) return {};
  const sums = names.map((name, index) => `coalesce(sum(${sizeExpression(quoteDuckDbIdentifier(name), parseTypeName(columns[name]))}), 0)::bigint as c${index}`);
  const [row] = await engine.query(`select ${sums.join(",\n  ")}\nfrom ${engine.quoteTable(table)}`);
  return Object.fromEntries(names.map((name, index) => [name, Number(row[`c${index}`])]));
}

export type PartitionGranularity = "HOUR" | "DAY" | "MONTH" | "YEAR";

/**
 * Bytes per column of each partition of `table`, partitioned by `granularity` of its DATE or
 * TIMESTAMP column `partitionColumn` (as BigQuery's time-unit column partitioning), with each
 * partition's range in microseconds since 1970; rows whose column is NULL form one partition
 * with null bounds. A TIMESTAMPTZ column is truncated in the session's time zone (UTC).
 */
export async function partitionBytesInDuckDb(
  engine: Engine,
  table: TableRef,
  columns: ColumnTypes,
  partitionColumn: string,
  granularity: PartitionGranularity,
): Promise<PartitionBytes[]> {
  const names = Object.keys(columns);
  const unit = granularity.toLowerCase();
  const start = `date_trunc('${unit}', cast(${quoteDuckDbIdentifier(partitionColumn)} as timestamp))`;
  const sums = names.map((name, index) => `coalesce(sum(${sizeExpression(quoteDuckDbIdentifier(name), parseTypeName(columns[name]))}), 0)::bigint as c${index}`);
  const rows = await engine.query(
    `select epoch_us(${start}) as start_us, epoch_us(${start} + interval 1 ${unit}) as end_us${sums.length > 0 ? `,\n  ${sums.join(",\n  ")}` : ""}\nfrom ${engine.quoteTable(table)}\ngroup by all\norder by start_us nulls first`,
  );
  return rows.map((row) => ({
    startMicros: row.start_us === null ? null : Number(row.start_us),
    endMicros: row.end_us === null ? null : Number(row.end_us),
    columnBytes: Object.fromEntries(names.map((name, index) => [name, Number(row[`c${index}`])])),
  }));
}
