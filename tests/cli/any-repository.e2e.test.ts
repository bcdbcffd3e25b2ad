import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";
import path from "node:path";

describe("c360 on any Dataform repository", () => {
  it("builds a Dataform 3 project (workflow_settings.yaml, actions.yaml, .js) without a c360.json", () => {
    const projectDir = copyProject(path.join(REPO_ROOT, "tests/fixtures/projects/workflow-settings"));
    const run = runCli(["run", "--project-dir", projectDir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("2 action(s)");
    const rows = runCli(["query", "select order_id, amount from analytics.big_orders", "--format", "json", "--project-dir", projectDir]);
    expect(JSON.parse(rows.stdout)).toEqual([{ order_id: 2, amount: 8 }]);
  });

  it("builds a repository that declares no landing sources: compile, run and test, with no load step", () => {
    // The example project has a c360.json without `sources`, assertions and a unit test.
    const projectDir = copyProject(path.join(REPO_ROOT, "tests/fixtures/projects/example"));
    const build = runCli(["build", "--project-dir", projectDir]);
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
    const bareBuild = runCli(["build", "--project-dir", bare]);
    expect(bareBuild.status).toBe(0);
    expect(bareBuild.stdout).toContain("2 passed, 0 failed");
    // seed has nothing to do there, and says so.
    const seed = runCli(["seed", "--project-dir", bare]);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain("declares no landing sources");
  });
});
