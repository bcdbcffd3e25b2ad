import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject, parseVars } from "../../src/config/project.js";
import { readValidatedJson } from "../../src/config/validate.js";
import { ConfigError, UsageError } from "../../src/errors.js";
import { EXAMPLE_PROJECT, REPO_ROOT } from "../helpers/project.js";

function writeTemp(name: string, content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-config-")), name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("config validation", () => {
  it("accepts the repository's own c360.json and dataform.json", () => {
    expect(() => readValidatedJson(path.join(REPO_ROOT, "c360.json"), "c360")).not.toThrow();
    expect(() => readValidatedJson(path.join(REPO_ROOT, "dataform.json"), "dataform")).not.toThrow();
  });

  it("names the file, the JSON path and what was expected", () => {
    const file = writeTemp("c360.json", { targets: { local: { engine: "duckdb", database: "x.duckdb", threads: 0, colour: "red" } } });
    let error: unknown;
    try {
      readValidatedJson(file, "c360");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(file);
    expect(message).toContain("/targets/local/threads: must be >= 1");
    expect(message).toContain("/targets/local: unknown key 'colour'");
  });

  it("takes a DuckDB storage format of latest or vN.N.N, nothing else", () => {
    const target = (storageVersion: string) => ({ targets: { local: { engine: "duckdb", database: "x.duckdb", storageVersion } } });
    expect(() => readValidatedJson(writeTemp("c360.json", target("latest")), "c360")).not.toThrow();
    expect(() => readValidatedJson(writeTemp("c360.json", target("v1.0.0")), "c360")).not.toThrow();
    expect(() => readValidatedJson(writeTemp("c360.json", target("1.0")), "c360")).toThrow("/targets/local/storageVersion: must match pattern");
  });

  it("takes a DuckDB block allocator size or off, nothing else", () => {
    const target = (blockAllocatorMemory: string) => ({ targets: { local: { engine: "duckdb", database: "x.duckdb", blockAllocatorMemory } } });
    expect(() => readValidatedJson(writeTemp("c360.json", target("2.5GB")), "c360")).not.toThrow();
    expect(() => readValidatedJson(writeTemp("c360.json", target("off")), "c360")).not.toThrow();
    expect(() => readValidatedJson(writeTemp("c360.json", target("none")), "c360")).toThrow("/targets/local/blockAllocatorMemory: must match pattern");
  });

  it("checks BigQuery targets for their required keys", () => {
    const file = writeTemp("c360.json", { targets: { prod: { engine: "bigquery", location: "US" } } });
    expect(() => readValidatedJson(file, "c360")).toThrow("/targets/prod: missing required key 'project'");
  });

  it("rejects an unknown engine, and leaves the project's own dialect var alone", () => {
    expect(() => readValidatedJson(writeTemp("c360.json", { targets: { x: { engine: "postgres" } } }), "c360")).toThrow(
      '/targets/x/engine: must be one of "duckdb", "bigquery"',
    );
    // A project's own var named dialect is its own business (README: Configuration).
    expect(() => readValidatedJson(writeTemp("dataform.json", { warehouse: "bigquery", defaultSchema: "s", vars: { dialect: "spark" } }), "dataform")).not.toThrow();
    expect(() => readValidatedJson(writeTemp("dataform.json", { warehouse: "bigquery", defaultSchema: "s", vars: { dialect: 3 } }), "dataform")).toThrow(
      "/vars/dialect: must be string",
    );
  });

  it("checks the landing sources: format, names, columns by format, the xml layout", () => {
    const sources = (...list: unknown[]) => writeTemp("c360.json", { sources: list, targets: { local: { engine: "duckdb", database: "x.duckdb" } } });
    const csv = { system: "sales", file: "sales/orders.csv", format: "csv", schema: "raw_sales", table: "orders", columns: ["order_id", "total"] };
    expect(() => readValidatedJson(sources(csv, { system: "web", file: "web/hits.ndjson", format: "ndjson", schema: "raw_web", table: "hits" }), "c360")).not.toThrow();
    const problems = (file: string) => {
      try {
        readValidatedJson(file, "c360");
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(
      problems(
        sources(
          { ...csv, format: "parquet" },
          { ...csv, columns: undefined },
          { ...csv, table: "orders-2024" },
          { ...csv, format: "ndjson" },
          { ...csv, format: "xml" },
          { ...csv, xml: { root: "a", record: "b" } },
          { ...csv, extra: 1 },
        ),
      ),
    ).toEqual([
      '/sources/0/format: must be one of "csv", "ndjson", "json-array", "xml"',
      "/sources/1: missing required key 'columns'",
      '/sources/2/table: must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"',
      "/sources/3/columns: must NOT have more than 0 items",
      "/sources/4: missing required key 'xml'",
      "/sources/5/xml: not allowed here",
      "/sources/6: unknown key 'extra'",
    ]);
  });

  it("checks the summary: a title and lines of label and SQL", () => {
    const summary = (value: unknown) => writeTemp("c360.json", { summary: value, targets: { local: { engine: "duckdb", database: "x.duckdb" } } });
    expect(() => readValidatedJson(summary({ title: "T", lines: [{ label: "Rows", sql: ["select count(*)", "from ${ref('t')}"], decimals: 2 }], notes: ["n"] }), "c360")).not.toThrow();
    expect(() => readValidatedJson(summary({ title: "T", lines: [{ label: "Rows" }] }), "c360")).toThrow("/summary/lines/0: missing required key 'sql'");
    expect(() => readValidatedJson(summary({ title: "T", lines: [{ label: "Rows", sql: "select 1", decimals: 12 }] }), "c360")).toThrow("/summary/lines/0/decimals: must be <= 9");
  });

  it("reports malformed JSON with the file name", () => {
    const file = writeTemp("c360.json", "{ targets: ");
    expect(() => readValidatedJson(file, "c360")).toThrow(`${file} is invalid`);
  });
});

describe("project context", () => {
  it("merges vars: dataform.json < target < --vars", () => {
    const context = loadProject({ projectDir: EXAMPLE_PROJECT, vars: { as_of_date: "2025-01-01" } });
    expect(context.targetName).toBe("local");
    expect(context.vars).toMatchObject({ dialect: "duckdb", as_of_date: "2025-01-01", fail_amount_check: "false" });
  });

  it("takes the landing sources from c360.json, and refuses two sources of one file or one table", () => {
    expect(loadProject({ projectDir: EXAMPLE_PROJECT }).landingSources).toEqual([]);
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-sources-"));
    fs.writeFileSync(path.join(projectDir, "dataform.json"), JSON.stringify({ warehouse: "bigquery", defaultSchema: "s" }));
    const orders = { system: "sales", file: "sales/orders.csv", format: "csv", schema: "raw_sales", table: "orders", columns: ["order_id"] };
    const write = (sources: unknown[]) =>
      fs.writeFileSync(path.join(projectDir, "c360.json"), JSON.stringify({ sources, targets: { local: { engine: "duckdb", database: "x.duckdb" } } }));
    write([orders]);
    expect(loadProject({ projectDir }).landingSources).toEqual([
      { system: "sales", file: "sales/orders.csv", format: "csv", schema: "raw_sales", table: "orders", fields: ["order_id"], required: false },
    ]);
    write([
      orders,
      { ...orders, file: "sales/orders-eu.csv" },
      { ...orders, table: "orders_eu" },
      { ...orders, file: "sales/items.xml", table: "items", format: "xml", columns: ["sku"], xml: { root: "items", record: "item", recordAttributes: { code: "code" } } },
    ]);
    let error: unknown;
    try {
      loadProject({ projectDir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "/sources/3/xml/recordAttributes/code: code is not one of the source's columns (sku)",
      "/sources/1/table: raw_sales.orders is already the table of /sources/0; each source reads its own file into its own table",
      "/sources/2/file: sales/orders.csv is already the file of /sources/0; each source reads its own file into its own table",
    ]);
  });

  it("names the known targets when an unknown one is asked for", () => {
    expect(() => loadProject({ projectDir: EXAMPLE_PROJECT, target: "staging" })).toThrow(UsageError);
    expect(() => loadProject({ projectDir: EXAMPLE_PROJECT, target: "staging" })).toThrow("defines: local");
  });

  it("parses --vars pairs and rejects pairs without '='", () => {
    expect(parseVars(["a=1", "b=x=y", "c=1,2"])).toEqual({ a: "1", b: "x=y", c: "1,2" });
    expect(() => parseVars(["novalue"])).toThrow("--vars expects key=value");
  });
});

describe("date vars", () => {
  it("a var written as a date must be a day of the calendar, refused once, naming the var and value", () => {
    expect(() => loadProject({ projectDir: EXAMPLE_PROJECT, vars: { as_of_date: "2024-02-30" } })).toThrow(UsageError);
    expect(() => loadProject({ projectDir: EXAMPLE_PROJECT, vars: { as_of_date: "2024-02-30" } })).toThrow("The var as_of_date=2024-02-30 is not a day of the calendar");
    expect(() => loadProject({ projectDir: EXAMPLE_PROJECT, vars: { start: "2023-13-01" } })).toThrow("start=2023-13-01");
    expect(loadProject({ projectDir: EXAMPLE_PROJECT, vars: { as_of_date: "2024-02-29", note: "2024-02-30x" } }).vars).toMatchObject({ as_of_date: "2024-02-29" });
  });
});
