import { describe, expect, it } from "vitest";
import { DryRunRecorder, estimateUsd, formatBytes, formatDryRunReport, ON_DEMAND_USD_PER_TIB } from "../../../src/engines/bigquery/dry-run.js";

describe("dry-run report", () => {
  it("sums bytes per action and prices them on demand", () => {
    const recorder = new DryRunRecorder();
    recorder.record("mart.orders", 1024 ** 4);
    recorder.record("mart.orders", 0);
    recorder.record("mart.customers", 512 * 1024 ** 2);
    const report = recorder.report();
    expect(report.actions).toEqual([
      { actionName: "mart.orders", statements: 2, bytesProcessed: 1024 ** 4 },
      { actionName: "mart.customers", statements: 1, bytesProcessed: 512 * 1024 ** 2 },
    ]);
    expect(report.estimatedUsd).toBeCloseTo(ON_DEMAND_USD_PER_TIB * (1 + 0.5 / 1024), 9);
    expect(estimateUsd(0)).toBe(0);
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatDryRunReport(report).split("\n")).toEqual([
      "Dry run: bytes each action would process",
      "  mart.orders        1.00 TiB  (2 statement(s))",
      "  mart.customers   512.00 MiB  (1 statement(s))",
      "  total              1.00 TiB  ≈ $6.2531 on demand at $6.25/TiB",
    ]);
  });
});
