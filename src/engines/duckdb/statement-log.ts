/**
 * Where a build's time goes, statement by statement: `c360 build --statement-log FILE` (and
 * the benchmark's --statement-log) write one JSON line per DuckDB statement, with its
 * action, seconds and SQL as it ran. Commits are lines of their own because DuckDB writes
 * its automatic checkpoints in them: at 1 M persons they were a sixth of an incremental run,
 * which no action's statement time shows.
 */
import fs from "node:fs";
import path from "node:path";

export interface StatementLogEntry {
  /** The action the statement ran for ("query" or "statement" when the caller named none). */
  action: string;
  /**
   * "commit": the end of a transaction, with whatever checkpoint DuckDB wrote in it;
   * "checkpoint": the CHECKPOINT run right after it when the log asks (checkpointAfterCommit).
   */
  kind: "statement" | "commit" | "checkpoint";
  seconds: number;
  sql: string;
  /** Set when the statement failed (its error is the action's). */
  failed?: true;
}

export interface StatementLog {
  record(entry: StatementLogEntry): void;
  /**
   * Diagnostics (the benchmark's --checkpoint-after-commit): while true, the engine runs a
   * CHECKPOINT after every commit and logs it, so that each transaction pays for writing its
   * own changes to the database file. Otherwise DuckDB checkpoints when the WAL passes 16 MB,
   * in whichever commit crosses it, and one action's commit pays for several actions' writes.
   * Meant for one action at a time: beside another action, a checkpoint also writes whatever
   * that action committed meanwhile, and the charge is no longer the committing action's alone.
   */
  readonly checkpointAfterCommit?: boolean;
  /**
   * Diagnostics (the benchmark's --profile-incremental): while set, the engine has DuckDB write
   * the JSON profile of every statement of the actions whose name contains `actionsMatching`,
   * one file per statement in `folder` (numbered in the order they ran). A statement that
   * changes a table cannot be run again to profile it, so it is profiled as it runs.
   */
  readonly profileStatements?: StatementProfiles;
}

/** Where, and for which actions, statements are profiled (StatementLog.profileStatements). */
export interface StatementProfiles {
  actionsMatching: string;
  folder: string;
}

/** Appends each entry as a JSON line, with the phase a caller set (e.g. the benchmark's "incremental run"). */
export class StatementLogFile implements StatementLog {
  /** Written into every entry while set. */
  phase: string | undefined;
  /** See StatementLog.checkpointAfterCommit. */
  checkpointAfterCommit = false;
  /** See StatementLog.profileStatements. */
  profileStatements: StatementProfiles | undefined;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, "");
  }

  record(entry: StatementLogEntry): void {
    // Synchronous: a killed build keeps every line up to the statement it died in.
    fs.appendFileSync(this.file, JSON.stringify({ at: new Date().toISOString(), ...(this.phase ? { phase: this.phase } : {}), ...entry }) + "\n");
  }
}
