/** How commands talk to a person: progress lines, result tables, summaries. */
import type { CompiledGraph } from "../compile/graph-types.js";
import type { Row } from "../engines/engine.js";
import { type Action, stockActionCount } from "../graph/actions.js";
import type { PlanNode } from "../runner/plan.js";
import { type ActionResult, summarize } from "../runner/results.js";
import { createProgressSink, type LogFormat, type ProgressEvent } from "./progress.js";

export interface Reporter {
  readonly logFormat: LogFormat;
  info(message: string): void;
  warn(message: string): void;
  /** A load or run event: a log line, a JSON line, or the live line (progress.ts). */
  event(event: ProgressEvent): void;
  /** On a terminal, draw a live line of what runs (long commands only: it loads log-update). */
  startLiveLine(): Promise<void>;
  close(): void;
}

export function createReporter(options: { quiet: boolean; logFormat?: LogFormat }): Reporter {
  const logFormat = options.logFormat ?? "text";
  const sink = createProgressSink({
    format: logFormat,
    quiet: options.quiet,
    stream: process.stdout,
    errorStream: process.stderr,
    interactive: Boolean(process.stdout.isTTY),
  });
  return {
    logFormat,
    info: (message) => sink.emit({ event: "log", level: "info", message }),
    warn: (message) => sink.emit({ event: "log", level: "warn", message }),
    event: (event) => sink.emit(event),
    startLiveLine: () => sink.startLiveLine(),
    close: () => sink.close(),
  };
}

export function progressHandlers(reporter: Reporter) {
  return {
    onStart: (node: PlanNode, total: number) =>
      reporter.event({ event: "action_started", name: node.action.name, kind: node.action.kind, file: node.action.fileName, total }),
    onResult: (result: ActionResult, done: number, total: number) => reporter.event({ event: "action_finished", done, total, result }),
  };
}

/** The summary event of --log-format json: the counts and every failure. */
export function summaryEvent(command: string, results: ActionResult[], elapsedSeconds: number): ProgressEvent {
  const counts = summarize(results);
  return {
    event: "summary",
    command,
    elapsedSeconds: Number(elapsedSeconds.toFixed(3)),
    ...counts,
    unchanged: results.filter((result) => result.unchanged).length,
    failures: results
      .filter((result) => result.status === "failed")
      .map((result) => ({ name: result.name, file: result.fileName, line: result.errorLine ?? null, column: result.errorColumn ?? null, error: result.error ?? "failed" })),
  };
}

/** `file:line:column` of a failed action's error when located, else its file. */
export function sourceReference(result: ActionResult): string {
  if (result.errorLine === undefined) return result.fileName;
  return `${result.fileName}:${result.errorLine}${result.errorColumn !== undefined ? `:${result.errorColumn}` : ""}`;
}

/** The end-of-run summary: counts, then every failure and every skip with its reason. */
export function formatSummary(results: ActionResult[], elapsedSeconds: number): string {
  const counts = summarize(results);
  const unchanged = results.filter((result) => result.unchanged).length;
  const passed = unchanged > 0 ? `${counts.success} passed (${unchanged} unchanged, not rebuilt)` : `${counts.success} passed`;
  const lines = [`${results.length} action(s) in ${elapsedSeconds.toFixed(2)}s: ${passed}, ${counts.failed} failed, ${counts.skipped} skipped`];
  for (const result of results.filter((candidate) => candidate.status === "failed")) {
    lines.push(`  FAIL ${result.name}${result.fileName ? ` (${sourceReference(result)})` : ""}: ${result.error ?? "failed"}`);
    for (const row of result.sample ?? []) lines.push(`       ${JSON.stringify(row)}`);
  }
  const byName = new Map(results.map((result) => [result.name, result]));
  for (const result of results.filter((candidate) => candidate.status === "skipped")) {
    lines.push(`  SKIP ${result.name}: ${skipReason(result, byName)}`);
  }
  for (const result of results.filter((candidate) => candidate.status !== "skipped")) {
    for (const warning of result.warnings ?? []) lines.push(`  WARN ${result.name}: ${warning}`);
  }
  return lines.join("\n");
}

/**
 * "8 action(s) (and 1 declaration(s), 1 test(s))": actions counted as the stock CLI counts
 * them (tables, views, incrementals, assertions, operations), the rest named apart.
 */
export function describeActionCounts(graph: CompiledGraph, actions: Iterable<Action>): string {
  const all = [...actions];
  const others = (["declaration", "test", "notebook"] as const)
    .map((kind) => [kind, all.filter((action) => action.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}(s)`);
  return `${stockActionCount(graph)} action(s)${others.length > 0 ? ` (and ${others.join(", ")})` : ""}`;
}

function skipReason(result: ActionResult, byName: Map<string, ActionResult>): string {
  if (result.warnings?.length) return result.warnings.join("; ");
  const cause = result.skippedBecause;
  if (!cause || cause.startsWith("--")) return cause ?? "skipped";
  return byName.get(cause)?.status === "skipped" ? `upstream ${cause} was not run` : `upstream ${cause} failed`;
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
