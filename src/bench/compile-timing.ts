/** Compile time in-process (cold and warm) against the stock `dataform compile` CLI. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { compileProject } from "../compile/index.js";

export interface CompileTiming {
  inProcessColdSeconds: number;
  inProcessWarmMedianSeconds: number;
  stockCliMedianSeconds: number;
  /** Stock CLI median over in-process warm median. */
  speedupWarm: number;
  speedupCold: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function seconds(work: () => void): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

export function timeCompile(projectDir: string, vars: Record<string, string>, runs = 5): CompileTiming {
  const inProcessColdSeconds = seconds(() => compileProject({ projectDir, vars, reuseGraph: false }));
  const warm = Array.from({ length: runs }, () => seconds(() => compileProject({ projectDir, vars, reuseGraph: false })));
  const cli = path.join(projectDir, "node_modules", ".bin", "dataform");
  const varsArgument = `--vars=${Object.entries(vars).map(([key, value]) => `${key}=${value}`).join(",")}`;
  const stock = Array.from({ length: runs }, () =>
    seconds(() => {
      const result = spawnSync(cli, ["compile", projectDir, "--json", varsArgument], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 256 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`dataform compile failed: ${result.stderr?.toString()}`);
    }),
  );
  const inProcessWarmMedianSeconds = median(warm);
  const stockCliMedianSeconds = median(stock);
  return {
    inProcessColdSeconds,
    inProcessWarmMedianSeconds,
    stockCliMedianSeconds,
    speedupWarm: stockCliMedianSeconds / inProcessWarmMedianSeconds,
    speedupCold: stockCliMedianSeconds / inProcessColdSeconds,
  };
}

export interface ProcessCompileTiming {
  runs: number;
  /** Whole-process `c360 compile` (the bundled bin) of an unchanged project: its graph comes from the graph cache. */
  c360Seconds: number[];
  /** The same just after one .sqlx changed: core runs, with the rest of the disk cache (V8 code, other files' compiled SQLX) warm. */
  c360AfterEditSeconds: number[];
  /** The same with the disk cache off (C360_CACHE_DIR=off): a first compile on a new machine. */
  c360NoCacheSeconds: number[];
  /** Whole-process stock `dataform compile --json`. */
  stockSeconds: number[];
  c360MedianSeconds: number;
  c360AfterEditMedianSeconds: number;
  c360NoCacheMedianSeconds: number;
  stockMedianSeconds: number;
  /** Median of the per-round ratios stock / c360 (rounds alternate the commands, so drift cancels). */
  speedup: number;
  speedupAfterEdit: number;
  speedupNoCache: number;
}

/**
 * A copy of the project that both CLIs compile: its config files, definitions/ and includes/,
 * the top-level folders holding .sqlx files, and a real node_modules/@dataform/core (the stock
 * CLI's vm2 refuses a symlinked node_modules, as git worktrees and some installs have).
 */
export function stageProjectCopy(projectDir: string, destination: string): string {
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  for (const file of ["dataform.json", "workflow_settings.yaml", "package.json", "c360.json"]) {
    if (fs.existsSync(path.join(projectDir, file))) fs.copyFileSync(path.join(projectDir, file), path.join(destination, file));
  }
  const skip = new Set(["node_modules", "target", "dist"]);
  const holdsSqlx = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => (entry.isDirectory() ? !skip.has(entry.name) && holdsSqlx(path.join(dir, entry.name)) : entry.name.endsWith(".sqlx")));
  for (const entry of fs.readdirSync(projectDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".") || skip.has(entry.name)) continue;
    const folder = path.join(projectDir, entry.name);
    if (entry.name === "definitions" || entry.name === "includes" || holdsSqlx(folder)) fs.cpSync(folder, path.join(destination, entry.name), { recursive: true });
  }
  const core = path.dirname(createRequire(import.meta.url).resolve("@dataform/core/package.json"));
  fs.cpSync(core, path.join(destination, "node_modules", "@dataform", "core"), { recursive: true, dereference: true });
  return destination;
}

function timedProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], env, maxBuffer: 256 * 1024 * 1024 });
  const elapsed = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${path.basename(args[0] ?? command)} ${args.slice(1, 2).join(" ")} failed (exit ${result.status}): ${result.stderr?.toString().slice(0, 2000)}`);
  return elapsed;
}

/** Appends a SQL comment to the project's first .sqlx under definitions/: an edit, as between two compiles of the edit-compile loop. */
function editOneModel(project: string, round: number): void {
  const model = listSqlx(path.join(project, "definitions"))[0];
  if (!model) throw new Error(`${project}/definitions holds no .sqlx to edit`);
  fs.appendFileSync(model, `\n-- edited by the benchmark, round ${round}\n`);
}

function listSqlx(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((left, right) => (left.name < right.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? listSqlx(path.join(dir, entry.name)) : entry.name.endsWith(".sqlx") ? [path.join(dir, entry.name)] : []));
}

/**
 * Whole processes, side by side: in each round the stock `dataform compile`, then `c360 compile`
 * (the compiled bin, no tsx) of the unchanged project (the graph cache answers), then again just
 * after one .sqlx changed, then with its disk cache off; one uncounted warm-up round first. All
 * compile the same staged copy of the project.
 */
export function timeCompileProcesses(options: { repoRoot: string; projectDir: string; stagingDir: string; runs: number; log?: (message: string) => void }): ProcessCompileTiming {
  const bin = path.join(options.repoRoot, "dist", "cli", "bin.js");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm ci runs it).`);
  const stock = createRequire(import.meta.url).resolve("@dataform/cli/bundle.js");
  const project = stageProjectCopy(options.projectDir, options.stagingDir);
  const c360 = () => timedProcess(process.execPath, [bin, "compile", "-q", "--project-dir", project]);
  const c360NoCache = () => timedProcess(process.execPath, [bin, "compile", "-q", "--project-dir", project], { ...process.env, C360_CACHE_DIR: "off" });
  const dataform = () => timedProcess(process.execPath, [stock, "compile", project, "--json"]);
  dataform();
  c360();
  const rounds = Array.from({ length: options.runs }, (_, round) => {
    // Unchanged: the project as the last compile (the warm-up's or the previous round's edit) left it.
    const figures = { stock: dataform(), c360: c360(), c360AfterEdit: 0, c360NoCache: 0 };
    editOneModel(project, round + 1);
    figures.c360AfterEdit = c360();
    figures.c360NoCache = c360NoCache();
    options.log?.(
      `round ${round + 1}: stock ${figures.stock.toFixed(2)} s, c360 ${figures.c360.toFixed(2)} s, after an edit ${figures.c360AfterEdit.toFixed(2)} s, without cache ${figures.c360NoCache.toFixed(2)} s`,
    );
    return figures;
  });
  const c360Seconds = rounds.map((round) => round.c360);
  const c360AfterEditSeconds = rounds.map((round) => round.c360AfterEdit);
  const c360NoCacheSeconds = rounds.map((round) => round.c360NoCache);
  const stockSeconds = rounds.map((round) => round.stock);
  return {
    runs: options.runs,
    c360Seconds,
    c360AfterEditSeconds,
    c360NoCacheSeconds,
    stockSeconds,
    c360MedianSeconds: median(c360Seconds),
    c360AfterEditMedianSeconds: median(c360AfterEditSeconds),
    c360NoCacheMedianSeconds: median(c360NoCacheSeconds),
    stockMedianSeconds: median(stockSeconds),
    speedup: median(rounds.map((round) => round.stock / round.c360)),
    speedupAfterEdit: median(rounds.map((round) => round.stock / round.c360AfterEdit)),
    speedupNoCache: median(rounds.map((round) => round.stock / round.c360NoCache)),
  };
}

export function formatProcessCompileTiming(timing: ProcessCompileTiming): string {
  const line = (label: string, value: number, speedup?: string) => `  ${label.padEnd(38)} ${value.toFixed(3)} s${speedup ? `  -> ${speedup}` : ""}`;
  return [
    `whole-process compile, ${timing.runs} alternating rounds (medians; a busy machine makes them noisy):`,
    line("stock dataform compile --json", timing.stockMedianSeconds),
    line("c360 compile (bin, unchanged project)", timing.c360MedianSeconds, `${timing.speedup.toFixed(1)}x faster (median of per-round ratios)`),
    line("c360 compile (bin, one .sqlx edited)", timing.c360AfterEditMedianSeconds, `${timing.speedupAfterEdit.toFixed(1)}x faster`),
    line("c360 compile (bin, disk cache off)", timing.c360NoCacheMedianSeconds, `${timing.speedupNoCache.toFixed(1)}x faster`),
  ].join("\n");
}
