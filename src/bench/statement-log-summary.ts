/**
 * A statement log (--statement-log) read back for a person: where a phase's seconds went,
 * commits (DuckDB's automatic checkpoints) apart from statements, the checkpoints run after
 * each commit when asked (--checkpoint-after-commit), the slowest statements first with their
 * action and the start of their SQL.
 */
import fs from "node:fs";
import type { StatementLogEntry } from "../engines/duckdb/statement-log.js";

type LoggedEntry = StatementLogEntry & { phase?: string };

export function readStatementLog(file: string): LoggedEntry[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LoggedEntry);
}

/** One line for the SQL's start, whitespace collapsed. */
function sqlStart(sql: string, width: number): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function summarizeStatementLog(entries: LoggedEntry[], phase: string | undefined, slowest = 20): string {
  const inPhase = entries.filter((entry) => phase === undefined || entry.phase === phase);
  const sum = (list: LoggedEntry[]) => list.reduce((total, entry) => total + entry.seconds, 0);
  const statements = inPhase.filter((entry) => entry.kind === "statement");
  const commits = inPhase.filter((entry) => entry.kind === "commit");
  const checkpoints = inPhase.filter((entry) => entry.kind === "checkpoint");
  const slowestOf = (list: LoggedEntry[]) => {
    const slowestEntries = [...list].sort((left, right) => right.seconds - left.seconds).slice(0, 6);
    return slowestEntries.length > 0 ? ` (slowest: ${slowestEntries.map((entry) => `${entry.action} ${entry.seconds.toFixed(2)}`).join(", ")})` : "";
  };
  const lines = [
    `statement log${phase ? ` (${phase})` : ""}: ${statements.length} statements ${sum(statements).toFixed(2)} s; ${commits.length} commits ${sum(commits).toFixed(2)} s` +
      slowestOf(commits) +
      (checkpoints.length > 0 ? `; ${checkpoints.length} checkpoints after them ${sum(checkpoints).toFixed(2)} s${slowestOf(checkpoints)}` : ""),
  ];
  for (const entry of [...statements].sort((left, right) => right.seconds - left.seconds).slice(0, slowest)) {
    lines.push(`  ${entry.seconds.toFixed(2).padStart(7)}  ${entry.action.padEnd(40)}  ${sqlStart(entry.sql, 90)}`);
  }
  return lines.join("\n");
}
