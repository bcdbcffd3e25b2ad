/**
 * Project-level checks of the silver layers: every model documents itself and each of its
 * columns, sits in its schema with its tag, every standalone assertion is required by
 * definitions/assertions.js (so stock Dataform sees it), and the BigQuery rendering of
 * every staging and identity statement passes the ZetaSQL analyzer (c360 check).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCheckReport } from "../../src/check/index.js";
import { compiledProject, REPO_ROOT } from "../helpers/project.js";
import { repositoryCheckReport } from "../helpers/repository-check.js";
import { SilverBuild } from "./silver-harness.js";

const SILVER_SCHEMAS: Record<string, string> = { c360_staging: "staging", c360_identity: "identity" };

let build: SilverBuild;
beforeAll(async () => {
  build = await SilverBuild.ofSharedFixture();
});
afterAll(async () => {
  await build.close();
});

describe("documentation", () => {
  it("describes every silver model and every one of its columns, exactly the columns it has", async () => {
    const graph = build.compile().graph;
    const models = (graph.tables ?? []).filter((table) => table.target.schema in SILVER_SCHEMAS || table.target.name === "customer_identity_map");
    expect(models.length).toBeGreaterThan(30);
    for (const model of models) {
      const name = `${model.target.schema}.${model.target.name}`;
      const descriptor = model.actionDescriptor;
      expect(descriptor?.description?.length ?? 0, `${name} has no description`).toBeGreaterThan(20);
      const described = (descriptor?.columns ?? []).filter((column) => (column.description ?? "").length > 0).map((column) => column.path?.[0]);
      const actual = (await build.engine.describeTable(model.target))?.map((column) => column.name);
      expect({ name, columns: [...described].sort() }).toEqual({ name, columns: [...(actual ?? [])].sort() });
      const tag = SILVER_SCHEMAS[model.target.schema] ?? "identity";
      expect(model.tags, name).toContain(tag);
    }
  });

  it("sets onSchemaChange FAIL on every incremental of the project (gold included): an added column would be null in rows a full refresh fills", () => {
    const incrementals = (compiledProject(REPO_ROOT).graph.tables ?? []).filter((table) => table.type === "incremental");
    expect(incrementals.length).toBeGreaterThanOrEqual(18);
    for (const table of incrementals) expect(table.onSchemaChange, `${table.target.schema}.${table.target.name}`).toBe("FAIL");
  });

  it("publishes customer_identity_map in the gold schema with the METRICS.md columns", async () => {
    expect((await build.engine.describeTable({ schema: "c360", name: "customer_identity_map" }))?.map((column) => column.name)).toEqual([
      "source_system",
      "source_id",
      "customer_key",
      "rule",
    ]);
  });
});

describe("definitions/assertions.js", () => {
  it("requires every standalone assertion file, and only existing ones", () => {
    const onDisk: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
        const relative = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(relative);
        else if (entry.name.endsWith(".sqlx")) onDisk.push(relative);
      }
    };
    walk("assertions");
    const source = fs.readFileSync(path.join(REPO_ROOT, "definitions/assertions.js"), "utf8");
    const required = [...source.matchAll(/require\("\.\.\/(assertions\/[^"]+)"\)/g)].map((match) => match[1]);
    expect([...required].sort()).toEqual([...onDisk].sort());
  });

  it("compiles the required .sqlx files as assertions named after them", () => {
    const names = new Set((build.compile().graph.assertions ?? []).map((assertion) => assertion.target.name));
    for (const file of fs.readdirSync(path.join(REPO_ROOT, "assertions/staging")).concat(fs.readdirSync(path.join(REPO_ROOT, "assertions/identity")))) {
      expect(names, file).toContain(file.replace(/\.sqlx$/, ""));
    }
  });
});

describe("BigQuery", () => {
  it("every staging and identity statement passes the ZetaSQL analyzer", async () => {
    // The run's one check of the repository (its vars are the silver builds' vars), read for the
    // silver layers' files only: gold work in progress cannot fail this test.
    const repository = await repositoryCheckReport();
    const silverFile = (file: string) => /^(definitions\/(sources|staging|identity)|assertions\/(staging|identity))\//.test(file);
    const report = { ...repository, errors: repository.errors.filter((problem) => silverFile(problem.fileName)), warnings: [], skipped: repository.skipped.filter((skipped) => silverFile(skipped.fileName)) };
    expect(report.errors, formatCheckReport(report)).toEqual([]);
    expect(report.skipped, formatCheckReport(report)).toEqual([]);
    // Every silver model was analyzed: each has its output schema in the report.
    const silverModels = (build.compile().graph.tables ?? []).filter((table) => table.target.schema in SILVER_SCHEMAS || table.target.name === "customer_identity_map");
    expect(silverModels.length).toBeGreaterThan(30);
    const analyzed = Object.keys(report.schemas);
    for (const { target } of silverModels) expect(analyzed.some((name) => name.endsWith(`${target.schema}.${target.name}`)), `${target.schema}.${target.name}`).toBe(true);
    // Exact money and UTC instants on BigQuery too.
    const orders = Object.entries(report.schemas).find(([name]) => name.endsWith("c360_staging.stg_shop__orders"))?.[1];
    expect(orders).toMatchObject({ order_ts: "TIMESTAMP", order_date: "DATE", total: "NUMERIC", fx_rate_to_usd: "NUMERIC", total_usd: "NUMERIC", customer_email_is_valid: "BOOL" });
    const identityMap = Object.entries(report.schemas).find(([name]) => name.endsWith("c360.customer_identity_map"))?.[1];
    expect(identityMap).toEqual({ source_system: "STRING", source_id: "STRING", customer_key: "STRING", rule: "STRING" });
  });
});
