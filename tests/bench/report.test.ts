/** src/bench/report.ts: the benchmark's text tables (the benchmark itself is a script, not a test). */
import { describe, expect, it } from "vitest";
import { type ActionFigure, type BenchReport, formatBenchReport } from "../../src/bench/report.js";

const action = (name: string, seconds: number, rows?: number): ActionFigure => ({ name, kind: "table", status: "success", seconds, engineSeconds: seconds - 0.01, rows });

const report: BenchReport = {
  persons: 1000,
  seed: 42,
  machine: { cpus: 2, memoryGiB: 24, node: "v20" },
  phases: [
    { phase: "load", seconds: 2, rows: 1000 },
    { phase: "run", seconds: 4 },
  ],
  endToEndSeconds: 6,
  actions: [action("c360.fast", 1, 500), action("c360.slow", 3, 300)],
  overhead: { actionSeconds: 4, engineSeconds: 3.98, percent: 0.5, runWallSeconds: 4 },
  compile: { inProcessColdSeconds: 0.1, inProcessWarmMedianSeconds: 0.05, stockCliMedianSeconds: 2.5, speedupWarm: 50, speedupCold: 25 },
  incremental: { newEvents: 10, newOrders: 5, loadSeconds: 0.5, runSeconds: 1, percentOfFullLoadAndRun: 25, actions: [action("c360.increment", 0.75, 15)] },
  peakRssMiB: 512,
};

describe("formatBenchReport", () => {
  it("prints phases with rows per second, then the full run's and the incremental run's actions, slowest first", () => {
    const text = formatBenchReport(report);
    expect(text).toMatch(/load\s+2\.00\s+1,000\s+500/);
    expect(text).toContain("end to end (load + compile + run + test): 6.00 s; peak RSS 512 MiB");
    expect(text).toContain("= 25.0 % of the full load + run");
    expect(text.indexOf("c360.slow")).toBeLessThan(text.indexOf("c360.fast"));
    expect(text).toMatch(/incremental run: action \(slowest first\)[^\n]*\n[^\n]*\nc360\.increment\s+table\s+0\.75\s+0\.74\s+15\s+20/);
  });

  it("keeps only the slowest actions when asked", () => {
    const text = formatBenchReport(report, 1);
    expect(text).toContain("c360.slow");
    expect(text).not.toContain("c360.fast");
  });
});
