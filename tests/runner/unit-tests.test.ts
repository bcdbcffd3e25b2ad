import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { diffRows, executeUnitTest } from "../../src/runner/unit-tests.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";

describe("row diff", () => {
  it("is empty when rows agree in any order", () => {
    expect(diffRows([{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }])).toEqual([]);
  });

  it("reports row counts, columns and per-row/column differences", () => {
    expect(diffRows([{ a: 1, b: "x" }], [{ a: 1, b: "y" }])).toEqual(["row 1, column b: expected y, got x"]);
    expect(diffRows([{ a: 1 }], [{ a: 1 }, { a: 2 }])).toEqual(["expected 2 row(s), got 1", 'row 2: missing {"a":2}']);
    expect(diffRows([{ a: 1 }], [{ b: 1 }])).toEqual(["expected columns [b], got [a]"]);
  });
});

describe("Dataform unit tests on DuckDB", () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await DuckDbEngine.open(":memory:");
  });
  afterEach(() => engine.close());

  it("runs the model over its input fixtures and compares with the expected rows", async () => {
    const graph = compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } });
    const test = buildActionGraph(graph).actions.get("test.test_customer_revenue")!;
    if (test.kind !== "test") throw new Error("expected a test");
    await expect(executeUnitTest(engine, test)).resolves.toMatchObject({ rowsAffected: 1 });
    test.compiled.expectedOutputQuery = "select 'x' as customer_id, 9.99 as revenue";
    await expect(executeUnitTest(engine, test)).rejects.toThrow("row 1, column revenue: expected 9.99, got 2.50");
  });
});
