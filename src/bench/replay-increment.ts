/**
 * npm run bench -- --replay-increment FILE: the benchmark's incremental build again, on a copy
 * of the database a benchmark kept right before its own (--keep-before-increment FILE). The
 * increment is the same (the workload writes it the same way), so a change to the
 * incremental path is measured in about a minute at 1 M persons, against the share of the
 * kept full build's load + run. It builds from this checkout's landing folder of the same
 * size and seed (identical files: the generator is deterministic), writes the new parts there
 * and removes them after, so two replays must not share one landing folder at a time.
 */
import fs from "node:fs";
import path from "node:path";
import { loadProject } from "../config/project.js";
import { sqlString } from "../engines/duckdb/duckdb-engine.js";
import { StatementLogFile } from "../engines/duckdb/statement-log.js";
import { MANIFEST_TABLE } from "../loader/manifest.js";
import { UsageError } from "../errors.js";
import type { ActionResult } from "../runner/results.js";
import { incrementalReport, incrementDiagnostics, type KeptBuild, keptBuildFile, measureIncrement, openBenchEngine } from "./increment.js";
import { actionFigure, type BenchReport } from "./report.js";
import type { BenchOptions } from "./run-bench.js";

export interface ReplayReport {
  workload: string;
  keptDatabase: string;
  incremental: BenchReport["incremental"];
  peakRssMiB: number;
}

function readKeptBuild(databaseCopy: string): KeptBuild {
  const file = keptBuildFile(databaseCopy);
  if (!fs.existsSync(databaseCopy) || !fs.existsSync(file)) {
    throw new UsageError(`--replay-increment: ${databaseCopy} (and ${path.basename(file)} beside it) not found; make them with npm run bench -- --keep-before-increment ${databaseCopy}`);
  }
  const kept = JSON.parse(fs.readFileSync(file, "utf8")) as KeptBuild;
  return kept;
}

export async function replayIncrement(options: BenchOptions & { keptDatabase: string }): Promise<ReplayReport> {
  const { repoRoot, workload, log } = options;
  const kept = readKeptBuild(options.keptDatabase);
  const landing = await workload.landing();
  const replayDir = path.join(repoRoot, "target", "bench-replay");
  fs.rmSync(replayDir, { recursive: true, force: true });
  fs.mkdirSync(replayDir, { recursive: true });
  const databaseFile = path.join(replayDir, "replay.duckdb");
  const copyStarted = performance.now();
  fs.copyFileSync(options.keptDatabase, databaseFile);
  // On disk before the clock starts: otherwise the run's first checkpoint, whose fsync waits for
  // every dirty page of the file, pays for writing the whole copy (up to 8 GB at 1 M persons).
  const copied = fs.openSync(databaseFile, "r+");
  try {
    fs.fsyncSync(copied);
  } finally {
    fs.closeSync(copied);
  }
  log(`copied ${options.keptDatabase} in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
  const context = loadProject({ projectDir: repoRoot, vars: workload.vars, landing: landing.landingDir });
  const statementLog = options.statementLog ? new StatementLogFile(options.statementLog) : undefined;
  const engine = await openBenchEngine(databaseFile, options, statementLog);
  try {
    if (path.resolve(kept.landingDir) !== path.resolve(landing.landingDir)) {
      // Bronze came from an identical folder elsewhere: without this the load would reload it all.
      await engine.execute(`update ${engine.quoteTable(MANIFEST_TABLE)} set landing_dir = ${sqlString(path.resolve(landing.landingDir))}`, { actionName: "replay: move load manifest" });
      log(`load manifest moved from ${kept.landingDir} to ${landing.landingDir}`);
    }
    const increment = await measureIncrement({ engine, context, workload, landingDir: landing.landingDir, threads: options.incrementalThreads ?? options.threads, statementLog, ...incrementDiagnostics(options), log });
    const figure = (result: ActionResult) => actionFigure(result, increment.project.actions, workload.layers);
    return {
      workload: workload.description,
      keptDatabase: options.keptDatabase,
      incremental: incrementalReport(increment, kept.fullLoadSeconds + kept.fullRunSeconds, figure),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await engine.close();
  }
}
