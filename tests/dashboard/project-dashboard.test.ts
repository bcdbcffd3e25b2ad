/**
 * The project's own dashboard (dashboard/dashboard.json) on BigQuery: every query, with
 * its ${ref()}s resolved as a BigQuery run resolves them, is analysed offline by ZetaSQL
 * against the output schemas `c360 check` derives, and returns the columns it declares.
 * (The DuckDB side is drawn from a seeds build by tests/browser/pages.e2e.test.ts.)
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBigQueryStatement, closeSharedBigQueryAnalyzer } from "../../src/check/index.js";
import type { ColumnTypes } from "../../src/check/catalog.js";
import { histogramQueries } from "../../src/dashboard/panels.js";
import { resolveReferences } from "../../src/dashboard/references.js";
import { type DashboardItem, readDashboardSpec } from "../../src/dashboard/spec.js";
import { quoteTableName } from "../../src/engines/bigquery/statements.js";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";
import { repositoryCheckReport } from "../helpers/repository-check.js";

const PROJECT = "c360-project";

afterAll(() => closeSharedBigQueryAnalyzer());

describe("the project's dashboard on BigQuery", () => {
  it("has queries ZetaSQL accepts against the built tables' schemas, returning the declared columns", async () => {
    // The output schemas of the run's one check of the repository.
    const report = await repositoryCheckReport();
    expect(report.errors).toEqual([]);
    const tables: Record<string, ColumnTypes> = Object.fromEntries(Object.entries(report.schemas).map(([name, columns]) => [`${PROJECT}.${name}`, columns]));
    const project = compiledProject(REPO_ROOT, { dialect: "bigquery" });
    const spec = readDashboardSpec(path.join(REPO_ROOT, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "c360.json"), "utf8")).dashboard));
    const items = spec.sections.flatMap((section) => section.items).filter((item): item is Exclude<DashboardItem, { type: "assertions" }> => item.type !== "assertions");
    expect(items.length).toBeGreaterThan(8);
    for (const item of items) {
      const sql = resolveReferences(item.sql, project.actions, (table) => quoteTableName({ ...table, database: PROJECT }, PROJECT), item.title);
      const declared =
        item.type === "tiles"
          ? item.tiles.filter((tile) => !tile.optional).map((tile) => tile.column)
          : item.type === "histogram"
            ? [item.value.column]
            : item.type === "table"
              ? item.columns.map((field) => field.column)
              : [item.x.column, ...item.y.map((field) => field.column), ...(item.seriesBy ? [item.seriesBy.column] : [])];
      const analysed = await analyzeBigQueryStatement(sql, tables, PROJECT).catch((error: Error) => {
        throw new Error(`${item.title}: ${error.message}`);
      });
      expect(Object.keys(analysed.columns), item.title).toEqual(expect.arrayContaining(declared));
      if (item.type === "histogram") {
        const queries = histogramQueries(sql, item.value.column, 0, 50);
        expect(Object.keys((await analyzeBigQueryStatement(queries.range, tables, PROJECT)).columns)).toEqual(["low", "high"]);
        expect(Object.keys((await analyzeBigQueryStatement(queries.bins, tables, PROJECT)).columns)).toEqual(["bin", "values_in_bin"]);
      }
    }
  }, 120_000);
});
