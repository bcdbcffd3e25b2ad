/**
 * customer_aggregated_metrics on the hand-written fixture (tests/fixtures/landing.README.md),
 * built through the real DAG on DuckDB: every metric of every one of the 20 customers,
 * worked out by hand from the fixture's records and docs/metrics.md (as_of_date 2024-06-30).
 *
 * Buyers (n = 5): Jane 3 orders 167.70 (50.00 + 107.70 + 10.00) recency 0; Bob 101.28 (118);
 * Kim family 12.34 (15); S2004 45.50 (0; plus a refunded order); S2005 9.99 (89).
 * r: recency 118, 89, 15, 0, 0 → ranks 1, 2, 3, 4, 4 → with n = 5 the score equals the rank.
 * f: four buyers with 1 order share rank 1 → 1; Jane rank 5 → 5.
 * m: 9.99, 12.34, 45.50, 101.28, 167.70 → 1..5.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoldBuild } from "./gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
});
afterAll(() => gold?.close());

/** An exact decimal as DuckDB returns DECIMAL(38, 9). */
const d = (value: string): string => {
  const [whole, fraction = ""] = value.split(".");
  return `${whole}.${fraction.padEnd(9, "0")}`;
};

type Metrics = Record<string, unknown>;

/**
 * The predictive columns: null for every customer of this fixture. Its 5 buyers hold 1 with
 * a repeat purchase occasion (Jane), fewer than the 20 a fit needs, so
 * customer_model_parameters says converged false (METRICS.md) and nothing is predicted.
 */
const NOT_FITTED = { p_alive: null, expected_purchases_12m: null, expected_order_value_usd: null, cltv_predicted_12m_usd: null, churn_risk: null, churn_risk_band: null };

/** A customer without completed orders: the columns that are fixed for all of them. */
function withoutOrders(overrides: Metrics): Metrics {
  return {
    order_count: 0,
    total_revenue_usd: d("0"),
    avg_order_value_usd: null,
    first_order_at: null,
    last_order_at: null,
    recency_days: null,
    refund_rate: null,
    web_sessions: 0,
    touchpoints: 0,
    support_tickets: 0,
    avg_satisfaction: null,
    r_score: null,
    f_score: null,
    m_score: null,
    rfm_segment: "No purchases",
    cltv_historical_usd: d("0"),
    ...NOT_FITTED,
    engagement_score: 0,
    ...overrides,
  };
}

/**
 * Non-buyers: tenure from first_seen_at.
 */
const EXPECTED: Record<string, Metrics> = {
  // crm:C1001 Jane. Orders O3001 2024-03-02T15:00Z 50.00, O3002 (v2, completed) 107.70, O3009 2024-06-30T23:00Z 10.00.
  // first seen: loyalty joined 2022-01-05 → 907 days. Sessions 2 (m-101, m-102 | m-103, m-104, m-105).
  // engagement: 2 sessions 20 + 5 events 5; ticket 5001 (04-01) is outside the window 04-02 … 06-30.
  "8788c40c714f565dd96392d62b518221": {
    order_count: 3,
    total_revenue_usd: d("167.70"),
    avg_order_value_usd: d("55.90"),
    first_order_at: "2024-03-02 15:00:00",
    last_order_at: "2024-06-30 23:00:00",
    recency_days: 0,
    tenure_days: 907,
    refund_rate: d("0"),
    web_sessions: 2,
    touchpoints: 9,
    support_tickets: 1,
    avg_satisfaction: d("5"),
    r_score: 4,
    f_score: 5,
    m_score: 5,
    rfm_segment: "Loyal",
    cltv_historical_usd: d("167.70"),
    ...NOT_FITTED,
    engagement_score: 25,
  },
  // crm:C1002 Bob + S2002. O3003 80 GBP × 1.2660 = 101.28 on 2024-03-04 (UTC) → recency 118.
  // tenure: created 2023-02-01 → 515.
  "ce639ce33d6ccb8c6d416d5f2c8883ef": {
    order_count: 1,
    total_revenue_usd: d("101.28"),
    avg_order_value_usd: d("101.28"),
    first_order_at: "2024-03-04 23:30:00",
    last_order_at: "2024-03-04 23:30:00",
    recency_days: 118,
    tenure_days: 515,
    refund_rate: d("0"),
    web_sessions: 0,
    touchpoints: 1,
    support_tickets: 0,
    avg_satisfaction: null,
    r_score: 1,
    f_score: 1,
    m_score: 4,
    rfm_segment: "Lost",
    cltv_historical_usd: d("101.28"),
    ...NOT_FITTED,
    engagement_score: 0,
  },
  // crm:C1009 Kim family (C1009, C1010, C1011, S2006). O3008 2024-06-15 12.34 → recency 15.
  // tenure: C1010 created 2023-05-01 → 426.
  "3f3f4ac2f62eb3f74c56f74be954d4df": {
    order_count: 1,
    total_revenue_usd: d("12.34"),
    avg_order_value_usd: d("12.34"),
    first_order_at: "2024-06-15 10:00:00",
    last_order_at: "2024-06-15 10:00:00",
    recency_days: 15,
    tenure_days: 426,
    refund_rate: d("0"),
    web_sessions: 0,
    touchpoints: 1,
    support_tickets: 0,
    avg_satisfaction: null,
    r_score: 3,
    f_score: 1,
    m_score: 2,
    rfm_segment: "About to sleep",
    cltv_historical_usd: d("12.34"),
    ...NOT_FITTED,
    engagement_score: 0,
  },
  // shop:S2004. O3005 refunded 2024-03-04T15:00Z (first seen → tenure 118), O3006 completed 2024-06-30T23:59:59Z 45.50.
  // refund_rate 1 / (1 + 1).
  "9f303efd294eda22cf42e8f1272863c5": {
    order_count: 1,
    total_revenue_usd: d("45.50"),
    avg_order_value_usd: d("45.50"),
    first_order_at: "2024-06-30 23:59:59",
    last_order_at: "2024-06-30 23:59:59",
    recency_days: 0,
    tenure_days: 118,
    refund_rate: d("0.5"),
    web_sessions: 0,
    touchpoints: 2,
    support_tickets: 0,
    avg_satisfaction: null,
    r_score: 4,
    f_score: 1,
    m_score: 3,
    rfm_segment: "Promising",
    cltv_historical_usd: d("45.50"),
    ...NOT_FITTED,
    engagement_score: 0,
  },
  // shop:S2005. O3007 2024-04-02 9.99 → recency 89, tenure 89.
  "79c8100b3a86e941b826067179c3e7e8": {
    order_count: 1,
    total_revenue_usd: d("9.99"),
    avg_order_value_usd: d("9.99"),
    first_order_at: "2024-04-02 10:00:00",
    last_order_at: "2024-04-02 10:00:00",
    recency_days: 89,
    tenure_days: 89,
    refund_rate: d("0"),
    web_sessions: 0,
    touchpoints: 1,
    support_tickets: 0,
    avg_satisfaction: null,
    r_score: 2,
    f_score: 1,
    m_score: 1,
    rfm_segment: "Hibernating",
    cltv_historical_usd: d("9.99"),
    ...NOT_FITTED,
    engagement_score: 0,
  },
  // crm:C1003 Carla + S2003: created 2023-03-01T09:00Z → 487; O3004 cancelled 2024-03-02 → idle 120, 120 / 210.
  "0af46576aa28cd342ea5c4512784e8d1": withoutOrders({ tenure_days: 487, touchpoints: 1 }),
  // crm:C1005 Eve + L0005: created 2023-04-01 → 456 = idle; 456 / 546 = 0.835165.
  "d68103ff97102c9f94c9bc5b21c69aa0": withoutOrders({ tenure_days: 456 }),
  // crm:C1006, C1007, C1008: created 2023-04-02/03/04 → 455, 454, 453; x / (x + 90).
  "b55ad258fde9e946d76ade299e562afe": withoutOrders({ tenure_days: 455 }),
  "29d4865f2f64583a066defae229426fc": withoutOrders({ tenure_days: 454 }),
  "da24796bf6852bae75b2bdef2ff48a1e": withoutOrders({ tenure_days: 453 }),
  // crm:C1012 + C1013: created 2023-06-01 → 395; 395 / 485 = 0.814433.
  "6eb0e336d7936186e29bdf7999962862": withoutOrders({ tenure_days: 395 }),
  // loyalty:L0002 joined 2023-03-01 → 487; L0006 2023-05-02 → 425 (0.825243); L0008 2023-06-01 → 395.
  "483379c41e4dbae64a6167fd313c51e3": withoutOrders({ tenure_days: 487 }),
  "78d8ff091e3a9a0a5f984faf441f67f5": withoutOrders({ tenure_days: 425 }),
  "67b69478a800c585beb0673ded529d8c": withoutOrders({ tenure_days: 395 }),
  // support:5002 created 2024-04-05 → 86, rated 2; in the window: 5 engagement points.
  "1983603187a1be3feaacbd9a0448d8fd": withoutOrders({
    tenure_days: 86,
    touchpoints: 1,
    support_tickets: 1,
    avg_satisfaction: d("2"),
    engagement_score: 5,
  }),
  // support:5003 created 2024-05-01T10:00:00.5Z → 60; score 6 is out of range → unrated.
  "d6cf1ca3c3b53486106705a4108fdfec": withoutOrders({ tenure_days: 60, touchpoints: 1, support_tickets: 1, engagement_score: 5 }),
  // support:5004 created 2024-05-03 → 58.
  "cbbd3b6c8a679059fcaf910011003157": withoutOrders({ tenure_days: 58, touchpoints: 1, support_tickets: 1, engagement_score: 5 }),
  // web:a-dan-phone 2024-06-10: 1 session (10) + page_viewed (1) + email_opened (2) = 13
  "5e07ad24f00d8f4c7182e19b343e5570": withoutOrders({ tenure_days: 20, web_sessions: 1, touchpoints: 2, engagement_score: 13 }),
  // web:a-mia 2024-06-20 (m-302 is after as_of): 1 session + 1 event = 11
  "0543f3d3e3cac5160e6642ae1acf2f27": withoutOrders({ tenure_days: 10, web_sessions: 1, touchpoints: 1, engagement_score: 11 }),
  // web:a-shared-tablet 2024-05-01 09:00, 09:10 | 05-02 18:00: 2 sessions (20) + 3 events (3)
  "698e3e440e27fc9fade6fcb670845692": withoutOrders({ tenure_days: 60, web_sessions: 2, touchpoints: 3, engagement_score: 23 }),
};

const METRIC_COLUMNS = [
  "order_count", "total_revenue_usd", "avg_order_value_usd", "first_order_at", "last_order_at", "recency_days", "tenure_days",
  "refund_rate", "web_sessions", "touchpoints", "support_tickets", "avg_satisfaction", "r_score", "f_score", "m_score",
  "rfm_segment", "cltv_historical_usd", "p_alive", "expected_purchases_12m", "expected_order_value_usd", "cltv_predicted_12m_usd", "churn_risk", "churn_risk_band", "engagement_score",
];

describe("customer_aggregated_metrics on the hand-written fixture", () => {
  it("has one row per customer, the 20 of the fixture README", async () => {
    const rows = await gold.query("select customer_key from c360.customer_aggregated_metrics order by customer_key");
    expect(rows.map((row) => row.customer_key)).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [customerKey, expected] of Object.entries(EXPECTED)) {
    it(`gives the hand-worked metrics of ${customerKey}`, async () => {
      const [row] = await gold.query(`select ${METRIC_COLUMNS.join(", ")} from c360.customer_aggregated_metrics where customer_key = '${customerKey}'`);
      expect(row).toEqual(expected);
    });
  }

  it("fits no model on 5 buyers, 1 of them with a repeat occasion: the parameters say so", async () => {
    const rows = await gold.query("select model, parameter, value, log_likelihood, customers, converged from c360.customer_model_parameters order by model, parameter");
    expect(rows.map((row) => row.parameter)).toEqual(["a", "alpha", "b", "r", "gamma", "p", "q"]);
    for (const row of rows) {
      expect(row).toMatchObject({ value: null, log_likelihood: null, converged: false, customers: row.model === "bgnbd" ? 5 : 1 });
    }
  });

  it("customer_360 carries the same metrics for every customer", async () => {
    const rows = await gold.query(`select customer_key, ${METRIC_COLUMNS.join(", ")} from c360.customer_360 order by customer_key`);
    expect(rows).toEqual(Object.keys(EXPECTED).sort().map((key) => ({ customer_key: key, ...EXPECTED[key] })));
  });
});
