/** Which relations `c360 diff` compares and on which key, from a compiled graph. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CompiledAssertion, CompiledGraph } from "../../src/compile/graph-types.js";
import { compileProject } from "../../src/compile/index.js";
import { publishedSchema, tablesToDiff, uniqueKeyOfAssertion } from "../../src/diff/published.js";
import { UsageError } from "../../src/errors.js";
import { REPO_ROOT } from "../helpers/project.js";

const uniqueKeyQuery = (columns: string, table: string) =>
  `\nSELECT\n  *\nFROM (\n  SELECT\n    ${columns},\n    COUNT(1) AS index_row_count\n  FROM \`p.${table}\`\n  GROUP BY ${columns}\n  ) AS data\nWHERE index_row_count > 1\n`;

function assertion(name: string, parent: string, query: string): CompiledAssertion {
  const [schema, table] = parent.split(".");
  return { target: { schema: "mart_assertions", name }, parentAction: { schema, name: table }, query };
}

const GRAPH: CompiledGraph = {
  projectConfig: { defaultSchema: "mart" },
  tables: [
    { target: { schema: "mart", name: "orders" }, type: "incremental", query: "", uniqueKey: ["order_id"], tags: ["gold"] },
    { target: { schema: "mart", name: "customers" }, type: "table", query: "" },
    { target: { schema: "mart", name: "report" }, type: "view", query: "", tags: ["gold"] },
    { target: { schema: "mart", name: "retired" }, type: "table", query: "", disabled: true },
    { target: { schema: "staging", name: "stg_customers" }, type: "table", query: "" },
  ],
  assertions: [
    // The incremental's own uniqueKey wins over an asserted one.
    assertion("mart_orders_assertions_uniqueKey_0", "mart.orders", uniqueKeyQuery("order_id, line", "mart.orders")),
    assertion("mart_customers_assertions_uniqueKey_1", "mart.customers", uniqueKeyQuery("email", "mart.customers")),
    assertion("mart_customers_assertions_uniqueKey_0", "mart.customers", uniqueKeyQuery("source, source_id", "mart.customers")),
    assertion("mart_report_assertions_rowConditions", "mart.report", "SELECT 'x' AS failing_row_condition FROM `p.mart.report` WHERE NOT (n > 0)"),
    { target: { schema: "mart_assertions", name: "standalone" }, query: uniqueKeyQuery("id", "mart.report") },
  ],
  operations: [{ target: { schema: "mart", name: "grant_access" }, queries: ["select 1"] }],
  declarations: [{ target: { schema: "raw", name: "customers" } }],
};

describe("uniqueKeyOfAssertion", () => {
  it("reads the columns of the uniqueKey assertion Dataform core generates, and nothing else", () => {
    expect(uniqueKeyOfAssertion(assertion("a", "mart.t", uniqueKeyQuery("source, source_id", "mart.t")))).toEqual(["source", "source_id"]);
    expect(uniqueKeyOfAssertion(assertion("a", "mart.t", "select 1 where false"))).toBeUndefined();
    expect(uniqueKeyOfAssertion(assertion("a", "mart.t", uniqueKeyQuery("lower(email)", "mart.t")))).toBeUndefined();
    expect(uniqueKeyOfAssertion({ target: { schema: "s", name: "a" }, query: uniqueKeyQuery("id", "mart.t") })).toBeUndefined();
  });
});

describe("tablesToDiff", () => {
  it("takes the enabled tables, views and incrementals of the defaultSchema, with their keys", () => {
    expect(tablesToDiff(GRAPH)).toEqual([
      { name: "mart.customers", target: { schema: "mart", name: "customers" }, kind: "table", key: ["source", "source_id"], keySource: "uniqueKeyAssertion" },
      { name: "mart.orders", target: { schema: "mart", name: "orders" }, kind: "incremental", key: ["order_id"], keySource: "uniqueKey" },
      { name: "mart.report", target: { schema: "mart", name: "report" }, kind: "view" },
    ]);
  });

  it("with --select, takes the selected tables and declarations of any schema, and refuses a selection with none", () => {
    expect(tablesToDiff(GRAPH, { select: ["stg_customers", "raw.customers", "grant_access"] }).map((table) => `${table.name} ${table.kind}`)).toEqual([
      "raw.customers declaration",
      "staging.stg_customers table",
    ]);
    expect(tablesToDiff(GRAPH, { select: ["tag:gold"], exclude: ["report"] }).map((table) => table.name)).toEqual(["mart.orders"]);
    expect(() => tablesToDiff(GRAPH, { select: ["grant_access"] })).toThrow(/names no table, view, incremental or declaration/);
    expect(() => tablesToDiff(GRAPH, { select: ["nothing"] })).toThrow(UsageError);
  });

  it("with --all, takes every table, view, incremental and declaration of any schema (not assertions or operations)", () => {
    expect(tablesToDiff({ ...GRAPH, projectConfig: {} }, { all: true, exclude: ["report"] }).map((table) => table.name)).toEqual([
      "mart.customers",
      "mart.orders",
      "raw.customers",
      "staging.stg_customers",
    ]);
    expect(() => tablesToDiff(GRAPH, { all: true, select: ["orders"] })).toThrow(/give it or --select, not both/);
  });

  it("needs a defaultSchema to know what is published; a schemaSuffix is appended", () => {
    expect(() => tablesToDiff({ ...GRAPH, projectConfig: {} })).toThrow(/no defaultSchema/);
    expect(publishedSchema(GRAPH, "dev")).toBe("mart_dev");
  });

  it("reads keys from a real project's compiled uniqueKey assertions", () => {
    const graph = compileProject({ projectDir: path.join(REPO_ROOT, "tests/fixtures/projects/example"), vars: { dialect: "duckdb" } });
    expect(tablesToDiff(graph).map((table) => [table.name, table.key?.join(",") ?? "", table.keySource ?? ""])).toEqual([
      ["shop.customer_revenue", "", ""],
      ["shop.fct_orders", "order_id", "uniqueKey"],
      ["shop.revenue_report", "", ""],
      ["shop.stg_orders", "", ""],
    ]);
  });
});
