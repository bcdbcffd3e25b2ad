import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { diffRows, executeUnitTest } from "../../src/runner/unit-tests.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

describe("row diff", () => {
  it("is empty when rows agree in any order", () => {
    expect(diffRows([{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }])).toEqual([]);
  });

  it("reports row counts and columns as Dataform does (columns as a set)", () => {
    expect(diffRows([{ a: 1 }], [{ a: 1 }, { a: 2 }])).toEqual(["Expected 2 rows, but saw 1 rows.", "Missing expected row 1: {a: 2}"]);
    expect(diffRows([{ a: 1 }], [{ b: 1 }])).toEqual(['Expected columns "b", but saw "a".']);
    expect(diffRows([{ b: 2, a: 1 }], [{ a: 1, b: 2 }])).toEqual([]);
    expect(diffRows([], [])).toEqual([]);
  });

  it("shows one wrong cell as one missing and one unexpected row, numbered from 0, whatever the order", () => {
    const expected = [{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "c" }, { id: 4, v: "d" }];
    // Row 2 (id 3) is wrong; a sort-then-compare would shift ids 3..4 against each other.
    const actual = [{ id: 4, v: "d" }, { id: 1, v: "a" }, { id: 3, v: "z" }, { id: 2, v: "b" }];
    expect(diffRows(actual, expected)).toEqual(["Missing expected row 2: {id: 3, v: c}", "Unexpected row 2: {id: 3, v: z}"]);
  });

  it("compares duplicates as a multiset", () => {
    expect(diffRows([{ a: 1 }, { a: 1 }, { a: 2 }], [{ a: 1 }, { a: 2 }, { a: 2 }])).toEqual(["Missing expected row 2: {a: 2}", "Unexpected row 1: {a: 1}"]);
  });
});

describe("Dataform unit tests on DuckDB", () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await openMemoryEngine();
  });
  afterEach(() => engine.close());

  it("runs the model over its input fixtures and compares with the expected rows", async () => {
    const graph = compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } });
    const test = buildActionGraph(graph).actions.get("test.test_customer_revenue")!;
    if (test.kind !== "test") throw new Error("expected a test");
    await expect(executeUnitTest(engine, test)).resolves.toMatchObject({ rowsAffected: 1 });
    test.compiled.expectedOutputQuery = "select 'x' as customer_id, 9.99 as revenue";
    await expect(executeUnitTest(engine, test)).rejects.toThrow(/Missing expected row 0: \{customer_id: x, revenue: 9\.99\}\n\s+Unexpected row 0: \{customer_id: x, revenue: 2\.50\}/);
  });
});
