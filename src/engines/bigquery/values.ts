/**
 * BigQuery's REST rows ({f: [{v}]}, every scalar as text) to plain JavaScript, the way the
 * DuckDB engine returns them: exact decimals stay strings (never floats), integers become
 * numbers when they fit, dates and times stay ISO text, timestamps become ISO-8601 UTC.
 */
import type { ColumnInfo, Row } from "../engine.js";

export interface TableFieldSchema {
  name: string;
  type: string;
  mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  fields?: TableFieldSchema[];
}

interface Cell {
  v: unknown;
}

/** Timestamps arrive as microseconds since the epoch (formatOptions.useInt64Timestamp). */
function timestampText(micros: string): string {
  const value = BigInt(micros);
  const millis = value / 1000n - (value % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(millis)).toISOString();
  const extra = ((value % 1_000_000n) + 1_000_000n) % 1_000_000n;
  // Keep microsecond precision: BigQuery timestamps have it, Date has milliseconds only.
  return extra % 1000n === 0n ? iso : `${iso.slice(0, 19)}.${extra.toString().padStart(6, "0")}Z`;
}

function scalar(type: string, value: string): unknown {
  switch (type) {
    case "INTEGER":
    case "INT64": {
      const asNumber = Number(value);
      return Number.isSafeInteger(asNumber) ? asNumber : value;
    }
    case "FLOAT":
    case "FLOAT64":
      return Number(value);
    case "BOOLEAN":
    case "BOOL":
      return value === "true";
    case "TIMESTAMP":
      return timestampText(value);
    default:
      // NUMERIC, BIGNUMERIC, STRING, BYTES (base64), DATE, DATETIME, TIME, JSON, GEOGRAPHY, INTERVAL, RANGE
      return value;
  }
}

function convert(field: TableFieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === "REPEATED") {
    return (value as Cell[]).map((element) => convert({ ...field, mode: "NULLABLE" }, element.v));
  }
  if (field.type === "RECORD" || field.type === "STRUCT") {
    const cells = (value as { f: Cell[] }).f;
    return Object.fromEntries((field.fields ?? []).map((child, index) => [child.name, convert(child, cells[index]?.v)]));
  }
  return scalar(field.type, String(value));
}

export function convertRows(schema: TableFieldSchema[], rows: { f: Cell[] }[] = []): Row[] {
  return rows.map((row) => Object.fromEntries(schema.map((field, index) => [field.name, convert(field, row.f[index]?.v)])));
}

const STANDARD_NAMES: Record<string, string> = { INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL", RECORD: "STRUCT" };

/** A field's type as GoogleSQL writes it (tables.get uses legacy names: INTEGER, RECORD…). */
export function fieldTypeName(field: TableFieldSchema): string {
  const base = STANDARD_NAMES[field.type] ?? field.type;
  const type = base === "STRUCT" ? `STRUCT<${(field.fields ?? []).map((child) => `${child.name} ${fieldTypeName(child)}`).join(", ")}>` : base;
  return field.mode === "REPEATED" ? `ARRAY<${type}>` : type;
}

export function schemaToColumns(schema: TableFieldSchema[]): ColumnInfo[] {
  return schema.map((field) => ({ name: field.name, type: fieldTypeName(field) }));
}
