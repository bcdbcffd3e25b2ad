import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { CompilationError } from "../../src/errors.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { actionNames } from "./graph-names.js";
import { EXAMPLE_VARS, recordedStockJson } from "./stock-compile.js";

describe("in-process compilation", () => {
  it("produces every action type of the example project", () => {
    const graph = compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } });
    const kinds = new Set([...buildActionGraph(graph).actions.values()].map((action) => action.kind));
    expect([...kinds].sort()).toEqual(["assertion", "declaration", "incremental", "operation", "table", "test", "view"]);
    const incremental = graph.tables?.find((table) => table.target.name === "fct_orders");
    expect(incremental?.uniqueKey).toEqual(["order_id"]);
    expect(incremental?.preOps?.[0]).toContain("create schema if not exists shop");
  });

  it("applies vars, so includes and SQL see the dialect", () => {
    const graph = compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb", fail_amount_check: "true" } });
    const assertion = graph.assertions?.find((candidate) => candidate.target.name === "assert_revenue_positive");
    expect(assertion?.query).toContain("or true = true");
    expect(graph.projectConfig?.vars?.dialect).toBe("duckdb");
  });

  it("reports compilation errors with the file and message", () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(projectDir, "definitions/broken.sqlx"), 'config { type: "table" }\nselect * from ${ref("no_such_table")}\n');
    expect(() => compileProject({ projectDir })).toThrow(CompilationError);
    expect(() => compileProject({ projectDir })).toThrow(/definitions\/broken\.sqlx.*Missing dependency detected.*no_such_table/s);
  });

  it("recompiles changed files in a warm vm", () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    const first = compileProject({ projectDir });
    fs.writeFileSync(path.join(projectDir, "definitions/extra.sqlx"), 'config { type: "view" }\nselect 1 as one\n');
    const second = compileProject({ projectDir });
    expect((second.tables ?? []).length).toBe((first.tables ?? []).length + 1);
  });

  // The stock CLI's output is recorded; stock-parity.slow.test.ts checks the recording against
  // the stock CLI and compares this repository's compile with it live.
  it("compiles to the same actions and SQL as the stock dataform CLI (example project)", () => {
    const stock = recordedStockJson("example") as ReturnType<typeof compileProject>;
    const ours = compileProject({ projectDir: EXAMPLE_PROJECT, vars: EXAMPLE_VARS });
    expect(actionNames(ours)).toEqual(actionNames(stock));
    const queries = (graph: typeof ours) => Object.fromEntries((graph.tables ?? []).map((table) => [table.target.name, table.query]));
    expect(queries(ours)).toEqual(queries(stock));
  });
});
