/**
 * The fault-injection suite (issue 18): builds are killed (SIGKILL) or made to fail at
 * seeded points — inside loads, table swaps and merges — of a full build, a full refresh and
 * an incremental build that brings new parts. After each trial:
 * - bronze and the load manifest agree (what `run`/`test` check), and after a full refresh
 *   killed or failed they are exactly those before it or those of a complete load;
 * - `c360 build` exits 0, and `c360 diff --all` against a clean build of the same landing
 *   folder finds no difference; the manifests are equal too (but for load times and paths).
 * Points are named (src/faults.ts): a census run per scenario counts how often each is passed
 * (C360_FAULT_LOG), so every trial's point exists, and a trial whose point was not reached
 * fails instead of passing by accident.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { bronzeDisagreements } from "../../src/loader/consistency.js";
import { PROJECT_SOURCES, REPO_ROOT } from "../helpers/project.js";

export type Scenario = "full-build" | "full-refresh" | "incremental";
export type FaultMode = "kill" | "error" | "corrupt" | "external-kill";
export const SCENARIOS: Scenario[] = ["full-build", "full-refresh", "incremental"];

/** The points a scenario's trials choose from, by where they are. */
const POINTS: Record<Scenario, string[][]> = {
  "full-build": [["load.part", "load.read-half", "load.part-rows"], ["engine.statement"]],
  "full-refresh": [["load.swap", "load.manifest"], ["load.part", "load.read-half", "load.part-rows"], ["engine.statement"]],
  incremental: [["merge.staged", "merge.done"], ["load.part-rows", "load.read-half"], ["engine.statement"]],
};

export interface TrialResult {
  trial: number;
  scenario: Scenario;
  mode: FaultMode;
  /** <point>:<n>, or "after <ms> ms" for a kill from outside. */
  point: string;
  /** The fault happened where it was asked for (killed there, or failed with the injected error). */
  hit: boolean;
  passed: boolean;
  detail: string;
}

export interface SuiteOptions {
  workDir: string;
  trials: number;
  seed: number;
  /** Kills from outside after a random delay, at points the suite does not name. */
  externalKills?: number;
  /** Corrupt-a-part trials among `trials` (every n-th trial); 0: none. */
  corruptEvery?: number;
  /** Engine-error trials among `trials` (every n-th trial); 0: none. */
  errorEvery?: number;
  landingSource?: string;
  log?: (line: string) => void;
}

/** A small seeded generator (mulberry32): the same seed gives the same trials. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  seconds: number;
}

const BRONZE_TABLES = PROJECT_SOURCES.map((source) => `${source.schema}.${source.table}`);
/** Manifest columns that say what was loaded (not when, from which folder or file time). */
const MANIFEST_CONTENT = "file, bronze_table, part_suffix, size_bytes, sha256, records";
/** Parts of the seeds an incremental build brings (the first build sees the folder without them). */
const NEW_PART = /-2024-07-01\./;

export class FaultSuite {
  readonly landing: string;
  private readonly v1: string;
  private readonly v2: string;
  private readonly dbV1: string;
  readonly reference: string;
  private readonly census = new Map<Scenario, Map<string, number>>();
  private readonly censusSeconds = new Map<Scenario, number>();
  private beforeRefresh = "";
  private afterLoad = "";
  private readonly log: (line: string) => void;

  constructor(private readonly options: SuiteOptions) {
    const work = options.workDir;
    fs.mkdirSync(work, { recursive: true });
    this.landing = path.join(work, "landing");
    this.v1 = path.join(work, "landing-v1");
    this.v2 = path.join(work, "landing-v2");
    this.dbV1 = path.join(work, "v1.duckdb");
    this.reference = path.join(work, "reference.duckdb");
    this.log = options.log ?? (() => undefined);
  }

  /** Landing folders, the build of the first folder, the clean build of the second, and a census per scenario. */
  async prepare(): Promise<void> {
    const source = this.options.landingSource ?? path.join(REPO_ROOT, "seeds");
    for (const folder of [this.v1, this.v2]) fs.rmSync(folder, { recursive: true, force: true });
    fs.cpSync(source, this.v2, { recursive: true, preserveTimestamps: true });
    fs.cpSync(source, this.v1, { recursive: true, preserveTimestamps: true, filter: (file) => !NEW_PART.test(path.basename(file)) });
    this.useLanding(this.v1);
    removeDatabase(this.dbV1);
    this.expectBuilt(this.cli(["build"], this.dbV1), "build of the first landing folder");
    this.beforeRefresh = await fingerprint(this.dbV1);
    this.useLanding(this.v2);
    for (const scenario of SCENARIOS) {
      const database = path.join(this.options.workDir, `census-${scenario}.duckdb`);
      const logFile = path.join(this.options.workDir, `census-${scenario}.log`);
      fs.rmSync(logFile, { force: true });
      this.startingDatabase(scenario, scenario === "full-build" ? this.reference : database);
      const run = this.cli(this.command(scenario), scenario === "full-build" ? this.reference : database, { C360_FAULT_LOG: logFile });
      this.expectBuilt(run, `census of ${scenario}`);
      this.census.set(scenario, countPoints(logFile));
      this.censusSeconds.set(scenario, run.seconds);
      this.log(`census ${scenario}: ${run.seconds.toFixed(1)} s, ${[...this.census.get(scenario)!].map(([label, count]) => `${label} ${count}`).join(", ")}`);
      if (scenario !== "full-build") {
        // A complete incremental build or full refresh equals a clean build: the premise of every trial.
        const difference = await this.differences(database);
        if (difference) throw new Error(`census of ${scenario} differs from the clean build: ${difference}`);
      }
    }
    this.afterLoad = await fingerprint(this.reference);
  }

  /** Runs the trials and returns one result each. */
  async run(): Promise<TrialResult[]> {
    const random = seededRandom(this.options.seed);
    const results: TrialResult[] = [];
    const corruptEvery = this.options.corruptEvery ?? 6;
    const errorEvery = this.options.errorEvery ?? 4;
    for (let trial = 1; trial <= this.options.trials; trial++) {
      const scenario = SCENARIOS[(trial - 1) % SCENARIOS.length];
      let mode: FaultMode = "kill";
      if (corruptEvery > 0 && trial % corruptEvery === 0) mode = "corrupt";
      else if (errorEvery > 0 && trial % errorEvery === 0) mode = "error";
      const point = mode === "corrupt" ? this.pick(scenario === "full-build" ? "full-refresh" : scenario, [["load.read-half"]], random) : this.pick(scenario, POINTS[scenario], random, trial);
      results.push(await this.trial(trial, mode === "corrupt" && scenario === "full-build" ? "full-refresh" : scenario, mode, point));
      this.log(formatResult(results.at(-1)!));
    }
    for (let kill = 1; kill <= (this.options.externalKills ?? 0); kill++) {
      const scenario = SCENARIOS[Math.floor(random() * SCENARIOS.length)];
      results.push(await this.externalKill(this.options.trials + kill, scenario, random));
      this.log(formatResult(results.at(-1)!));
    }
    return results;
  }

  private pick(scenario: Scenario, groups: string[][], random: () => number, trial = 0): string {
    const counts = this.census.get(scenario)!;
    const available = groups.map((group) => group.filter((label) => (counts.get(label) ?? 0) > 0)).filter((group) => group.length > 0);
    // Groups in turn (loads, swaps, merges, statements), a label and its occurrence at random.
    const group = available[Math.floor(Math.max(0, trial - 1) / SCENARIOS.length) % available.length] ?? available[0];
    const label = group[Math.floor(random() * group.length)];
    const n = 1 + Math.floor(random() * counts.get(label)!);
    return `${label}:${n}`;
  }

  private async trial(trial: number, scenario: Scenario, mode: FaultMode, point: string): Promise<TrialResult> {
    const database = path.join(this.options.workDir, `trial.duckdb`);
    this.startingDatabase(scenario, database);
    const env = { C360_FAULT_AT: point, C360_FAULT_MODE: mode === "corrupt" ? "corrupt" : mode };
    const run = this.cli(this.command(scenario), database, env);
    const hit =
      mode === "kill"
        ? run.signal === "SIGKILL"
        : mode === "error"
          ? run.status !== 0 && run.output.includes(`injected fault at ${point}`)
          : // Caught as the bytes arrive (they are not UTF-8), or when the file is seen to have changed at the end of its read.
            run.status === 2 && /changed while it was read|is not valid UTF-8/.test(run.output);
    const base = { trial, scenario, mode, point, hit };
    if (!hit) return { ...base, passed: false, detail: `the fault was not where asked (exit ${run.status}, signal ${run.signal}): ${run.output.slice(-400)}` };
    return { ...base, ...(await this.afterFault(scenario, database, mode === "corrupt" || point.startsWith("load."))) };
  }

  private async externalKill(trial: number, scenario: Scenario, random: () => number): Promise<TrialResult> {
    const database = path.join(this.options.workDir, `trial.duckdb`);
    this.startingDatabase(scenario, database);
    // Somewhere inside the run: its census took censusSeconds (the start-up of node and the compile take the first seconds).
    const delayMs = 2000 + Math.floor(random() * Math.max(1000, (this.censusSeconds.get(scenario) ?? 10) * 1000 * 0.8 - 2000));
    const run = await this.cliKilledAfter(this.command(scenario), database, delayMs);
    const base = { trial, scenario, mode: "external-kill" as const, point: `after ${delayMs} ms`, hit: run.signal === "SIGKILL" };
    if (!base.hit) return { ...base, passed: false, detail: `the command ended before the kill (exit ${run.status})` };
    return { ...base, ...(await this.afterFault(scenario, database, false)) };
  }

  /** The checks after a fault: bronze agrees with the manifest (exactly before or after, for a full refresh's load), a build repairs, and equals the clean build. */
  private async afterFault(scenario: Scenario, database: string, inLoad: boolean): Promise<{ passed: boolean; detail: string }> {
    this.useLanding(this.v2); // a corrupted part is delivered again, complete
    const disagreements = await withDatabase(database, (engine) => bronzeDisagreements(engine));
    if (disagreements.length > 0) return { passed: false, detail: `bronze disagrees with the manifest after the fault: ${JSON.stringify(disagreements)}` };
    if (scenario === "full-refresh" && inLoad) {
      const state = await fingerprint(database);
      if (state !== this.beforeRefresh && state !== this.afterLoad) return { passed: false, detail: "after a fault in a full refresh's load, bronze and the manifest are neither those before it nor those of a complete load" };
    }
    const rebuild = this.cli(["build"], database);
    if (rebuild.status !== 0) return { passed: false, detail: `c360 build after the fault exited ${rebuild.status}: ${rebuild.output.slice(-600)}` };
    const difference = await this.differences(database);
    return difference ? { passed: false, detail: difference } : { passed: true, detail: `rebuilt in ${rebuild.seconds.toFixed(1)} s; diff --all and manifest equal to the clean build` };
  }

  /** undefined when `database` equals the clean build: every table of the project (c360 diff --all) and the manifest. */
  private async differences(database: string): Promise<string | undefined> {
    // c360_changes (definitions/changes/) records what the last build changed, and the identity
    // tables tagged per_build hold what it recomputed (only the affected components on an
    // incremental build): a rebuild and a clean build differ there by design, as the manifest's
    // load times do. Everything else counts, the saved identity state included.
    const diff = this.cliPlain(["diff", "--a", this.reference, "--b", database, "--all", "--exclude", "path:definitions/changes", "tag:per_build", "--sample", "3"]);
    if (diff.status !== 0) return `c360 diff --all exited ${diff.status}: ${diff.output.slice(-1500)}`;
    const [left, right] = [await manifestRows(this.reference), await manifestRows(database)];
    if (left !== right) return "the load manifests differ";
    return undefined;
  }

  private command(scenario: Scenario): string[] {
    return scenario === "full-refresh" ? ["build", "--full-refresh"] : ["build"];
  }

  private startingDatabase(scenario: Scenario, database: string): void {
    removeDatabase(database);
    if (scenario !== "full-build") fs.copyFileSync(this.dbV1, database);
  }

  private useLanding(version: string): void {
    fs.rmSync(this.landing, { recursive: true, force: true });
    fs.cpSync(version, this.landing, { recursive: true, preserveTimestamps: true });
  }

  private expectBuilt(run: CliRun, what: string): void {
    if (run.status !== 0) throw new Error(`${what} exited ${run.status} (signal ${run.signal}): ${run.output.slice(-2000)}`);
  }

  private cli(args: string[], database: string, env: Record<string, string> = {}): CliRun {
    return this.cliPlain([...args, "--database", database, "--seeds", this.landing, "--quiet"], env);
  }

  private cliPlain(args: string[], env: Record<string, string> = {}): CliRun {
    const started = performance.now();
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/c360.ts"), ...args, "--project-dir", REPO_ROOT], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 15 * 60_000,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    });
    return { status: result.status, signal: result.signal, output: `${result.stdout}\n${result.stderr}`, seconds: (performance.now() - started) / 1000 };
  }

  private cliKilledAfter(args: string[], database: string, delayMs: number): Promise<CliRun> {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/c360.ts"), ...args, "--database", database, "--seeds", this.landing, "--quiet", "--project-dir", REPO_ROOT], {
      cwd: REPO_ROOT,
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    return new Promise((resolve) => {
      child.on("exit", (status, signal) => {
        clearTimeout(timer);
        resolve({ status, signal, output: "", seconds: (performance.now() - started) / 1000 });
      });
    });
  }
}

function removeDatabase(database: string): void {
  for (const file of [database, `${database}.wal`]) fs.rmSync(file, { force: true });
  fs.rmSync(`${database}.tmp`, { recursive: true, force: true });
}

function countPoints(logFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
  for (const line of text.split("\n").filter(Boolean)) {
    const [label, n] = line.split(" ");
    counts.set(label, Math.max(counts.get(label) ?? 0, Number(n)));
  }
  return counts;
}

async function withDatabase<T>(database: string, work: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckDbEngine.open(database, { connections: 1 });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** One text for bronze and the manifest's content: equal texts, equal tables (row order aside). */
async function fingerprint(database: string): Promise<string> {
  return withDatabase(database, async (engine) => {
    const parts: string[] = [];
    for (const table of BRONZE_TABLES) {
      const [schema, name] = table.split(".");
      if (!(await engine.describeTable({ schema, name }))) {
        parts.push(`${table}: missing`);
        continue;
      }
      const [row] = await engine.query(`select count(*) as n, coalesce(md5(string_agg(md5(t::varchar), '' order by md5(t::varchar))), '') as digest from ${table} as t`);
      parts.push(`${table}: ${row.n} ${row.digest}`);
    }
    parts.push(`manifest: ${await manifestRowsOf(engine)}`);
    return parts.join("\n");
  });
}

async function manifestRows(database: string): Promise<string> {
  return withDatabase(database, manifestRowsOf);
}

async function manifestRowsOf(engine: DuckDbEngine): Promise<string> {
  if (!(await engine.describeTable({ schema: "raw_meta", name: "load_manifest" }))) return "missing";
  return JSON.stringify(await engine.query(`select ${MANIFEST_CONTENT} from raw_meta.load_manifest order by file`), (_key, value) => (typeof value === "bigint" ? Number(value) : value));
}

export function formatResult(result: TrialResult): string {
  return `trial ${String(result.trial).padStart(2)}  ${result.scenario.padEnd(12)} ${result.mode.padEnd(13)} ${result.point.padEnd(22)} ${result.hit ? "hit" : "MISSED"}  ${result.passed ? "pass" : "FAIL"}  ${result.detail}`;
}

/** The fault matrix: per scenario, mode and point (without its occurrence), trials, hits and passes. */
export function faultMatrix(results: TrialResult[]): string {
  const rows = new Map<string, { trials: number; hit: number; passed: number }>();
  for (const result of results) {
    const where = result.mode === "external-kill" ? "(outside, timed)" : result.point.replace(/:\d+$/, "");
    const key = `${result.scenario} | ${result.mode} | ${where}`;
    const row = rows.get(key) ?? { trials: 0, hit: 0, passed: 0 };
    row.trials++;
    if (result.hit) row.hit++;
    if (result.passed) row.passed++;
    rows.set(key, row);
  }
  const lines = ["| scenario | fault | where | trials | hit | passed |", "|---|---|---|---|---|---|"];
  for (const [key, row] of [...rows].sort()) lines.push(`| ${key} | ${row.trials} | ${row.hit} | ${row.passed} |`);
  return lines.join("\n");
}
