import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResults } from "../../src/runner/results.js";
import { runCli, runCliInProcess } from "../helpers/cli.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { REFERENCE_LANDING, writeStateProject } from "../helpers/state-project.js";
import { writeLanding } from "../loader/helpers.js";

function readResults(projectDir: string): RunResults {
  return JSON.parse(fs.readFileSync(path.join(projectDir, "target/run_results.json"), "utf8")) as RunResults;
}

describe("c360 CLI end to end (example project)", () => {
  const projectDir = copyProject(EXAMPLE_PROJECT);

  it("compile lists the actions and writes target/compiled.json", async () => {
    const result = await runCliInProcess(["compile", "--project-dir", projectDir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("incremental shop.fct_orders [marts]");
    expect(fs.existsSync(path.join(projectDir, "target/compiled.json"))).toBe(true);
  });

  it("run builds the DAG (exit 0) and records every action in run_results.json", async () => {
    const result = await runCliInProcess(["run", "--project-dir", projectDir]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("5 action(s)");
    const results = readResults(projectDir);
    expect(results.command).toBe("run");
    expect(results.results.map((action) => [action.name, action.status])).toEqual([
      ["shop.setup_raw", "success"],
      ["shop.stg_orders", "success"],
      ["shop.fct_orders", "success"],
      ["shop.customer_revenue", "success"],
      ["shop.revenue_report", "success"],
    ]);
    expect(results.results.find((action) => action.name === "shop.fct_orders")?.rowsAffected).toBe(3);
  });

  it("test runs assertions and unit tests (exit 0), and exits 1 when an assertion fails", async () => {
    expect((await runCliInProcess(["test", "--project-dir", projectDir])).status).toBe(0);
    const failing = await runCliInProcess(["test", "--project-dir", projectDir, "--vars", "fail_amount_check=true"]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain("FAIL shop_assertions.assert_revenue_positive");
    expect(readResults(projectDir).results.find((action) => action.name === "shop_assertions.assert_revenue_positive")).toMatchObject({
      status: "failed",
      failingRows: 2,
    });
  });

  it("query prints a table, JSON or CSV", async () => {
    const table = await runCliInProcess(["query", "select customer_id, revenue from shop.customer_revenue order by customer_id", "--project-dir", projectDir]);
    expect(table.stdout).toContain("customer_id | revenue");
    const json = await runCliInProcess(["query", "select total_revenue from shop.revenue_report", "--format", "json", "--project-dir", projectDir]);
    expect(JSON.parse(json.stdout)).toEqual([{ total_revenue: 17.51 }]);
    const csv = await runCliInProcess(["query", "select 'a,b' as text", "--format", "csv", "--project-dir", projectDir]);
    expect(csv.stdout).toBe('text\n"a,b"\n');
  });

  it("run --statement-log writes every statement and commit as JSON lines, charged to its action; a BigQuery target is refused", async () => {
    const logFile = path.join(projectDir, "target", "statements.jsonl");
    const result = await runCliInProcess(["run", "--project-dir", projectDir, "--statement-log", logFile]);
    expect(result.status).toBe(0);
    const entries = fs.readFileSync(logFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    const ofOrders = entries.filter((entry) => entry.action === "shop.fct_orders");
    expect(ofOrders.some((entry) => entry.kind === "statement" && /"shop"\."fct_orders"/.test(entry.sql))).toBe(true);
    expect(ofOrders.some((entry) => entry.kind === "commit")).toBe(true);
    const bigquery = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(bigquery, "c360.json"), JSON.stringify({ targets: { prod: { engine: "bigquery", project: "any-project", location: "EU" } } }));
    const refused = await runCliInProcess(["run", "--project-dir", bigquery, "--statement-log", logFile]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--statement-log needs a DuckDB target");
  });

  it("graph prints text and DOT", async () => {
    expect((await runCliInProcess(["graph", "--select", "+customer_revenue", "--project-dir", projectDir])).stdout).toContain("shop.customer_revenue (table)\n  <- shop.fct_orders");
    expect((await runCliInProcess(["graph", "--format", "dot", "--project-dir", projectDir])).stdout).toContain('"shop.stg_orders" -> "shop.fct_orders";');
  });

  it("exits 2 with the file and JSON path on an invalid config, and on usage errors", async () => {
    const broken = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(broken, "c360.json"), JSON.stringify({ targets: { local: { engine: "duckdb", database: "x", threads: "two" } } }));
    const result = await runCliInProcess(["run", "--project-dir", broken]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("c360.json is invalid");
    expect(result.stderr).toContain("/targets/local/threads: must be integer");
    expect((await runCliInProcess(["run", "--project-dir", projectDir, "--select", "nothing_like_this"])).status).toBe(2);
    expect((await runCliInProcess(["frobnicate"])).status).toBe(2);
  });

  it("exits 2 with file and message on a compile error", async () => {
    const broken = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(broken, "definitions/bad.sqlx"), 'config { type: "table" }\nselect ${ref("missing_model")}\n');
    const result = await runCliInProcess(["compile", "--project-dir", broken]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("definitions/bad.sqlx");
    expect(result.stderr).toContain("missing_model");
  });

  it("format --check passes on formatted files and fails (exit 1) on unformatted ones", async () => {
    expect((await runCliInProcess(["format", "--check", "--project-dir", projectDir])).status).toBe(0);
    fs.writeFileSync(path.join(projectDir, "definitions/ugly.sqlx"), 'config { type: "view" }\nSELECT 1 AS ONE\n');
    const check = await runCliInProcess(["format", "--check", "--project-dir", projectDir]);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("definitions/ugly.sqlx");
    expect((await runCliInProcess(["format", "--project-dir", projectDir])).status).toBe(0);
    expect(fs.readFileSync(path.join(projectDir, "definitions/ugly.sqlx"), "utf8")).toBe('config { type: "view" }\n\nselect\n  1 as ONE\n');
  });

  it("format takes folders (every .sqlx beneath) and names a path that does not exist", async () => {
    fs.writeFileSync(path.join(projectDir, "definitions/ugly.sqlx"), 'config { type: "view" }\nSELECT 2 AS TWO\n');
    const folder = await runCliInProcess(["format", path.join(projectDir, "definitions"), "--project-dir", projectDir]);
    expect(folder.status).toBe(0);
    expect(fs.readFileSync(path.join(projectDir, "definitions/ugly.sqlx"), "utf8")).toBe('config { type: "view" }\n\nselect\n  2 as TWO\n');
    const missing = await runCliInProcess(["format", path.join(projectDir, "nowhere"), "--project-dir", projectDir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("nowhere does not exist");
  });

  it("--help of every command has examples", async () => {
    for (const command of ["build", "run", "test", "seed", "compile", "format", "validate", "query", "graph"]) {
      const help = await runCliInProcess([command, "--help"]);
      expect(help.status, command).toBe(0);
      expect(help.stdout, command).toContain("Examples:");
    }
  });

  // The rest runs main() in-process; these run the bin as a user does, for what only a process shows.
  it("the bin, as a subprocess: exit 0 on success, 1 on a failed assertion, 2 on a usage error, 0 after --help", () => {
    const compile = runCli(["compile", "--project-dir", projectDir]);
    expect(compile.status).toBe(0);
    expect(compile.stdout).toContain("incremental shop.fct_orders [marts]");
    const failing = runCli(["test", "--project-dir", projectDir, "--vars", "fail_amount_check=true"]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain("FAIL shop_assertions.assert_revenue_positive");
    const unknown = runCli(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Run c360 --help for usage.");
    const help = runCli(["run", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Examples:");
  });
});

describe("c360 build --skip-unchanged end to end", () => {
  it("rebuilds only what newly loaded data reaches, and says what it left", async () => {
    const projectDir = writeStateProject();
    // Only the tables over the landing folder (the lookup table lives outside it).
    for (const file of ["lookup.sqlx", "with_lookup.sqlx"]) fs.rmSync(path.join(projectDir, "definitions", file));
    const landing = writeLanding(REFERENCE_LANDING);
    const build = () => runCliInProcess(["build", "--project-dir", projectDir, "--seeds", landing, "--skip-unchanged"]);
    expect((await build()).stdout).toContain("6 action(s)");
    const again = await build();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("6 passed (4 unchanged, not rebuilt)");
    expect(readResults(projectDir).results.filter((action) => action.unchanged).map((action) => action.name).sort()).toEqual([
      "marts.country_count",
      "marts.country_list",
      "marts.country_names",
      "marts.loaded_count",
    ]);
    writeLanding({ "reference/countries-2024-07-01.csv": "alpha2,alpha3,name\nFR,FRA,France\n" }, landing);
    expect((await build()).stdout).toContain("6 passed, 0 failed");
  });
});
