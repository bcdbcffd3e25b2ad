/**
 * The summary a project declares for the end of a build (c360.json `summary`): a title,
 * then one line per query, printed from its result, then the project's notes as written.
 * Queries name tables as SQLX does, `${ref('name')}` or `${ref('schema', 'name')}`, so the
 * same summary reads the right tables on every target (schema suffixes, BigQuery projects).
 *
 * How a result prints, after the line's label:
 * - no row: the line's `empty` text (default "none");
 * - one row of one column: its value;
 * - one row of several columns: "value name" pairs ("20 customers, 17 known");
 * - rows of two columns: "first second" pairs ("Loyal 12, Lost 3");
 * - other rows: one indented line each, columns aligned.
 * Whole numbers get thousands separators; `decimals` rounds decimal values for printing.
 * A query that fails prints its error on its line: the build itself has passed.
 */
import type { SummaryConfig, SummaryLineConfig } from "../config/summary.js";
import type { Engine, Row } from "../engines/engine.js";
import { errorMessage, UsageError } from "../errors.js";
import type { Action } from "../graph/actions.js";

/** Labels are padded to this width, so that values line up (notes can line up with them). */
const LABEL_WIDTH = 15;
const REF = /\$\{\s*ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*\}/g;

/** The query with every ${ref(...)} replaced by the engine's quoted name of that action's table. */
export function resolveRefs(sql: string, actions: Map<string, Action>, engine: Pick<Engine, "quoteTable">): string {
  return sql.replace(REF, (_match, _quote, first: string, _quote2, second: string | undefined) => {
    const matches = [...actions.values()].filter((action) =>
      second === undefined ? action.target.name === first : action.target.schema === first && action.target.name === second,
    );
    const name = second === undefined ? first : `${first}.${second}`;
    if (matches.length === 0) throw new UsageError(`c360.json summary: ref('${name}') names no action of the project`);
    if (matches.length > 1) {
      throw new UsageError(`c360.json summary: ref('${name}') is ambiguous (${matches.map((action) => action.name).join(", ")}); name its schema: ref('schema', '${name}')`);
    }
    return engine.quoteTable(matches[0].target);
  });
}

export async function projectSummary(engine: Engine, actions: Map<string, Action>, config: SummaryConfig, options: { location?: string } = {}): Promise<string> {
  const lines = [config.title];
  for (const line of config.lines) {
    let text: string[];
    try {
      const sql = resolveRefs(Array.isArray(line.sql) ? line.sql.join("\n") : line.sql, actions, engine);
      text = renderResult(await engine.query(sql, { actionName: `build summary: ${line.label}` }), line);
    } catch (error) {
      text = [`(the query failed: ${errorMessage(error).split("\n")[0]})`];
    }
    lines.push(`  ${line.label.padEnd(LABEL_WIDTH)}${text[0]}`.trimEnd(), ...text.slice(1));
  }
  if (options.location) lines.push(`  ${"Built in".padEnd(LABEL_WIDTH)}${options.location}`);
  for (const note of config.notes ?? []) lines.push(`  ${note}`);
  return lines.join("\n");
}

/** The printed text of a query's rows: the first line follows the label, the others are indented. */
export function renderResult(rows: Row[], line: Pick<SummaryLineConfig, "decimals" | "empty">): string[] {
  if (rows.length === 0) return [line.empty ?? "none"];
  const columns = Object.keys(rows[0]);
  const value = (row: Row, column: string) => formatValue(row[column], line.decimals);
  if (rows.length === 1 && columns.length === 1) return [value(rows[0], columns[0])];
  if (rows.length === 1) return [columns.map((column) => `${value(rows[0], column)} ${column.replaceAll("_", " ")}`).join(", ")];
  if (columns.length === 2) return [rows.map((row) => `${value(row, columns[0])} ${value(row, columns[1])}`).join(", ")];
  const cells = rows.map((row) => columns.map((column) => value(row, column)));
  const widths = columns.map((_column, index) => Math.max(...cells.map((row) => row[index].length)));
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === "number" || typeof row[column] === "bigint"));
  return [
    "",
    ...cells.map((row) => `    ${row.map((cell, index) => (numeric[index] ? cell.padStart(widths[index]) : cell.padEnd(widths[index]))).join("  ").trimEnd()}`),
  ];
}

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export function formatValue(value: unknown, decimals?: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" && Number.isInteger(value)) return groupThousands(value);
  if (typeof value === "bigint") return groupThousands(value);
  if (typeof value === "number" && decimals !== undefined) return formatDecimalText(value.toFixed(decimals + 1), decimals);
  if (typeof value === "string" && decimals !== undefined && DECIMAL_TEXT.test(value)) return formatDecimalText(value, decimals);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** An exact decimal text rounded half away from zero to `decimals` places, with thousands separators (no float on the way). */
function formatDecimalText(text: string, decimals: number): string {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
  const scaled = BigInt(whole + fraction.padEnd(decimals, "0").slice(0, decimals));
  const rounded = fraction.length > decimals && Number(fraction[decimals]) >= 5 ? scaled + 1n : scaled;
  const digits = rounded.toString().padStart(decimals + 1, "0");
  const sign = negative && rounded !== 0n ? "-" : "";
  const integerPart = groupThousands(BigInt(digits.slice(0, digits.length - decimals)));
  return decimals === 0 ? `${sign}${integerPart}` : `${sign}${integerPart}.${digits.slice(digits.length - decimals)}`;
}

function groupThousands(value: number | bigint): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
