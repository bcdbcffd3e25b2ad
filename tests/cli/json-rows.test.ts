import { describe, expect, it } from "vitest";
import { exactNumber, jsonRows } from "../../src/cli/json-rows.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

describe("query --format json values", () => {
  it("turns a decimal into a number only when a double reads back the same decimal", () => {
    expect(exactNumber("368717.100000000")).toBe(368717.1);
    expect(exactNumber("-0.000000000")).toBe(0);
    expect(exactNumber("0.000000100")).toBe(1e-7);
    expect(exactNumber("9007199254740992")).toBe(9007199254740992);
    expect(exactNumber("9007199254740993")).toBeUndefined();
    expect(exactNumber("12345678901234567890.123456789")).toBeUndefined();
    expect(exactNumber("0.1000000000000000055511151231257827")).toBeUndefined();
    expect(exactNumber("1e5")).toBeUndefined();
  });

  it("prints DuckDB's exact types as numbers where nothing is lost, text as text", async () => {
    const engine = await openMemoryEngine();
    try {
      const { columns, rows } = await engine.queryWithColumns(
        "select 1.5::decimal(38,9) as amount, 12345678901234567890.123456789::decimal(38,9) as huge, 0.1::double as ratio, 9007199254740993::bigint as big, 42::hugeint as small_huge, '00501' as postal_code, [1.25, 2]::decimal(10,2)[] as prices, null::decimal(38,9) as missing",
      );
      expect(JSON.stringify(jsonRows(columns, rows))).toBe(
        '[{"amount":1.5,"huge":"12345678901234567890.123456789","ratio":0.1,"big":"9007199254740993","small_huge":42,"postal_code":"00501","prices":[1.25,2],"missing":null}]',
      );
    } finally {
      await engine.close();
    }
  });
});
