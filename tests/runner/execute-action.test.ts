/**
 * src/runner/execute-action.ts on DuckDB: an incremental's later run when its query's columns
 * changed since the table was built, under each of Dataform's onSchemaChange settings; a table
 * and its descriptions committed together.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Action } from "../../src/graph/actions.js";
import { executeAction } from "../../src/runner/execute-action.js";
import { compiledProject } from "../helpers/project.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const POLICIES = ["IGNORE", "FAIL", "EXTEND", "SYNCHRONIZE"] as const;

/** One incremental per setting (none set: Dataform's default); var `shape` changes every query's columns. */
function writeProject(): string {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-schema-change-"));
  fs.mkdirSync(path.join(projectDir, "definitions"));
  fs.writeFileSync(path.join(projectDir, "workflow_settings.yaml"), "defaultProject: p\ndefaultDataset: mart\ndefaultLocation: US\nvars:\n  shape: original\n");
  const columns = [
    "${dataform.projectConfig.vars.shape === 'original' ? \"'placed' as status\" : ''}",
    "${dataform.projectConfig.vars.shape === 'gained' ? \"'placed' as status, date '2024-01-02' as shipped_on\" : ''}",
    "${dataform.projectConfig.vars.shape === 'lost' ? \"'lost' as note\" : ''}",
  ].join("");
  for (const policy of [undefined, ...POLICIES]) {
    const setting = policy ? `, onSchemaChange: "${policy}"` : "";
    const sqlx = `config { type: "incremental", uniqueKey: ["id"]${setting} }\nselect \${incremental() ? 2 : 1} as id, ${columns}\n`;
    fs.writeFileSync(path.join(projectDir, "definitions", `orders_${(policy ?? "default").toLowerCase()}.sqlx`), sqlx);
  }
  return projectDir;
}

let projectDir: string;
let engine: DuckDbEngine | undefined;
beforeAll(() => {
  projectDir = writeProject();
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

function actionsFor(shape: string): Map<string, Action> {
  return compiledProject(projectDir, { shape }).actions;
}

/** Builds every table from the original query, then returns the actions of the changed one. */
async function builtThenChanged(shape: "gained" | "lost"): Promise<Map<string, Action>> {
  engine = await openMemoryEngine({ connections: 1 });
  for (const action of actionsFor("original").values()) await executeAction(engine, action, { fullRefresh: false });
  return actionsFor(shape);
}

async function rows(table: string) {
  return engine!.query(`select * from mart.${table} order by id`);
}

describe("an incremental whose query gained a column", () => {
  it("IGNORE, set or by default, merges the table's own columns and warns, naming the column and both remedies", async () => {
    const actions = await builtThenChanged("gained");
    for (const name of ["mart.orders_default", "mart.orders_ignore"]) {
      const outcome = await executeAction(engine!, actions.get(name)!, { fullRefresh: false });
      expect(outcome.warnings).toEqual([expect.stringMatching(/shipped_on.*not written \(onSchemaChange: "IGNORE".*"EXTEND".*--full-refresh --select mart\.orders_\w+\+/)]);
      expect(await rows(name.slice("mart.".length))).toEqual([
        { id: 1, status: "placed" },
        { id: 2, status: "placed" },
      ]);
    }
  });

  it("FAIL stops before writing anything, naming the column", async () => {
    const actions = await builtThenChanged("gained");
    await expect(executeAction(engine!, actions.get("mart.orders_fail")!, { fullRefresh: false })).rejects.toThrow(/mart\.orders_fail: .*"FAIL"\): added shipped_on/);
    expect(await rows("orders_fail")).toEqual([{ id: 1, status: "placed" }]);
  });

  it("EXTEND and SYNCHRONIZE add it, typed as the query gives it, null in the rows written before", async () => {
    const actions = await builtThenChanged("gained");
    for (const name of ["orders_extend", "orders_synchronize"]) {
      const outcome = await executeAction(engine!, actions.get(`mart.${name}`)!, { fullRefresh: false });
      expect(outcome.warnings).toBeUndefined();
      expect(await engine!.describeTable({ schema: "mart", name })).toEqual([
        { name: "id", type: "INTEGER" },
        { name: "status", type: "VARCHAR" },
        { name: "shipped_on", type: "DATE" },
      ]);
      expect((await rows(name)).map((row) => [row.id, row.status, row.shipped_on === null ? null : String(row.shipped_on)])).toEqual([
        [1, "placed", null],
        [2, "placed", "2024-01-02"],
      ]);
    }
  });
});

describe("an incremental whose query lost a column and gained another", () => {
  it("IGNORE, FAIL and EXTEND stop with the table as it was; SYNCHRONIZE drops it and adds the new one", async () => {
    const actions = await builtThenChanged("lost");
    for (const name of ["orders_default", "orders_ignore", "orders_fail", "orders_extend"]) {
      await expect(executeAction(engine!, actions.get(`mart.${name}`)!, { fullRefresh: false })).rejects.toThrow(/status/);
      expect(await rows(name)).toEqual([{ id: 1, status: "placed" }]);
    }
    await executeAction(engine!, actions.get("mart.orders_synchronize")!, { fullRefresh: false });
    expect(await rows("orders_synchronize")).toEqual([
      { id: 1, note: null },
      { id: 2, note: "lost" },
    ]);
  });
});

describe("a table and its descriptions", () => {
  /** One described table whose rows the var `rows` sets. */
  function describedTableProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-described-table-"));
    fs.mkdirSync(path.join(dir, "definitions"));
    fs.writeFileSync(path.join(dir, "workflow_settings.yaml"), "defaultProject: p\ndefaultDataset: mart\ndefaultLocation: US\nvars:\n  id: '1'\n");
    fs.writeFileSync(
      path.join(dir, "definitions", "customers.sqlx"),
      'config { type: "table", description: "One row per customer.", columns: { id: "The customer." } }\nselect ${dataform.projectConfig.vars.id} as id\n',
    );
    return dir;
  }

  it("commit together: descriptions that cannot be set leave the previous table as it was", async () => {
    const dir = describedTableProject();
    const table = (id: string) => compiledProject(dir, { id }).actions.get("mart.customers")!;
    // Its own instance: the catalog query below reads every database of the instance.
    engine = await DuckDbEngine.open(":memory:", { connections: 1 });
    await executeAction(engine, table("1"), { fullRefresh: false });
    expect(await engine.query("select comment from duckdb_columns() where table_name = 'customers'")).toEqual([{ comment: "The customer." }]);

    const real = engine;
    const failingDescriptions = new Proxy(real, {
      get(target, property) {
        if (property === "setMetadata") return async () => Promise.reject(new Error("descriptions refused"));
        const value = Reflect.get(target, property) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(executeAction(failingDescriptions, table("2"), { fullRefresh: false })).rejects.toThrow("descriptions refused");
    expect(await real.query("select id from mart.customers")).toEqual([{ id: 1 }]);

    await executeAction(real, table("3"), { fullRefresh: false });
    expect(await real.query("select id from mart.customers")).toEqual([{ id: 3 }]);
    expect(await real.query("select comment from duckdb_tables() where table_name = 'customers'")).toEqual([{ comment: "One row per customer." }]);
  });
});
