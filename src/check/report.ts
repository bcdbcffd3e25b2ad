/** What `c360 check` found, and how the CLI prints it. */
import type { ColumnTypes } from "./catalog.js";

export interface CheckProblem {
  /** Action name as the runner names it (schema.name, or test.<name>). */
  actionName: string;
  /** The SQLX/JS file that defines the action. */
  fileName: string;
  /** Which statement: "query", "pre_operations[0]", "incremental merge", "operations[1]", … */
  statement: string;
  message: string;
  /**
   * 1-based position, when the analyzer gave one: in the action's file when lineInFile,
   * else in the compiled SQL of that statement.
   */
  line?: number;
  lineInFile?: boolean;
  column?: number;
  /** The offending line of compiled SQL. */
  sourceLine?: string;
}

export interface SkippedAction {
  actionName: string;
  fileName: string;
  because: string;
}

export interface CheckTimings {
  compileSeconds: number;
  /** Starting the ZetaSQL service (0 when the caller passed a running analyzer). */
  analyzerStartSeconds: number;
  analysisSeconds: number;
  totalSeconds: number;
}

export interface CheckReport {
  ok: boolean;
  errors: CheckProblem[];
  /** Statements that parse but that the analyzer cannot resolve (BigQuery scripting). */
  warnings: CheckProblem[];
  /** Actions not analyzed because an upstream's schema is unknown. */
  skipped: SkippedAction[];
  actionsChecked: number;
  statementsAnalyzed: number;
  /** The output schema the analyzer reported for each table, view and declared source. */
  schemas: Record<string, ColumnTypes>;
  timings: CheckTimings;
}

function describe(problem: CheckProblem): string {
  const column = problem.column !== undefined ? `:${problem.column}` : "";
  const file = problem.fileName || "(no file)";
  const location = problem.line !== undefined && problem.lineInFile ? `${file}:${problem.line}${column}` : file;
  const statement = problem.line !== undefined && !problem.lineInFile ? `${problem.statement}, compiled line ${problem.line}${column}` : problem.statement;
  let text = `${location} [${problem.actionName}] (${statement}): ${problem.message}`;
  if (problem.sourceLine !== undefined && problem.sourceLine.trim() !== "") {
    text += `\n      | ${problem.sourceLine}`;
    if (problem.column !== undefined) text += `\n      | ${" ".repeat(Math.max(0, problem.column - 1))}^`;
  }
  return text;
}

export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const error of report.errors) lines.push(`error: ${describe(error)}`);
  for (const warning of report.warnings) lines.push(`warning: ${describe(warning)}`);
  for (const skipped of report.skipped) lines.push(`skipped: ${skipped.fileName || "(no file)"} [${skipped.actionName}]: ${skipped.because}`);
  const { timings } = report;
  lines.push(
    `${report.ok ? "BigQuery SQL check passed" : "BigQuery SQL check failed"}: ${report.actionsChecked} action(s), ` +
      `${report.statementsAnalyzed} statement(s) analyzed, ${report.errors.length} error(s), ${report.warnings.length} warning(s), ` +
      `${report.skipped.length} skipped (compile ${timings.compileSeconds.toFixed(2)} s, analyzer start ${timings.analyzerStartSeconds.toFixed(2)} s, ` +
      `analysis ${timings.analysisSeconds.toFixed(2)} s).`,
  );
  return lines.join("\n");
}
