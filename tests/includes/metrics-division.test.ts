/**
 * dialect.roundedDivide (appended to includes/ts/dialect.ts for the gold metrics): exact
 * division rounded half away from zero on DuckDB, whose decimal division is floating point,
 * and its BigQuery rendering analyzed by ZetaSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roundedDivide } from "../../includes/ts/dialect.js";
import { closeSharedBigQueryAnalyzer } from "../../src/check/index.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";

let harness: MacroHarness;
beforeAll(async () => {
  harness = await MacroHarness.open();
});
afterAll(async () => {
  await harness.close();
  await closeSharedBigQueryAnalyzer();
});

describe("roundedDivide", () => {
  // numerator, denominator, scale → expected
  const cases: [string | null, number | null, number, string | null][] = [
    ["10.05", 2, 2, "5.030000000"], // 5.025 exactly: a float division gives 5.02499… and rounds down
    ["-10.05", 2, 2, "-5.030000000"], // half away from zero, also below zero
    ["0.01", 2, 2, "0.010000000"],
    ["1", 3, 4, "0.333300000"],
    ["2", 3, 4, "0.666700000"],
    ["123456789.125", 1, 2, "123456789.130000000"],
    ["7", 2, 0, "4.000000000"],
    ["5", 0, 2, null], // division by zero → null
    [null, 2, 2, null],
    ["5", null, 2, null],
  ];

  it("divides exactly and rounds half away from zero on DuckDB", async () => {
    for (const scale of [0, 2, 4]) {
      const subset = cases.filter((row) => row[2] === scale);
      const results = await harness.evaluate((n, d) => roundedDivide(n, d, scale, "duckdb"), subset.map(([n, d]) => [n, d]), ["decimal(38, 9)", "bigint"]);
      expect(results).toEqual(subset.map((row) => row[3]));
    }
  });

  it("accepts decimal denominators and rejects scales outside 0..9", async () => {
    expect(await harness.evaluate((n, d) => roundedDivide(n, d, 2, "duckdb"), [["1.00", "0.03"]], ["decimal(38, 9)", "decimal(38, 9)"])).toEqual(["33.330000000"]);
    expect(() => roundedDivide("a", "b", 10, "duckdb")).toThrow(/0\.\.9/);
    expect(() => roundedDivide("a", "b", 1.5, "bigquery")).toThrow(/0\.\.9/);
  });

  it("renders BigQuery NUMERIC the analyzer accepts", async () => {
    expect(await bigQueryType((n, d) => roundedDivide(n, d, 2, "bigquery"), ["NUMERIC", "INT64"])).toBe("NUMERIC");
    expect(await bigQueryType((n, d) => roundedDivide(n, d, 4, "bigquery"), ["INT64", "INT64"])).toBe("NUMERIC");
  });
});
