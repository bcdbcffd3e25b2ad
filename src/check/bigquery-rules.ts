/**
 * BigQuery rules the ZetaSQL analyzer does not enforce, checked on its resolved output.
 */
import type { ResolvedStatementSummary } from "./zetasql/resolved-output.js";
import { typeName } from "./zetasql/types.js";

const PARTITION_TYPES = new Set(["TYPE_DATE", "TYPE_TIMESTAMP", "TYPE_DATETIME"]);

/**
 * A table is partitioned by a DATE, TIMESTAMP or DATETIME expression (a column, DATE(…),
 * TIMESTAMP_TRUNC(…), …) or by RANGE_BUCKET over an INT64 column; the analyzer accepts any
 * non-float expression.
 */
export function partitionProblem(summary: ResolvedStatementSummary): string | undefined {
  const expressions = summary.partitionBy ?? [];
  if (expressions.length > 1) return `BigQuery partitions a table by one expression, PARTITION BY has ${expressions.length}`;
  const [expression] = expressions;
  if (!expression || PARTITION_TYPES.has(expression.type.typeKind)) return undefined;
  if (expression.type.typeKind === "TYPE_INT64" && expression.functionName === "range_bucket") return undefined;
  return `BigQuery partitions only by a DATE, TIMESTAMP or DATETIME expression or by RANGE_BUCKET over an INT64 column; this PARTITION BY is ${typeName(expression.type)}`;
}
