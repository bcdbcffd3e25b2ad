/** How commands talk to a person: progress lines, result tables, summaries. */
import type { Row } from "../engines/engine.js";
import type { PlanNode } from "../runner/plan.js";
import { type ActionResult, summarize } from "../runner/results.js";

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  /** Live progress; silent when not a TTY or with --quiet. */
  progress(message: string): void;
}

export function createReporter(options: { quiet: boolean }): Reporter {
  const interactive = Boolean(process.stderr.isTTY) && !options.quiet;
  return {
    info: (message) => {
      if (!options.quiet) process.stdout.write(message + "\n");
    },
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    progress: (message) => {
      if (interactive) process.stderr.write(message + "\n");
    },
  };
}

const STATUS_MARK: Record<ActionResult["status"], string> = { success: "OK  ", failed: "FAIL", skipped: "SKIP" };

export function progressHandlers(reporter: Reporter) {
  return {
    onStart: (node: PlanNode) => reporter.progress(`  ...  ${node.action.kind.padEnd(11)} ${node.action.name}`),
    onResult: (result: ActionResult, done: number, total: number) => {
      const rows = result.rowsAffected !== undefined ? ` ${result.rowsAffected} rows` : "";
      const mark = result.unchanged ? "SAME" : STATUS_MARK[result.status];
      const detail = result.unchanged ? "unchanged, not rebuilt" : `${result.seconds.toFixed(2)}s${rows}`;
      reporter.progress(`[${String(done).padStart(String(total).length)}/${total}] ${mark} ${result.kind.padEnd(11)} ${result.name} (${detail})`);
    },
  };
}

/** The end-of-run summary: counts, then every failure and every skip with its reason. */
export function formatSummary(results: ActionResult[], elapsedSeconds: number): string {
  const counts = summarize(results);
  const unchanged = results.filter((result) => result.unchanged).length;
  const passed = unchanged > 0 ? `${counts.success} passed (${unchanged} unchanged, not rebuilt)` : `${counts.success} passed`;
  const lines = [`${results.length} action(s) in ${elapsedSeconds.toFixed(2)}s: ${passed}, ${counts.failed} failed, ${counts.skipped} skipped`];
  for (const result of results.filter((candidate) => candidate.status === "failed")) {
    lines.push(`  FAIL ${result.name}${result.fileName ? ` (${result.fileName})` : ""}: ${result.error ?? "failed"}`);
    for (const row of result.sample ?? []) lines.push(`       ${JSON.stringify(row)}`);
  }
  for (const result of results) for (const warning of result.warnings ?? []) lines.push(`  WARN ${result.name}: ${warning}`);
  for (const result of results.filter((candidate) => candidate.status === "skipped")) {
    lines.push(`  SKIP ${result.name}: ${result.skippedBecause?.startsWith("--") ? result.skippedBecause : `upstream ${result.skippedBecause} failed`}`);
  }
  return lines.join("\n");
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Rows as an aligned text table. */
export function formatTable(rows: Row[]): string {
  if (rows.length === 0) return "(0 rows)";
  const columns = Object.keys(rows[0]);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index])).join(" | ").trimEnd();
  return [line(columns), widths.map((width) => "-".repeat(width)).join("-+-"), ...rows.map((row) => line(columns.map((column) => cell(row[column])))), `(${rows.length} row${rows.length === 1 ? "" : "s"})`].join("\n");
}

/** Rows as RFC 4180 CSV. */
export function formatCsv(rows: Row[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]);
  const quote = (value: unknown) => {
    if (value === null || value === undefined) return "";
    const text = cell(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map(quote).join(","), ...rows.map((row) => columns.map((column) => quote(row[column])).join(","))].join("\n") + "\n";
}
