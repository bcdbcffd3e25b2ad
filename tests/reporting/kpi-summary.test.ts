/**
 * kpi_summary on the hand-written fixture (tests/fixtures/landing.README.md), built through
 * the real DAG on DuckDB, with every KPI worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoldBuild } from "../marts/gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
});
afterAll(() => gold?.close());

describe("kpi_summary on the hand-written fixture", () => {
  it("is one row of hand-worked KPIs", async () => {
    expect(await gold.query("select * from c360.kpi_summary")).toEqual([
      {
        as_of_date: "2024-06-30",
        customers: 20,
        known_customers: 17, // all but the three anonymous visitors
        customers_with_orders: 5, // Jane, Bob, the Kims, S2004, S2005
        completed_orders: 7, // O3001, O3002, O3003, O3006, O3007, O3008, O3009
        revenue_usd: "336.810000000", // 167.70 + 101.28 + 45.50 + 9.99 + 12.34
        avg_order_value_usd: "48.120000000", // 336.81 / 7 = 48.1157
        avg_cltv_historical_usd: "67.360000000", // 336.81 / 5 = 67.362
        // 5 buyers, 1 with a repeat occasion: fewer than the 20 a model fit needs, so no prediction (METRICS.md).
        avg_cltv_predicted_12m_usd: null,
        churn_rate: null,
        lapsed_rate: "0.200000000", // only Bob (recency 118) is over 90 days: 1 / 5
        avg_satisfaction: "3.500000000", // rated tickets 5001 (5) and 5002 (2); 5003's 6 is out of range
        quarantined_records: 30, // 3 + 9 + 4 + 8 + 4 + 2
      },
    ]);
  });

  it("counts the records of every quarantine table silver builds", async () => {
    const tables = (await gold.engine.listTables("c360_staging")).filter((table) => table.name.endsWith("_quarantine"));
    expect(tables.length).toBe(6);
    const counts = await Promise.all(tables.map(async (table) => Number((await gold.query(`select count(*) as n from ${gold.engine.quoteTable(table)}`))[0].n)));
    const [kpi] = await gold.query("select quarantined_records from c360.kpi_summary");
    expect(kpi.quarantined_records).toBe(counts.reduce((sum, count) => sum + count, 0));
  });

  it("is replaced, not appended to, by a second build", async () => {
    const results = await gold.run({ select: ["kpi_summary"] });
    expect(results.map((result) => [result.name, result.status])).toContainEqual(["c360.kpi_summary", "success"]);
    expect(await gold.query("select count(*) as n from c360.kpi_summary")).toEqual([{ n: 1 }]);
  });
});
