/** src/engines/duckdb/statement-log.ts and the engine's --statement-log: every statement and commit, charged to its action. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import { type StatementLogEntry, StatementLogFile } from "../../../src/engines/duckdb/statement-log.js";

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance.closeSync());

describe("the engine's statement log", () => {
  it("records each statement with its action and the SQL as it ran, and each commit charged to the transaction's last action", async () => {
    const entries: StatementLogEntry[] = [];
    const engine = await DuckDbEngine.openInInstance(instance, { statementLog: { record: (entry) => entries.push(entry) } });
    try {
      await engine.ensureSchema("mart");
      await engine.transaction(async () => {
        await engine.createTableAs({ schema: "mart", name: "orders" }, "select 1 as id", undefined, { actionName: "mart.orders" });
        await engine.execute("insert into `any-project.mart.orders` values (2)", { actionName: "mart.orders" });
      });
      const ofAction = entries.filter((entry) => entry.action === "mart.orders");
      expect(ofAction.map((entry) => entry.kind)).toEqual(["statement", "statement", "commit"]);
      expect(ofAction[0].sql).toMatch(/^create or replace table "mart"\."orders" as/);
      // Dataform's three-part name, as DuckDB was given it.
      expect(ofAction[1].sql).toBe('insert into "mart"."orders" values (2)');
      expect(ofAction[2].sql).toBe("commit");
      expect(ofAction.every((entry) => entry.seconds >= 0 && entry.failed === undefined)).toBe(true);
      await expect(engine.execute("select * from mart.missing", { actionName: "mart.broken" })).rejects.toThrow(/missing/);
      expect(entries.at(-1)).toMatchObject({ action: "mart.broken", kind: "statement", sql: "select * from mart.missing", failed: true });
    } finally {
      await engine.close();
    }
  });

  it("runs and logs a checkpoint after each commit while the log asks for it (checkpointAfterCommit), so the WAL is empty after every transaction", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-checkpoint-log-"));
    const file = path.join(folder, "warehouse.duckdb");
    const entries: StatementLogEntry[] = [];
    const log = { checkpointAfterCommit: true, record: (entry: StatementLogEntry) => entries.push(entry) };
    const engine = await DuckDbEngine.open(file, { statementLog: log });
    const walBytes = () => (fs.existsSync(`${file}.wal`) ? fs.statSync(`${file}.wal`).size : 0);
    try {
      await engine.ensureSchema("mart");
      await engine.transaction(async () => {
        await engine.createTableAs({ schema: "mart", name: "orders" }, "select range as id from range(1000)", undefined, { actionName: "mart.orders" });
      });
      expect(entries.filter((entry) => entry.action === "mart.orders").map((entry) => entry.kind)).toEqual(["statement", "commit", "checkpoint"]);
      expect(entries.at(-1)).toMatchObject({ kind: "checkpoint", sql: "checkpoint" });
      expect(walBytes()).toBe(0);
      log.checkpointAfterCommit = false;
      await engine.transaction(async () => {
        await engine.execute("insert into mart.orders values (1001)", { actionName: "mart.more" });
      });
      expect(entries.filter((entry) => entry.action === "mart.more").map((entry) => entry.kind)).toEqual(["statement", "commit"]);
      expect(walBytes()).toBeGreaterThan(0);
    } finally {
      await engine.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it("has DuckDB write a JSON profile of each statement of the matching actions while the log asks for it (profileStatements), and keeps a failed statement's error", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-statement-profiles-"));
    const log: { profileStatements?: { actionsMatching: string; folder: string }; record: (entry: StatementLogEntry) => void } = {
      profileStatements: { actionsMatching: "orders", folder },
      record: () => undefined,
    };
    // One connection: a statement after the failed one runs where profiling was switched on.
    const engine = await DuckDbEngine.openInInstance(instance, { connections: 1, statementLog: log });
    try {
      await engine.ensureSchema("mart");
      await engine.createTableAs({ schema: "mart", name: "orders" }, "select range as id from range(1000)", undefined, { actionName: "mart.orders" });
      await engine.execute("insert into mart.orders select range from range(10)", { actionName: "mart.orders" });
      await engine.createTableAs({ schema: "mart", name: "customers" }, "select 1 as id", undefined, { actionName: "mart.customers" });
      await expect(engine.execute("insert into mart.orders select * from mart.missing", { actionName: "mart.orders" })).rejects.toThrow(/missing/);
      // Profiling was switched off again after the failed statement: another action's statement writes no profile.
      await engine.execute("insert into mart.customers select range from range(5)", { actionName: "mart.customers" });
      log.profileStatements = undefined;
      await engine.execute("insert into mart.orders values (1)", { actionName: "mart.orders" });
      const files = fs.readdirSync(folder).sort();
      expect(files).toEqual(["0001-mart.orders.json", "0002-mart.orders.json"]);
      const profile = JSON.parse(fs.readFileSync(path.join(folder, files[0]), "utf8"));
      expect(profile.latency).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(profile)).toContain("range");
    } finally {
      await engine.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it("StatementLogFile empties the file, then appends one JSON line per entry with the phase set at the time", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-statement-log-"));
    const file = path.join(folder, "nested", "log.jsonl");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "an earlier build's lines\n");
    const log = new StatementLogFile(file);
    log.record({ action: "a", kind: "statement", seconds: 0.5, sql: "select 1" });
    log.phase = "incremental run";
    log.record({ action: "a", kind: "commit", seconds: 0.25, sql: "commit" });
    const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ action: "a", kind: "statement", seconds: 0.5, sql: "select 1" });
    expect(lines[0].phase).toBeUndefined();
    expect(lines[1]).toMatchObject({ phase: "incremental run", kind: "commit" });
    expect(Number.isNaN(Date.parse(lines[1].at))).toBe(false);
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
