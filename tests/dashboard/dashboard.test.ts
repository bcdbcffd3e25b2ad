import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/project.js";
import { niceBins } from "../../src/dashboard/charts.js";
import { formatValue } from "../../src/dashboard/format.js";
import { writeDashboard } from "../../src/dashboard/index.js";
import { resolveReferences } from "../../src/dashboard/references.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { ConfigError } from "../../src/errors.js";
import { writeRunResults } from "../../src/runner/results.js";
import { BUILD_KINDS, executeActions } from "../../src/runner/session.js";
import { compiledProject, copyProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

// The example project's data: orders a/1 10.005 completed, a/2 5 cancelled, b/3 7.5 completed
// (amounts rounded to cents: 10.01, 5.00, 7.50); customer_revenue a 10.01, b 7.50; total 17.51.
const SPEC = {
  title: "Example dashboard",
  sections: [
    {
      title: "Revenue",
      items: [
        {
          type: "tiles",
          title: "Totals",
          sql: 'select total_revenue, 2 as customers from ${ref("revenue_report")}',
          tiles: [
            { column: "total_revenue", label: "Revenue", format: "usd" },
            { column: "customers", label: "Customers", format: "integer" },
            { column: "not_yet_built", label: "Later", format: "integer", optional: true },
          ],
        },
        {
          type: "bar",
          title: "Revenue by customer",
          sql: 'select customer_id, revenue from ${ref("shop.customer_revenue")} order by customer_id',
          x: { column: "customer_id", label: "Customer" },
          y: [{ column: "revenue", label: "Revenue", unit: "USD", format: "usd" }],
        },
        {
          type: "line",
          title: "Orders by customer and status",
          sql: 'select customer_id, status, count(*) as orders from ${ref("fct_orders")} group by 1, 2 order by 1, 2',
          x: { column: "customer_id", label: "Customer" },
          y: [{ column: "orders", label: "Orders", unit: "orders", format: "integer" }],
          seriesBy: { column: "status", label: "Status" },
        },
        {
          type: "histogram",
          title: "Order amounts",
          sql: 'select amount from ${ref("fct_orders")}',
          value: { column: "amount", label: "Amount", unit: "USD", format: "decimal" },
          count: { column: "orders", label: "Orders", unit: "orders" },
          bins: 2,
        },
      ],
    },
    {
      title: "Quality",
      items: [
        { type: "table", title: "Orders", sql: 'select order_id, status from ${ref("fct_orders")} order by order_id', columns: [{ column: "order_id", label: "Order" }, { column: "status", label: "Status" }] },
        { type: "bar", title: "Broken", sql: 'select 1 as x, 2 as y from ${ref("no_such_table")}', x: { column: "x", label: "X" }, y: [{ column: "y", label: "Y" }] },
        { type: "assertions", title: "Assertions" },
      ],
    },
  ],
};

describe("dashboard", () => {
  let projectDir: string;
  let engine: DuckDbEngine;
  let html: string;
  let problems: string[];

  beforeAll(async () => {
    projectDir = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(path.join(projectDir, "dashboard.json"), JSON.stringify(SPEC));
    const config = JSON.parse(fs.readFileSync(path.join(projectDir, "c360.json"), "utf8"));
    fs.writeFileSync(path.join(projectDir, "c360.json"), JSON.stringify({ ...config, dashboard: "dashboard.json" }));
    const context = loadProject({ projectDir });
    const project = compiledProject(projectDir, context.vars);
    engine = await openMemoryEngine();
    const results = await executeActions(engine, project, BUILD_KINDS, { threads: 1 });
    writeRunResults(context.artifactsDir, { command: "build", target: "local", startedAt: "2024-06-30T00:00:00.000Z", elapsedSeconds: 1, results });
    const written = await writeDashboard(context, project.actions, engine);
    html = fs.readFileSync(written.file, "utf8");
    problems = written.problems;
  });
  afterAll(async () => {
    await engine.close();
    fs.rmSync(projectDir, { recursive: true, force: true });
  });

  /** The data table of the panel titled `title`, as rows of cell texts. */
  function tableOf(title: string): string[][] {
    const panel = html.slice(html.indexOf(`>${title}</h3>`));
    const table = panel.slice(panel.indexOf("<table>"), panel.indexOf("</table>"));
    return [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]));
  }

  it("draws tiles from one row, leaving out an optional column the query lacks", () => {
    expect(html).toMatch(/<dt>Revenue<\/dt><dd>USD 17\.51<\/dd>/);
    expect(html).toMatch(/<dt>Customers<\/dt><dd>2<\/dd>/);
    expect(html).not.toContain("Later");
  });

  it("draws each chart as inline SVG with axis names and units, and its data table", () => {
    expect(tableOf("Revenue by customer")).toEqual([
      ["Customer", "Revenue (USD)"],
      ["a", "USD 10.01"],
      ["b", "USD 7.50"],
    ]);
    const figure = html.slice(html.indexOf(">Revenue by customer</h3>"), html.indexOf("Orders by customer and status"));
    expect(figure).toContain("<svg");
    expect(figure).toContain(">Revenue (USD)</text>");
    expect(figure).toContain(">Customer</text>");
  });

  it("makes one series per value of seriesBy", () => {
    expect(tableOf("Orders by customer and status")).toEqual([
      ["Customer", "cancelled: Orders", "completed: Orders"],
      ["a", "1", "1"],
      ["b", "—", "1"],
    ]);
  });

  it("bins a histogram in the warehouse with nice widths", () => {
    // (10.01 - 5) / 2 bins = 2.505, rounded to the nice width 3; the first edge is the multiple of 3 below 5.
    expect(tableOf("Order amounts")).toEqual([
      ["From (USD)", "To, excluded (USD)", "Orders"],
      ["3", "6", "1"],
      ["6", "9", "1"],
      ["9", "12", "1"],
    ]);
  });

  it("shows a panel that cannot be drawn as an error naming the item, and reports it", () => {
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/dashboard\.json \/sections\/1\/items\/1 \('Broken'\).*ref\("no_such_table"\) names no table/);
    expect(html).toContain('data-kind="error"');
    expect(tableOf("Orders")).toEqual([["Order", "Status"], ["1", "completed"], ["2", "cancelled"], ["3", "completed"]]);
  });

  it("lists the assertions of the last run from run_results.json", () => {
    // Four assertions (one standalone, three built in) and one unit test.
    expect(html).toMatch(/<dt>Passed<\/dt><dd>5<\/dd>/);
    expect(html).toMatch(/<dt>Failed<\/dt><dd>0<\/dd>/);
    expect(tableOf("Assertions").map((row) => row.slice(0, 2))).toEqual([
      ["Assertion or unit test", "Status"],
      ["shop_assertions.assert_revenue_positive", "passed"],
      ["shop_assertions.shop_customer_revenue_assertions_rowConditions", "passed"],
      ["shop_assertions.shop_fct_orders_assertions_rowConditions", "passed"],
      ["shop_assertions.shop_fct_orders_assertions_uniqueKey_0", "passed"],
      ["test.test_customer_revenue", "passed"],
    ]);
  });

  it("is self-contained: no script, stylesheet link or remote URL", () => {
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });
});

describe("dashboard declarations", () => {
  it("are validated against dashboard.schema.json with the JSON path of each problem", () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    const file = path.join(projectDir, "dashboard.json");
    fs.writeFileSync(file, JSON.stringify({ title: "x", sections: [{ title: "s", items: [{ type: "bar", title: "t", sql: "select 1", x: { column: "a b", label: "A" } }] }] }));
    return import("../../src/dashboard/spec.js").then(({ readDashboardSpec }) => {
      expect(() => readDashboardSpec(file)).toThrow(ConfigError);
      expect(() => readDashboardSpec(file)).toThrow(/\/sections\/0\/items\/0: missing required key 'y'[\s\S]*\/sections\/0\/items\/0\/x\/column: must match pattern/);
    });
  });

  it("resolve ${ref()} to the engine's quoted table, and refuse unknown names", async () => {
    const project = compiledProject(EXAMPLE_PROJECT, { dialect: "duckdb" });
    const engine = await openMemoryEngine();
    try {
      expect(resolveReferences('select * from ${ref("customer_revenue")} join ${ ref( \'raw.orders\' ) }', project.actions, (table) => engine.quoteTable(table), "here")).toBe('select * from "shop"."customer_revenue" join "raw"."orders"');
      expect(() => resolveReferences('${ref("nope")}', project.actions, (table) => engine.quoteTable(table), "dashboard.json /sections/0")).toThrow('dashboard.json /sections/0: ref("nope") names no table');
    } finally {
      await engine.close();
    }
  });
});

describe("dashboard values", () => {
  it("print with fixed separators and exact decimal rounding", () => {
    expect(formatValue("368717.105000000", "usd")).toBe("USD 368,717.11");
    expect(formatValue("-0.004", "usd")).toBe("USD 0.00");
    expect(formatValue(1234567, "integer")).toBe("1,234,567");
    expect(formatValue("0.5966", "percent")).toBe("59.7 %");
    expect(formatValue("3.2300", "decimal")).toBe("3.23");
    expect(formatValue("12.25", "days")).toBe("12.3 days");
    expect(formatValue(null, "usd")).toBe("—");
  });

  it("bins with nice widths that cover the whole range", () => {
    expect(niceBins(0, 1000, 20)).toEqual({ start: 0, width: 50, count: 21 });
    expect(niceBins(5, 10.01, 2)).toEqual({ start: 3, width: 3, count: 3 });
    expect(niceBins(4, 4, 20)).toEqual({ start: 4, width: 1, count: 1 });
  });
});
