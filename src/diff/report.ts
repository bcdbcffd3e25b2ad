/**
 * The two forms of a diff report. The JSON form is a contract (other tools and the
 * fault-injection suite read it): every field is always present, `null` when it does not
 * apply; `version` changes when a field changes meaning or goes away.
 */
import type { DiffReport, TableDiff, TableStatus } from "./compare.js";

export const DIFF_JSON_VERSION = 1;

function jsonTable(table: TableDiff) {
  return {
    table: table.table,
    status: table.status,
    relationA: table.relationA,
    relationB: table.relationB,
    rowsA: table.rowsA ?? null,
    rowsB: table.rowsB ?? null,
    schema: table.schema,
    rows: table.rows ?? null,
    key: table.key ?? null,
    keySource: table.keySource ?? null,
    keyNote: table.keyNote ?? null,
    keyed: table.keyed ?? null,
  };
}

export function diffSummary(report: DiffReport): Record<TableStatus, number> & { tables: number } {
  const summary = { tables: report.tables.length, equal: 0, different: 0, only_in_a: 0, only_in_b: 0, absent: 0 };
  for (const table of report.tables) summary[table.status]++;
  return summary;
}

export function formatDiffJson(report: DiffReport): string {
  const document = {
    version: DIFF_JSON_VERSION,
    equal: report.equal,
    a: report.a,
    b: report.b,
    engine: report.dialect,
    sampleSize: report.options.sampleSize,
    tolerance: report.options.tolerance ?? null,
    summary: diffSummary(report),
    tables: report.tables.map(jsonTable),
  };
  return JSON.stringify(document, null, 2) + "\n";
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

function showRow(row: Record<string, unknown>): string {
  return Object.entries(row)
    .map(([name, value]) => `${name}=${show(value)}`)
    .join(", ");
}

const MARK: Record<TableStatus, string> = { equal: "same  ", different: "DIFF  ", only_in_a: "ONLY A", only_in_b: "ONLY B", absent: "absent" };

function rowsText(count: number | undefined): string {
  return `${count} row${count === 1 ? "" : "s"}`;
}

function rowCounts(table: TableDiff): string {
  if (table.status === "only_in_a") return "missing from B";
  if (table.status === "only_in_b") return "missing from A";
  if (table.status === "absent") return "on neither side";
  return table.rowsA === table.rowsB ? rowsText(table.rowsA) : `${rowsText(table.rowsA)} in A, ${table.rowsB} in B`;
}

function tableDetails(table: TableDiff): string[] {
  const lines: string[] = [];
  const { schema } = table;
  for (const column of schema.onlyInA) lines.push(`column ${column.name} (${column.type}) only in A`);
  for (const column of schema.onlyInB) lines.push(`column ${column.name} (${column.type}) only in B`);
  for (const column of schema.typeChanged) lines.push(`column ${column.name}: type ${column.typeA} in A, ${column.typeB} in B (values not compared)`);
  if (table.rows) {
    // Where every changed row is a matched key with differing columns, the column samples say it better.
    const explainedByColumns = table.keyed !== undefined && table.keyed.onlyInA === 0 && table.keyed.onlyInB === 0 && table.keyed.columns.length > 0;
    if (explainedByColumns && (table.rows.onlyInA.count > 0 || table.rows.onlyInB.count > 0)) {
      lines.push(`${table.rows.onlyInA.count} row(s) only in A, ${table.rows.onlyInB.count} only in B (samples in --format json)`);
    }
    for (const [side, found] of explainedByColumns ? [] : ([
      ["A", table.rows.onlyInA],
      ["B", table.rows.onlyInB],
    ] as const)) {
      if (found.count === 0) continue;
      lines.push(`${found.count} row(s) only in ${side}${found.sample.length < found.count ? `, e.g.` : ":"}`);
      for (const row of found.sample) lines.push(`  ${showRow(row)}`);
    }
  }
  if (table.keyed) {
    const { keyed } = table;
    const key = table.key?.join(", ");
    if (keyed.onlyInA > 0 || keyed.onlyInB > 0 || keyed.columns.length > 0) {
      lines.push(`key (${key}): ${keyed.matched} matched, ${keyed.onlyInA} only in A, ${keyed.onlyInB} only in B`);
    }
    for (const column of keyed.columns) {
      lines.push(`column ${column.column}: differs for ${column.keysDiffering} key(s)`);
      for (const sample of column.sample) lines.push(`  ${showRow(sample.key)}: A ${show(sample.a)}, B ${show(sample.b)}`);
    }
  }
  if (table.keyNote && table.status !== "equal") lines.push(`note: ${table.keyNote}`);
  return lines;
}

export function formatDiffText(report: DiffReport): string {
  const lines = [`A: ${report.a}`, `B: ${report.b}`, ""];
  const width = Math.max(0, ...report.tables.map((table) => table.table.length));
  for (const table of report.tables) {
    const keyed = table.keyed ? `key ${table.key?.join(", ")}` : "whole rows";
    const where = table.status === "equal" || table.status === "different" ? `  (${keyed})` : "";
    lines.push(`${MARK[table.status]}  ${table.table.padEnd(width)}  ${rowCounts(table)}${where}`);
    for (const detail of tableDetails(table)) lines.push(`          ${detail}`);
  }
  const summary = diffSummary(report);
  const parts = [`${summary.equal} equal`, `${summary.different} different`];
  if (summary.only_in_a > 0) parts.push(`${summary.only_in_a} only in A`);
  if (summary.only_in_b > 0) parts.push(`${summary.only_in_b} only in B`);
  if (summary.absent > 0) parts.push(`${summary.absent} on neither side`);
  if (report.options.tolerance !== undefined) parts.push(`floats within ${report.options.tolerance} count as equal where a key is known`);
  lines.push("", `${summary.tables} table(s): ${parts.join(", ")}. ${report.equal ? "No difference." : "The two sides differ."}`);
  return lines.join("\n") + "\n";
}
