/**
 * BigQuery's logical data size, the measure on-demand queries are billed by ("Data size
 * calculation" in BigQuery's pricing documentation): INT64, FLOAT64, DATE, DATETIME, TIME
 * and TIMESTAMP 8 bytes, NUMERIC 16, BIGNUMERIC 32, INTERVAL and RANGE 16, BOOL 1, STRING 2 +
 * its UTF-8 bytes, BYTES 2 + its bytes, JSON its serialized UTF-8 text, ARRAY and STRUCT the
 * sum of what they hold, NULL 0. Written as DuckDB SQL, so that a column's size is summed
 * where its rows are (a local DuckDB build of the same data).
 */
import { C360Error } from "../../src/errors.js";
import type { TypeProto } from "../../src/check/zetasql/protos.js";
import { typeName } from "../../src/check/zetasql/types.js";

const FIXED_BYTES: Record<string, number> = {
  TYPE_INT64: 8,
  TYPE_DOUBLE: 8,
  TYPE_DATE: 8,
  TYPE_DATETIME: 8,
  TYPE_TIME: 8,
  TYPE_TIMESTAMP: 8,
  TYPE_NUMERIC: 16,
  TYPE_BIGNUMERIC: 32,
  TYPE_INTERVAL: 16,
  TYPE_RANGE: 16,
  TYPE_BOOL: 1,
};

function quoteDuckDbString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A DuckDB expression giving the logical size in bytes of `expression`, a value of BigQuery
 * type `type` (0 when it is NULL). `depth` names the lambda variables of nested arrays.
 */
export function sizeExpression(expression: string, type: TypeProto, depth = 0): string {
  const fixed = FIXED_BYTES[type.typeKind];
  if (fixed !== undefined) return `(case when ${expression} is null then 0 else ${fixed} end)`;
  switch (type.typeKind) {
    case "TYPE_STRING":
      return `coalesce(2 + strlen(cast(${expression} as varchar)), 0)`;
    case "TYPE_BYTES":
      return `coalesce(2 + octet_length(cast(${expression} as blob)), 0)`;
    case "TYPE_JSON":
      return `coalesce(strlen(cast(${expression} as varchar)), 0)`;
    case "TYPE_ARRAY": {
      const element = `element_${depth}`;
      const elementSize = sizeExpression(element, type.arrayType!.elementType, depth + 1);
      return `coalesce(list_sum(list_transform(${expression}, lambda ${element}: ${elementSize})), 0)`;
    }
    case "TYPE_STRUCT": {
      const fields = type.structType!.field.map((field) => sizeExpression(`struct_extract(${expression}, ${quoteDuckDbString(field.fieldName)})`, field.fieldType, depth));
      return `(case when ${expression} is null then 0 else ${fields.length > 0 ? fields.join(" + ") : "0"} end)`;
    }
    default:
      // GEOGRAPHY is 16 bytes + 24 per vertex: no DuckDB column of this project's kind holds one.
      throw new C360Error(`The size of a BigQuery ${typeName(type)} value is not modelled (only the types BigQuery's data size rules give a fixed or textual size).`);
  }
}

/** Quotes a DuckDB identifier. */
export function quoteDuckDbIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
