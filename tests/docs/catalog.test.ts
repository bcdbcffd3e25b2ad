import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile/index.js";
import { buildCatalog } from "../../src/docs/catalog.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { buildActionGraph } from "../../src/graph/actions.js";
import { BUILD_KINDS, executeActions } from "../../src/runner/session.js";
import { EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const graph = compileProject({ projectDir: EXAMPLE_PROJECT, vars: { dialect: "duckdb" } });
const { actions } = buildActionGraph(graph);

describe("docs catalog", () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await openMemoryEngine();
  });
  afterEach(() => engine.close());

  it("documents descriptions, columns and lineage without a warehouse", async () => {
    const catalog = await buildCatalog(actions);
    const orders = catalog.find((entry) => entry.name === "shop.fct_orders")!;
    expect(orders).toMatchObject({ kind: "incremental", description: "Orders, merged on order_id.", dependsOn: ["shop.stg_orders"] });
    expect(orders.usedBy).toContain("shop.customer_revenue");
    expect(orders.columns.map((column) => column.name)).toEqual(["order_id", "customer_id", "amount", "status"]);
    expect(catalog.find((entry) => entry.name === "raw.orders")!.columns[0]).toEqual({ name: "order_id", description: "Order identifier" });
  });

  it("adds warehouse types, and lists undocumented columns, once the tables exist", async () => {
    await executeActions(engine, { graph, actions, seconds: 0 }, BUILD_KINDS, { threads: 1 });
    const catalog = await buildCatalog(actions, engine);
    const revenue = catalog.find((entry) => entry.name === "shop.customer_revenue")!;
    expect(revenue.columns).toEqual([
      { name: "customer_id", description: "Customer", type: "VARCHAR" },
      { name: "revenue", description: "Sum of completed amounts", type: "DECIMAL(38,2)" },
    ]);
  });
});
