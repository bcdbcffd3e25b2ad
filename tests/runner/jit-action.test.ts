/**
 * JiT actions (jitCode) run on both engines: the code is evaluated by core's JiT compiler
 * at run time, may query the warehouse, and the SQL it returns is run like any action's.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { compileProject } from "../../src/compile/index.js";
import { openBigQueryEngine } from "../../src/engines/bigquery/index.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { executeAction } from "../../src/runner/execute-action.js";
import { BigQueryContractServer } from "../engines/bigquery/contract-server.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const PARITY_PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/parity");

function jitProject(): string {
  const projectDir = copyProject(PARITY_PROJECT, "c360-jit-");
  // Copied without node_modules: this project needs none of the fixture's includes.
  fs.rmSync(path.join(projectDir, "includes"), { recursive: true });
  fs.rmSync(path.join(projectDir, "definitions/marts"), { recursive: true });
  fs.rmSync(path.join(projectDir, "definitions/test_order_status.sqlx"));
  // JiT code that asks the warehouse first, then writes SQL from the answer.
  fs.writeFileSync(
    path.join(projectDir, "definitions/jit_top_order.js"),
    `publish("jit_top_order", { type: "table" })
  .dependencies(["raw_orders"])
  .jitCode(async (jctx) => {
    const response = await jctx.adapter.execute({ statement: "select max(amount) as top from " + jctx.ref("raw_orders"), fetchResults: true });
    const top = response.rows[0].fields.top.numberValue;
    return "select order_id from " + jctx.ref("raw_orders") + " where amount = " + top;
  });
publish("jit_broken", { type: "table" }).jitCode(async () => { throw new Error("no SQL today"); });
`,
  );
  return projectDir;
}

describe("JiT actions on DuckDB", () => {
  let engine: DuckDbEngine;
  afterEach(() => engine?.close());

  it("evaluates the code with the warehouse's answers and builds the table from the SQL it returns", async () => {
    const projectDir = jitProject();
    const { actions } = buildActionGraph(compileProject({ projectDir }));
    engine = await openMemoryEngine();
    const jit = { projectDir };
    await executeAction(engine, actions.get("parity.raw_orders")!, { fullRefresh: false, jit });
    await executeAction(engine, actions.get("parity.jit_paid_orders")!, { fullRefresh: false, jit });
    expect(await engine.query("select order_id, amount from parity.jit_paid_orders order by order_id")).toEqual([
      { order_id: 1, amount: 10 },
      { order_id: 3, amount: 30 },
    ]);
    await executeAction(engine, actions.get("parity.jit_top_order")!, { fullRefresh: false, jit });
    expect(await engine.query("select order_id from parity.jit_top_order")).toEqual([{ order_id: 3 }]);
  });

  it("fails the action with the code's own error, named as a JiT compilation error", async () => {
    const projectDir = jitProject();
    const { actions } = buildActionGraph(compileProject({ projectDir }));
    engine = await openMemoryEngine();
    await expect(executeAction(engine, actions.get("parity.jit_broken")!, { fullRefresh: false, jit: { projectDir } })).rejects.toThrow(
      "parity.jit_broken: JiT compilation error: no SQL today",
    );
    await expect(executeAction(engine, actions.get("parity.jit_broken")!, { fullRefresh: false })).rejects.toThrow(/is a JiT action/);
  });
});

describe("JiT actions on BigQuery (contract double)", () => {
  const server = new BigQueryContractServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it("runs the SQL the code returns as the table's CREATE OR REPLACE job", async () => {
    const projectDir = jitProject();
    const { actions } = buildActionGraph(compileProject({ projectDir }));
    const authClient = { getRequestHeaders: async () => new Headers({ authorization: "Bearer t" }) } as unknown as BigQueryOptions["authClient"];
    const engine = await openBigQueryEngine({ project: "parity-project", location: "US" }, { apiEndpoint: server.endpoint, authClient, projectName: "parity", cancelOnInterrupt: false, pollTimeoutMs: 50 });
    server.onQuery = (sql) => (sql.startsWith("create or replace table") ? { creates: { dataset: "parity", table: "jit_paid_orders", resource: { type: "TABLE", numRows: "2", schema: { fields: [] } } } } : {});
    try {
      const outcome = await executeAction(engine, actions.get("parity.jit_paid_orders")!, { fullRefresh: false, jit: { projectDir } });
      expect(outcome.rowsAffected).toBe(2);
    } finally {
      await engine.close();
    }
    const queries = server.requestsTo("POST", /\/jobs$/).map((request) => (request.body as { configuration: { query: { query: string } } }).configuration.query.query);
    expect(queries).toEqual(["create or replace table `parity-project.parity.jit_paid_orders`\nas (\nselect order_id, amount from `parity-project.parity.raw_orders` where status = 'p'\n)"]);
    // Its description is set afterwards, as for any table.
    expect(server.requestsTo("PATCH", /\/tables\/jit_paid_orders$/)[0]?.body).toMatchObject({ description: "Paid orders, planned at run time." });
  });
});
