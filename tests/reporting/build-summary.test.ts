/**
 * src/reporting/build-summary.ts: the text printed after a build, from the gold and
 * quarantine tables of the hand-written fixture (tests/fixtures/landing.README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSummary } from "../../src/reporting/build-summary.js";
import { GoldBuild } from "../marts/gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
});
afterAll(() => gold?.close());

describe("buildSummary", () => {
  it("tells customers, buyers, revenue, segments, quarantine per file and where the tables are", async () => {
    const summary = await buildSummary(gold.engine, { location: "target/c360_warehouse.duckdb" });
    const lines = summary.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "Customer 360 as of 2024-06-30",
      "  Customers      20 (17 known, 3 anonymous visitors)",
      "  With orders    5 customers, 7 completed orders",
      "  Revenue        USD 336.81",
      "  Segments       No purchases 15, About to sleep 1, Hibernating 1, Lost 1, Loyal 1, Promising 1",
      "  Quarantined    30 records (see the *_quarantine tables for each record and its reason)",
    ]);
    expect(lines.slice(-2)).toEqual([
      "  Tables         c360.customer_360, c360.customer_information, c360.customer_transactions, c360.customer_interactions, c360.customer_aggregated_metrics, c360.kpi_summary in target/c360_warehouse.duckdb",
      '  Try            npm run c360 -- query "select rfm_segment, count(*) as customers from c360.customer_360 group by 1 order by 2 desc"',
    ]);
    // One line per landing file with quarantined records (the README's counts), its reasons adding up to it.
    const files = lines.slice(6, -2).map((line) => {
      const match = /^    (\S+) +(\d+)  (.+)$/.exec(line);
      if (!match) throw new Error(`not a quarantine line: ${line}`);
      const reasons = match[3].split(", ").map((entry) => Number(entry.split(" ")[1]));
      return [match[1], Number(match[2]), reasons.reduce((sum, records) => sum + records, 0)];
    });
    expect(files).toEqual([
      ["crm/customers.csv", 3, 3],
      ["loyalty/members.xml", 2, 2],
      ["shop/order_items.csv", 4, 4],
      ["shop/orders.csv", 9, 9],
      ["support/tickets.json", 4, 4],
      ["web/events.ndjson", 8, 8],
    ]);
    expect(lines).toContain("    shop/order_items.csv      4  order_not_found 2, bad_quantity 1, bad_unit_price 1");
  });

  it("says so when nothing was quarantined, and formats large figures with separators", async () => {
    await gold.engine.execute("create schema if not exists empty_staging");
    await gold.engine.execute("create or replace table c360.kpi_summary_copy as select * from c360.kpi_summary");
    await gold.engine.execute("update c360.kpi_summary set customers = 1234567, known_customers = 1000000, revenue_usd = 9876543.21");
    try {
      const summary = await buildSummary(gold.engine, { stagingSchema: "empty_staging" });
      expect(summary).toContain("  Customers      1,234,567 (1,000,000 known, 234,567 anonymous visitors)");
      expect(summary).toContain("  Revenue        USD 9,876,543.21");
      expect(summary).toContain("  Quarantined    none: every record read was accepted");
      expect(summary).not.toContain(" in ");
    } finally {
      await gold.engine.execute("create or replace table c360.kpi_summary as select * from c360.kpi_summary_copy");
    }
  });
});
