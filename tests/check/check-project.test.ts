import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BigQueryAnalyzer, checkProject, formatCheckReport } from "../../src/check/index.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";
import { repositoryCheckReport } from "../helpers/repository-check.js";

const FIXTURE = path.join(REPO_ROOT, "tests/check/fixtures/bigquery-shop");
let analyzer: BigQueryAnalyzer;
const copies: string[] = [];

beforeAll(async () => {
  analyzer = await BigQueryAnalyzer.start();
});
afterAll(async () => {
  await analyzer.close();
  expect(analyzer.running).toBe(false);
  for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
});

/** Pids of this process's children that run the ZetaSQL service (Linux /proc). */
function zetaSqlChildren(): number[] {
  if (process.platform !== "linux") return [];
  return fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [, command, rest] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? [];
      const parent = Number(rest?.split(" ")[1]);
      return parent === process.pid && command?.startsWith("remote_server") ? [Number(entry)] : [];
    } catch {
      return []; // the process ended while we listed it
    }
  });
}

/** A temporary copy of the fixture with one file's text replaced. */
function brokenCopy(file: string, search: string, replacement: string): string {
  const copy = copyProject(FIXTURE, "c360-check-");
  copies.push(copy);
  const filePath = path.join(copy, file);
  const text = fs.readFileSync(filePath, "utf8");
  expect(text).toContain(search);
  fs.writeFileSync(filePath, text.replace(search, replacement));
  return copy;
}

describe("c360 check", () => {
  it("passes on the repository", async () => {
    // The run's one check of the repository, as `c360 check` runs it (its own analyzer).
    const report = await repositoryCheckReport();
    expect(report.errors, formatCheckReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("passes on a valid project and reports each action's output schema in DAG order", async () => {
    const report = await checkProject({ projectDir: FIXTURE, analyzer });
    expect(report.errors, formatCheckReport(report)).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.ok).toBe(true);
    // 4 tables/views, 1 incremental, 1 operation, 4 assertions, 1 unit test.
    expect(report.actionsChecked).toBe(11);
    // The incremental is analyzed twice: as CREATE TABLE … AS and as its MERGE.
    expect(report.statementsAnalyzed).toBe(13);
    expect(report.schemas["shop.fct_orders"]).toEqual({ order_id: "INT64", crm_id: "STRING", amount: "NUMERIC", status: "STRING", ordered_at: "TIMESTAMP" });
    expect(report.schemas["shop.customer_revenue"]).toEqual({ crm_id: "STRING", email: "STRING", revenue: "NUMERIC", age_years: "INT64" });
    // The operation's output comes from its CREATE statement; the view downstream reads it.
    expect(report.schemas["shop.order_calendar"]).toEqual({ order_date: "DATE" });
    expect(report.schemas["shop.daily_revenue"]).toEqual({ order_date: "DATE", revenue: "NUMERIC" });
    // Bronze: the loader's contract, all text except the integer bookkeeping columns.
    expect(report.schemas["raw_crm.customers"]).toMatchObject({ _record_number: "INT64", _line_number: "INT64", crm_id: "STRING", _raw_record: "STRING" });
  });

  it("fails on an unknown column, naming the action, the file, the line and the analyzer's message", async () => {
    const copy = brokenCopy("definitions/staging/stg_orders.sqlx", "lower(status) as status", "lower(state) as status");
    const report = await checkProject({ projectDir: copy, analyzer });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      {
        actionName: "shop.stg_orders",
        fileName: "definitions/staging/stg_orders.sqlx",
        statement: "query",
        message: "Unrecognized name: state; Did you mean status?",
        line: 10,
        lineInFile: true,
        column: 9,
        sourceLine: "  lower(state) as status,",
      },
    ]);
    // Everything downstream is reported as not analyzed, not as a cascade of errors.
    expect(report.skipped.map((skipped) => skipped.actionName)).toContain("shop.fct_orders");
    expect(formatCheckReport(report)).toContain("error: definitions/staging/stg_orders.sqlx:10:9 [shop.stg_orders] (query): Unrecognized name: state");
  });

  it("fails on a type error", async () => {
    const copy = brokenCopy("definitions/marts/customer_revenue.sqlx", "coalesce(sum(completed_orders.amount), 0) as revenue", "sum(completed_orders.amount) + customers.email as revenue");
    const report = await checkProject({ projectDir: copy, analyzer });
    expect(report.ok).toBe(false);
    const modelError = report.errors.find((error) => error.actionName === "shop.customer_revenue");
    expect(modelError).toMatchObject({ fileName: "definitions/marts/customer_revenue.sqlx", statement: "query", lineInFile: true, line: 16 });
    expect(modelError?.message).toMatch(/^No matching signature for operator \+ for argument types: NUMERIC, STRING/);
    // The unit test renders the same model over its inputs, so it fails too.
    expect(report.errors.map((error) => error.actionName)).toEqual(["shop.customer_revenue", "test.test_customer_revenue"]);
  });

  it("fails on a DuckDB-only function left in a model", async () => {
    const copy = brokenCopy("definitions/staging/stg_customers.sqlx", "safe.parse_date('%Y-%m-%d', birth_date)", "strptime(birth_date, '%Y-%m-%d')::date");
    const report = await checkProject({ projectDir: copy, analyzer });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ actionName: "shop.stg_customers", fileName: "definitions/staging/stg_customers.sqlx", line: 9 });
    expect(report.errors[0].message).toMatch(/^Syntax error/);

    const second = brokenCopy("definitions/staging/stg_customers.sqlx", "safe.parse_date('%Y-%m-%d', birth_date)", "strptime(birth_date, '%Y-%m-%d')");
    const functionReport = await checkProject({ projectDir: second, analyzer });
    expect(functionReport.errors.map((error) => [error.actionName, error.message])).toEqual([["shop.stg_customers", "Function not found: strptime"]]);
  });

  it("checks the SQL the engine wraps around the query: partitioning and the incremental MERGE", async () => {
    const badPartition = brokenCopy("definitions/marts/fct_orders.sqlx", 'partitionBy: "date(ordered_at)"', 'partitionBy: "date(order_ts)"');
    const partitionReport = await checkProject({ projectDir: badPartition, analyzer });
    expect(partitionReport.errors).toHaveLength(1);
    expect(partitionReport.errors[0]).toMatchObject({ actionName: "shop.fct_orders", statement: "query" });
    expect(partitionReport.errors[0].message).toBe("Unrecognized name: order_ts; Did you mean order_id? (in the statement c360 wraps around the query)");

    const stringPartition = brokenCopy("definitions/marts/fct_orders.sqlx", 'partitionBy: "date(ordered_at)"', 'partitionBy: "status"');
    const stringReport = await checkProject({ projectDir: stringPartition, analyzer });
    expect(stringReport.errors.map((error) => error.message)).toEqual([
      'BigQuery partitions only by a DATE, TIMESTAMP or DATETIME expression or by RANGE_BUCKET over an INT64 column; this PARTITION BY is STRING (bigquery.partitionBy "status")',
    ]);

    const badKey = brokenCopy("definitions/marts/fct_orders.sqlx", 'uniqueKey: ["order_id"]', 'uniqueKey: ["order_key"]');
    const keyReport = await checkProject({ projectDir: badKey, analyzer });
    expect(keyReport.errors.find((error) => error.statement === "incremental merge")?.message).toMatch(/order_key/);
  });

  it("treats a declaration without columns as unknown (a warning, not an error) and skips what reads it", async () => {
    const noColumns = brokenCopy("definitions/sources/vendor_orders.sqlx", /columns: \{[^}]*\}/.exec(fs.readFileSync(path.join(FIXTURE, "definitions/sources/vendor_orders.sqlx"), "utf8"))![0], "tags: []");
    const report = await checkProject({ projectDir: noColumns, analyzer });
    expect(report.ok).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toContainEqual(
      expect.objectContaining({ actionName: "vendor.orders", statement: "declaration", message: expect.stringMatching(/declares no columns, so its schema is unknown/) }),
    );
    expect(report.skipped.find((skipped) => skipped.actionName === "shop.stg_orders")?.because).toBe("vendor.orders's schema is unknown (it declares no columns)");
  });

  it("treats a table no action or declaration describes as unknown, with a warning, and skips what reads its reader", async () => {
    const undeclared = brokenCopy("definitions/staging/stg_orders.sqlx", '${ref("vendor", "orders")}', "`other-project.vendor.orders_feed`");
    const report = await checkProject({ projectDir: undeclared, analyzer });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toContainEqual(
      expect.objectContaining({ actionName: "shop.stg_orders", message: expect.stringMatching(/^reads `other-project.vendor.orders_feed`, which no action or declaration of the project describes/) }),
    );
    expect(report.skipped.find((skipped) => skipped.actionName === "shop.fct_orders")?.because).toBe(
      "shop.stg_orders's schema is unknown (it reads `other-project.vendor.orders_feed`, which the project does not declare)",
    );
  });

  it("reports a bronze declaration that lists columns the loader does not write", async () => {
    const wrongBronze = brokenCopy("definitions/sources/raw_crm_customers.sqlx", 'name: "customers",', 'name: "customers",\n  columns: { crm_id: "id", loyalty_tier: "not a CRM field" },');
    const bronzeReport = await checkProject({ projectDir: wrongBronze, analyzer });
    expect(bronzeReport.errors[0].message).toMatch(/^declares column\(s\) loyalty_tier that the loader does not write to raw_crm.customers/);
  });

  it("warns about BigQuery scripting it can parse but not analyze", async () => {
    const copy = brokenCopy("definitions/marts/order_calendar.sqlx", "create or replace table", "declare first_day date default date '2024-01-01';\ncreate or replace table");
    const report = await checkProject({ projectDir: copy, analyzer });
    expect(report.ok).toBe(true);
    expect(report.warnings.map((warning) => [warning.actionName, warning.statement])).toEqual([
      ["shop.order_calendar", "operations[0]"],
      ["shop.order_calendar", "operations"],
    ]);
    expect(report.skipped.map((skipped) => skipped.actionName)).toEqual(["shop.daily_revenue", "shop_assertions.assert_revenue_not_negative"]);
  });

  it("starts and stops its own analyzer when none is given", async () => {
    const before = zetaSqlChildren();
    const report = await checkProject({ projectDir: FIXTURE });
    expect(report.ok).toBe(true);
    expect(zetaSqlChildren()).toEqual(before);
    expect(report.timings.analyzerStartSeconds).toBeGreaterThan(0);
    expect(report.timings.totalSeconds).toBeLessThan(30);
  });
});

describe("c360 check on a project using Dataform's wider features", () => {
  it("warns that a JiT action is not analyzed and that a declaration without columns is unknown, and analyzes the rest without errors", async () => {
    const report = await checkProject({ projectDir: path.join(REPO_ROOT, "tests/fixtures/projects/parity"), vars: { dialect: "postgres", cutoff_date: "2024-01-01" }, analyzer });
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((warning) => `${warning.actionName} ${warning.statement}`).sort()).toEqual(["fx.daily_rates declaration", "parity.jit_paid_orders jitCode"]);
    // The materialized view is analyzed as BigQuery's CREATE MATERIALIZED VIEW.
    expect(report.schemas["parity.order_totals"]).toBeDefined();
    expect(report.statementsAnalyzed).toBeGreaterThan(8);
  });
});
