/**
 * The contract-test double of the BigQuery REST API (tests/engines/bigquery/contract-server.ts)
 * answering dry runs with estimated bytes: its tables are seeded with their schemas (so the
 * engine finds them, e.g. an incremental's target) and the estimator with their sizes.
 */
import type { BigQueryContractServer, FieldSchema } from "../../tests/engines/bigquery/contract-server.js";
import { errorMessage } from "../../src/errors.js";
import type { TypeProto } from "../../src/check/zetasql/protos.js";
import { parseTypeName, typeName } from "../../src/check/zetasql/types.js";
import type { DryRunBytesEstimator, SizedTable, StatementEstimate } from "./estimator.js";

/** A column as tables.get describes it: arrays are REPEATED fields, structs RECORDs with fields. */
export function fieldSchema(name: string, type: TypeProto): FieldSchema {
  if (type.typeKind === "TYPE_ARRAY") return { ...fieldSchema(name, type.arrayType!.elementType), mode: "REPEATED" };
  if (type.typeKind === "TYPE_STRUCT") {
    return { name, type: "RECORD", mode: "NULLABLE", fields: type.structType!.field.map((field) => fieldSchema(field.fieldName, field.fieldType)) };
  }
  return { name, type: typeName(type), mode: "NULLABLE" };
}

/** Adds a table (and its dataset) to the double and its sizes to the estimator. */
export function seedSizedTable(server: BigQueryContractServer, estimator: DryRunBytesEstimator, table: SizedTable, location = "US"): void {
  const dataset = `${table.database}.${table.schema}`;
  if (!server.datasets.has(dataset)) server.datasets.set(dataset, { location });
  const fields = Object.entries(table.columns).map(([name, type]) => fieldSchema(name, parseTypeName(type)));
  server.tables.set(`${dataset}.${table.name}`, { type: "TABLE", schema: { fields } });
  estimator.addTable(table);
}

/**
 * Every query job the double receives is estimated; `onEstimate` sees each statement and its
 * estimate. A statement the estimator cannot price fails its dry run with the reason.
 */
export function answerDryRunsWithEstimates(
  server: BigQueryContractServer,
  estimator: DryRunBytesEstimator,
  onEstimate: (sql: string, estimate: StatementEstimate) => void = () => {},
): void {
  server.onQuery = async (sql) => {
    try {
      const estimate = await estimator.estimate(sql);
      onEstimate(sql, estimate);
      // A query's dry run also reports its result schema (what an incremental's onSchemaChange check reads).
      const schema = estimate.outputColumns?.map((column) => fieldSchema(column.name, column.type));
      return { totalBytesProcessed: estimate.bytes, ...(schema ? { schema } : {}) };
    } catch (error) {
      return { error: { reason: "invalidQuery", message: errorMessage(error) } };
    }
  };
}
