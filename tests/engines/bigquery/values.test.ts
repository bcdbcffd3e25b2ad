import { describe, expect, it } from "vitest";
import { convertRows, fieldTypeName, schemaToColumns } from "../../../src/engines/bigquery/values.js";

describe("BigQuery values", () => {
  it("converts REST rows to plain values: exact decimals as text, safe integers as numbers, UTC timestamps", () => {
    const schema = [
      { name: "n", type: "INT64" },
      { name: "f", type: "FLOAT" },
      { name: "d", type: "BIGNUMERIC" },
      { name: "t", type: "TIMESTAMP" },
      { name: "day", type: "DATE" },
    ];
    const rows = convertRows(schema, [
      { f: [{ v: "-5" }, { v: "1.5" }, { v: "0.000000001" }, { v: "-1500" }, { v: "2024-02-29" }] },
      { f: [{ v: null }, { v: null }, { v: null }, { v: "1719748800000000" }, { v: null }] },
    ]);
    expect(rows).toEqual([
      { n: -5, f: 1.5, d: "0.000000001", t: "1969-12-31T23:59:59.998500Z", day: "2024-02-29" },
      { n: null, f: null, d: null, t: "2024-06-30T12:00:00.000Z", day: null },
    ]);
  });

  it("names types the GoogleSQL way", () => {
    expect(fieldTypeName({ name: "x", type: "RECORD", mode: "REPEATED", fields: [{ name: "y", type: "BOOLEAN" }] })).toBe("ARRAY<STRUCT<y BOOL>>");
    expect(schemaToColumns([{ name: "a", type: "INTEGER" }, { name: "b", type: "NUMERIC" }])).toEqual([
      { name: "a", type: "INT64" },
      { name: "b", type: "NUMERIC" },
    ]);
  });
});
