/**
 * The predictive scoring SQL (customer_model_scores, built from includes/ts/metrics.ts
 * purchaseModels) against an independent TypeScript evaluation of the same equations
 * (src/models), on DuckDB; and the BigQuery rendering's maths, executed on DuckDB after
 * only its type names are mapped (its SQL is analyzed by `c360 check`), to 1e-9 relative.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BgNbdParameters, expectedPurchases, probabilityAlive, probabilityNoPurchase } from "../../src/models/bgnbd.js";
import { expectedOrderValue, type GammaGammaParameters } from "../../src/models/gamma-gamma.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { floatLiteral } from "../../src/runner/model-fits.js";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

// CDNOW's published estimates with days as the unit (α × 7).
const BGNBD: BgNbdParameters = { r: 0.2426, alpha: 4.4135 * 7, a: 0.7929, b: 2.4258 };
const GAMMA_GAMMA: GammaGammaParameters = { p: 6.2488, q: 3.7446, gamma: 15.4477 };

// customer, x, t_x, T, m̄: one-time buyers, regulars, a heavy buyer seen today (z = 365 / (α + 365) ≈ 0.922), long-lapsed ones.
const HISTORIES: [string, number, number, number, number | null][] = [
  ["one_time_today", 0, 0, 0, null],
  ["one_time_old", 0, 0, 500, null],
  ["regular", 5, 200, 230, 31.5],
  ["lapsed", 3, 40, 900, 12.25],
  ["heavy_today", 200, 700, 700, 45.1],
  ["heavy_new", 200, 0, 0, 45.1],
  ["long_history", 30, 1500, 2000, 18],
];

const VARS = { as_of_date: "2024-06-30", max_accounts_per_identifier: "3", identity_max_iterations: "12" };

let engine: DuckDbEngine;

async function loadTables(converged: boolean): Promise<void> {
  await engine.execute("create schema if not exists c360");
  await engine.execute("create schema if not exists c360_models");
  const inputs = HISTORIES.map(([key, x, tx, T, m]) => `('${key}', ${x}, ${tx}, ${T}, ${m === null ? "null" : `cast(${m} as double)`})`);
  await engine.execute(
    `create or replace table c360_models.customer_model_inputs as select * from (values ${inputs.join(", ")}) as inputs (customer_key, repeat_occasions, recency_days, observed_days, repeat_mean_value_usd)`,
  );
  const values: [string, string, number][] = [
    ["bgnbd", "r", BGNBD.r], ["bgnbd", "alpha", BGNBD.alpha], ["bgnbd", "a", BGNBD.a], ["bgnbd", "b", BGNBD.b],
    ["gamma_gamma", "p", GAMMA_GAMMA.p], ["gamma_gamma", "q", GAMMA_GAMMA.q], ["gamma_gamma", "gamma", GAMMA_GAMMA.gamma],
  ];
  const rows = values.map(([model, parameter, value], index) => `('${model}', '${parameter}', ${floatLiteral(value)}, -1.0e3, 10, ${converged || index !== 6})`);
  await engine.execute(
    `create or replace table c360.customer_model_parameters as select * from (values ${rows.join(", ")}) as parameters (model, parameter, value, log_likelihood, customers, converged)`,
  );
}

function scoringQuery(dialect: "duckdb" | "bigquery"): string {
  const action = compiledProject(REPO_ROOT, { ...VARS, dialect }).actions.get("c360_models.customer_model_scores");
  if (!action || action.kind !== "table") throw new Error("customer_model_scores is not a table action");
  return action.compiled.query;
}

/** The BigQuery rendering with BigQuery's type names replaced by DuckDB's: nothing else may differ for it to run. */
function bigQueryMathsOnDuckDb(sql: string): string {
  return sql.replaceAll(" as float64)", " as double)").replaceAll(" as numeric)", " as decimal(38, 9))").replaceAll(" as int64)", " as bigint)").replaceAll(" as string)", " as varchar)");
}

function relative(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual / expected - 1);
}

describe("customer_model_scores: SQL against the TypeScript models", () => {
  beforeAll(async () => {
    engine = await openMemoryEngine({ connections: 1, threads: 1 });
  });
  afterAll(() => engine?.close());

  for (const dialect of ["duckdb", "bigquery"] as const) {
    it(`${dialect} rendering: every prediction within 1e-9 relative of the TypeScript evaluation`, async () => {
      await loadTables(true);
      const sql = dialect === "duckdb" ? scoringQuery("duckdb") : bigQueryMathsOnDuckDb(scoringQuery("bigquery"));
      const rows = new Map((await engine.query(sql)).map((row) => [String(row.customer_key), row]));
      expect(rows.size).toBe(HISTORIES.length);
      for (const [key, x, tx, T, m] of HISTORIES) {
        const row = rows.get(key)!;
        const history = { x, tx, T };
        const purchases = expectedPurchases(BGNBD, history, 365);
        const orderValue = expectedOrderValue(GAMMA_GAMMA, x, m);
        expect(Number.isFinite(purchases)).toBe(true);
        expect(relative(Number(row.p_alive), probabilityAlive(BGNBD, history))).toBeLessThan(1e-9);
        expect(relative(Number(row.expected_purchases_12m), purchases)).toBeLessThan(1e-9);
        expect(relative(Number(row.expected_order_value_usd), orderValue)).toBeLessThan(1e-9);
        expect(relative(Number(row.churn_risk), probabilityNoPurchase(BGNBD, history, 90))).toBeLessThan(1e-9);
        expect(Number(row.cltv_predicted_12m_usd)).toBeCloseTo(Math.round(purchases * orderValue * 100) / 100, 9);
      }
      // Hand-checkable anchors: a one-time buyer seen today is alive for sure; E[Y] grows with x.
      expect(Number(rows.get("one_time_today")!.p_alive)).toBe(1);
      expect(Number(rows.get("heavy_today")!.expected_purchases_12m)).toBeGreaterThan(Number(rows.get("regular")!.expected_purchases_12m));
    });
  }

  it("every prediction is null when a parameter did not converge", async () => {
    await loadTables(false);
    const rows = await engine.query(scoringQuery("duckdb"));
    expect(rows).toHaveLength(HISTORIES.length);
    for (const row of rows) {
      expect([row.p_alive, row.expected_purchases_12m, row.expected_order_value_usd, row.cltv_predicted_12m_usd, row.churn_risk]).toEqual([null, null, null, null, null]);
    }
  });
});
