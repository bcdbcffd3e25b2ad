/**
 * The benchmark: a landing folder to tested tables on a fresh DuckDB database, then an
 * incremental build after new parts arrive. What is built comes from the caller (a
 * BenchWorkload: the project's landing folder, how it grows, its layers): the framework
 * times the build, the project says what to build (scripts/bench.ts, tools/bench/).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadProject } from "../config/project.js";
import { DEFAULT_STORAGE_VERSION } from "../engines/duckdb/duckdb-engine.js";
import { configuredBlockAllocatorMemory } from "../engines/duckdb/block-memory.js";
import { runBuild } from "../runner/build.js";
import type { ActionResult } from "../runner/results.js";
import { type CompileTiming, timeCompile } from "./compile-timing.js";
import { StatementLogFile } from "../engines/duckdb/statement-log.js";
import { assertAllPassed, incrementalReport, incrementDiagnostics, keepDatabase, measureIncrement, openBenchEngine } from "./increment.js";
import { profileActions } from "./operator-profile.js";
import { actionFigure, layerFigures, type BenchReport, type PhaseFigure } from "./report.js";

export interface BenchLanding {
  landingDir: string;
  /** Seconds spent making it now (0 when it was there already). */
  seconds: number;
  cached: boolean;
}

export interface BenchWorkload {
  /** What is built, for the report's first line (e.g. "100,000 persons (seed 42)"). */
  description: string;
  /** Compile vars over the project's own. */
  vars: Record<string, string>;
  /** The landing folder of the full build (timed apart). */
  landing(): BenchLanding | Promise<BenchLanding>;
  /** Adds new parts for the incremental build; returns the rows added, by what they are (e.g. { events: 1200 }). */
  writeIncrement(landingDir: string): Promise<Record<string, number>>;
  /** Removes what writeIncrement added (always called, also after a failure). */
  removeIncrement(landingDir: string): void;
  /** Tags that name the project's layers, in build order: the per-layer figures sum each one's actions. */
  layers: readonly string[];
  /** Tables ("schema.name") whose rows are counted after the incremental run: what it found changed. */
  countAfterIncremental?: string[];
}

export interface BenchOptions {
  repoRoot: string;
  workload: BenchWorkload;
  /** Actions at a time in the full build. */
  threads: number;
  /** Actions at a time in the incremental build (default: threads). */
  incrementalThreads?: number;
  duckdbThreads?: number;
  memoryLimit?: string;
  /** DuckDB's block_allocator_memory ("off"; default: the memory limit, as c360 build). */
  blockAllocatorMemory?: string;
  storageVersion?: string;
  /** Time compilation against the stock dataform CLI after the builds (default true). */
  timeCompile?: boolean;
  /** Profile the operators of this many of the full build's slowest actions (0: none). */
  profileSlowest?: number;
  /** Write every statement and commit of both builds to this file (JSON lines; see StatementLogFile). */
  statementLog?: string;
  /** Diagnostics: a CHECKPOINT after every commit of the incremental run (StatementLog.checkpointAfterCommit). */
  checkpointAfterCommit?: boolean;
  /** Diagnostics: keep DuckDB's log and list the row groups the incremental run's checkpoints merged (checkpoint-vacuums.ts). */
  checkpointVacuums?: boolean;
  /** Diagnostics: profile every statement of the incremental run's actions whose name contains this (StatementLog.profileStatements; needs statementLog). */
  profileIncremental?: string;
  /** Copy the database, as the incremental build finds it, to this file (and its full build's figures beside it): replayIncrement starts there. */
  keepBeforeIncrement?: string;
  log: (message: string) => void;
}

export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const { repoRoot, log, workload } = options;
  const landing = await workload.landing();
  log(landing.cached ? `landing folder: cached at ${path.relative(repoRoot, landing.landingDir)}` : `made the landing folder in ${landing.seconds.toFixed(1)} s`);

  const context = loadProject({ projectDir: repoRoot, vars: workload.vars, landing: landing.landingDir });
  const benchDir = path.join(repoRoot, "target", "bench");
  fs.rmSync(benchDir, { recursive: true, force: true });
  fs.mkdirSync(benchDir, { recursive: true });
  const databaseFile = path.join(benchDir, "bench.duckdb");
  const statementLog = options.statementLog ? new StatementLogFile(options.statementLog) : undefined;
  let engine = await openBenchEngine(databaseFile, options, statementLog);
  const phases: PhaseFigure[] = [{ phase: "make landing (apart)", seconds: landing.seconds }];
  try {
    // --skip-unchanged on both runs, as a user running incremental builds would: the full build
    // on a fresh database rebuilds everything and records each table's version; the incremental
    // run then leaves the tables that the new parts do not reach.
    if (statementLog) statementLog.phase = "full build";
    const full = await runBuild(context, {
      engine,
      steps: "run-then-test",
      load: { fullRefresh: true },
      execution: { threads: options.threads, fullRefresh: true, skipUnchanged: true },
      onPhase: (timing) => log(`${timing.phase}: ${timing.seconds.toFixed(2)} s`),
    });
    const seconds = (phase: string) => full.phases.find((timing) => timing.phase === phase)?.seconds ?? 0;
    const loadedRows = (full.load?.files ?? []).reduce((sum, file) => sum + file.records, 0);
    const { runResults, testResults, project } = full;
    assertAllPassed("run", runResults);
    assertAllPassed("test", testResults);
    phases.push({ phase: "load", seconds: seconds("load"), rows: loadedRows });
    phases.push({ phase: "compile", seconds: seconds("compile") });
    phases.push({ phase: "run", seconds: seconds("run"), rows: runResults.reduce((sum, result) => sum + (result.rowsAffected ?? 0), 0) });
    phases.push({ phase: "test", seconds: seconds("test") });
    const endToEndSeconds = seconds("load") + seconds("compile") + seconds("run") + seconds("test");
    // A daily incremental build starts in a new process, on a database that its last build's
    // process checkpointed when it closed: the same starting point here, so the incremental run
    // never writes what the full build left in the WAL. Timed apart, like the landing (at 100 k
    // persons it took 0.02 s: the full build leaves next to nothing there).
    const settle = await engine.execute("checkpoint");
    phases.push({ phase: "checkpoint (apart)", seconds: settle.seconds });
    // And with DuckDB's memory as a new process finds it: the full build leaves its buffer pool
    // full (memory_limit), which made two actions at a time evict each other's data. At 1 M
    // persons, two at a time: 50.38 s in the full build's instance, 39.84–48.37 s in a new one
    // (--replay-increment, five runs). The operating system's file cache stays warm in both.
    await engine.close();
    engine = await openBenchEngine(databaseFile, options, statementLog);

    if (options.keepBeforeIncrement) keepDatabase(databaseFile, options.keepBeforeIncrement, { landingDir: landing.landingDir, fullLoadSeconds: seconds("load"), fullRunSeconds: seconds("run") });
    const increment = await measureIncrement({ engine, context, project, workload, landingDir: landing.landingDir, threads: options.incrementalThreads ?? options.threads, statementLog, ...incrementDiagnostics(options), log });
    phases.push(...increment.phases);

    // After every timed phase: the one 1 M run that profiled before its incremental run took
    // 125.9 s for it, three without took 89.5–103.3 s. The data then holds the 1 % increment too.
    const slowest = [...runResults].sort((left, right) => right.seconds - left.seconds).slice(0, options.profileSlowest ?? 0);
    if (slowest.length > 0) log(`profiling the ${slowest.length} slowest actions of the full build (EXPLAIN ANALYZE)...`);
    const profiles = await profileActions(engine, project, slowest.map((result) => result.name));

    const actionResults = [...runResults, ...testResults];
    const figure = (result: ActionResult) => actionFigure(result, project.actions, workload.layers);
    const actions = actionResults.map(figure);
    const incrementalFigures = incrementalReport(increment, seconds("load") + seconds("run"), figure);
    const actionSeconds = actionResults.reduce((sum, result) => sum + result.seconds, 0);
    const engineSeconds = actionResults.reduce((sum, result) => sum + result.engineSeconds, 0);
    let compileTiming: CompileTiming | undefined;
    if (options.timeCompile ?? true) {
      log("timing compile (in-process vs stock dataform compile)...");
      compileTiming = timeCompile(repoRoot, context.vars);
    }
    return {
      workload: workload.description,
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, duckdbThreads: options.duckdbThreads, memoryLimit: options.memoryLimit, blockAllocatorMemory: configuredBlockAllocatorMemory(options), storageVersion: options.storageVersion ?? DEFAULT_STORAGE_VERSION, actionsInParallel: options.threads, incrementalActionsInParallel: options.incrementalThreads ?? options.threads },
      phases,
      endToEndSeconds,
      actions,
      overhead: { actionSeconds, engineSeconds, percent: actionSeconds > 0 ? (100 * (actionSeconds - engineSeconds)) / actionSeconds : 0, runWallSeconds: seconds("run") + seconds("test") },
      compile: compileTiming,
      incremental: incrementalFigures,
      layers: layerFigures({ actions, incremental: incrementalFigures }, workload.layers),
      profiles,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await engine.close();
  }
}
