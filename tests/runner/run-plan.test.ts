import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { BUILD_KINDS, type CompiledProject, executeActions, RUN_KINDS } from "../../src/runner/session.js";
import { buildPlan } from "../../src/runner/plan.js";
import { selectActions } from "../../src/graph/selection.js";
import type { ActionResult } from "../../src/runner/results.js";
import { compiledProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

function compiled(vars: Record<string, string> = {}): CompiledProject {
  return compiledProject(EXAMPLE_PROJECT, { dialect: "duckdb", ...vars });
}

let engine: DuckDbEngine;
beforeEach(async () => {
  engine = await openMemoryEngine();
});
afterEach(() => engine.close());

const byName = (results: ActionResult[]): Record<string, ActionResult> => Object.fromEntries(results.map((result) => [result.name, result]));

describe("plan", () => {
  it("orders actions after their dependencies and children after the assertions guarding their parents", () => {
    const project = compiled();
    const plan = buildPlan(project.actions, selectActions(project.actions), BUILD_KINDS);
    const position = (name: string) => plan.findIndex((node) => node.action.name === name);
    expect(position("shop.setup_raw")).toBeLessThan(position("shop.stg_orders"));
    expect(position("shop.stg_orders")).toBeLessThan(position("shop.fct_orders"));
    expect(position("shop_assertions.shop_fct_orders_assertions_uniqueKey_0")).toBeLessThan(position("shop.customer_revenue"));
    const revenue = plan.find((node) => node.action.name === "shop.customer_revenue")!;
    expect(revenue.waitsFor).toContain("shop_assertions.shop_fct_orders_assertions_rowConditions");
    // The standalone assertion guards customer_revenue, so the report waits for it too.
    const report = plan.find((node) => node.action.name === "shop.revenue_report")!;
    expect(report.waitsFor).toContain("shop_assertions.assert_revenue_positive");
  });
});

describe("running the DAG", () => {
  it("builds every action and the incremental merges on a second run", async () => {
    const project = compiled();
    const first = await executeActions(engine, project, BUILD_KINDS, { threads: 2 });
    expect(first.every((result) => result.status === "success")).toBe(true);
    expect(byName(first)["shop.fct_orders"].rowsAffected).toBe(3);
    await engine.execute("insert into raw.orders values ('4', 'c', '1.25', 'completed')");
    await engine.execute("update raw.orders set status = 'refunded' where order_id = '1'");
    const second = await executeActions(engine, project, RUN_KINDS, { threads: 2 });
    expect(second.every((result) => result.status === "success")).toBe(true);
    expect(await engine.query("select order_id, customer_id, amount, status from shop.fct_orders order by order_id")).toEqual([
      { order_id: 1, customer_id: "a", amount: "10.01", status: "refunded" },
      { order_id: 2, customer_id: "a", amount: "5.00", status: "cancelled" },
      { order_id: 3, customer_id: "b", amount: "7.50", status: "completed" },
      { order_id: 4, customer_id: "c", amount: "1.25", status: "completed" },
    ]);
  });

  it("a run that is not a full refresh reads the incremental tables' layouts together before any action", async () => {
    const project = compiled();
    await executeActions(engine, project, BUILD_KINDS, { threads: 2 });
    const requested: string[][] = [];
    const describeTables = engine.describeTables.bind(engine);
    engine.describeTables = async (tables) => {
      requested.push(tables.map((table) => `${table.schema}.${table.name}`));
      return describeTables(tables);
    };
    const incremental = [...project.actions.values()].filter((action) => action.kind === "incremental").map((action) => `${action.target.schema}.${action.target.name}`);
    expect(incremental).toContain("shop.fct_orders");
    await executeActions(engine, project, RUN_KINDS, { threads: 2 });
    expect(requested).toEqual([incremental]);
    await executeActions(engine, project, RUN_KINDS, { threads: 2, fullRefresh: true });
    expect(requested).toHaveLength(1);
  });

  it("a failed assertion skips what depends on the data it guards, and says why", async () => {
    const results = byName(await executeActions(engine, compiled({ fail_amount_check: "true" }), BUILD_KINDS, { threads: 2 }));
    expect(results["shop_assertions.assert_revenue_positive"]).toMatchObject({ status: "failed", failingRows: 2 });
    expect(results["shop_assertions.assert_revenue_positive"].sample).toHaveLength(2);
    expect(results["shop.revenue_report"]).toMatchObject({ status: "skipped", skippedBecause: "shop_assertions.assert_revenue_positive" });
    expect(results["shop.customer_revenue"].status).toBe("success");
  });

  it("a failed action skips everything downstream, transitively, naming the root failure", async () => {
    const project = compiled();
    const stg = project.actions.get("shop.stg_orders")!;
    if (stg.kind !== "view") throw new Error("expected a view");
    stg.compiled.query = "select no_such_column from raw.orders";
    const results = byName(await executeActions(engine, project, BUILD_KINDS, { threads: 2 }));
    expect(results["shop.stg_orders"].status).toBe("failed");
    expect(results["shop.stg_orders"].error).toContain("no_such_column");
    for (const name of ["shop.fct_orders", "shop.customer_revenue", "shop.revenue_report", "shop_assertions.assert_revenue_positive"]) {
      expect(results[name]).toMatchObject({ status: "skipped", skippedBecause: "shop.stg_orders" });
    }
    expect(results["test.test_customer_revenue"].status).toBe("success");
  });

  it("--fail-fast stops scheduling after the first failure", async () => {
    const project = compiled();
    const setup = project.actions.get("shop.setup_raw")!;
    if (setup.kind !== "operation") throw new Error("expected an operation");
    setup.compiled.queries = ["select error('setup failed')"];
    const results = await executeActions(engine, project, BUILD_KINDS, { threads: 1, failFast: true });
    expect(results.filter((result) => result.status === "success").length).toBeLessThanOrEqual(1);
    expect(results.some((result) => result.skippedBecause?.startsWith("--fail-fast"))).toBe(true);
  });

  it("--full-refresh rebuilds an incremental from its full query", async () => {
    const project = compiled();
    await executeActions(engine, project, RUN_KINDS, { threads: 2 });
    await engine.execute("delete from raw.orders where order_id = '3'");
    await executeActions(engine, project, RUN_KINDS, { threads: 2 });
    expect(await engine.query("select count(*) as n from shop.fct_orders")).toEqual([{ n: 3 }]);
    await executeActions(engine, project, RUN_KINDS, { threads: 2, fullRefresh: true });
    expect(await engine.query("select count(*) as n from shop.fct_orders")).toEqual([{ n: 2 }]);
  });
});
