/**
 * The published tables as a contract (METRICS.md): names, schema c360, tags, column order
 * and types on both engines (DuckDB built from the fixture; BigQuery as the ZetaSQL analyzer
 * resolves the compiled SQL), a description for every column, no `select *`, the BigQuery
 * layout, and every standalone gold assertion required by definitions/assertions.js.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/check/index.js";
import type { CompiledTable } from "../../src/compile/graph-types.js";
import { compileProject } from "../../src/compile/index.js";
import { REPO_ROOT } from "../helpers/project.js";
import { repositoryCheckReport } from "../helpers/repository-check.js";
import { GOLD_TABLES, GOLD_VARS, GoldBuild } from "./gold-harness.js";

let gold: GoldBuild;
let bigQueryCheck: CheckReport;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
  // The run's check of the repository, with its own vars (as_of_date does not change a type).
  bigQueryCheck = await repositoryCheckReport();
});
afterAll(() => gold?.close());

type Kind = "string" | "int" | "decimal" | "float" | "timestamp" | "date" | "bool" | "strings" | "ints";
const DUCKDB_TYPES: Record<Kind, string> = {
  string: "VARCHAR",
  float: "DOUBLE",
  int: "BIGINT",
  decimal: "DECIMAL(38,9)",
  timestamp: "TIMESTAMP",
  date: "DATE",
  bool: "BOOLEAN",
  strings: "VARCHAR[]",
  ints: "BIGINT[]",
};
const BIGQUERY_TYPES: Record<Kind, string> = {
  string: "STRING",
  float: "FLOAT64",
  int: "INT64",
  decimal: "NUMERIC",
  timestamp: "TIMESTAMP",
  date: "DATE",
  bool: "BOOL",
  strings: "ARRAY<STRING>",
  ints: "ARRAY<INT64>",
};

const INFORMATION: [string, Kind][] = [
  ["customer_key", "string"], ["is_known", "bool"], ["email", "string"], ["phone_e164", "string"], ["first_name", "string"],
  ["last_name", "string"], ["birth_date", "date"], ["age", "int"], ["age_band", "string"], ["gender", "string"], ["city", "string"],
  ["country_code", "string"], ["postal_code", "string"], ["marketing_opt_in", "bool"], ["loyalty_tier", "string"], ["loyalty_points", "int"],
  ["first_seen_at", "timestamp"], ["crm_ids", "strings"], ["shop_customer_ids", "strings"], ["loyalty_ids", "strings"], ["ticket_ids", "ints"],
  ["anonymous_ids", "strings"], ["crm_id_count", "int"], ["shop_customer_id_count", "int"], ["loyalty_id_count", "int"], ["ticket_count", "int"],
  ["anonymous_id_count", "int"],
];
const METRICS: [string, Kind][] = [
  ["customer_key", "string"], ["order_count", "int"], ["total_revenue_usd", "decimal"], ["avg_order_value_usd", "decimal"],
  ["first_order_at", "timestamp"], ["last_order_at", "timestamp"], ["recency_days", "int"], ["tenure_days", "int"], ["refund_rate", "decimal"],
  ["web_sessions", "int"], ["touchpoints", "int"], ["support_tickets", "int"], ["avg_satisfaction", "decimal"], ["r_score", "int"],
  ["f_score", "int"], ["m_score", "int"], ["rfm_segment", "string"], ["cltv_historical_usd", "decimal"], ["p_alive", "float"],
  ["expected_purchases_12m", "float"], ["expected_order_value_usd", "float"], ["cltv_predicted_12m_usd", "decimal"],
  ["churn_risk", "float"], ["churn_risk_band", "string"], ["engagement_score", "int"],
];
const CONTRACT: Record<(typeof GOLD_TABLES)[number], [string, Kind][]> = {
  customer_information: INFORMATION,
  customer_transactions: [
    ["order_id", "string"], ["customer_key", "string"], ["shop_customer_id", "string"], ["order_ts", "timestamp"], ["order_date", "date"],
    ["status", "string"], ["channel", "string"], ["currency", "string"], ["total", "decimal"], ["fx_rate_to_usd", "decimal"],
    ["total_usd", "decimal"], ["item_count", "int"], ["is_revenue", "bool"],
  ],
  customer_interactions: [
    ["customer_key", "string"], ["interaction_id", "string"], ["interaction_ts", "timestamp"], ["interaction_type", "string"],
    ["channel", "string"], ["source", "string"],
  ],
  customer_aggregated_metrics: METRICS,
  customer_360: [...INFORMATION, ...METRICS.slice(1)],
  kpi_summary: [
    ["as_of_date", "date"], ["customers", "int"], ["known_customers", "int"], ["customers_with_orders", "int"], ["completed_orders", "int"],
    ["revenue_usd", "decimal"], ["avg_order_value_usd", "decimal"], ["avg_cltv_historical_usd", "decimal"],
    ["avg_cltv_predicted_12m_usd", "decimal"], ["churn_rate", "decimal"], ["lapsed_rate", "decimal"], ["avg_satisfaction", "decimal"],
    ["quarantined_records", "int"],
  ],
  customer_model_parameters: [
    ["model", "string"], ["parameter", "string"], ["value", "float"], ["log_likelihood", "float"], ["customers", "int"], ["converged", "bool"],
    ["as_of_date", "date"],
  ],
};

function compiledTables(dialect: "duckdb" | "bigquery"): Map<string, CompiledTable> {
  const graph = compileProject({ projectDir: REPO_ROOT, vars: { ...GOLD_VARS, dialect } });
  return new Map((graph.tables ?? []).map((table) => [table.target.name, table]));
}

describe("the published tables", () => {
  const tables = compiledTables("duckdb");

  for (const name of GOLD_TABLES) {
    it(`${name}: schema c360, tagged, columns and types as the contract on DuckDB and BigQuery, each described`, async () => {
      const table = tables.get(name)!;
      expect(table.target.schema).toBe("c360");
      expect(table.tags).toEqual([name === "kpi_summary" ? "reporting" : "marts"]);
      expect(table.fileName).toBe(`definitions/${name === "kpi_summary" ? "reporting" : "marts"}/${name}.sqlx`);
      const columns = await gold.engine.describeTable({ schema: "c360", name });
      expect(columns?.map((column) => [column.name, column.type])).toEqual(CONTRACT[name].map(([column, kind]) => [column, DUCKDB_TYPES[kind]]));
      expect(Object.entries(bigQueryCheck.schemas[`c360.${name}`] ?? {})).toEqual(CONTRACT[name].map(([column, kind]) => [column, BIGQUERY_TYPES[kind]]));
      const described = (table.actionDescriptor?.columns ?? []).filter((column) => (column.description ?? "").trim().length > 10);
      expect(described.map((column) => column.path?.join("."))).toEqual(CONTRACT[name].map(([column]) => column));
      expect(table.actionDescriptor?.description?.length ?? 0).toBeGreaterThan(40);
      expect(table.query).not.toMatch(/select\s+\*|\w\.\*|\bexclude\s*\(/i);
    });
  }

  it("customer_360 repeats the descriptions of customer_information and customer_aggregated_metrics word for word", () => {
    const descriptions = (name: string) => new Map((tables.get(name)!.actionDescriptor?.columns ?? []).map((column) => [column.path?.join("."), column.description]));
    const wide = descriptions("customer_360");
    const sources = new Map([...descriptions("customer_aggregated_metrics"), ...descriptions("customer_information")]);
    for (const [column, description] of wide) expect([column, description]).toEqual([column, sources.get(column)]);
  });

  it("has the BigQuery layout of METRICS.md", () => {
    const layout = (name: string) => compiledTables("bigquery").get(name)!.bigquery;
    expect(layout("customer_360")).toMatchObject({ clusterBy: ["country_code", "rfm_segment", "churn_risk_band"] });
    expect(layout("customer_transactions")).toMatchObject({ partitionBy: "date_trunc(order_date, month)", clusterBy: ["customer_key"] });
    expect(layout("customer_interactions")).toMatchObject({ partitionBy: "date(interaction_ts)" });
  });

  it("compiles to BigQuery SQL the analyzer accepts, every gold action included", () => {
    const goldProblems = [...bigQueryCheck.errors, ...bigQueryCheck.warnings].filter((problem) => /definitions\/(marts|reporting)|assertions\/gold/.test(problem.fileName ?? ""));
    expect(goldProblems).toEqual([]);
    expect(bigQueryCheck.skipped.filter((skipped) => /marts|reporting|assert_gold/.test(JSON.stringify(skipped)))).toEqual([]);
  });

  it("never reads the wall clock", () => {
    for (const name of GOLD_TABLES) expect(tables.get(name)!.query).not.toMatch(/current_(date|timestamp)|\bnow\(\)/i);
  });
});

describe("standalone gold assertions", () => {
  it("are each required by definitions/assertions.js", () => {
    const required = fs.readFileSync(path.join(REPO_ROOT, "definitions/assertions.js"), "utf8");
    const files = fs.readdirSync(path.join(REPO_ROOT, "assertions/gold")).filter((file) => file.endsWith(".sqlx"));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) expect(required).toContain(`require("../assertions/gold/${file}");`);
  });
});
