/**
 * `--dry-run` totals on a tiny project, end to end: the tables' contents live in DuckDB, their
 * sizes by BigQuery's data size rules seed the contract-test double, the engine dry-runs each
 * action's statement through the REST protocol, and the double answers with the bytes the
 * estimator works out from the columns each statement references. Every figure below is
 * worked out by hand from the rows.
 */
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import { openBigQueryEngine } from "../../../src/engines/bigquery/index.js";
import { answerDryRunsWithEstimates, seedSizedTable } from "../../../tools/bigquery-bytes/double.js";
import { columnBytesInDuckDb } from "../../../tools/bigquery-bytes/duckdb-sizes.js";
import { DryRunBytesEstimator } from "../../../tools/bigquery-bytes/estimator.js";
import { contractServerForFile } from "./contract-server.js";

const TARGET = { project: "acme-analytics", location: "EU" };
const staticToken = { getRequestHeaders: async () => new Headers({ authorization: "Bearer contract" }) } as unknown as BigQueryOptions["authClient"];
const ORDERS = { order_id: "STRING", customer_id: "STRING", amount: "NUMERIC", ordered_at: "TIMESTAMP" };
const TOTALS = { customer_id: "STRING", total: "NUMERIC" };

const server = contractServerForFile();
let duck: DuckDbEngine;
let estimator: DryRunBytesEstimator;

beforeAll(async () => {
  duck = await DuckDbEngine.open(":memory:", { connections: 1, threads: 1 });
  await duck.execute("create schema raw");
  await duck.execute("create schema mart");
  await duck.execute(`create table raw.orders as select * from (values
    ('o1', 'c1', 10.0::decimal(38, 9), timestamp '2024-06-01 10:00:00'),
    ('o2', 'c2', 20.5::decimal(38, 9), timestamp '2024-06-02 11:00:00'),
    ('o3', null, 5.0::decimal(38, 9), timestamp '2024-06-03 12:00:00')
  ) as t(order_id, customer_id, amount, ordered_at)`);
  await duck.execute("create table mart.totals as select * from (values ('c1', 10.0::decimal(38, 9)), ('c2', 20.5::decimal(38, 9))) as t(customer_id, total)");
  estimator = await DryRunBytesEstimator.start(TARGET.project);
});

afterAll(async () => {
  await estimator?.close();
  await duck?.close();
});

describe("dry-run bytes from the estimating double", () => {
  it("reports per action and in total the bytes BigQuery would bill for the referenced columns", async () => {
    const sizes = {
      orders: await columnBytesInDuckDb(duck, { schema: "raw", name: "orders" }, ORDERS),
      totals: await columnBytesInDuckDb(duck, { schema: "mart", name: "totals" }, TOTALS),
    };
    // order_id 3 × (2 + 2); customer_id 2 × (2 + 2), the NULL 0; amount 3 × 16; ordered_at 3 × 8.
    expect(sizes.orders).toEqual({ order_id: 12, customer_id: 8, amount: 48, ordered_at: 24 });
    // customer_id 2 × (2 + 2); total 2 × 16.
    expect(sizes.totals).toEqual({ customer_id: 8, total: 32 });
    seedSizedTable(server, estimator, { database: TARGET.project, schema: "raw", name: "orders", columns: ORDERS, columnBytes: sizes.orders }, TARGET.location);
    seedSizedTable(server, estimator, { database: TARGET.project, schema: "mart", name: "totals", columns: TOTALS, columnBytes: sizes.totals }, TARGET.location);
    answerDryRunsWithEstimates(server, estimator);

    const engine = await openBigQueryEngine(TARGET, { apiEndpoint: server.endpoint, authClient: staticToken, dryRun: true, cancelOnInterrupt: false, log: () => {} });
    try {
      const totals = "select customer_id, sum(amount) as total from `acme-analytics.raw.orders` group by customer_id";
      await engine.createTableAs({ schema: "mart", name: "totals" }, totals, {}, { actionName: "mart.totals" });
      await engine.mergeInto(
        { schema: "mart", name: "totals" },
        "select customer_id, sum(amount) as total from `acme-analytics.raw.orders` where ordered_at >= timestamp '2024-06-02' group by customer_id",
        ["customer_id"],
        { actionName: "mart.totals_incremental" },
      );
      await engine.query("select order_id from `acme-analytics.raw.orders` where amount < 0", { actionName: "assert_no_negative_amounts" });
      await engine.createView({ schema: "mart", name: "orders_view" }, "select * from `acme-analytics.raw.orders`", { actionName: "mart.orders_view" });
      const report = engine.dryRunReport();
      expect(report.actions.map(({ actionName, bytesProcessed }) => [actionName, bytesProcessed])).toEqual([
        // customer_id + amount.
        ["mart.totals", 8 + 48],
        // The source reads customer_id, amount and ordered_at (80); the merge updates, so the
        // whole target is billed too (40).
        ["mart.totals_incremental", 8 + 48 + 24 + 40],
        // order_id + amount.
        ["assert_no_negative_amounts", 12 + 48],
        // A view processes nothing when created.
        ["mart.orders_view", 0],
      ]);
      expect(report.totalBytes).toBe(56 + 120 + 60);
    } finally {
      await engine.close();
    }
  });

  it("a statement the estimator cannot price fails its dry run with the reason", async () => {
    answerDryRunsWithEstimates(server, estimator);
    const engine = await openBigQueryEngine(TARGET, { apiEndpoint: server.endpoint, authClient: staticToken, dryRun: true, cancelOnInterrupt: false, log: () => {}, retry: { maxAttempts: 1 } });
    try {
      await expect(engine.query("select x from `acme-analytics.raw.missing`", { actionName: "reads_missing" })).rejects.toThrow(/Table not found/);
    } finally {
      await engine.close();
    }
  });
});
