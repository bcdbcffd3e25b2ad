/**
 * BI users' view of a seeds build: the DuckDB file opened as a BI tool opens it, and the
 * dashboard and the docs site opened in headless Chromium (every chart and table found
 * with its data, no console error, no network request), with screenshots under target/screenshots/.
 */
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";
import { BROWSER_REQUIRED, CHROMIUM_PATH, launchChromium, NO_BROWSER_MESSAGE } from "../helpers/chromium.js";
import { copyProject, REPO_ROOT } from "../helpers/project.js";

const SCREENSHOTS = path.join(REPO_ROOT, "target", "screenshots");
let projectDir: string;
let buildOutput: string;

// The CLI's main() in this process, as a user runs build and docs (output piped, not a terminal).
beforeAll(async () => {
  projectDir = copyProject(REPO_ROOT, "c360-pages-");
  const build = await runCliInProcess(["build", "--project-dir", projectDir, "--quiet"]);
  buildOutput = build.stdout + build.stderr;
  expect(build.status, buildOutput).toBe(0);
  const docs = await runCliInProcess(["docs", "--project-dir", projectDir]);
  expect(docs.status, docs.stdout + docs.stderr).toBe(0);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 360_000);
afterAll(() => {
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
});

describe("BI access to the local database file", () => {
  it("answers schema.table queries in a fresh DuckDB connection, without c360", async () => {
    const file = path.join(projectDir, "target", "c360_warehouse.duckdb");
    const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY" });
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll("select count(*) as customers from c360.customer_360");
      expect(reader.getRowObjectsJson()).toEqual([{ customers: "674" }]);
      const catalog = await connection.runAndReadAll("select current_database() as name");
      expect(catalog.getRowObjectsJson()).toEqual([{ name: "c360_warehouse" }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("the build says where the dashboard is", () => {
    expect(buildOutput).toMatch(/Dashboard {6}\S*target\/dashboard\/index\.html \(open it in a browser\)/);
  });
});

/** Opens a page of the build, failing on any console error, page error or request that leaves the file. */
async function openPage(page: Page, file: string): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith("file://")) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(`file://${file}`);
  return problems;
}

describe.skipIf(!CHROMIUM_PATH && !BROWSER_REQUIRED)("the pages in headless Chromium", () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the dashboard shows every declared chart with data, every table, the KPI tiles and no error", async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "dashboard/dashboard.json"), "utf8")) as { sections: { items: { type: string; title: string }[] }[] };
    const declared = spec.sections.flatMap((section) => section.items);
    const page = await browser.context.newPage();
    const problems = await openPage(page, path.join(projectDir, "target/dashboard/index.html"));

    const charts = page.locator('figure[data-kind="chart"]');
    expect(await charts.locator("h3").allTextContents()).toEqual(declared.filter((item) => ["bar", "line", "histogram"].includes(item.type)).map((item) => item.title));
    for (const chart of await charts.all()) {
      const title = await chart.locator("h3").textContent();
      const box = await chart.locator("svg").boundingBox();
      expect(box?.width, `${title}: drawn`).toBeGreaterThan(300);
      expect(box?.height, `${title}: drawn`).toBeGreaterThan(200);
      // Axis names carry units or labels; the data table holds the plotted rows.
      expect(await chart.locator("svg text").count(), `${title}: labelled`).toBeGreaterThan(5);
      expect(await chart.locator("table tbody tr").count(), `${title}: data rows`).toBeGreaterThan(0);
      expect(await chart.locator('[role="img"]').getAttribute("aria-labelledby")).toMatch(/-title$/);
    }
    expect(await page.locator('[data-kind="error"]').count()).toBe(0);
    const tile = (label: string) => page.locator(`.tile:has(dt:text-is("${label}")) dd`).first().textContent();
    expect(await tile("Customers")).toBe("674");
    expect(await tile("Revenue")).toBe("USD 368,717.10");
    expect(await tile("Share of known customers")).toBe("59.6 %");
    expect(await tile("Failed")).toBe("0");
    // The quarantine chart's table: 31 records over its rows (kpi_summary.quarantined_records).
    const quarantine = page.locator('figure:has(h3:text-is("Quarantined records by source and reason")) tbody tr td');
    expect((await quarantine.allTextContents()).reduce((sum, cell) => sum + Number(cell), 0)).toBe(31);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("the docs site lists published tables first, draws the lineage, searches columns and links metrics", async () => {
    const page = await browser.context.newPage();
    const problems = await openPage(page, path.join(projectDir, "target/docs/index.html"));
    await page.screenshot({ path: path.join(SCREENSHOTS, "docs-top.png") });

    const headings = await page.locator("main > h2").allTextContents();
    expect(headings[0]).toBe("Published tables");
    expect(headings.slice(-2)).toEqual(["Lineage graph", "Metric definitions"]);
    const published = await page.locator("main > h2#published ~ section.entry").evaluateAll((sections) =>
      sections.slice(0, 8).map((section) => section.id),
    );
    expect(published).toEqual([
      "action-c360-customer_identity_map",
      "action-c360-customer_interactions",
      "action-c360-customer_transactions",
      "action-c360-customer_information",
      "action-c360-customer_model_parameters",
      "action-c360-customer_aggregated_metrics",
      "action-c360-customer_360",
      "action-c360-kpi_summary",
    ]);
    const customer360 = page.locator("#action-c360-customer_360");
    expect(await customer360.locator(".rows").textContent()).toBe("674 rows");
    expect(await customer360.locator("table.columns tbody tr").count()).toBeGreaterThan(40);
    // The metric column links to its definition's heading, inlined from docs/metrics.md.
    const definition = await customer360.locator('tr:has(code:text-is("churn_risk")) a.metric').getAttribute("href");
    expect(definition).toMatch(/^#metric-predictive-metrics/);
    expect(await page.locator(`#metrics ~ .metrics-doc ${definition}`).textContent()).toMatch(/^Predictive metrics/);
    expect(await customer360.locator("details.tests summary").textContent()).toMatch(/^Tests: \d+ \(\d+ passed in the last run\)$/);

    await page.fill("#search", "churn_risk_band");
    const results = page.locator("#search-results li a");
    expect(await results.allTextContents()).toContain("c360.customer_360.churn_risk_band");
    await page.screenshot({ path: path.join(SCREENSHOTS, "docs-search.png") });
    await results.filter({ hasText: /^c360\.customer_360\.churn_risk_band$/ }).click();
    expect(page.url()).toMatch(/#action-c360-customer_360--churn_risk_band$/);

    const lineage = page.locator("figure.lineage svg");
    expect(await lineage.locator("g.node").count()).toBeGreaterThan(50);
    expect(await lineage.locator('a[*|href="#action-c360-customer_360"]').count()).toBe(1);
    await page.locator("figure.lineage").screenshot({ path: path.join(SCREENSHOTS, "docs-lineage.png") });
    // Fitted to the page by default; at full size the node names are readable and the figure scrolls.
    const fitted = (await lineage.boundingBox())!.width;
    await page.check("#lineage-full");
    expect((await lineage.boundingBox())!.width).toBeGreaterThan(fitted * 2);
    await page.locator("figure.lineage").screenshot({ path: path.join(SCREENSHOTS, "docs-lineage-full.png") });
    await page.goto(`file://${path.join(projectDir, "target/docs/index.html")}#action-c360-customer_aggregated_metrics`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "docs-table.png") });
    expect(problems).toEqual([]);
  });
});

if (!CHROMIUM_PATH && !BROWSER_REQUIRED) console.warn(NO_BROWSER_MESSAGE);
if (!CHROMIUM_PATH && BROWSER_REQUIRED) throw new Error(`C360_REQUIRE_BROWSER/CI is set but no Chromium was found. ${NO_BROWSER_MESSAGE}`);
