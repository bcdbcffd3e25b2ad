/**
 * The benchmark's incremental build: new parts arrive, the run rebuilds what they reach, and
 * the checkpoint writes what it left in the WAL. Shared by the benchmark (after its full
 * build) and by replayIncrement, which starts from a database kept right before it
 * (--keep-before-increment) so that a change to the incremental path is measured in a
 * minute instead of a full build's ten at 1 M persons.
 */
import fs from "node:fs";
import path from "node:path";
import type { ProjectContext } from "../config/project.js";
import { DuckDbEngine } from "../engines/duckdb/duckdb-engine.js";
import type { StatementLogFile, StatementProfiles } from "../engines/duckdb/statement-log.js";
import { type CheckpointVacuum, DUCKDB_LOG_MARK_QUERY, formatVacuums, parseVacuumMessage, vacuumLogQuery } from "../engines/duckdb/checkpoint-vacuums.js";
import type { CompiledProject } from "../runner/session.js";
import { type BuildOutcome, runBuild } from "../runner/build.js";
import type { ActionResult } from "../runner/results.js";
import type { ActionFigure, BenchReport, PhaseFigure } from "./report.js";
import { type ActionProfile, parseProfile } from "./operator-profile.js";
import { UsageError } from "../errors.js";
import type { BenchOptions, BenchWorkload } from "./run-bench.js";

/** What --keep-before-increment writes beside the database copy: what the replay's share is of. */
export interface KeptBuild {
  landingDir: string;
  fullLoadSeconds: number;
  fullRunSeconds: number;
}

export function keptBuildFile(databaseCopy: string): string {
  return `${databaseCopy}.json`;
}

export async function openBenchEngine(
  databaseFile: string,
  options: Pick<BenchOptions, "threads" | "incrementalThreads" | "duckdbThreads" | "memoryLimit" | "blockAllocatorMemory" | "storageVersion" | "checkpointVacuums">,
  statementLog?: StatementLogFile,
): Promise<DuckDbEngine> {
  return DuckDbEngine.open(databaseFile, {
    connections: Math.max(options.threads, options.incrementalThreads ?? options.threads),
    threads: options.duckdbThreads,
    memoryLimit: options.memoryLimit,
    blockAllocatorMemory: options.blockAllocatorMemory,
    storageVersion: options.storageVersion,
    statementLog,
    logDuckDb: options.checkpointVacuums,
  });
}

/** Copies the (checkpointed) database file: its WAL is empty, so the file alone is the whole database. */
export function keepDatabase(databaseFile: string, copy: string, build: KeptBuild): void {
  fs.copyFileSync(databaseFile, copy);
  fs.writeFileSync(keptBuildFile(copy), JSON.stringify(build, null, 2) + "\n");
}

export interface MeasuredIncrement {
  newRows: Record<string, number>;
  loadSeconds: number;
  runSeconds: number;
  checkpointSeconds: number;
  /** CPU time of the whole process over the incremental load and run. */
  cpuSeconds: { user: number; system: number };
  results: ActionResult[];
  /** The compiled project the run built (the full build's, or the replay's own). */
  project: CompiledProject;
  counts: Record<string, number>;
  phases: PhaseFigure[];
  /** The row groups the incremental load and run's checkpoints merged, when asked (--checkpoint-vacuums). */
  vacuums?: CheckpointVacuum[];
  /** The profiled statements, costliest first, when asked (--profile-incremental). */
  statementProfiles?: ActionProfile[];
}

export interface IncrementRequest {
  engine: DuckDbEngine;
  context: ProjectContext;
  /** The full build's compiled project; undefined: compiled by the run (a replay). */
  project?: CompiledProject;
  workload: BenchWorkload;
  landingDir: string;
  threads: number;
  statementLog?: StatementLogFile;
  /** Diagnostics: a CHECKPOINT after every commit of the incremental run, logged apart (StatementLog.checkpointAfterCommit). */
  checkpointAfterCommit?: boolean;
  /** Diagnostics: list the row groups the checkpoints merged (the engine keeps DuckDB's log: openBenchEngine). */
  checkpointVacuums?: boolean;
  /** Diagnostics: profile the statements of these actions of the incremental run (StatementLog.profileStatements; needs statementLog). */
  profileStatements?: StatementProfiles;
  log: (message: string) => void;
}

export function assertAllPassed(phase: string, results: ActionResult[]): void {
  const failed = results.filter((result) => result.status !== "success");
  if (failed.length > 0) {
    throw new Error(`${phase}: ${failed.length} action(s) did not pass: ${failed.map((result) => `${result.name} (${result.error ?? result.skippedBecause})`).join("; ")}`);
  }
}

/** New parts, the incremental run and its checkpoint, timed; the new parts are removed afterwards (also after a failure). */
export async function measureIncrement(request: IncrementRequest): Promise<MeasuredIncrement> {
  const { engine, context, project, workload, landingDir, statementLog, log } = request;
  let newRows: Record<string, number> = {};
  let incremental: BuildOutcome;
  // The whole process's CPU (DuckDB's threads included) over the load and run: on a 2-core
  // machine the incremental build is CPU-bound, and kernel time (page faults, reads of the
  // file) is a part of it worth seeing.
  let cpu: NodeJS.CpuUsage;
  let logMark: string | null = null;
  try {
    newRows = await workload.writeIncrement(landingDir);
    if (statementLog) {
      statementLog.phase = "incremental run";
      statementLog.checkpointAfterCommit = request.checkpointAfterCommit ?? false;
      statementLog.profileStatements = startProfiles(request.profileStatements);
    }
    // Outside the clock: the log holds the full build's checkpoints too.
    if (request.checkpointVacuums) logMark = (await engine.query(DUCKDB_LOG_MARK_QUERY))[0]?.mark as string | null;
    if (request.checkpointAfterCommit) log("incremental run: a checkpoint after every commit (--checkpoint-after-commit): its figures are a diagnostic, not comparable with a normal run's");
    const cpuBefore = process.cpuUsage();
    incremental = await runBuild(context, { engine, project, steps: "run", load: {}, execution: { threads: request.threads, skipUnchanged: true } });
    cpu = process.cpuUsage(cpuBefore);
    assertAllPassed("incremental run", incremental.runResults);
  } finally {
    workload.removeIncrement(landingDir);
    if (statementLog) {
      statementLog.checkpointAfterCommit = false;
      statementLog.profileStatements = undefined;
    }
  }
  const phaseSeconds = (phase: string) => incremental.phases.find((timing) => timing.phase === phase)?.seconds ?? 0;
  const loadSeconds = phaseSeconds("load");
  const runSeconds = phaseSeconds("run");
  // What the incremental run left in the WAL, which its process would write when it closes:
  // counted in the increment's share.
  if (statementLog) statementLog.phase = "incremental checkpoint";
  const checkpointSeconds = (await engine.execute("checkpoint", { actionName: "checkpoint" })).seconds;
  if (statementLog) statementLog.phase = undefined;
  const cpuSeconds = { user: cpu.user / 1e6, system: cpu.system / 1e6 };
  log(`incremental: load ${loadSeconds.toFixed(2)} s, run ${runSeconds.toFixed(2)} s, checkpoint ${checkpointSeconds.toFixed(2)} s; load + run used ${cpuSeconds.user.toFixed(2)} CPU-s in user space and ${cpuSeconds.system.toFixed(2)} in the kernel`);
  const counts = await countRows(engine, workload.countAfterIncremental ?? []);
  const vacuums = request.checkpointVacuums ? await checkpointVacuums(engine, logMark) : undefined;
  if (vacuums) log(`incremental: ${vacuums.length} merge(s) of row groups by checkpoints${vacuums.length > 0 ? ": " + formatVacuums(vacuums).join("; ") : ""}`);
  return {
    newRows,
    loadSeconds,
    runSeconds,
    checkpointSeconds,
    cpuSeconds,
    results: incremental.runResults,
    project: incremental.project,
    counts,
    phases: [
      { phase: "incremental load", seconds: loadSeconds, rows: Object.values(newRows).reduce((sum, rows) => sum + rows, 0) },
      { phase: "incremental run", seconds: runSeconds },
      { phase: "incremental checkpoint", seconds: checkpointSeconds },
    ],
    vacuums,
    statementProfiles: request.profileStatements ? readStatementProfiles(request.profileStatements.folder) : undefined,
  };
}

/** The benchmark's diagnostics of the incremental run, as measureIncrement takes them (the full benchmark and the replay alike). */
export function incrementDiagnostics(
  options: Pick<BenchOptions, "repoRoot" | "checkpointAfterCommit" | "checkpointVacuums" | "profileIncremental">,
): Pick<IncrementRequest, "checkpointAfterCommit" | "checkpointVacuums" | "profileStatements"> {
  return {
    checkpointAfterCommit: options.checkpointAfterCommit,
    checkpointVacuums: options.checkpointVacuums,
    // The profile folder of the benchmark, for the actions whose name contains `profileIncremental`.
    profileStatements: options.profileIncremental === undefined ? undefined : { actionsMatching: options.profileIncremental, folder: path.join(options.repoRoot, "target", "bench-profiles") },
  };
}

/** An empty folder for this run's profiles (a previous run's are removed). */
function startProfiles(profiles: StatementProfiles | undefined): StatementProfiles | undefined {
  if (!profiles) return undefined;
  fs.rmSync(profiles.folder, { recursive: true, force: true });
  fs.mkdirSync(profiles.folder, { recursive: true });
  return profiles;
}

/** The profiles DuckDB wrote (one JSON file per statement), costliest first; each named after its file. */
function readStatementProfiles(folder: string): ActionProfile[] {
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .map((file) => parseProfile(file.slice(0, -".json".length), fs.readFileSync(path.join(folder, file), "utf8"), 4))
    .sort((left, right) => right.cpuSeconds - left.cpuSeconds);
}

/** The vacuum entries of DuckDB's log after `mark` (checkpoint-vacuums.ts). */
async function checkpointVacuums(engine: DuckDbEngine, mark: string | null): Promise<CheckpointVacuum[]> {
  const rows = await engine.query(vacuumLogQuery(mark));
  return rows.map((row) => parseVacuumMessage(String(row.message))).filter((vacuum): vacuum is CheckpointVacuum => vacuum !== undefined);
}

/** The report's incremental figures: the increment's share of the full build's load + run. */
export function incrementalReport(increment: MeasuredIncrement, fullLoadAndRunSeconds: number, figure: (result: ActionResult) => ActionFigure): BenchReport["incremental"] {
  return {
    newRows: increment.newRows,
    loadSeconds: increment.loadSeconds,
    runSeconds: increment.runSeconds,
    checkpointSeconds: increment.checkpointSeconds,
    cpuSeconds: increment.cpuSeconds,
    percentOfFullLoadAndRun: (100 * (increment.loadSeconds + increment.runSeconds + increment.checkpointSeconds)) / fullLoadAndRunSeconds,
    actions: increment.results.map(figure),
    counts: increment.counts,
    vacuums: increment.vacuums,
    statementProfiles: increment.statementProfiles,
  };
}

/** Row counts of the named tables (outside every timed phase). */
async function countRows(engine: DuckDbEngine, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [schema, name, extra] = table.split(".");
    if (!schema || !name || extra !== undefined) throw new UsageError(`bench: a table to count must be "schema.name", got "${table}"`);
    counts[table] = Number((await engine.query(`select count(*) as row_count from ${engine.quoteTable({ schema, name })}`))[0].row_count);
  }
  return counts;
}
