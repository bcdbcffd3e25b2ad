/**
 * The analytics engineer's loop through the CLI as a user runs it (piped, not a terminal).
 * main() runs in-process (runCliInProcess: the same parsing, commands and output, without a
 * node start-up per call); the compiled bin runs as a subprocess for what only a process shows.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { copyProject, EXAMPLE_PROJECT, REPO_ROOT } from "../helpers/project.js";

const REVENUE_AND_TESTS = [
  "shop.customer_revenue",
  "shop_assertions.assert_revenue_positive",
  "shop_assertions.shop_customer_revenue_assertions_rowConditions",
  "test.test_customer_revenue",
];

describe("c360 selection, progress and errors end to end (example project)", () => {
  const projectDir = copyProject(EXAMPLE_PROJECT);

  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version as string;

  it("--version prints the package version and exits 0", async () => {
    expect(await runCliInProcess(["--version"])).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("the compiled bin (dist/, built by npm ci's prepare) runs without tsx, and its --version exits 0", () => {
    const bin = path.join(REPO_ROOT, "dist/cli/bin.js");
    expect(fs.existsSync(bin), "dist/cli/bin.js is missing: run npm run build").toBe(true);
    const result = spawnSync(process.execPath, [bin, "ls", "--select", "customer_revenue", "--project-dir", projectDir], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual(REVENUE_AND_TESTS);
    const printed = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect({ status: printed.status, stdout: printed.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
  });

  it("ls prints what a selection selects, as names or JSON lines", async () => {
    const text = await runCliInProcess(["ls", "--select", "customer_revenue", "--project-dir", projectDir]);
    expect(text.stdout.trim().split("\n")).toEqual(REVENUE_AND_TESTS);
    expect(text.stderr).toBe("4 action(s) selected\n");
    const json = await runCliInProcess(["ls", "--select", "kind:incremental", "--indirect-selection", "empty", "--format", "json", "--project-dir", projectDir]);
    expect(json.stdout.trim().split("\n").map((line) => JSON.parse(line))).toEqual([
      { name: "shop.fct_orders", kind: "incremental", file: "definitions/fct_orders.sqlx", tags: ["marts"], dependencies: ["shop.stg_orders"] },
    ]);
  });

  it("a selector that matches nothing exits 2 and names the near names", async () => {
    const result = await runCliInProcess(["run", "--select", "customer_revenu", "--project-dir", projectDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Selector 'customer_revenu' matches no action. Did you mean 'customer_revenue'");
  });

  it("run logs one timestamped line per finished action when piped; test --select X runs X's tests", async () => {
    const run = await runCliInProcess(["run", "--project-dir", projectDir]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => / of 5 /.test(line));
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d {2}3 of 5 OK {3}incremental shop\.fct_orders \[3 rows in \d+\.\d\ds\]$/);
    const test = await runCliInProcess(["test", "--select", "customer_revenue", "--project-dir", projectDir]);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain("3 action(s)");
    expect(test.stdout).toMatch(/3 of 3 OK {3}\w+ +\S+/);
  });

  it("--log-format json writes only JSON lines: started, finished and a summary", async () => {
    const result = await runCliInProcess(["test", "--select", "customer_revenue", "--log-format", "json", "--project-dir", projectDir]);
    expect(result.status).toBe(0);
    const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { event: string; name?: string; status?: string; success?: number });
    expect(events.filter((event) => event.event === "action_started")).toHaveLength(3);
    expect(events.filter((event) => event.event === "action_finished").map((event) => event.status)).toEqual(["success", "success", "success"]);
    expect(events.at(-1)).toMatchObject({ event: "summary", command: "test", success: 3, failed: 0, skipped: 0 });
  });

  it("a SQL error names the .sqlx, its line and column", async () => {
    const broken = copyProject(EXAMPLE_PROJECT);
    const file = path.join(broken, "definitions/customer_revenue.sqlx");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("when status = 'completed'", "when statuz = 'completed'"));
    const result = await runCliInProcess(["run", "--project-dir", broken]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("FAIL shop.customer_revenue (definitions/customer_revenue.sqlx:13:12): Binder Error");
    expect(result.stdout).toContain("definitions/customer_revenue.sqlx:13:       when statuz = 'completed' then amount");
  });

  it("an impossible date var is reported once, naming the var, before anything runs", async () => {
    const result = await runCliInProcess(["run", "--vars", "as_of_date=2024-02-30", "--project-dir", projectDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: The var as_of_date=2024-02-30 is not a day of the calendar (YYYY-MM-DD expected, e.g. 2024-02-28). Set it with --vars as_of_date=YYYY-MM-DD or in c360.json / dataform.json.\n",
    );
  });

  it("state:modified+ against a saved compiled.json selects what an edit touches", async () => {
    const edited = copyProject(EXAMPLE_PROJECT);
    expect((await runCliInProcess(["compile", "--project-dir", edited, "-q"])).status).toBe(0);
    const saved = path.join(edited, "saved-state");
    fs.cpSync(path.join(edited, "target"), saved, { recursive: true });
    expect((await runCliInProcess(["ls", "--select", "state:modified+", "--state", saved, "--project-dir", edited])).stdout).toBe("");
    const file = path.join(edited, "definitions/customer_revenue.sqlx");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("group by", "-- edited\ngroup by"));
    const result = await runCliInProcess(["ls", "--select", "state:modified+", "--state", saved, "--project-dir", edited]);
    expect(result.stdout.trim().split("\n")).toEqual([...REVENUE_AND_TESTS.slice(0, 1), "shop.revenue_report", ...REVENUE_AND_TESTS.slice(1)]);
  });
});
