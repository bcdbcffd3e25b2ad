/**
 * Rows as JSON for `c360 query --format json`. Engines return exact decimals (and integers
 * beyond 2^53) as strings so that nothing is rounded; JSON readers want numbers. The rule:
 * a value of a numeric column is printed as a JSON number when a reader that parses it into
 * a double gets back exactly the same decimal (368717.100000000 → 368717.1); otherwise it
 * stays an exact string (12345678901234567890.123456789, 9007199254740993), so no digit is
 * ever lost. Text columns stay strings even when they look like numbers ("00501"). Arrays of
 * numbers follow the rule; fields inside a STRUCT are left as the engine returns them.
 */
import type { ColumnInfo, Row } from "../engines/engine.js";

/** Exact numeric types whose values engines hand over as text: DuckDB and BigQuery names. */
const EXACT_NUMERIC = /^(DECIMAL|NUMERIC|BIGNUMERIC|BIGDECIMAL|HUGEINT|UHUGEINT|BIGINT|UBIGINT|INT64|INTEGER|INT)\b/i;
const ARRAY_OF = /^(?:ARRAY<(.*)>|(.*)\[\])$/i;

/** A decimal text without sign noise, leading zeros or trailing fractional zeros. */
function canonical(text: string): string {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^[-+]/, "").split(".");
  const trimmedWhole = whole.replace(/^0+(?=\d)/, "");
  const trimmedFraction = fraction.replace(/0+$/, "");
  const zero = /^0*$/.test(trimmedWhole + trimmedFraction);
  return `${negative && !zero ? "-" : ""}${trimmedWhole}${trimmedFraction ? `.${trimmedFraction}` : ""}`;
}

/** The shortest decimal that reads back as this double, without exponent (1e-7 → 0.0000001). */
function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, first, rest = "", exponentText] = match;
  const digits = first + rest;
  const point = 1 + Number(exponentText);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  return point >= digits.length ? `${sign}${digits}${"0".repeat(point - digits.length)}` : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The number a decimal text denotes, when a double carries it exactly; else undefined. */
export function exactNumber(text: string): number | undefined {
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  if (value === 0) return 0; // no -0
  return canonical(plainDecimal(value)) === canonical(text) ? value : undefined;
}

function jsonValue(value: unknown, type: string): unknown {
  const array = ARRAY_OF.exec(type.trim());
  if (array && Array.isArray(value)) return value.map((element) => jsonValue(element, array[1] ?? array[2]));
  if (typeof value === "string" && EXACT_NUMERIC.test(type.trim())) return exactNumber(value) ?? value;
  return value;
}

/** The rows with every numeric value a JSON number where that loses nothing. */
export function jsonRows(columns: ColumnInfo[], rows: Row[]): Row[] {
  const types = new Map(columns.map((column) => [column.name, column.type]));
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, jsonValue(value, types.get(name) ?? "")])));
}
