/**
 * Model fits as DAG nodes (c360.json `fits`, src/runner/model-fits.ts): the config is
 * validated by its JSON Schema and against the compiled graph, and a build whose data allow
 * no fit succeeds with a named warning and null predictions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBigQueryStatement, closeSharedBigQueryAnalyzer } from "../../src/check/index.js";
import { readValidatedJson } from "../../src/config/validate.js";
import { ConfigError } from "../../src/errors.js";
import { loadLandingFolder } from "../../src/loader/index.js";
import { type ModelFitConfig, resolveModelFits, updateStatement } from "../../src/runner/model-fits.js";
import { fitColumns, readFitInputs } from "../../src/models/purchase-models.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";
import { compiledProject, PROJECT_SOURCES, REPO_ROOT } from "../helpers/project.js";
import { FIXTURE_LANDING, GOLD_VARS, GoldBuild } from "../marts/gold-harness.js";

const FIT: ModelFitConfig = {
  model: "bgnbd_gamma_gamma",
  input: "customer_model_inputs",
  output: "customer_model_parameters",
  columns: { repeatOccasions: "repeat_occasions", recency: "recency_days", age: "observed_days", repeatMeanValue: "repeat_mean_value_usd" },
};

describe("c360.json fits", () => {
  it("is validated by the schema: an unknown model or a missing column is named with its JSON path", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-fits-")), "c360.json");
    const targets = { local: { engine: "duckdb", database: "x.duckdb" } };
    fs.writeFileSync(file, JSON.stringify({ targets, fits: [{ ...FIT, model: "pareto_nbd", columns: { recency: "r" } }] }));
    expect(() => readValidatedJson(file, "c360")).toThrow(ConfigError);
    try {
      readValidatedJson(file, "c360");
    } catch (error) {
      expect((error as ConfigError).message).toContain("/fits/0/model: must be one of");
      expect((error as ConfigError).message).toContain("/fits/0/columns: missing required key 'repeatOccasions'");
    }
  });

  it("resolves input and output to actions, by table name or full name", () => {
    const { actions } = compiledProject(REPO_ROOT, { ...GOLD_VARS });
    const resolved = resolveModelFits([FIT, { ...FIT, output: "c360.customer_model_parameters" }], actions);
    expect([...resolved.keys()]).toEqual(["c360.customer_model_parameters"]);
    expect(resolved.get("c360.customer_model_parameters")!.input.name).toBe("c360_models.customer_model_inputs");
  });

  it("refuses an unknown action, an output that is not a table, and an output that does not ref() its input", () => {
    const { actions } = compiledProject(REPO_ROOT, { ...GOLD_VARS });
    expect(() => resolveModelFits([{ ...FIT, input: "no_such_table" }], actions)).toThrow(/\/fits\/0\/input: no action 'no_such_table'/);
    expect(() => resolveModelFits([{ ...FIT, output: "raw_shop.orders" }], actions)).toThrow(/\/fits\/0\/output: .* is a declaration/);
    expect(() => resolveModelFits([{ ...FIT, input: "customer_360" }], actions)).toThrow(/must ref\(\) the fit's input 'c360.customer_360'/);
  });
});

describe("a build whose as_of_date is before every order", () => {
  let gold: GoldBuild | undefined;
  afterAll(() => gold?.close());

  it("succeeds, warns no_model_fit on the parameters action, and predicts nothing (no NaN, no Infinity)", async () => {
    gold = await GoldBuild.open();
    await loadLandingFolder(gold.engine, FIXTURE_LANDING, PROJECT_SOURCES, { fullRefresh: true });
    const results = await gold.run({ vars: { as_of_date: "2020-01-01" } });
    expect(results.filter((result) => result.status !== "success").map((result) => result.name)).toEqual([]);
    const fit = results.find((result) => result.name === "c360.customer_model_parameters")!;
    expect(fit.warnings?.join(" ")).toMatch(/^no_model_fit: 0 buyer\(s\)/);
    const parameters = await gold.query("select count(*) as n, count(value) as fitted, count(case when converged then 1 end) as converged from c360.customer_model_parameters");
    expect(parameters).toEqual([{ n: 7, fitted: 0, converged: 0 }]);
    const predictions = await gold.query(
      "select count(p_alive) + count(expected_purchases_12m) + count(expected_order_value_usd) + count(cltv_predicted_12m_usd) + count(churn_risk) + count(churn_risk_band) as predicted from c360.customer_360",
    );
    expect(predictions).toEqual([{ predicted: 0 }]);
    const [kpi] = await gold.query("select customers_with_orders, avg_cltv_predicted_12m_usd, churn_rate, lapsed_rate from c360.kpi_summary");
    expect(kpi).toEqual({ customers_with_orders: 0, avg_cltv_predicted_12m_usd: null, churn_rate: null, lapsed_rate: null });
  });
});

describe("the statement that fills in the parameters", () => {
  afterAll(() => closeSharedBigQueryAnalyzer());

  it("updates every parameter row in one statement the BigQuery analyzer accepts", async () => {
    const rows = [
      { model: "bgnbd" as const, parameter: "r", value: 0.2426, logLikelihood: -9582.4, customers: 2357, converged: true },
      { model: "gamma_gamma" as const, parameter: "p", value: null, logLikelihood: null, customers: 946, converged: false },
    ];
    const table = { "project.c360.parameters": { model: "STRING", parameter: "STRING", value: "FLOAT64", log_likelihood: "FLOAT64", customers: "INT64", converged: "BOOL" } };
    const sql = updateStatement("`project.c360.parameters`", rows);
    expect(sql).toContain("when model = 'bgnbd' and parameter = 'r' then 2.426e-1");
    await expect(analyzeBigQueryStatement(sql, table)).resolves.toBeDefined();
    const unfitted = updateStatement("`project.c360.parameters`", rows.map((row) => ({ ...row, value: null, logLikelihood: null, converged: false })));
    expect(unfitted).toMatch(/set value = null, log_likelihood = null, customers = case .* end, converged = false where/);
    await expect(analyzeBigQueryStatement(unfitted, table)).resolves.toBeDefined();
  });
});

describe("the fit's inputs, read from the engine", () => {
  it("are the same read as columns of doubles (DuckDB) as through rows (an engine without queryFloatColumns), grouped and ordered; a null is NaN", async () => {
    const engine = await openMemoryEngine({ connections: 1, threads: 1 });
    try {
      await engine.execute("create schema models");
      // 3,000 buyers, results of two chunks; one null recency (bad input: NaN, which the fit rejects).
      await engine.execute(
        "create table models.inputs as select 'c' || i as customer_key, (i % 5)::bigint as repeat_occasions, case when i = 2999 then null else (i % 5) * (i % 37) end::bigint as recency_days, (400 + i % 301)::bigint as observed_days, case when i % 5 > 0 then 10 + (i % 13) * 0.25 end::double as repeat_mean_value_usd from range(3000) as t(i)",
      );
      const columns = FIT.columns;
      const table = { schema: "models", name: "inputs" };
      const byColumns = await readFitInputs(engine, table, columns, "fit");
      const { queryFloatColumns: _hidden, ...rowsOnly } = engine as unknown as Record<string, unknown>;
      const byRows = await readFitInputs(Object.assign(Object.create(Object.getPrototypeOf(engine)), rowsOnly, { queryFloatColumns: undefined }), table, columns, "fit");
      expect(byColumns).toEqual(byRows);
      const counted = await engine.query("select count(distinct (repeat_occasions, recency_days, observed_days)) as histories from models.inputs");
      const { histories, spends } = byColumns;
      expect(histories.x).toHaveLength(Number(counted[0].histories));
      expect(histories.customers.reduce((sum, customers) => sum + customers, 0)).toBe(3000);
      const missing = histories.tx.findIndex(Number.isNaN);
      expect([histories.x[missing], histories.T[missing], histories.customers[missing], histories.tx.filter(Number.isNaN).length]).toEqual([4, 400 + (2999 % 301), 1, 1]);
      expect(fitColumns(byColumns, { minimumRepeatBuyers: 20 }).warnings[0]).toContain(`no_model_fit: a history is not a valid (x, t_x, T): {"x":4,"tx":null,"T":690,"customers":1}`);
      expect(spends.customers.reduce((sum, customers) => sum + customers, 0)).toBe(2400);
      // Buyers 0 and 1505 share the first history in (x, t_x, T) order.
      expect([histories.x[0], histories.tx[0], histories.T[0], histories.customers[0]]).toEqual([0, 0, 400, 2]);
    } finally {
      await engine.close();
    }
  });
});
