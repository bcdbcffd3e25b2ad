/**
 * npm run bench -- --persons N: builds a generated Customer 360 end to end on DuckDB and
 * prints where the time goes; writes the same figures to target/bench.json.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { formatProcessCompileTiming, timeCompileProcesses } from "../src/bench/compile-timing.js";
import { formatBenchReport, formatReplayReport } from "../src/bench/report.js";
import { replayIncrement } from "../src/bench/replay-increment.js";
import { UsageError } from "../src/errors.js";
import { readStatementLog, summarizeStatementLog } from "../src/bench/statement-log-summary.js";
import { runBenchmark } from "../src/bench/run-bench.js";
import { DEFAULT_SAMPLE_EVERY } from "../tools/bench/increment.js";
import { generatedWorkload } from "../tools/bench/workload.js";

const argv = await yargs(hideBin(process.argv))
  .scriptName("bench")
  .option("persons", { type: "number", default: 100_000, describe: "Persons in the generated landing folder" })
  .option("seed", { type: "number", default: 42 })
  .option("as-of", { type: "string", default: "2024-06-30" })
  // One action at a time, each on every core. Measured at 1 M persons on 2 cores, same code,
  // consecutive runs: two at once (as `c360 build` runs by default) took run 234.0 s and
  // incremental run 103.3 s, one at a time 207.5 s and 89.5 s (an earlier pair, whose
  // one-at-a-time run had --profile before its incremental run, went the other way). Within
  // this machine's noise, and one at a time keeps each large action's memory to itself (two at
  // once spilled before the staging and identity queries needed less: 451 s against 323 s).
  .option("threads", { type: "number", default: 1, describe: "Actions in parallel (each statement uses every DuckDB thread)" })
  // A daily incremental build runs as `c360 build` does by default, two actions at a time: its
  // statements are small, and one action's commit (a checkpoint, one thread) overlaps another's
  // query. At 100 k persons, replayed (--replay-increment), consecutive runs: 6.97 and 7.04 s one at a time, 6.00 and 5.59 s two.
  .option("incremental-threads", { type: "number", default: 2, describe: "Actions in parallel in the incremental run (default: c360 build's 2)" })
  .option("duckdb-threads", { type: "number", describe: "DuckDB worker threads (default: cores)" })
  // 2.5GB: at 1 M persons 3GB let the process peak at 4,225 MiB, 2.5GB at 3,403 MiB, no slower.
  .option("memory-limit", { type: "string", default: "2.5GB", describe: "DuckDB memory_limit (keeps peak RSS under the 4 GB target)" })
  .option("block-allocator-memory", { type: "string", describe: "DuckDB block_allocator_memory, or off (default: the memory limit, as c360 build)" })
  .option("storage-version", { type: "string", describe: "DuckDB storage format of the bench database (default latest; v0.10.2 is DuckDB's own default)" })
  .option("statement-log", { type: "string", describe: "Write every DuckDB statement and commit, with its action, seconds and SQL, to this file (JSON lines), and summarize the incremental run's" })
  .option("checkpoint-after-commit", {
    type: "boolean",
    default: false,
    describe:
      "Diagnostics: a CHECKPOINT after every commit of the incremental run, logged apart, so that each action pays for writing its own changes (needs --statement-log and --incremental-threads 1; its incremental figures are not comparable with a normal run's)",
  })
  .option("checkpoint-vacuums", {
    type: "boolean",
    default: false,
    describe:
      "Diagnostics: keep DuckDB's log and list the row groups that the incremental load and run's checkpoints read and wrote again to merge them (DuckDB's vacuum), by table (the log costs time: its figures are a diagnostic)",
  })
  .option("profile-incremental", {
    type: "string",
    describe:
      "Diagnostics: DuckDB's profile of every statement of the incremental run's actions whose name contains this text (e.g. customer_activity; \"\" for all), into target/bench-profiles/, the costliest listed with their operators (needs --statement-log)",
  })
  .option("increment-every", {
    type: "number",
    default: DEFAULT_SAMPLE_EVERY,
    describe: "The incremental build's new parts take every Nth event and order record of the landing folder (100: about 1 %, the target's increment; 10000: about 0.01 %, what an incremental build costs whatever it brings)",
  })
  .check((parsed) => {
    const incrementEvery = Number(parsed.incrementEvery);
    if (!Number.isInteger(incrementEvery) || incrementEvery < 1) throw new Error(`--increment-every must be a whole number ≥ 1, not ${String(parsed.incrementEvery)}`);
    if (parsed.profileIncremental !== undefined && !parsed.statementLog) throw new Error("--profile-incremental needs --statement-log FILE (the statement log carries the request to the engine)");
    if (parsed.checkpointAfterCommit && (!parsed.statementLog || parsed.incrementalThreads !== 1)) {
      throw new Error("--checkpoint-after-commit needs --statement-log FILE and --incremental-threads 1 (one action at a time, so that each checkpoint writes only that action's commit)");
    }
    return true;
  })
  .option("keep-before-increment", { type: "string", describe: "Copy the database, as the incremental build finds it, to this file (outside every timed phase), for --replay-increment" })
  .option("replay-increment", { type: "string", describe: "Only the incremental build, on a copy of a database kept by --keep-before-increment (same --persons and --seed)" })
  .option("profile", { type: "number", default: 0, describe: "Profile the operators of the N slowest actions of the full build (EXPLAIN ANALYZE) and time writing each one's table again (a copy); adds their run time, outside every timed phase" })
  // The stock CLI's own compile gives up after 60 s, which a busy machine can reach.
  .option("compile-timing", { type: "boolean", default: true, describe: "After the builds, time compilation against the stock dataform compile (--no-compile-timing skips it)" })
  .option("compile-only", { type: "boolean", default: false, describe: "Only time whole-process c360 compile (the built bin) against the stock dataform compile, in alternating rounds" })
  .option("runs", { type: "number", default: 7, describe: "Rounds of --compile-only" })
  .option("bigquery-bytes", {
    type: "boolean",
    default: false,
    describe: "Only estimate BigQuery bytes processed: dry-run the full and the incremental build of the BigQuery dialect against the contract-test double, sized from a DuckDB build",
  })
  .example("$0 --persons 1000000", "The 1 M-person benchmark")
  .example("$0 --bigquery-bytes --persons 10000", "Bytes a full and an incremental build would process on BigQuery")
  .example("$0 --compile-only --runs 9", "c360 compile against dataform compile, as whole processes")
  .example("$0 --persons 1000000 --keep-before-increment ../kept-1m.duckdb", "Also keep the database before the incremental build")
  .example("$0 --persons 1000000 --replay-increment ../kept-1m.duckdb --statement-log inc.jsonl", "The incremental build again, statement by statement")
  .example("$0 --persons 1000000 --replay-increment ../kept-1m.duckdb --statement-log inc.jsonl --incremental-threads 1 --checkpoint-after-commit", "Which action's writes the checkpoints cost")
  .example("$0 --persons 100000 --replay-increment ../kept-100k.duckdb --checkpoint-vacuums", "Which tables the incremental build's checkpoints rewrote whole row groups of")
  .example("$0 --persons 100000 --replay-increment ../kept-100k.duckdb --statement-log inc.jsonl --profile-incremental customer_activity", "Operator by operator, where one action's incremental statements spend their time")
  .example("$0 --persons 100000 --replay-increment ../kept-100k.duckdb --increment-every 10000", "What an incremental build costs when it brings almost nothing (about 0.01 % new events and orders)")
  .example("$0 --profile 5", "Also show where the 5 slowest actions spend their time, operator by operator")
  .strict()
  .help()
  .parseAsync();

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (argv.compileOnly) {
  const timing = timeCompileProcesses({
    repoRoot,
    projectDir: repoRoot,
    stagingDir: path.join(repoRoot, ".cache", "compile-bench-project"),
    runs: argv.runs,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  fs.mkdirSync(path.join(repoRoot, "target"), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, "target", "bench-compile.json"), JSON.stringify(timing, null, 2) + "\n");
  process.stdout.write(formatProcessCompileTiming(timing) + "\n\nfigures written to target/bench-compile.json\n");
  process.exit(0);
}
if (argv.bigqueryBytes) {
  const { formatBytesReport, measureBigQueryBytes } = await import("../tools/bench/bigquery-bytes.js");
  const bytes = await measureBigQueryBytes({ repoRoot, persons: argv.persons, seed: argv.seed, asOf: argv.asOf, log: (message) => process.stderr.write(`${message}\n`) });
  fs.mkdirSync(path.join(repoRoot, "target"), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, "target", "bench-bigquery-bytes.json"), JSON.stringify(bytes, null, 2) + "\n");
  process.stdout.write(formatBytesReport(bytes) + "\n\nfigures written to target/bench-bigquery-bytes.json\n");
  process.exit(0);
}
const statementLogSummary = () => {
  if (!argv.statementLog) return "";
  const phase = "incremental run";
  return `\n\n${summarizeStatementLog(readStatementLog(argv.statementLog), phase)}\n(every statement: ${argv.statementLog})`;
};
/** What the full benchmark and the replay of its incremental build share. */
const sharedOptions = {
  repoRoot,
  workload: generatedWorkload({ repoRoot, persons: argv.persons, seed: argv.seed, asOf: argv.asOf, incrementEvery: argv.incrementEvery }),
  threads: argv.threads,
  incrementalThreads: argv.incrementalThreads,
  duckdbThreads: argv.duckdbThreads,
  memoryLimit: argv.memoryLimit,
  blockAllocatorMemory: argv.blockAllocatorMemory,
  storageVersion: argv.storageVersion,
  statementLog: argv.statementLog,
  checkpointAfterCommit: argv.checkpointAfterCommit,
  checkpointVacuums: argv.checkpointVacuums,
  profileIncremental: argv.profileIncremental,
  log: (message: string) => process.stderr.write(`${message}\n`),
};
if (argv.replayIncrement) {
  const replay = await replayIncrement({ ...sharedOptions, keptDatabase: path.resolve(argv.replayIncrement) }).catch((error: unknown) => {
    // A missing kept database is the user's to fix: its message, not a stack.
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  });
  fs.mkdirSync(path.join(repoRoot, "target"), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, "target", "bench-replay.json"), JSON.stringify(replay, null, 2) + "\n");
  process.stdout.write(formatReplayReport(replay) + statementLogSummary() + "\n\nfigures written to target/bench-replay.json\n");
  process.exit(0);
}
const report = await runBenchmark({
  ...sharedOptions,
  timeCompile: argv.compileTiming,
  profileSlowest: argv.profile,
  keepBeforeIncrement: argv.keepBeforeIncrement === undefined ? undefined : path.resolve(argv.keepBeforeIncrement),
});
fs.mkdirSync(path.join(repoRoot, "target"), { recursive: true });
fs.writeFileSync(path.join(repoRoot, "target", "bench.json"), JSON.stringify(report, null, 2) + "\n");
process.stdout.write(formatBenchReport(report) + statementLogSummary() + "\n\nfigures written to target/bench.json\n");
