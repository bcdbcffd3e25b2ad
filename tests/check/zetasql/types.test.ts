import { describe, expect, it } from "vitest";
import { parseTypeName, typeName } from "../../../src/check/zetasql/types.js";

describe("BigQuery type names", () => {
  it("round-trips simple, parameterized and nested types", () => {
    for (const text of ["INT64", "NUMERIC", "ARRAY<STRING>", "STRUCT<a INT64, b ARRAY<STRUCT<c DATE>>>", "RANGE<DATE>", "JSON"]) {
      expect(typeName(parseTypeName(text))).toBe(text);
    }
  });

  it("reads aliases and legacy schema names as BigQuery does", () => {
    expect(typeName(parseTypeName("integer"))).toBe("INT64");
    expect(typeName(parseTypeName("FLOAT"))).toBe("FLOAT64");
    expect(typeName(parseTypeName("BOOLEAN"))).toBe("BOOL");
    expect(typeName(parseTypeName("decimal(38, 9)"))).toBe("NUMERIC");
    expect(typeName(parseTypeName("STRING(10)"))).toBe("STRING");
    expect(typeName(parseTypeName("RECORD<`from` STRING>"))).toBe("STRUCT<from STRING>");
  });

  it("rejects what is not a BigQuery type", () => {
    expect(() => parseTypeName("VARCHAR")).toThrow("Unknown BigQuery type VARCHAR");
    expect(() => parseTypeName("ARRAY<STRING")).toThrow(/Unexpected end/);
    expect(() => parseTypeName("INT64 INT64")).toThrow(/Unexpected INT64/);
  });
});
