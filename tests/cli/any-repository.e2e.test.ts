import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";
import os from "node:os";
import path from "node:path";

describe("c360 on any Dataform repository", () => {
  it("builds a Dataform 3 project (workflow_settings.yaml, actions.yaml, .js) without a c360.json", async () => {
    const projectDir = copyProject(path.join(REPO_ROOT, "tests/fixtures/projects/workflow-settings"));
    const run = await runCliInProcess(["run", "--project-dir", projectDir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("2 action(s)");
    const rows = await runCliInProcess(["query", "select order_id, amount from analytics.big_orders", "--format", "json", "--project-dir", projectDir]);
    expect(JSON.parse(rows.stdout)).toEqual([{ order_id: 2, amount: 8 }]);
  });

  it("builds a repository that declares no landing sources: compile, run and test, with no load step", async () => {
    // The example project has a c360.json without `sources`, assertions and a unit test.
    const projectDir = copyProject(path.join(REPO_ROOT, "tests/fixtures/projects/example"));
    const build = await runCliInProcess(["build", "--project-dir", projectDir]);
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    expect(build.stdout).toContain("declares no landing sources");
    expect(build.stdout).not.toContain("Loading landing folder");
    expect(build.stdout).toMatch(/\d+ action\(s\) in [\d.]+s: \d+ passed, 0 failed, 0 skipped/);
    const results = JSON.parse(fs.readFileSync(path.join(projectDir, "target/run_results.json"), "utf8")) as { command: string; results: { name: string; kind: string; status: string }[] };
    expect(results.command).toBe("build");
    // Tables, the assertion and the unit test all ran and passed.
    expect(new Set(results.results.map((action) => action.kind))).toEqual(new Set(["operation", "view", "incremental", "table", "assertion", "test"]));
    expect(results.results.every((action) => action.status === "success")).toBe(true);
    // Without c360.json at all (Dataform 3 settings): the same.
    const bare = copyProject(path.join(REPO_ROOT, "tests/fixtures/projects/workflow-settings"));
    const bareBuild = await runCliInProcess(["build", "--project-dir", bare]);
    expect(bareBuild.status).toBe(0);
    expect(bareBuild.stdout).toContain("2 passed, 0 failed");
    // seed has nothing to do there, and says so.
    const seed = await runCliInProcess(["seed", "--project-dir", bare]);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain("declares no landing sources");
  });
});

describe("c360 run on a repository using Dataform's wider features (tests/fixtures/projects/parity)", () => {
  it("builds it on DuckDB: packages and folder requires, JiT, three-part names, descriptions; says what it substituted or skipped", async () => {
    // With its own node_modules (the local package), which copyProject leaves out.
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-parity-run-"));
    fs.cpSync(path.join(REPO_ROOT, "tests/fixtures/projects/parity"), projectDir, { recursive: true });
    const compiled = await runCliInProcess(["compile", "--project-dir", projectDir]);
    expect(compiled.stdout).toContain("Compiled 8 action(s) (and 1 declaration(s), 1 test(s), 1 notebook(s))");
    const run = await runCliInProcess(["run", "--project-dir", projectDir]);
    expect(run.stdout).toContain("9 action(s)");
    expect(run.stdout).toContain("8 passed, 0 failed, 1 skipped");
    expect(run.stdout).toContain("SKIP parity.explore_orders: notebook not run: c360 runs SQL only");
    expect(run.stdout).toContain("WARN parity.order_totals: DuckDB has no materialized views: built as a table");
    expect(run.stdout).toContain("WARN parity.raw_orders: labels not set (layer)");
    expect(run.status).toBe(1);
    // One query (each CLI call starts a process): the JiT table, the package's labels, the
    // folder require's view, the other project's catalog, and a column's description.
    const checks = await runCliInProcess(["query", PARITY_CHECKS, "--format", "json", "--project-dir", projectDir]);
    expect(JSON.parse(checks.stdout)).toEqual([{ jit_orders: "1,3", labels: "paid,open,paid", currency: "EUR", archived: 3, archive_total: 60, status_comment: "p = paid" }]);
    const test = await runCliInProcess(["test", "--project-dir", projectDir]);
    expect(test.stdout).toContain("1 passed, 0 failed");
  }, 240_000);
});

const PARITY_CHECKS = `select
  (select string_agg(order_id::varchar, ',' order by order_id) from parity.jit_paid_orders) as jit_orders,
  (select string_agg(status_label, ',' order by order_id) from parity.order_status) as labels,
  (select min(currency) from parity.order_currency) as currency,
  (select count(*) from "archive-project".archive.archive_orders)::integer as archived,
  (select total_amount from parity.archive_totals)::integer as archive_total,
  (select comment from duckdb_columns() where table_name = 'raw_orders' and column_name = 'status') as status_comment`;
