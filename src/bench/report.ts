/** The benchmark's figures, as target/bench.json and as text tables for a person. */
import { type Action, CHECK_KINDS } from "../graph/actions.js";
import type { ActionResult } from "../runner/results.js";
import { type CheckpointVacuum, formatVacuums } from "../engines/duckdb/checkpoint-vacuums.js";
import type { CompileTiming } from "./compile-timing.js";
import { type ActionProfile, LOPSIDED_BUILD_ROWS, LOPSIDED_RATIO } from "./operator-profile.js";

export interface PhaseFigure {
  phase: string;
  seconds: number;
  rows?: number;
}

export interface ActionFigure {
  name: string;
  kind: string;
  /** The first of the workload's layer tags the action has, or other. */
  layer: string;
  /** success, failed, skipped, or unchanged (--skip-unchanged left it as it was). */
  status: string;
  seconds: number;
  engineSeconds: number;
  rows?: number;
}

export interface BenchReport {
  /** What was built (BenchWorkload.description). */
  workload: string;
  machine: { cpus: number; memoryGiB: number; node: string; duckdbThreads?: number; memoryLimit?: string; blockAllocatorMemory?: string; storageVersion?: string; actionsInParallel?: number; incrementalActionsInParallel?: number };
  phases: PhaseFigure[];
  /** load + compile + run + test of the full build (generation is timed apart). */
  endToEndSeconds: number;
  actions: ActionFigure[];
  overhead: { actionSeconds: number; engineSeconds: number; percent: number; runWallSeconds: number };
  /** Absent when the run was told not to time compilation (--no-compile-timing). */
  compile?: CompileTiming;
  incremental: {
    /** Rows the increment added, by what they are. */
    newRows: Record<string, number>;
    loadSeconds: number;
    runSeconds: number;
    /** The checkpoint right after the incremental run: what it left in the WAL (its process would write it on closing). */
    checkpointSeconds: number;
    /** Process CPU over the incremental load and run (user space, kernel). */
    cpuSeconds?: { user: number; system: number };
    percentOfFullLoadAndRun: number;
    /** The incremental run's actions: where the time of an increment goes. */
    actions: ActionFigure[];
    /** Rows of the tables counted after the incremental run (e.g. the affected customers), by table. */
    counts?: Record<string, number>;
    /** The row groups its checkpoints merged (--checkpoint-vacuums). */
    vacuums?: CheckpointVacuum[];
    /** Its profiled statements, costliest first (--profile-incremental; files in target/bench-profiles). */
    statementProfiles?: ActionProfile[];
  };
  /** Action seconds by layer (layerFigures). */
  layers: LayerFigure[];
  /** Operators of the full build's slowest actions (npm run bench -- --profile N). */
  profiles: ActionProfile[];
  peakRssMiB: number;
}

/** The action's layer: its first tag that names one of the workload's layers. */
function layerOf(action: Action | undefined, layers: readonly string[]): string {
  return layers.find((layer) => action?.tags.includes(layer)) ?? "other";
}

export function actionFigure(result: ActionResult, actions: Map<string, Action>, layers: readonly string[]): ActionFigure {
  return {
    name: result.name,
    kind: result.kind,
    layer: layerOf(actions.get(result.name), layers),
    status: result.unchanged ? "unchanged" : result.status,
    seconds: result.seconds,
    engineSeconds: result.engineSeconds,
    rows: result.rowsAffected,
  };
}

export interface LayerFigure {
  layer: string;
  /** Seconds of the layer's tables, views and incrementals in the full build. */
  buildSeconds: number;
  /** Seconds of the layer's assertions and unit tests after the full build. */
  testSeconds: number;
  /** Seconds of the layer's actions in the incremental run. */
  incrementalSeconds: number;
}

/** Action seconds summed by layer (`layers`: tags in build order): which layer a faster build has to come from. */
export function layerFigures(report: Pick<BenchReport, "actions" | "incremental">, layerTags: readonly string[]): LayerFigure[] {
  const layers = [...layerTags, "other"];
  const checks: ReadonlySet<string> = CHECK_KINDS;
  const sum = (figures: ActionFigure[], layer: string, keep: (figure: ActionFigure) => boolean) =>
    figures.filter((figure) => figure.layer === layer && keep(figure)).reduce((total, figure) => total + figure.seconds, 0);
  return layers
    .map((layer) => ({
      layer,
      buildSeconds: sum(report.actions, layer, (figure) => !checks.has(figure.kind)),
      testSeconds: sum(report.actions, layer, (figure) => checks.has(figure.kind)),
      incrementalSeconds: sum(report.incremental.actions, layer, () => true),
    }))
    .filter((figure) => report.actions.some((action) => action.layer === figure.layer) || figure.incrementalSeconds > 0);
}

function rate(rows: number | undefined, seconds: number): string {
  if (rows === undefined || seconds <= 0) return "";
  return Math.round(rows / seconds).toLocaleString("en-US");
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

function actionTable(title: string, figures: ActionFigure[], slowest: number): string {
  return table(
    [title, "kind", "seconds", "engine s", "rows", "rows/s"],
    [...figures]
      .sort((left, right) => right.seconds - left.seconds)
      .slice(0, slowest)
      .map((action) => [action.name, action.kind, action.seconds.toFixed(2), action.engineSeconds.toFixed(2), action.rows?.toLocaleString("en-US") ?? "", rate(action.rows, action.seconds)]),
  );
}

function layerTable(report: BenchReport): string {
  return table(
    ["layer", "build s", "test s", "incremental s"],
    report.layers.map((figure) => [figure.layer, figure.buildSeconds.toFixed(2), figure.testSeconds.toFixed(2), figure.incrementalSeconds.toFixed(2)]),
  );
}

function profileText(profile: ActionProfile, builtSeconds: number | undefined): string {
  const spill = profile.temporaryFolderPeakBytes > 0 ? `, spill folder peak so far ${(profile.temporaryFolderPeakBytes / 2 ** 20).toFixed(0)} MiB` : "";
  const built = builtSeconds === undefined ? "" : `built in ${builtSeconds.toFixed(2)} s; `;
  const copy = profile.copySeconds === undefined ? "" : `; writing its ${(profile.copiedRows ?? 0).toLocaleString("en-US")} rows again (a copy) ${profile.copySeconds.toFixed(2)} s`;
  const operators = table(
    ["  operator", "cpu s", "rows", "on"],
    profile.operators.map((operator) => [`  ${operator.operator}`, operator.seconds.toFixed(2), operator.rows.toLocaleString("en-US"), operator.detail]),
  );
  return `${profile.name}: ${built}query ${profile.seconds.toFixed(2)} s wall, ${profile.cpuSeconds.toFixed(2)} s cpu${spill}${copy}\n${operators}`;
}

/** Seconds the action took in the full build (the profiles are of the full build's slowest). */
function builtSeconds(report: BenchReport, name: string): number | undefined {
  return report.actions.find((action) => action.name === name)?.seconds;
}

function countLines(counts: Record<string, number> | undefined): string[] {
  const entries = Object.entries(counts ?? {});
  if (entries.length === 0) return [];
  return [`after the incremental run: ${entries.map(([name, rows]) => `${name} ${rows.toLocaleString("en-US")} rows`).join(", ")}`];
}

/** The incremental run's profiled statements (--profile-incremental), the costliest first, each with its costliest operators. */
function statementProfileLines(profiles: ActionProfile[] | undefined, shown = 10): string[] {
  if (!profiles) return [];
  const heading = `statements of the incremental run profiled (--profile-incremental; ${profiles.length} file(s) in target/bench-profiles; cpu s summed over threads, operators' s too), costliest ${Math.min(shown, profiles.length)}:`;
  return ["", heading, ...profiles.slice(0, shown).map((profile) => profileText(profile, undefined)), ...lopsidedJoinLines(profiles, shown)];
}

/** The profiled statements' hash joins that hashed the larger side (LopsidedJoin), costliest first. */
function lopsidedJoinLines(profiles: ActionProfile[], shown: number): string[] {
  const joins = profiles.flatMap((profile) => profile.lopsidedJoins.map((join) => ({ statement: profile.name, ...join }))).sort((left, right) => right.seconds - left.seconds);
  if (joins.length === 0) return [];
  const heading = `hash joins that hashed the larger side (DuckDB hashes a join's second input; here at least ${LOPSIDED_RATIO} times the rows of the first and ${LOPSIDED_BUILD_ROWS.toLocaleString("en-US")} rows: a lookup of few keys planned the wrong way round?), costliest ${Math.min(shown, joins.length)} of ${joins.length}:`;
  const rows = joins
    .slice(0, shown)
    .map((join) => [`  ${join.statement}`, join.seconds.toFixed(2), join.probeRows.toLocaleString("en-US"), join.buildRows.toLocaleString("en-US"), join.detail]);
  return ["", heading, table(["  statement", "cpu s", "rows probed", "rows hashed", "on"], rows)];
}

/** The increment's share of the full load + run, and what it found changed. */
function incrementalLines(incremental: BenchReport["incremental"]): string[] {
  return [
    `incremental: ${Object.entries(incremental.newRows).map(([what, rows]) => `+${rows.toLocaleString("en-US")} ${what}`).join(", ") || "nothing new"}: load ${incremental.loadSeconds.toFixed(2)} s + run ${incremental.runSeconds.toFixed(2)} s + checkpoint ${incremental.checkpointSeconds.toFixed(2)} s = ${incremental.percentOfFullLoadAndRun.toFixed(1)} % of the full load + run` +
      ` (--skip-unchanged: ${incremental.actions.filter((action) => action.status === "unchanged").length} of ${incremental.actions.length} actions unchanged, not rebuilt)`,
    ...cpuLines(incremental),
    ...countLines(incremental.counts),
    ...(incremental.vacuums ? [`row groups the incremental load and run's checkpoints merged (--checkpoint-vacuums): ${incremental.vacuums.length === 0 ? "none" : formatVacuums(incremental.vacuums).join("; ")}`] : []),
    ...statementProfileLines(incremental.statementProfiles),
  ];
}

/** The incremental load and run's CPU, beside their wall time: how busy the cores were. */
function cpuLines(incremental: BenchReport["incremental"]): string[] {
  if (!incremental.cpuSeconds) return [];
  const { user, system } = incremental.cpuSeconds;
  const wall = incremental.loadSeconds + incremental.runSeconds;
  return [`incremental load + run CPU: ${user.toFixed(2)} s user + ${system.toFixed(2)} s kernel = ${(user + system).toFixed(2)} CPU-s over ${wall.toFixed(2)} s (${((user + system) / wall).toFixed(2)} cores busy)`];
}

/** npm run bench -- --replay-increment: the incremental figures alone. */
export function formatReplayReport(report: { workload: string; keptDatabase: string; incremental: BenchReport["incremental"]; peakRssMiB: number }, slowest = 25): string {
  return [
    `c360 benchmark, incremental build replayed on a copy of ${report.keptDatabase}: ${report.workload}; peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
    ...incrementalLines(report.incremental),
    "",
    actionTable("incremental run: action (slowest first)", report.incremental.actions, slowest),
  ].join("\n");
}

export function formatBenchReport(report: BenchReport, slowest = 15): string {
  const phases = table(
    ["phase", "seconds", "rows", "rows/s"],
    report.phases.map((figure) => [figure.phase, figure.seconds.toFixed(2), figure.rows?.toLocaleString("en-US") ?? "", rate(figure.rows, figure.seconds)]),
  );
  const actions = actionTable("action (slowest first)", report.actions, slowest);
  const incrementalActions = actionTable("incremental run: action (slowest first)", report.incremental.actions, slowest);
  const { compile, overhead, incremental } = report;
  return [
    `c360 benchmark: ${report.workload} on ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, node ${report.machine.node}` +
      (report.machine.storageVersion ? `, DuckDB storage format ${report.machine.storageVersion}` : "") +
      (report.machine.blockAllocatorMemory ? `, block allocator ${report.machine.blockAllocatorMemory}` : "") +
      (report.machine.actionsInParallel ? `, ${report.machine.actionsInParallel} action(s) at a time` : "") +
      (report.machine.incrementalActionsInParallel && report.machine.incrementalActionsInParallel !== report.machine.actionsInParallel
        ? ` (${report.machine.incrementalActionsInParallel} in the incremental run)`
        : ""),
    "",
    phases,
    "",
    `end to end (load + compile + run + test): ${report.endToEndSeconds.toFixed(2)} s; peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
    `framework overhead: ${overhead.percent.toFixed(2)} % (actions ${overhead.actionSeconds.toFixed(2)} s, engine statements ${overhead.engineSeconds.toFixed(2)} s; run wall ${overhead.runWallSeconds.toFixed(2)} s)`,
    compile
      ? `compile: in-process ${(compile.inProcessColdSeconds * 1000).toFixed(0)} ms cold, ${(compile.inProcessWarmMedianSeconds * 1000).toFixed(0)} ms warm (median); stock dataform compile ${(compile.stockCliMedianSeconds * 1000).toFixed(0)} ms (median) -> ${compile.speedupWarm.toFixed(1)}x warm, ${compile.speedupCold.toFixed(1)}x cold`
      : "compile: not timed against the stock dataform compile (--no-compile-timing)",
    ...incrementalLines(incremental),
    "",
    layerTable(report),
    "",
    actions,
    "",
    incrementalActions,
    ...(report.profiles.length > 0 ? ["", "operators of the slowest actions (EXPLAIN ANALYZE, costliest first; cpu s summed over threads)", ...report.profiles.map((profile) => profileText(profile, builtSeconds(report, profile.name)))] : []),
  ].join("\n");
}
