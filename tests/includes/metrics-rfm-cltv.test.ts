/**
 * includes/ts/metrics.ts, RFM and CLTV: the DuckDB renderings executed on hand-worked
 * cases (docs/metrics.md gives the formulas), the BigQuery renderings analyzed by ZetaSQL.
 */
import { describe, expect, it } from "vitest";
import { cltv, rfm } from "../../includes/ts/metrics.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

const CUSTOMERS_TABLE = { "project.gold.customers": { customer_key: "STRING", recency_days: "INT64", order_count: "INT64", total_revenue_usd: "NUMERIC" } };

describe("rfm segments", () => {
  it("maps every (r, f) cell as METRICS.md's table, and lists each segment once", () => {
    expect(rfm.segmentOf(5, 1)).toBe("New");
    expect(rfm.segmentOf(5, 3)).toBe("Potential loyalist");
    expect(rfm.segmentOf(4, 1)).toBe("Promising");
    expect(rfm.segmentOf(3, 3)).toBe("Need attention");
    expect(rfm.segmentOf(2, 5)).toBe("Can't lose them");
    expect(rfm.segmentOf(1, 1)).toBe("Lost");
    expect(rfm.segmentOf(1, 2)).toBe("Hibernating");
    expect(() => rfm.segmentOf(0, 3)).toThrow(/1\.\.5/);
    expect(rfm.SEGMENTS).toEqual([
      "New", "Potential loyalist", "Champions", "Promising", "Loyal", "About to sleep", "Need attention",
      "Hibernating", "At risk", "Can't lose them", "Lost", "No purchases",
    ]);
  });

  it("renders a case expression that agrees with the map in all 25 cells on DuckDB", async () => {
    const cells = [1, 2, 3, 4, 5].flatMap((r) => [1, 2, 3, 4, 5].map((f) => [r, f, 1]));
    const results = await harness.evaluate(
      (r, f, n) => rfm.segment({ rScore: r, fScore: f, orderCount: n, dialect: "duckdb" }),
      [...cells, [null, null, 0]],
      ["integer", "integer", "integer"],
    );
    expect(results).toEqual([...cells.map(([r, f]) => rfm.segmentOf(r, f)), "No purchases"]);
  });

  it("renders BigQuery SQL (with its apostrophe escaped) that the analyzer accepts", async () => {
    const render = (r: string, f: string, n: string) => rfm.segment({ rScore: r, fScore: f, orderCount: n, dialect: "bigquery" });
    expect(render("r", "f", "n")).toContain("'Can\\'t lose them'");
    expect(await bigQueryType(render, ["INT64", "INT64", "INT64"])).toBe("STRING");
  });
});

describe("rfm scores", () => {
  // customer, recency_days, order_count, total_revenue_usd → expected r, f, m (worked in docs/metrics.md's formula, n = 7)
  const customers: [string, number | null, number, string, number | null, number | null, number | null][] = [
    ["a", 10, 1, "50.00", 3, 1, 2],
    ["b", 10, 2, "100.00", 3, 3, 3],
    ["c", 40, 3, "100.00", 3, 4, 3],
    ["d", 200, 1, "20.00", 1, 1, 1],
    ["e", 5, 5, "500.00", 5, 5, 5],
    ["f", 100, 2, "75.00", 2, 3, 3],
    ["g", 300, 1, "10.00", 1, 1, 1],
    ["h", null, 0, "0.00", null, null, null],
  ];

  it("gives 1 + floor(5 (rank − 1) / n) among buyers, ties sharing a score, null for non-buyers", async () => {
    const values = customers.map(([key, recency, orders, revenue]) => `('${key}', ${recency ?? "null"}, ${orders}, cast(${revenue} as decimal(38, 9)))`);
    const rows = await harness.engine.query(
      `with customers(customer_key, recency_days, order_count, total_revenue_usd) as (values ${values.join(", ")})\n` +
        `select customer_key, ${rfm.rScore({ dialect: "duckdb" })} as r, ${rfm.fScore({ dialect: "duckdb" })} as f, ${rfm.mScore({ dialect: "duckdb" })} as m\n` +
        `from customers order by customer_key`,
    );
    expect(rows).toEqual(customers.map(([key, , , , r, f, m]) => ({ customer_key: key, r, f, m })));
  });

  it("scoresByValueCounts gives the windows' scores, ties and null values included, from per-value counts", async () => {
    // The buyers above, and more with tied and null values: every score must equal rScore/fScore/mScore over the same rows.
    const more: [string, number | null, number, string | null][] = [["i", 10, 2, "100.00"], ["j", null, 4, "60.00"], ["k", 40, 1, null], ["l", 5, 5, "500.00"]];
    const rows = [...customers.map(([key, recency, orders, revenue]) => [key, recency, orders, revenue] as const), ...more];
    const values = rows.map(([key, recency, orders, revenue]) => `('${key}', ${recency ?? "null"}, ${orders}, cast(${revenue ?? "null"} as decimal(38, 9)), ${orders * 10})`);
    const table = `(values ${values.join(", ")}) as customers(customer_key, recency_days, order_count, total_revenue_usd, carried_value)`;
    const byCounts = await harness.engine.query(
      `select customer_key, r_score as r, f_score as f, m_score as m, carried_value from (${rfm.scoresByValueCounts({ from: table, key: "customer_key", carried: ["carried_value"], dialect: "duckdb" })}) as scores order by customer_key`,
    );
    const byWindows = await harness.engine.query(
      `select customer_key, ${rfm.rScore({ dialect: "duckdb" })} as r, ${rfm.fScore({ dialect: "duckdb" })} as f, ${rfm.mScore({ dialect: "duckdb" })} as m, carried_value from ${table} where ${rfm.SCORED_CUSTOMERS} order by customer_key`,
    );
    expect(byCounts).toEqual(byWindows);
    // Worked by hand, n = 11 buyers (h has no order): r over recency descending, nulls last
    // (300 → rank 1, 200 → 2, 100 → 3, 40 → 4, 10 → 6, 5 → 9, null → 11), f over order_count,
    // m over revenue (nulls last); score = 1 + floor(5 (rank − 1) / 11).
    const expected: Record<string, [number, number, number]> = {
      a: [3, 1, 1], b: [3, 2, 3], c: [2, 4, 3], d: [1, 1, 1], e: [4, 5, 4], f: [1, 2, 2], g: [1, 1, 1], i: [3, 2, 3], j: [5, 4, 2], k: [2, 1, 5], l: [4, 5, 4],
    };
    expect(byCounts).toEqual(Object.entries(expected).map(([key, [r, f, m]]) => ({ customer_key: key, r, f, m, carried_value: rows.find((row) => row[0] === key)![2] * 10 })));
    expect(byCounts.map((row) => row.customer_key)).not.toContain("h");
  });

  it("renders scoresByValueCounts for BigQuery as a query the analyzer accepts, typed INT64", async () => {
    const sql = rfm.scoresByValueCounts({ from: "`project.gold.customers`", key: "customer_key", dialect: "bigquery" });
    expect((await analyzeBigQueryStatement(sql, CUSTOMERS_TABLE)).columns).toMatchObject({ customer_key: "STRING", r_score: "INT64", f_score: "INT64", m_score: "INT64" });
  });

  it("renders BigQuery window functions the analyzer accepts, typed INT64", async () => {
    const sql = `select ${rfm.rScore({ dialect: "bigquery" })} as r, ${rfm.fScore({ dialect: "bigquery" })} as f, ${rfm.mScore({ dialect: "bigquery" })} as m from \`project.gold.customers\``;
    expect((await analyzeBigQueryStatement(sql, CUSTOMERS_TABLE)).columns).toEqual({ r: "INT64", f: "INT64", m: "INT64" });
  });
});

describe("cltv", () => {
  it("historical is the completed revenue (predictions: metrics-purchase-models.test.ts)", async () => {
    expect(await harness.evaluate((total) => cltv.historical({ totalRevenue: total, dialect: "duckdb" }), [["12.34"]])).toEqual(["12.340000000"]);
    expect(await bigQueryType((t) => cltv.historical({ totalRevenue: t, dialect: "bigquery" }), ["NUMERIC"])).toBe("NUMERIC");
  });
});
