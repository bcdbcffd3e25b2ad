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
import { compiledProject, REPO_ROOT } from "../helpers/project.js";
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
    await loadLandingFolder(gold.engine, FIXTURE_LANDING, { fullRefresh: true });
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
