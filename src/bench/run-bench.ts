/**
 * The benchmark: landing files to tested gold on a fresh DuckDB database, then an
 * incremental build after 1 % new events and orders arrive. Generation is timed apart.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadProject } from "../config/project.js";
import { DEFAULT_STORAGE_VERSION, DuckDbEngine } from "../engines/duckdb/duckdb-engine.js";
import { UsageError } from "../errors.js";
import { loadLandingFolder } from "../loader/index.js";
import type { Action } from "../graph/actions.js";
import type { ActionResult } from "../runner/results.js";
import { compileForTarget, executeActions, RUN_KINDS, TEST_KINDS } from "../runner/session.js";
import { timeCompile } from "./compile-timing.js";
import { writeIncrement, removeIncrement } from "./increment.js";
import { cachedLanding } from "./landing-cache.js";
import { profileActions } from "./operator-profile.js";
import { LAYERS, layerFigures, type ActionFigure, type BenchReport, type PhaseFigure } from "./report.js";

export interface BenchOptions {
  repoRoot: string;
  persons: number;
  seed: number;
  asOf: string;
  threads: number;
  duckdbThreads?: number;
  memoryLimit?: string;
  storageVersion?: string;
  /** Tables ("schema.name") whose rows are counted after the incremental run: what it found changed. */
  countAfterIncremental?: string[];
  /** Profile the operators of this many of the full build's slowest actions (0: none). */
  profileSlowest?: number;
  log: (message: string) => void;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** The action's layer: its first tag that names one (definitions/<layer>/ and assertions/ tag their actions so). */
function layerOf(action: Action | undefined): string {
  return LAYERS.find((layer) => action?.tags.includes(layer)) ?? "other";
}

function actionFigure(result: ActionResult, actions: Map<string, Action>): ActionFigure {
  return {
    name: result.name,
    kind: result.kind,
    layer: layerOf(actions.get(result.name)),
    status: result.unchanged ? "unchanged" : result.status,
    seconds: result.seconds,
    engineSeconds: result.engineSeconds,
    rows: result.rowsAffected,
  };
}

function assertAllPassed(phase: string, results: ActionResult[]): void {
  const failed = results.filter((result) => result.status !== "success");
  if (failed.length > 0) {
    throw new Error(`${phase}: ${failed.length} action(s) did not pass: ${failed.map((result) => `${result.name} (${result.error ?? result.skippedBecause})`).join("; ")}`);
  }
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

export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const { repoRoot, log } = options;
  const landing = cachedLanding(repoRoot, options.persons, options.seed, options.asOf);
  log(landing.cached ? `landing folder: cached at ${path.relative(repoRoot, landing.landingDir)}` : `generated landing folder in ${landing.seconds.toFixed(1)} s`);

  const context = loadProject({ projectDir: repoRoot, vars: { as_of_date: options.asOf } });
  const benchDir = path.join(repoRoot, "target", "bench");
  fs.rmSync(benchDir, { recursive: true, force: true });
  fs.mkdirSync(benchDir, { recursive: true });
  const engine = await DuckDbEngine.open(path.join(benchDir, "bench.duckdb"), {
    connections: options.threads,
    threads: options.duckdbThreads,
    memoryLimit: options.memoryLimit,
    storageVersion: options.storageVersion,
  });
  const phases: PhaseFigure[] = [{ phase: "generate (apart)", seconds: landing.seconds }];
  try {
    const load = await timed(() => loadLandingFolder(engine, landing.landingDir, { fullRefresh: true }));
    const loadedRows = load.value.files.reduce((sum, file) => sum + file.records, 0);
    phases.push({ phase: "load", seconds: load.seconds, rows: loadedRows });
    log(`load: ${loadedRows.toLocaleString("en-US")} records in ${load.seconds.toFixed(2)} s`);

    const compile = await timed(async () => compileForTarget(context));
    phases.push({ phase: "compile", seconds: compile.seconds });

    // --skip-unchanged on both runs, as a user running incremental builds would: the full build
    // on a fresh database rebuilds everything and records each table's version; the incremental
    // run then leaves the tables that the new events and orders do not reach.
    const run = await timed(() => executeActions(engine, compile.value, RUN_KINDS, { threads: options.threads, fullRefresh: true, skipUnchanged: true }));
    assertAllPassed("run", run.value);
    phases.push({ phase: "run", seconds: run.seconds, rows: run.value.reduce((sum, result) => sum + (result.rowsAffected ?? 0), 0) });
    log(`run: ${run.value.length} actions in ${run.seconds.toFixed(2)} s`);

    const test = await timed(() => executeActions(engine, compile.value, TEST_KINDS, { threads: options.threads }));
    assertAllPassed("test", test.value);
    phases.push({ phase: "test", seconds: test.seconds });
    log(`test: ${test.value.length} assertions and unit tests in ${test.seconds.toFixed(2)} s`);
    const endToEndSeconds = load.seconds + compile.seconds + run.seconds + test.seconds;

    const increment = await writeIncrement(landing.landingDir);
    let incrementalLoad;
    let incrementalRun;
    try {
      incrementalLoad = await timed(() => loadLandingFolder(engine, landing.landingDir));
      incrementalRun = await timed(() => executeActions(engine, compile.value, RUN_KINDS, { threads: options.threads, skipUnchanged: true }));
      assertAllPassed("incremental run", incrementalRun.value);
    } finally {
      removeIncrement(landing.landingDir);
    }
    phases.push({ phase: "incremental load", seconds: incrementalLoad.seconds, rows: increment.events + increment.orders });
    phases.push({ phase: "incremental run", seconds: incrementalRun.seconds });
    log(`incremental: load ${incrementalLoad.seconds.toFixed(2)} s, run ${incrementalRun.seconds.toFixed(2)} s`);
    const counts = await countRows(engine, options.countAfterIncremental ?? []);

    // After every timed phase: the one 1 M run that profiled before its incremental run took
    // 125.9 s for it, three without took 89.5–103.3 s. The data then holds the 1 % increment too.
    const slowest = [...run.value].sort((left, right) => right.seconds - left.seconds).slice(0, options.profileSlowest ?? 0);
    if (slowest.length > 0) log(`profiling the ${slowest.length} slowest actions of the full build (EXPLAIN ANALYZE)...`);
    const profiles = await profileActions(engine, compile.value, slowest.map((result) => result.name));

    const actionResults = [...run.value, ...test.value];
    const actions = actionResults.map((result) => actionFigure(result, compile.value.actions));
    const incremental = {
      newEvents: increment.events,
      newOrders: increment.orders,
      loadSeconds: incrementalLoad.seconds,
      runSeconds: incrementalRun.seconds,
      percentOfFullLoadAndRun: (100 * (incrementalLoad.seconds + incrementalRun.seconds)) / (load.seconds + run.seconds),
      actions: incrementalRun.value.map((result) => actionFigure(result, compile.value.actions)),
      counts,
    };
    const actionSeconds = actionResults.reduce((sum, result) => sum + result.seconds, 0);
    const engineSeconds = actionResults.reduce((sum, result) => sum + result.engineSeconds, 0);
    log("timing compile (in-process vs stock dataform compile)...");
    const compileTiming = timeCompile(repoRoot, context.vars);
    return {
      persons: options.persons,
      seed: options.seed,
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, duckdbThreads: options.duckdbThreads, memoryLimit: options.memoryLimit, storageVersion: options.storageVersion ?? DEFAULT_STORAGE_VERSION, actionsInParallel: options.threads },
      phases,
      endToEndSeconds,
      actions,
      overhead: { actionSeconds, engineSeconds, percent: actionSeconds > 0 ? (100 * (actionSeconds - engineSeconds)) / actionSeconds : 0, runWallSeconds: run.seconds + test.seconds },
      compile: compileTiming,
      incremental,
      layers: layerFigures({ actions, incremental }),
      profiles,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await engine.close();
  }
}
