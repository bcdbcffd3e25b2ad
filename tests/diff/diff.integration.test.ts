/**
 * `c360 diff` on DuckDB: two database files written from a small script (the fixture
 * project tells which tables are published and their keys), one of them changed in a
 * known way, and the exact report worked out by hand.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiffReport, runDiff, type TableDiff } from "../../src/diff/index.js";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { DiffError } from "../../src/diff/sides.js";
import { UsageError } from "../../src/errors.js";
import { REPO_ROOT } from "../helpers/project.js";

const PROJECT = path.join(REPO_ROOT, "tests/fixtures/projects/diff");

const BASE = [
  "create schema mart",
  `create table mart.accounts as
   select * from (values
     (1, 'ann', 0.5::double, ['x', 'y'], {'level': 1}),
     (2, 'bob', 1.5::double, ['z'], {'level': 2}),
     (3, null, null, null, null)
   ) as source_rows (account_id, name, score, tags, profile)`,
  "create table mart.events as select * from (values (1, 'click', 2), (1, 'view', 3), (2, 'click', 5)) as source_rows (event_id, kind, amount)",
  "create table mart.totals as select 10 as total",
  "create schema staging",
  "create view staging.stg_accounts as select account_id, name from mart.accounts",
];

let folder: string;
let counter = 0;

async function database(changes: string[] = []): Promise<string> {
  const file = path.join(folder, `db-${++counter}.duckdb`);
  const engine = await DuckDbEngine.open(file, { connections: 1 });
  try {
    for (const statement of [...BASE, ...changes]) await engine.execute(statement);
  } finally {
    await engine.close();
  }
  return file;
}

async function diff(changesB: string[], options: { select?: string[]; tolerance?: number; sampleSize?: number; changesA?: string[] } = {}): Promise<DiffReport> {
  const a = await database(options.changesA);
  const b = await database(changesB);
  return runDiff({ projectDir: PROJECT, a: { file: a }, b: { file: b }, select: options.select, sampleSize: options.sampleSize ?? 5, tolerance: options.tolerance });
}

function table(report: DiffReport, name: string): TableDiff {
  const found = report.tables.find((candidate) => candidate.table === name);
  if (!found) throw new Error(`no ${name} in the report`);
  return found;
}

const statuses = (report: DiffReport) => Object.fromEntries(report.tables.map((result) => [result.table, result.status]));

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-diff-"));
});
afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

describe("c360 diff on two DuckDB files", () => {
  it("finds two equal builds equal, table by table, on their keys", async () => {
    const report = await diff([]);
    expect(report.equal).toBe(true);
    expect(statuses(report)).toEqual({ "mart.accounts": "equal", "mart.events": "equal", "mart.totals": "equal" });
    const accounts = table(report, "mart.accounts");
    expect(accounts).toMatchObject({ rowsA: 3, rowsB: 3, key: ["account_id"], keySource: "uniqueKeyAssertion" });
    expect(accounts.keyed).toEqual({ matched: 3, onlyInA: 0, onlyInB: 0, columns: [] });
    expect(accounts.rows).toEqual({ onlyInA: { count: 0, sample: [] }, onlyInB: { count: 0, sample: [] } });
    expect(table(report, "mart.events")).toMatchObject({ key: ["event_id", "kind"], keySource: "uniqueKey" });
    const totals = table(report, "mart.totals");
    expect(totals.key).toBeUndefined();
    expect(totals.keyed).toBeUndefined();
    expect(totals.keyNote).toContain("whole rows only");
  });

  it("names the table, the key and the column of a single changed cell, with both values", async () => {
    const report = await diff(["update mart.accounts set score = 1.25 where account_id = 2"]);
    expect(report.equal).toBe(false);
    expect(statuses(report)).toEqual({ "mart.accounts": "different", "mart.events": "equal", "mart.totals": "equal" });
    const accounts = table(report, "mart.accounts");
    expect(accounts.keyed).toEqual({
      matched: 3,
      onlyInA: 0,
      onlyInB: 0,
      columns: [{ column: "score", keysDiffering: 1, sample: [{ key: { account_id: 2 }, a: 1.5, b: 1.25 }] }],
    });
    expect(accounts.rows?.onlyInA).toEqual({ count: 1, sample: [{ account_id: 2, name: "bob", score: 1.5, tags: ["z"], profile: { level: 2 } }] });
    expect(accounts.rows?.onlyInB).toEqual({ count: 1, sample: [{ account_id: 2, name: "bob", score: 1.25, tags: ["z"], profile: { level: 2 } }] });
  });

  it("compares lists and structs per key, and NULL against NULL as equal", async () => {
    const report = await diff(["update mart.accounts set tags = ['x'], profile = {'level': 9} where account_id = 1", "update mart.accounts set name = 'cy' where account_id = 3"]);
    const { keyed } = table(report, "mart.accounts");
    expect(keyed?.columns).toEqual([
      { column: "name", keysDiffering: 1, sample: [{ key: { account_id: 3 }, a: null, b: "cy" }] },
      { column: "tags", keysDiffering: 1, sample: [{ key: { account_id: 1 }, a: ["x", "y"], b: ["x"] }] },
      { column: "profile", keysDiffering: 1, sample: [{ key: { account_id: 1 }, a: { level: 1 }, b: { level: 9 } }] },
    ]);
    // Row 3 holds NULL in score, tags and profile on both sides: none of them is reported.
    expect(table(report, "mart.accounts").rows?.onlyInA.count).toBe(2);
  });

  it("matches a NULL key with a NULL key", async () => {
    const nullKey = ["insert into mart.events values (null, 'view', 4)"];
    const report = await diff(nullKey, { changesA: nullKey });
    expect(table(report, "mart.events")).toMatchObject({ status: "equal", keyed: { matched: 4, onlyInA: 0, onlyInB: 0, columns: [] } });
    const changed = await diff(["insert into mart.events values (null, 'view', 5)"], { changesA: nullKey });
    expect(table(changed, "mart.events").keyed?.columns).toEqual([{ column: "amount", keysDiffering: 1, sample: [{ key: { event_id: null, kind: "view" }, a: 4, b: 5 }] }]);
  });

  it("reports a row added and a row removed, by whole row and by key", async () => {
    const report = await diff(["insert into mart.events values (3, 'click', 7)", "delete from mart.events where event_id = 1 and kind = 'view'"]);
    const events = table(report, "mart.events");
    expect(events).toMatchObject({ status: "different", rowsA: 3, rowsB: 3 });
    expect(events.rows).toEqual({
      onlyInA: { count: 1, sample: [{ event_id: 1, kind: "view", amount: 3 }] },
      onlyInB: { count: 1, sample: [{ event_id: 3, kind: "click", amount: 7 }] },
    });
    expect(events.keyed).toEqual({ matched: 2, onlyInA: 1, onlyInB: 1, columns: [] });
  });

  it("counts a duplicated row (EXCEPT ALL is a multiset difference) and limits the sample, not the count", async () => {
    const report = await diff(["insert into mart.totals values (10), (10), (11)"], { sampleSize: 2 });
    const totals = table(report, "mart.totals");
    expect(totals).toMatchObject({ status: "different", rowsA: 1, rowsB: 4 });
    expect(totals.rows?.onlyInB).toEqual({ count: 3, sample: [{ total: 10 }, { total: 10 }] });
  });

  it("reports a table missing on one side, and a column missing or of another type", async () => {
    const report = await diff(["drop table mart.totals", "alter table mart.events add column note varchar", "alter table mart.accounts alter score type decimal(9, 2)"]);
    expect(statuses(report)).toEqual({ "mart.accounts": "different", "mart.events": "different", "mart.totals": "only_in_a" });
    expect(table(report, "mart.events").schema).toEqual({ onlyInA: [], onlyInB: [{ name: "note", type: "VARCHAR" }], typeChanged: [] });
    const accounts = table(report, "mart.accounts");
    expect(accounts.schema.typeChanged).toEqual([{ name: "score", typeA: "DOUBLE", typeB: "DECIMAL(9,2)" }]);
    // The other columns still match: no value difference beyond the type.
    expect(accounts.rows?.onlyInA.count).toBe(0);
    expect(accounts.keyed?.columns).toEqual([]);
    const reversed = await diff([], { changesA: ["drop table mart.totals"] });
    expect(table(reversed, "mart.totals").status).toBe("only_in_b");
  });

  it("compares floating-point values exactly unless a tolerance is given", async () => {
    const change = ["update mart.accounts set score = 1.5000001 where account_id = 2"];
    expect(table(await diff(change), "mart.accounts").status).toBe("different");
    const tolerant = table(await diff(change, { tolerance: 0.001 }), "mart.accounts");
    expect(tolerant.status).toBe("equal");
    expect(tolerant.keyed?.columns).toEqual([]);
    // EXCEPT ALL stays exact and is still reported.
    expect(tolerant.rows?.onlyInA.count).toBe(1);
    expect(table(await diff(["update mart.accounts set score = 1.6 where account_id = 2"], { tolerance: 0.001 }), "mart.accounts").status).toBe("different");
  });

  it("compares --select'ed relations of other schemas; a view reads its own file", async () => {
    const report = await diff(["update mart.accounts set name = 'bo' where account_id = 2"], { select: ["stg_accounts"] });
    expect(report.tables.map((result) => result.table)).toEqual(["staging.stg_accounts"]);
    expect(table(report, "staging.stg_accounts").rows?.onlyInB).toEqual({ count: 1, sample: [{ account_id: 2, name: "bo" }] });
  });

  it("finds a file equal to itself, and refuses a missing file or a missing side", async () => {
    const file = await database();
    const report = await runDiff({ projectDir: PROJECT, a: { file }, b: { file }, sampleSize: 5 });
    expect(report.equal).toBe(true);
    const missing = path.join(folder, "missing.duckdb");
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: { file: missing }, sampleSize: 5 })).rejects.toThrow(UsageError);
    expect(fs.existsSync(missing)).toBe(false);
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: {}, sampleSize: 5 })).rejects.toThrow(/Side b is missing/);
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: { file, target: "local" }, sampleSize: 5 })).rejects.toThrow(/not both/);
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: { target: "prod" }, sampleSize: 5 })).rejects.toThrow(/same engine/);
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: { file }, sampleSize: 1.5 })).rejects.toThrow(/--sample expects a whole number/);
    await expect(runDiff({ projectDir: PROJECT, a: { file }, b: { file }, sampleSize: 5, tolerance: -1 })).rejects.toThrow(/--tolerance expects/);
  });

  it("fails with exit code 2, never 1, when a side cannot be opened (a build holds the file)", async () => {
    const file = await database();
    const other = await database();
    // Another process, as a build would be: DuckDB's file lock is per process.
    const holder = spawn(process.execPath, [path.join(REPO_ROOT, "tests/diff/helpers/hold-database.mjs"), other], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once("data", () => resolve());
      holder.once("exit", (code) => reject(new Error(`the holding process exited with ${code}`)));
    });
    try {
      const failure = await runDiff({ projectDir: PROJECT, a: { file }, b: { file: other }, sampleSize: 5 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DiffError);
      expect((failure as DiffError).exitCode).toBe(2);
      expect((failure as DiffError).message).toMatch(/^Side b: cannot open .*db-\d+\.duckdb read-only: /);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once("exit", resolve));
    }
  });
});
