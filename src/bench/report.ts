/** The benchmark's figures, as target/bench.json and as text tables for a person. */
import type { CompileTiming } from "./compile-timing.js";

export interface PhaseFigure {
  phase: string;
  seconds: number;
  rows?: number;
}

export interface ActionFigure {
  name: string;
  kind: string;
  /** success, failed, skipped, or unchanged (--skip-unchanged left it as it was). */
  status: string;
  seconds: number;
  engineSeconds: number;
  rows?: number;
}

export interface BenchReport {
  persons: number;
  seed: number;
  machine: { cpus: number; memoryGiB: number; node: string; duckdbThreads?: number; memoryLimit?: string };
  phases: PhaseFigure[];
  /** load + compile + run + test of the full build (generation is timed apart). */
  endToEndSeconds: number;
  actions: ActionFigure[];
  overhead: { actionSeconds: number; engineSeconds: number; percent: number; runWallSeconds: number };
  compile: CompileTiming;
  incremental: {
    newEvents: number;
    newOrders: number;
    loadSeconds: number;
    runSeconds: number;
    percentOfFullLoadAndRun: number;
    /** The incremental run's actions: where the time of an increment goes. */
    actions: ActionFigure[];
  };
  peakRssMiB: number;
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

export function formatBenchReport(report: BenchReport, slowest = 15): string {
  const phases = table(
    ["phase", "seconds", "rows", "rows/s"],
    report.phases.map((figure) => [figure.phase, figure.seconds.toFixed(2), figure.rows?.toLocaleString("en-US") ?? "", rate(figure.rows, figure.seconds)]),
  );
  const actions = actionTable("action (slowest first)", report.actions, slowest);
  const incrementalActions = actionTable("incremental run: action (slowest first)", report.incremental.actions, slowest);
  const { compile, overhead, incremental } = report;
  return [
    `c360 benchmark: ${report.persons.toLocaleString("en-US")} persons (seed ${report.seed}) on ${report.machine.cpus} cores, ${report.machine.memoryGiB} GiB, node ${report.machine.node}`,
    "",
    phases,
    "",
    `end to end (load + compile + run + test): ${report.endToEndSeconds.toFixed(2)} s; peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
    `framework overhead: ${overhead.percent.toFixed(2)} % (actions ${overhead.actionSeconds.toFixed(2)} s, engine statements ${overhead.engineSeconds.toFixed(2)} s; run wall ${overhead.runWallSeconds.toFixed(2)} s)`,
    `compile: in-process ${(compile.inProcessColdSeconds * 1000).toFixed(0)} ms cold, ${(compile.inProcessWarmMedianSeconds * 1000).toFixed(0)} ms warm (median); stock dataform compile ${(compile.stockCliMedianSeconds * 1000).toFixed(0)} ms (median) -> ${compile.speedupWarm.toFixed(1)}x warm, ${compile.speedupCold.toFixed(1)}x cold`,
    `incremental: +${incremental.newEvents.toLocaleString("en-US")} events, +${incremental.newOrders.toLocaleString("en-US")} orders: load ${incremental.loadSeconds.toFixed(2)} s + run ${incremental.runSeconds.toFixed(2)} s = ${incremental.percentOfFullLoadAndRun.toFixed(1)} % of the full load + run` +
      ` (--skip-unchanged: ${incremental.actions.filter((action) => action.status === "unchanged").length} of ${incremental.actions.length} actions unchanged, not rebuilt)`,
    "",
    actions,
    "",
    incrementalActions,
  ].join("\n");
}
