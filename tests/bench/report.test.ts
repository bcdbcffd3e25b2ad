/** src/bench/report.ts: the benchmark's text tables (the benchmark itself is a script, not a test). */
import { describe, expect, it } from "vitest";
import { type ActionFigure, type BenchReport, formatBenchReport, formatReplayReport, layerFigures } from "../../src/bench/report.js";

const action = (name: string, seconds: number, rows?: number, layer = "marts", kind = "table"): ActionFigure => ({
  name,
  kind,
  layer,
  status: "success",
  seconds,
  engineSeconds: seconds - 0.01,
  rows,
});

const report: BenchReport = {
  workload: "1,000 persons (seed 42)",
  machine: { cpus: 2, memoryGiB: 24, node: "v20", storageVersion: "latest", actionsInParallel: 2 },
  phases: [
    { phase: "load", seconds: 2, rows: 1000 },
    { phase: "run", seconds: 4 },
  ],
  endToEndSeconds: 6,
  actions: [action("c360.fast", 1, 500), action("c360.slow", 3, 300)],
  overhead: { actionSeconds: 4, engineSeconds: 3.98, percent: 0.5, runWallSeconds: 4 },
  compile: { inProcessColdSeconds: 0.1, inProcessWarmMedianSeconds: 0.05, stockCliMedianSeconds: 2.5, speedupWarm: 50, speedupCold: 25 },
  incremental: { newRows: { events: 10, orders: 5 }, loadSeconds: 0.5, runSeconds: 1, checkpointSeconds: 0.25, percentOfFullLoadAndRun: 25, actions: [action("c360.increment", 0.75, 15)] },
  layers: [{ layer: "marts", buildSeconds: 4, testSeconds: 0, incrementalSeconds: 0.75 }],
  profiles: [],
  peakRssMiB: 512,
};

describe("formatBenchReport", () => {
  it("prints phases with rows per second, then the full run's and the incremental run's actions, slowest first", () => {
    const text = formatBenchReport(report);
    expect(text).toContain("c360 benchmark: 1,000 persons (seed 42) on 2 cores, 24 GiB, node v20, DuckDB storage format latest, 2 action(s) at a time");
    expect(text).toMatch(/load\s+2\.00\s+1,000\s+500/);
    expect(text).toContain("end to end (load + compile + run + test): 6.00 s; peak RSS 512 MiB");
    expect(text).toContain("run 1.00 s + checkpoint 0.25 s = 25.0 % of the full load + run");
    expect(text.indexOf("c360.slow")).toBeLessThan(text.indexOf("c360.fast"));
    expect(text).toMatch(/incremental run: action \(slowest first\)[^\n]*\n[^\n]*\nc360\.increment\s+table\s+0\.75\s+0\.74\s+15\s+20/);
  });

  it("prints the seconds by layer, and the operator profiles when there are some", () => {
    expect(formatBenchReport(report)).toMatch(/layer\s+build s\s+test s\s+incremental s\n[- ]+\nmarts\s+4\.00\s+0\.00\s+0\.75/);
    expect(formatBenchReport(report)).not.toContain("operators of the slowest actions");
    const profiled = formatBenchReport({
      ...report,
      profiles: [
        { name: "c360.slow", seconds: 2.5, cpuSeconds: 4.75, temporaryFolderPeakBytes: 3 * 2 ** 20, operators: [{ operator: "HASH_JOIN", seconds: 1.5, rows: 1200, detail: "Join Type: LEFT" }], copySeconds: 1.25, copiedRows: 1300, lopsidedJoins: [] },
        { name: "c360_assertions.not_built", seconds: 0.5, cpuSeconds: 0.5, temporaryFolderPeakBytes: 0, operators: [], lopsidedJoins: [] },
      ],
    });
    expect(profiled).toContain("c360.slow: built in 3.00 s; query 2.50 s wall, 4.75 s cpu, spill folder peak so far 3 MiB; writing its 1,300 rows again (a copy) 1.25 s");
    expect(profiled).toContain("c360_assertions.not_built: query 0.50 s wall, 0.50 s cpu\n");
    expect(profiled).toMatch(/ {2}HASH_JOIN\s+1\.50\s+1,200\s+Join Type: LEFT/);
  });

  it("prints the row counts taken after the incremental run, when there are some", () => {
    expect(formatBenchReport(report)).not.toContain("after the incremental run:");
    const counted = formatBenchReport({ ...report, incremental: { ...report.incremental, counts: { "c360_changes.affected_customers": 1234, "c360_changes.affected_orders": 0 } } });
    expect(counted).toContain("after the incremental run: c360_changes.affected_customers 1,234 rows, c360_changes.affected_orders 0 rows\n");
  });

  it("prints the incremental load and run's CPU and the block allocator, when known", () => {
    expect(formatBenchReport(report)).not.toContain("incremental load + run CPU");
    const measured = formatBenchReport({ ...report, machine: { ...report.machine, blockAllocatorMemory: "2.5GB" }, incremental: { ...report.incremental, cpuSeconds: { user: 2, system: 1 } } });
    expect(measured).toContain(", DuckDB storage format latest, block allocator 2.5GB, 2 action(s) at a time");
    expect(measured).toContain("incremental load + run CPU: 2.00 s user + 1.00 s kernel = 3.00 CPU-s over 1.50 s (2.00 cores busy)\n");
  });

  it("lists the row groups the incremental run's checkpoints merged, when asked, most rows first", () => {
    expect(formatBenchReport(report)).not.toContain("--checkpoint-vacuums");
    const none = formatBenchReport({ ...report, incremental: { ...report.incremental, vacuums: [] } });
    expect(none).toContain("row groups the incremental load and run's checkpoints merged (--checkpoint-vacuums): none\n");
    const vacuums = [
      { table: "raw_web.events", rowGroupsMerged: 3, rowGroupsWritten: 1, rows: 98127 },
      { table: "raw_shop.orders", rowGroupsMerged: 5, rowGroupsWritten: 2, rows: 226012 },
    ];
    const listed = formatBenchReport({ ...report, incremental: { ...report.incremental, vacuums } });
    expect(listed).toContain(
      "row groups the incremental load and run's checkpoints merged (--checkpoint-vacuums): raw_shop.orders 5 → 2 row groups (226,012 rows); raw_web.events 3 → 1 row groups (98,127 rows)\n",
    );
  });

  it("lists the incremental run's profiled statements, when asked, each with its operators", () => {
    expect(formatBenchReport(report)).not.toContain("--profile-incremental");
    const statementProfiles = [
      { name: "0003-c360.slow", seconds: 0.5, cpuSeconds: 0.85, temporaryFolderPeakBytes: 0, operators: [{ operator: "SEQ_SCAN", seconds: 0.12, rows: 1919691, detail: "Table: events" }], lopsidedJoins: [] },
      { name: "0004-c360.slow", seconds: 0.12, cpuSeconds: 0.13, temporaryFolderPeakBytes: 0, operators: [], lopsidedJoins: [] },
    ];
    const text = formatBenchReport({ ...report, incremental: { ...report.incremental, statementProfiles } });
    expect(text).toContain("statements of the incremental run profiled (--profile-incremental; 2 file(s) in target/bench-profiles; cpu s summed over threads, operators' s too), costliest 2:\n");
    expect(text).toContain("0003-c360.slow: query 0.50 s wall, 0.85 s cpu\n");
    expect(text).toMatch(/SEQ_SCAN\s+0\.12\s+1,919,691\s+Table: events/);
    expect(text).not.toContain("hash joins that hashed the larger side");
  });

  it("lists the profiled statements' hash joins that hashed the larger side, costliest first across statements", () => {
    const profile = (name: string, lopsidedJoins: { seconds: number; probeRows: number; buildRows: number; detail: string }[]) => ({ name, seconds: 1, cpuSeconds: 2, temporaryFolderPeakBytes: 0, operators: [], lopsidedJoins });
    const statementProfiles = [
      profile("0054-c360_staging.items", [{ seconds: 4.12, probeRows: 0, buildRows: 10212577, detail: "Join Type: RIGHT_SEMI; Conditions: #0 = order_id" }]),
      profile("0165-c360.interactions", [{ seconds: 0.68, probeRows: 1960, buildRows: 1445965, detail: "Join Type: LEFT" }]),
    ];
    const text = formatBenchReport({ ...report, incremental: { ...report.incremental, statementProfiles } });
    expect(text).toContain("hash joins that hashed the larger side (DuckDB hashes a join's second input; here at least 10 times the rows of the first and 100,000 rows: a lookup of few keys planned the wrong way round?), costliest 2 of 2:\n");
    expect(text).toMatch(/0054-c360_staging\.items\s+4\.12\s+0\s+10,212,577\s+Join Type: RIGHT_SEMI; Conditions: #0 = order_id\n\s+0165-c360\.interactions\s+0\.68\s+1,960\s+1,445,965\s+Join Type: LEFT/);
  });

  it("says when compilation was not timed against the stock CLI", () => {
    expect(formatBenchReport(report)).toContain("stock dataform compile 2500 ms (median) -> 50.0x warm, 25.0x cold");
    expect(formatBenchReport({ ...report, compile: undefined })).toContain("compile: not timed against the stock dataform compile (--no-compile-timing)\n");
  });

  it("keeps only the slowest actions when asked", () => {
    const text = formatBenchReport(report, 1);
    expect(text).toContain("c360.slow");
    expect(text).not.toContain("c360.fast");
  });
});

describe("formatReplayReport", () => {
  it("prints the replayed increment's share of the kept full build, and its actions slowest first", () => {
    const text = formatReplayReport({ workload: "1,000 persons (seed 42)", keptDatabase: "/kept/1k.duckdb", incremental: report.incremental, peakRssMiB: 300 });
    expect(text.split("\n")[0]).toBe("c360 benchmark, incremental build replayed on a copy of /kept/1k.duckdb: 1,000 persons (seed 42); peak RSS 300 MiB");
    expect(text).toContain("incremental: +10 events, +5 orders: load 0.50 s + run 1.00 s + checkpoint 0.25 s = 25.0 % of the full load + run");
    expect(text).toMatch(/incremental run: action \(slowest first\)[^\n]*\n[^\n]*\nc360\.increment\s+table\s+0\.75/);
  });
});

describe("layerFigures", () => {
  it("sums the full build's actions, its assertions and tests, and the incremental run's actions by layer, in build order", () => {
    const figures = layerFigures(
      {
      actions: [
        action("c360.customer_360", 3, 10, "marts"),
        action("c360_staging.stg_a", 2, 10, "staging"),
        action("c360_staging.stg_b", 1.5, 10, "staging", "incremental"),
        action("c360_assertions.assert_a", 0.5, undefined, "staging", "assertion"),
        action("tests.unit", 0.25, undefined, "marts", "test"),
        action("c360.untagged", 1, 1, "other"),
      ],
      incremental: { ...report.incremental, actions: [action("c360_staging.stg_b", 0.5, 1, "staging", "incremental"), action("c360.customer_360", 2, 10)] },
    },
      ["staging", "identity", "marts", "reporting"],
    );
    expect(figures).toEqual([
      { layer: "staging", buildSeconds: 3.5, testSeconds: 0.5, incrementalSeconds: 0.5 },
      { layer: "marts", buildSeconds: 3, testSeconds: 0.25, incrementalSeconds: 2 },
      { layer: "other", buildSeconds: 1, testSeconds: 0, incrementalSeconds: 0 },
    ]);
  });
});
