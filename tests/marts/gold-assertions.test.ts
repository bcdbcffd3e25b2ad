/**
 * Every assertion on the published tables, fed violating data: the fixture is built (every
 * assertion passes), then one table is tampered with, and the table's downstream is run
 * again (not the table itself). The assertion must fail, and the tables that read the
 * tampered one must be skipped because of a failed assertion. The table is restored after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionResult } from "../../src/runner/results.js";
import { GoldBuild } from "./gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
  await gold.engine.execute("create schema if not exists assertion_test_snapshots");
});
afterAll(() => gold?.close());

const JANE = "8788c40c714f565dd96392d62b518221";
const BOB = "ce639ce33d6ccb8c6d416d5f2c8883ef";
const NOBODY = "00000000000000000000000000000000";

interface ViolationCase {
  /** The assertion action expected to fail (c360_assertions.<name>). */
  assertion: string;
  /** The c360 table that gets the violating data. */
  table: string;
  /** Statements that put the violation into the table. */
  tamper: string[];
  /** Tables that read the tampered one and must be skipped. */
  skipped: string[];
}

const AFTER_IDENTITY = ["customer_information", "customer_transactions", "customer_interactions", "customer_aggregated_metrics", "customer_360", "kpi_summary"];
const AFTER_SILVER_MARTS = ["customer_aggregated_metrics", "customer_360", "kpi_summary"];
const AFTER_METRICS = ["customer_360", "kpi_summary"];
const duplicate = (table: string, condition: string) => `insert into c360.${table} select * from c360.${table} where ${condition}`;

const CASES: ViolationCase[] = [
  // customer_identity_map (built by identity; gold asserts on it)
  { assertion: "assert_gold_identity_map_accepted_values", table: "customer_identity_map", tamper: ["update c360.customer_identity_map set rule = 'guess' where source_id = 'C1002'"], skipped: AFTER_IDENTITY },
  // customer_information
  { assertion: "c360_customer_information_assertions_uniqueKey_0", table: "customer_information", tamper: [duplicate("customer_information", `customer_key = '${JANE}'`)], skipped: AFTER_SILVER_MARTS },
  { assertion: "c360_customer_information_assertions_rowConditions", table: "customer_information", tamper: [`update c360.customer_information set gender = null where customer_key = '${BOB}'`], skipped: AFTER_SILVER_MARTS },
  { assertion: "c360_customer_information_assertions_rowConditions", table: "customer_information", tamper: [`update c360.customer_information set age = -1 where customer_key = '${JANE}'`], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_information_accepted_values", table: "customer_information", tamper: [`update c360.customer_information set gender = 'robot' where customer_key = '${JANE}'`], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_identity_map_matches_information", table: "customer_information", tamper: [`update c360.customer_information set crm_id_count = 5 where customer_key = '${JANE}'`], skipped: AFTER_SILVER_MARTS },
  // customer_transactions
  { assertion: "c360_customer_transactions_assertions_uniqueKey_0", table: "customer_transactions", tamper: [duplicate("customer_transactions", "order_id = 'O3004'")], skipped: AFTER_SILVER_MARTS },
  { assertion: "c360_customer_transactions_assertions_rowConditions", table: "customer_transactions", tamper: ["update c360.customer_transactions set total_usd = null where order_id = 'O3004'"], skipped: AFTER_SILVER_MARTS },
  { assertion: "c360_customer_transactions_assertions_rowConditions", table: "customer_transactions", tamper: ["update c360.customer_transactions set item_count = -1 where order_id = 'O3001'"], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_transactions_accepted_values", table: "customer_transactions", tamper: ["update c360.customer_transactions set status = 'shipped' where order_id = 'O3004'"], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_transactions_customers_exist", table: "customer_transactions", tamper: [`update c360.customer_transactions set customer_key = '${NOBODY}' where order_id = 'O3004'`], skipped: AFTER_SILVER_MARTS },
  // customer_interactions
  { assertion: "assert_gold_interactions_unique", table: "customer_interactions", tamper: [duplicate("customer_interactions", "interaction_id = 'm-101'")], skipped: AFTER_SILVER_MARTS },
  { assertion: "c360_customer_interactions_assertions_rowConditions", table: "customer_interactions", tamper: ["update c360.customer_interactions set interaction_ts = null where interaction_id = 'm-101'"], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_interactions_accepted_values", table: "customer_interactions", tamper: ["update c360.customer_interactions set interaction_type = 'teleported' where interaction_id = 'm-301'"], skipped: AFTER_SILVER_MARTS },
  { assertion: "assert_gold_interactions_customers_exist", table: "customer_interactions", tamper: [`update c360.customer_interactions set customer_key = '${NOBODY}' where interaction_id = 'm-301'`], skipped: AFTER_SILVER_MARTS },
  // customer_aggregated_metrics
  { assertion: "c360_customer_aggregated_metrics_assertions_uniqueKey_0", table: "customer_aggregated_metrics", tamper: [duplicate("customer_aggregated_metrics", `customer_key = '${JANE}'`)], skipped: AFTER_METRICS },
  { assertion: "c360_customer_aggregated_metrics_assertions_rowConditions", table: "customer_aggregated_metrics", tamper: [`update c360.customer_aggregated_metrics set engagement_score = 101 where customer_key = '${JANE}'`], skipped: AFTER_METRICS },
  { assertion: "c360_customer_aggregated_metrics_assertions_rowConditions", table: "customer_aggregated_metrics", tamper: [`update c360.customer_aggregated_metrics set total_revenue_usd = -1 where customer_key = '${JANE}'`], skipped: AFTER_METRICS },
  { assertion: "assert_gold_aggregated_metrics_accepted_values", table: "customer_aggregated_metrics", tamper: [`update c360.customer_aggregated_metrics set churn_risk_band = 'extreme' where customer_key = '${JANE}'`], skipped: AFTER_METRICS },
  { assertion: "assert_gold_aggregated_metrics_accepted_values", table: "customer_aggregated_metrics", tamper: [`update c360.customer_aggregated_metrics set rfm_segment = 'Champions' where customer_key = '${JANE}'`], skipped: AFTER_METRICS },
  {
    assertion: "assert_gold_revenue_reconciles",
    table: "customer_aggregated_metrics",
    tamper: [`update c360.customer_aggregated_metrics set total_revenue_usd = 167.71, cltv_historical_usd = 167.71 where customer_key = '${JANE}'`],
    skipped: AFTER_METRICS,
  },
  { assertion: "assert_gold_activity_reconciles", table: "customer_aggregated_metrics", tamper: [`update c360.customer_aggregated_metrics set touchpoints = 10 where customer_key = '${JANE}'`], skipped: AFTER_METRICS },
  // customer_360
  { assertion: "c360_customer_360_assertions_uniqueKey_0", table: "customer_360", tamper: [duplicate("customer_360", `customer_key = '${JANE}'`)], skipped: ["kpi_summary"] },
  { assertion: "c360_customer_360_assertions_rowConditions", table: "customer_360", tamper: [`update c360.customer_360 set churn_risk = 2 where customer_key = '${JANE}'`], skipped: ["kpi_summary"] },
  { assertion: "assert_gold_customer_360_matches_sources", table: "customer_360", tamper: [`update c360.customer_360 set email = 'someone@else.example' where customer_key = '${JANE}'`], skipped: ["kpi_summary"] },
  // kpi_summary (nothing reads it)
  { assertion: "c360_kpi_summary_assertions_rowConditions", table: "kpi_summary", tamper: ["update c360.kpi_summary set churn_rate = 2"], skipped: [] },
  { assertion: "assert_gold_kpi_summary_reconciles", table: "kpi_summary", tamper: ["update c360.kpi_summary set customers = 99"], skipped: [] },
];

async function runWithViolation(violation: ViolationCase): Promise<Map<string, ActionResult>> {
  const snapshot = `assertion_test_snapshots.${violation.table}`;
  await gold.engine.execute(`create or replace table ${snapshot} as select * from c360.${violation.table}`);
  try {
    for (const statement of violation.tamper) await gold.engine.execute(statement);
    // The table's downstream (its assertions among it) but not the table: dbt excludes the
    // tests of an excluded table too, unless indirect selection is empty.
    const results = await gold.run({ select: [`${violation.table}+`], exclude: [violation.table], indirect: "empty" });
    return new Map(results.map((result) => [result.name, result]));
  } finally {
    await gold.engine.execute(`create or replace table c360.${violation.table} as select * from ${snapshot}`);
  }
}

describe("gold assertions fed violating data", () => {
  for (const violation of CASES) {
    it(`${violation.assertion} fails on "${violation.tamper.join("; ")}" and skips ${violation.skipped.join(", ") || "nothing (no reader)"}`, async () => {
      const results = await runWithViolation(violation);
      const assertion = results.get(`c360_assertions.${violation.assertion}`);
      expect(assertion?.status, JSON.stringify(assertion)).toBe("failed");
      expect(assertion?.failingRows ?? 0).toBeGreaterThan(0);
      const failedAssertions = [...results.values()].filter((result) => result.kind === "assertion" && result.status === "failed").map((result) => result.name);
      for (const table of violation.skipped) {
        const result = results.get(`c360.${table}`);
        expect(result?.status, `${table}: ${JSON.stringify(result)}`).toBe("skipped");
        expect(failedAssertions).toContain(result?.skippedBecause);
      }
    });
  }

  it("covers every assertion on the published tables and on customer_identity_map's values", async () => {
    const project = gold.compile();
    const goldAssertions = [...project.actions.values()]
      .filter((action) => action.kind === "assertion")
      .map((action) => action.target.name)
      .filter((name) => name.startsWith("assert_gold_") || /^c360_(customer_(information|transactions|interactions|aggregated_metrics|360)|kpi_summary)_assertions_/.test(name));
    expect([...new Set(CASES.map((violation) => violation.assertion))].sort()).toEqual(goldAssertions.sort());
  });
});
