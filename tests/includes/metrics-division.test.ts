/**
 * dialect.roundedDivide, roundedDivideIntegers and roundedDivideByInteger (appended to includes/ts/dialect.ts for the
 * gold metrics): exact division rounded half away from zero on DuckDB, whose decimal
 * division is floating point, and their BigQuery renderings analyzed by ZetaSQL.
 */
import { describe, expect, it } from "vitest";
import { roundedDivide, roundedDivideByInteger, roundedDivideIntegers } from "../../includes/ts/dialect.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

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

describe("roundedDivideIntegers", () => {
  // numerator, denominator: integers, with halves, signs, zero and null denominators
  const pairs: [number | null, number | null][] = [
    [1, 3], [2, 3], [1, 8], [-1, 8], [5, -8], [-5, -8], [7, 2], [0, 5], [45, 135], [269, 359], [1000, 1090], [5, 0], [null, 2], [5, null],
    [123456789, 7],
  ];

  it("returns roundedDivide's values, type included, at every scale", async () => {
    for (const scale of [0, 2, 4, 9]) {
      const integers = await harness.evaluate((n, d) => `typeof(${roundedDivideIntegers(n, d, scale, "duckdb")}) || ' ' || coalesce(cast(${roundedDivideIntegers(n, d, scale, "duckdb")} as varchar), 'null')`, pairs, ["bigint", "bigint"]);
      const reference = await harness.evaluate((n, d) => `typeof(${roundedDivide(n, d, scale, "duckdb")}) || ' ' || coalesce(cast(${roundedDivide(n, d, scale, "duckdb")} as varchar), 'null')`, pairs, ["bigint", "bigint"]);
      expect(integers).toEqual(reference);
    }
    expect(await harness.evaluate((n, d) => roundedDivideIntegers(n, d, 4, "duckdb"), [[1, 8], [-1, 8], [2, 3]], ["bigint", "bigint"])).toEqual(["0.125000000", "-0.125000000", "0.666700000"]);
  });

  it("raises an overflow error rather than returning a wrong value", async () => {
    await expect(harness.evaluate((n, d) => roundedDivideIntegers(n, d, 9, "duckdb"), [["9000000000000000000", 3]], ["bigint", "bigint"])).rejects.toThrow(/overflow/i);
    expect(() => roundedDivideIntegers("a", "b", 10, "duckdb")).toThrow(/0\.\.9/);
  });

  it("renders BigQuery NUMERIC the analyzer accepts", async () => {
    expect(await bigQueryType((n, d) => roundedDivideIntegers(n, d, 4, "bigquery"), ["INT64", "INT64"])).toBe("NUMERIC");
  });
});

describe("roundedDivideByInteger", () => {
  // decimal numerator, integer denominator: halves, signs, 9 decimals, zero and null denominators
  const pairs: [string | null, number | null][] = [
    ["10.05", 2], ["-10.05", 2], ["10.05", -2], ["0.01", 2], ["1", 3], ["2", 3], ["123456789.125", 1], ["7", 2], ["0.000000001", 3],
    ["-0.000000005", 1], ["99999999999.999999999", 7], ["5", 0], [null, 2], ["5", null],
  ];

  it("returns roundedDivide's values, type included, at every scale", async () => {
    const rendered = (divide: typeof roundedDivide, scale: number) => (n: string, d: string) =>
      `typeof(${divide(n, d, scale, "duckdb")}) || ' ' || coalesce(cast(${divide(n, d, scale, "duckdb")} as varchar), 'null')`;
    for (const scale of [0, 2, 4, 9]) {
      const byInteger = await harness.evaluate(rendered(roundedDivideByInteger, scale), pairs, ["decimal(38, 9)", "bigint"]);
      expect(byInteger).toEqual(await harness.evaluate(rendered(roundedDivide, scale), pairs, ["decimal(38, 9)", "bigint"]));
    }
    expect(await harness.evaluate((n, d) => roundedDivideByInteger(n, d, 2, "duckdb"), [["10.05", 2], ["-10.05", 2]], ["decimal(38, 9)", "bigint"])).toEqual(["5.030000000", "-5.030000000"]);
    expect(() => roundedDivideByInteger("a", "b", -1, "duckdb")).toThrow(/0\.\.9/);
  });

  it("renders BigQuery NUMERIC the analyzer accepts", async () => {
    expect(await bigQueryType((n, d) => roundedDivideByInteger(n, d, 2, "bigquery"), ["NUMERIC", "INT64"])).toBe("NUMERIC");
  });
});
