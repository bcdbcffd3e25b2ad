import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";
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
});
