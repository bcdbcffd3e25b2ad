import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/docs/catalog.js";
import { lineageSvg } from "../../src/docs/lineage.js";
import { anchor, renderDocsSiteHtml } from "../../src/docs/render-html.js";
import { buildDocsSite, type DocsSite } from "../../src/docs/site.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { ConfigError } from "../../src/errors.js";
import { type ActionResult, writeRunResults } from "../../src/runner/results.js";
import { BUILD_KINDS, executeActions } from "../../src/runner/session.js";
import { compiledProject, EXAMPLE_PROJECT } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const project = compiledProject(EXAMPLE_PROJECT, { dialect: "duckdb" });
const METRICS = `# Metrics

See [the contract](../CONTRACT.md).

## Revenue — \`metrics.revenue\`

Completed amounts summed per customer.

## Other

Nothing else.
`;

describe("docs site", () => {
  let folder: string;
  let engine: DuckDbEngine;
  let site: DocsSite;

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-docs-site-"));
    fs.mkdirSync(path.join(folder, "docs"));
    fs.writeFileSync(path.join(folder, "docs/metrics.md"), METRICS);
    fs.writeFileSync(
      path.join(folder, "site.json"),
      JSON.stringify({ title: "Example catalog", published: ["tag:reporting", "customer_revenue"], metrics: { document: "docs/metrics.md", columns: { "customer_revenue.revenue": "Revenue", total_revenue: "Revenue" } } }),
    );
    engine = await openMemoryEngine();
    const results: ActionResult[] = await executeActions(engine, project, BUILD_KINDS, { threads: 1 });
    // The last run failed the standalone assertion: its status must reach the table it guards.
    const failed = results.map((result) => (result.name === "shop_assertions.assert_revenue_positive" ? { ...result, status: "failed" as const, failingRows: 2 } : result));
    writeRunResults(path.join(folder, "target"), { command: "build", target: "local", startedAt: "2024-06-30T00:00:00.000Z", elapsedSeconds: 1, results: failed });
    site = await buildDocsSite(await buildCatalog(project.actions, engine), project.actions, {
      projectDir: folder,
      settingsFile: path.join(folder, "site.json"),
      runResultsFile: path.join(folder, "target/run_results.json"),
      outputDir: path.join(folder, "target/docs"),
      engine,
      defaultTitle: "unused",
    });
  });
  afterAll(async () => {
    await engine.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("lists the published tables first, then the layers in the order data flows", () => {
    expect(site.title).toBe("Example catalog");
    expect(site.published.map((entry) => entry.name)).toEqual(["shop.customer_revenue", "shop.revenue_report"]);
    expect(site.layers.map((layer) => [layer.schema, layer.entries.map((entry) => entry.name)])).toEqual([
      ["raw", ["raw.orders"]],
      ["shop", ["shop.setup_raw", "shop.stg_orders", "shop.fct_orders"]],
    ]);
  });

  it("gives each table its row count, upstream and tests with the last run's status", () => {
    const revenue = site.published[0];
    expect(revenue.rowCount).toBe(2);
    expect(revenue.dependsOn).toEqual(["shop.fct_orders"]);
    expect(revenue.tests).toEqual([
      { name: "shop_assertions.assert_revenue_positive", status: "failed", failingRows: 2 },
      { name: "shop_assertions.shop_customer_revenue_assertions_rowConditions", status: "passed", failingRows: 0 },
    ]);
    expect(site.layers[1].entries.find((entry) => entry.name === "shop.fct_orders")!.rowCount).toBe(3);
    // A view is not counted: counting runs its whole query.
    expect(site.layers[1].entries.find((entry) => entry.name === "shop.stg_orders")!.rowCount).toBeUndefined();
  });

  it("links metric columns to their definition in the inlined metrics document", () => {
    expect(site.published[0].metricLinks).toEqual({ revenue: { id: "metric-revenue-metrics-revenue", heading: "Revenue — metrics.revenue" } });
    expect(site.published[1].metricLinks.total_revenue.id).toBe("metric-revenue-metrics-revenue");
    const html = renderDocsSiteHtml(site);
    expect(html).toContain('<h4 id="metric-revenue-metrics-revenue">Revenue — <code>metrics.revenue</code></h4>');
    expect(html).toContain('<a class="metric" href="#metric-revenue-metrics-revenue"');
    // A relative link of the document still reaches its file from target/docs.
    expect(html).toContain('href="../../CONTRACT.md"');
    expect(html.indexOf('id="published"')).toBeLessThan(html.indexOf('id="schema-raw"'));
    expect(html).toContain('<span class="status bad">failed</span>');
  });

  it("carries a search index of every table and column, safe inside its script element", () => {
    const html = renderDocsSiteHtml(site);
    const index = JSON.parse(html.slice(html.indexOf('id="search-index">') + 18, html.indexOf("</script>"))) as { t: string; h: string }[];
    expect(index).toContainEqual(expect.objectContaining({ t: "shop.customer_revenue.revenue", h: "#action-shop-customer_revenue--revenue" }));
    expect(index).toContainEqual(expect.objectContaining({ t: "raw.orders", h: "#action-raw-orders" }));
  });

  it("refuses a metric mapped to a heading the document does not have", async () => {
    fs.writeFileSync(path.join(folder, "bad.json"), JSON.stringify({ metrics: { document: "docs/metrics.md", columns: { revenue: "Profit" } } }));
    const options = { projectDir: folder, settingsFile: path.join(folder, "bad.json"), runResultsFile: "none", outputDir: folder, defaultTitle: "x" };
    await expect(buildDocsSite(await buildCatalog(project.actions), project.actions, options)).rejects.toThrow(ConfigError);
    await expect(buildDocsSite(await buildCatalog(project.actions), project.actions, options)).rejects.toThrow(/'Profit' \(for revenue\) is no heading of docs\/metrics\.md/);
  });
});

describe("lineage graph", () => {
  it("is SVG drawn from the graph's DOT without a system binary, each node linking to its table", async () => {
    const svg = await lineageSvg(project.actions, anchor);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xlink:href="#action-shop-customer_revenue"');
    expect(svg).toContain(">customer_revenue</text>");
    expect(svg).toContain(">shop</text>");
    // Assertions are listed with their tables, not drawn.
    expect(svg).not.toContain("assert_revenue_positive");
  });
});
