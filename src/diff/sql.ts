/**
 * The SQL `c360 diff` sends, rendered for one dialect from plain inputs (relation names
 * already quoted, column names, types), so that the plan is unit-testable and the BigQuery
 * form can be analyzed offline.
 *
 * - Rows only in one side: EXCEPT ALL (a multiset difference: a row present twice in A and
 *   once in B is once "only in A"). DuckDB has EXCEPT ALL; BigQuery has only EXCEPT
 *   DISTINCT and cannot group arrays, so there each row is fingerprinted with
 *   TO_JSON_STRING, counted per fingerprint on both sides, and the surplus expanded back to
 *   rows: the same multiset difference. NULL equals NULL in both forms, as in EXCEPT.
 * - Columns that differ for a matching key: a full outer join on the key (a NULL key
 *   matches a NULL key); a value differs when `a is distinct from b` (DuckDB; lists and structs included)
 *   or when the TO_JSON_STRING texts differ (BigQuery, where arrays and structs are not
 *   comparable with `=`). Floating-point values compare exactly unless a tolerance is given.
 */
import { quoteIdentifier as quoteDuckDb } from "../engines/duckdb/references.js";
import type { Dialect } from "../engines/engine.js";
import { quoteIdentifier as quoteBigQuery } from "../engines/bigquery/statements.js";

/** Column of the window total the sample queries carry (read back, never shown). */
export const TOTAL_COLUMN = "c360_diff_total";
/** Marker columns of the keyed join: true when the key is present on that side. */
const IN_A = "c360_in_a";
const IN_B = "c360_in_b";
/** BigQuery: the key columns as one JSON text, the join's equality. */
const KEY_TEXT = "c360_key";

export interface DiffColumn {
  name: string;
  /** The warehouse's type name (both sides report the same one, or the column is not compared). */
  type: string;
}

const FLOAT_TYPES = /^(float|float4|float8|float64|double|real)$/i;

export function isFloatType(type: string): boolean {
  return FLOAT_TYPES.test(type.trim());
}

export function quoteFor(dialect: Dialect): (identifier: string) => string {
  return dialect === "duckdb" ? quoteDuckDb : quoteBigQuery;
}

function indent(sql: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return sql
    .split("\n")
    .map((line) => (line ? pad + line : line))
    .join("\n");
}

/** Both row counts in one query: columns rows_a, rows_b. */
export function rowCountSql(a: string, b: string): string {
  return `select\n  (select count(*) from ${a}) as rows_a,\n  (select count(*) from ${b}) as rows_b`;
}

/**
 * Rows of `from` that `minus` lacks (EXCEPT ALL), at most `sampleSize` of them in a stable
 * order, each carrying the total number of such rows in TOTAL_COLUMN. No row means none.
 */
export function exceptAllSql(dialect: Dialect, from: string, minus: string, columns: DiffColumn[], sampleSize: number): string {
  const quote = quoteFor(dialect);
  const list = columns.map((column) => quote(column.name)).join(", ");
  // LIMIT 0 would lose the total: one row is always read, and the caller keeps sampleSize of them.
  const limit = Math.max(1, sampleSize);
  if (dialect === "duckdb") {
    return [
      "with",
      "  only_rows as (",
      `    select ${list} from ${from}`,
      "    except all",
      `    select ${list} from ${minus}`,
      "  )",
      `select *, count(*) over () as ${TOTAL_COLUMN}`,
      "from only_rows",
      "order by all",
      `limit ${limit}`,
    ].join("\n");
  }
  const counted = (name: string, relation: string) =>
    [
      `  ${name} as (`,
      "    select to_json_string(side_row) as row_fingerprint, any_value(side_row) as row_value, count(*) as row_count",
      `    from (select ${list} from ${relation}) as side_row`,
      "    group by row_fingerprint",
      "  ),",
    ].join("\n");
  return [
    "with",
    counted("from_rows", from),
    counted("minus_rows", minus),
    "  only_rows as (",
    "    select from_rows.row_fingerprint, from_rows.row_value, from_rows.row_count - coalesce(minus_rows.row_count, 0) as surplus",
    "    from from_rows",
    "    left join minus_rows on from_rows.row_fingerprint = minus_rows.row_fingerprint",
    "    where from_rows.row_count > coalesce(minus_rows.row_count, 0)",
    "  )",
    `select only_rows.row_value.*, count(*) over () as ${TOTAL_COLUMN}`,
    "from only_rows",
    "cross join unnest(generate_array(1, only_rows.surplus)) as copy_number",
    "order by only_rows.row_fingerprint, copy_number",
    `limit ${limit}`,
  ].join("\n");
}

export interface KeyedComparison {
  /** Key columns (NULL matches NULL). */
  key: DiffColumn[];
  /** Non-key columns present with the same type on both sides. */
  columns: DiffColumn[];
  /** Absolute tolerance for floating-point columns; undefined compares exactly. */
  tolerance?: number;
}

/** Positional aliases of the joined relation: no user column name can clash with them. */
export const keyAlias = (index: number) => `key_${index}`;
export const aAlias = (index: number) => `a_${index}`;
export const bAlias = (index: number) => `b_${index}`;
export const differsAlias = (index: number) => `differs_${index}`;

function joinedCte(dialect: Dialect, a: string, b: string, comparison: KeyedComparison): string {
  const quote = quoteFor(dialect);
  const all = [...comparison.key, ...comparison.columns].map((column) => quote(column.name)).join(", ");
  const select = [
    ...comparison.key.map((column, index) => `coalesce(a_rows.${quote(column.name)}, b_rows.${quote(column.name)}) as ${keyAlias(index)}`),
    `a_rows.${IN_A}`,
    `b_rows.${IN_B}`,
    ...comparison.columns.map((column, index) => `a_rows.${quote(column.name)} as ${aAlias(index)}`),
    ...comparison.columns.map((column, index) => `b_rows.${quote(column.name)} as ${bAlias(index)}`),
  ];
  // NULL keys match NULL keys, as EXCEPT treats them. BigQuery's FULL OUTER JOIN needs an
  // equality of the two sides' fields, so there the key is joined as one JSON text.
  const keyText = `to_json_string(struct(${comparison.key.map((column) => quote(column.name)).join(", ")})) as ${KEY_TEXT}, `;
  const extra = dialect === "bigquery" ? keyText : "";
  const on =
    dialect === "bigquery"
      ? `a_rows.${KEY_TEXT} = b_rows.${KEY_TEXT}`
      : comparison.key.map((column) => `a_rows.${quote(column.name)} is not distinct from b_rows.${quote(column.name)}`).join(" and ");
  return [
    "with",
    `  a_rows as (select true as ${IN_A}, ${extra}${all} from ${a}),`,
    `  b_rows as (select true as ${IN_B}, ${extra}${all} from ${b}),`,
    "  joined as (",
    "    select",
    indent(select.join(",\n"), 6),
    "    from a_rows",
    `    full outer join b_rows on ${on}`,
    "  )",
  ].join("\n");
}

/** The SQL condition "column `index` differs between the two sides" over the joined relation. */
export function differsCondition(dialect: Dialect, column: DiffColumn, index: number, tolerance?: number): string {
  const a = aAlias(index);
  const b = bAlias(index);
  const same = dialect === "duckdb" ? `${a} is not distinct from ${b}` : `to_json_string(${a}) = to_json_string(${b})`;
  if (tolerance === undefined || !isFloatType(column.type)) return `not (${same})`;
  return `case when ${same} then false when ${a} is null or ${b} is null then true else not (abs(${a} - ${b}) <= ${tolerance}) end`;
}

const bothSides = `${IN_A} and ${IN_B}`;

/**
 * One row: matched_keys, keys_only_in_a, keys_only_in_b and, per compared column i,
 * differs_i (matched keys whose values differ).
 */
export function keyedSummarySql(dialect: Dialect, a: string, b: string, comparison: KeyedComparison): string {
  const count = (condition: string) => `coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
  const measures = [
    `${count(bothSides)} as matched_keys`,
    `${count(`${IN_B} is null`)} as keys_only_in_a`,
    `${count(`${IN_A} is null`)} as keys_only_in_b`,
    ...comparison.columns.map(
      (column, index) => `${count(`${bothSides} and ${differsCondition(dialect, column, index, comparison.tolerance)}`)} as ${differsAlias(index)}`,
    ),
  ];
  return `${joinedCte(dialect, a, b, comparison)}\nselect\n${indent(measures.join(",\n"), 2)}\nfrom joined`;
}

/** Up to sampleSize matched keys whose column `index` differs: key_*, a_<index>, b_<index>, ordered by key. */
export function columnSampleSql(dialect: Dialect, a: string, b: string, comparison: KeyedComparison, index: number, sampleSize: number): string {
  const keys = comparison.key.map((_column, keyIndex) => keyAlias(keyIndex));
  const condition = differsCondition(dialect, comparison.columns[index], index, comparison.tolerance);
  return [
    joinedCte(dialect, a, b, comparison),
    `select ${[...keys, aAlias(index), bAlias(index)].join(", ")}`,
    "from joined",
    `where ${bothSides} and ${condition}`,
    `order by ${keys.join(", ")}`,
    `limit ${sampleSize}`,
  ].join("\n");
}
