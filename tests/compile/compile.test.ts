import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { CompilationError } from "../../src/errors.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { copyProject, EXAMPLE_PROJECT, installDataformCore, REPO_ROOT } from "../helpers/project.js";

function actionNames(graph: ReturnType<typeof compileProject>): string[] {
  const names = [
    ...(graph.tables ?? []).map((action) => `${action.type}:${action.target.schema}.${action.target.name}`),
    ...(graph.operations ?? []).map((action) => `operation:${action.target.schema}.${action.target.name}`),
    ...(graph.assertions ?? []).map((action) => `assertion:${action.target.schema}.${action.target.name}`),
    ...(graph.declarations ?? []).map((action) => `declaration:${action.target.schema}.${action.target.name}`),
    ...(graph.tests ?? []).map((action) => `test:${action.name}`),
  ];
  return names.sort();
}

function stockCompile(projectDir: string, vars: Record<string, string>): ReturnType<typeof compileProject> {
  const cli = path.join(REPO_ROOT, "node_modules/.bin/dataform");
  const varsArgument = Object.entries(vars).map(([key, value]) => `${key}=${value}`).join(",");
  const output = execFileSync(cli, ["compile", projectDir, "--json", `--vars=${varsArgument}`], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(output) as ReturnType<typeof compileProject>;
}

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

  it("compiles to the same actions and SQL as the stock dataform CLI (example project)", () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    installDataformCore(projectDir);
    const vars = { dialect: "bigquery", as_of_date: "2024-06-30", fail_amount_check: "false" };
    const stock = stockCompile(projectDir, vars);
    const ours = compileProject({ projectDir, vars });
    expect(actionNames(ours)).toEqual(actionNames(stock));
    const queries = (graph: typeof ours) => Object.fromEntries((graph.tables ?? []).map((table) => [table.target.name, table.query]));
    expect(queries(ours)).toEqual(queries(stock));
  });

  it("compiles the repository itself with the stock dataform CLI to the same actions", () => {
    const projectDir = copyProject(REPO_ROOT);
    installDataformCore(projectDir);
    const vars = { dialect: "bigquery" };
    const ours = compileProject({ projectDir, vars });
    const stock = stockCompile(projectDir, vars);
    expect(actionNames(ours)).toEqual(actionNames(stock));
    const fileNames = (graph: typeof ours) =>
      [...(graph.tables ?? []), ...(graph.operations ?? []), ...(graph.assertions ?? [])].map((action) => `${action.target.name}:${action.fileName}`).sort();
    expect(fileNames(ours)).toEqual(fileNames(stock));
    expect(fileNames(ours).some((entry) => entry.includes(":assertions/"))).toBe(true);
  });
});
