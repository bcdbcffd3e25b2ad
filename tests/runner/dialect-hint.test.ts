import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeSharedBigQueryAnalyzer, sharedBigQueryAnalyzer } from "../../src/check/analyzer.js";
import { compileProject } from "../../src/compile/index.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { errorMessage } from "../../src/errors.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { executeAction } from "../../src/runner/execute-action.js";
import { bigQueryOnlyHint, lineInFile } from "../../src/runner/dialect-hint.js";
import { copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

afterAll(() => closeSharedBigQueryAnalyzer());

function projectWith(file: string, sqlx: string): string {
  const projectDir = copyProject(EXAMPLE_PROJECT);
  fs.writeFileSync(path.join(projectDir, file), sqlx);
  return projectDir;
}

async function duckDbFailure(projectDir: string, actionName: string) {
  const { actions } = buildActionGraph(compileProject({ projectDir, vars: { dialect: "duckdb" } }));
  const engine = await openMemoryEngine();
  try {
    await engine.ensureSchema("shop");
    await engine.execute("create table shop.stg_orders as select 1 as order_id, 2.5 as amount");
    const action = actions.get(actionName)!;
    const error = await executeAction(engine, action, { fullRefresh: false }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { action, message: errorMessage(error) };
  } finally {
    await engine.close();
  }
}

describe("a BigQuery-only statement failing on DuckDB", () => {
  it("is named as BigQuery SQL, with the action, its .sqlx file and the line there", async () => {
    const sqlx = 'config { type: "view" }\n\nselect\n  order_id,\n  safe_cast(amount as numeric) as amount_numeric\nfrom ${ref("stg_orders")}\n';
    const projectDir = projectWith("definitions/bq_only.sqlx", sqlx);
    const { action, message } = await duckDbFailure(projectDir, "shop.bq_only");
    expect(message).toMatch(/Parser Error/);
    expect(lineInFile(projectDir, action.fileName, message)).toBe(5);
    expect(await bigQueryOnlyHint(action, message, projectDir, await sharedBigQueryAnalyzer())).toBe(
      "shop.bq_only (definitions/bq_only.sqlx, line 5) is BigQuery SQL that DuckDB cannot run: BigQuery's parser accepts it, DuckDB's does not. " +
        "Run it on a BigQuery target, or write that construct in SQL both engines run; `c360 check` analyzes it as BigQuery.",
    );
  });

  it("says nothing of the dialect when the SQL is not BigQuery either, or the failure is not about syntax or functions", async () => {
    const projectDir = projectWith("definitions/broken.sqlx", 'config { type: "view" }\n\nselect order_id,, amount\nfrom ${ref("stg_orders")}\n');
    const broken = await duckDbFailure(projectDir, "shop.broken");
    expect(await bigQueryOnlyHint(broken.action, broken.message, projectDir, await sharedBigQueryAnalyzer())).toBeUndefined();
    const accepting = { parsesAsBigQuery: async () => true };
    expect(await bigQueryOnlyHint(broken.action, 'Catalog Error: Table with name x does not exist!', projectDir, accepting)).toBeUndefined();
  });
});
