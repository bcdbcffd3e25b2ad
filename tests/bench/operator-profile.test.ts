/** src/bench/operator-profile.ts: the operators of an action's query under EXPLAIN ANALYZE. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProfile, PROFILE_SCHEMA, profileActions } from "../../src/bench/operator-profile.js";
import { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import type { Action, ActionGraph } from "../../src/graph/actions.js";

describe("parseProfile", () => {
  it("keeps the costliest operators of the whole tree, costliest first, with what they work on", () => {
    const plan = {
      latency: 2.5,
      cpu_time: 4.75,
      system_peak_temp_dir_size: 1024,
      children: [
        {
          operator_name: "EXPLAIN_ANALYZE",
          operator_timing: 0,
          children: [
            {
              operator_name: "HASH_GROUP_BY ",
              operator_timing: 0.5,
              operator_cardinality: 10,
              extra_info: { Groups: ["#0"], Aggregates: ["count_star()"] },
              children: [
                { operator_name: "HASH_JOIN", operator_timing: 1.5, operator_cardinality: 1200, extra_info: { "Join Type": "LEFT", Conditions: "a = b" }, children: [] },
                { operator_name: "SEQ_SCAN", operator_timing: 0.25, operator_cardinality: 5000, extra_info: { Table: "c360.customer_360", Projections: ["x".repeat(300)] } },
              ],
            },
          ],
        },
      ],
    };
    const profile = parseProfile("c360.slow", JSON.stringify(plan), 2);
    expect(profile).toMatchObject({ name: "c360.slow", seconds: 2.5, cpuSeconds: 4.75, temporaryFolderPeakBytes: 1024 });
    expect(profile.operators).toEqual([
      { operator: "HASH_JOIN", seconds: 1.5, rows: 1200, detail: "Join Type: LEFT; Conditions: a = b" },
      { operator: "HASH_GROUP_BY", seconds: 0.5, rows: 10, detail: "Groups: #0; Aggregates: count_star()" },
    ]);
    const scan = parseProfile("c360.slow", JSON.stringify(plan), 3).operators[2];
    expect(scan.detail.startsWith("Table: c360.customer_360; Projections: xxx")).toBe(true);
    expect(scan.detail).toHaveLength(160);
    expect(profile.lopsidedJoins).toEqual([]);
  });

  it("finds the hash joins that hashed far more rows than they were probed with, costliest first", () => {
    const scan = (rows: number) => ({ operator_name: "SEQ_SCAN", operator_timing: 0.01, operator_cardinality: rows });
    const hashJoin = (seconds: number, probeRows: number, buildRows: number, conditions: string) => ({
      operator_name: "HASH_JOIN",
      operator_timing: seconds,
      operator_cardinality: probeRows,
      extra_info: { "Join Type": "SEMI", Conditions: conditions },
      children: [scan(probeRows), scan(buildRows)],
    });
    const plan = {
      latency: 1,
      cpu_time: 2,
      children: [
        {
          operator_name: "UNION",
          children: [
            hashJoin(0.5, 0, 10_000_000, "empty = order_id"),
            // Probed with more than it hashed: the right way round.
            hashJoin(0.9, 20_000_000, 2_000, "message_id = #0"),
            // Lopsided, but too small to matter.
            hashJoin(0.2, 10, 99_999, "small = x"),
            // Hashed less than ten times the rows probed.
            hashJoin(0.3, 200_000, 1_000_000, "balanced = y"),
            // Found below other operators too.
            { operator_name: "PROJECTION", operator_cardinality: 4_096, children: [hashJoin(1.5, 4_096, 976_000, "value = value")] },
          ],
        },
      ],
    };
    expect(parseProfile("c360.lookups", JSON.stringify(plan), 3).lopsidedJoins).toEqual([
      { seconds: 1.5, probeRows: 4096, buildRows: 976_000, detail: "Join Type: SEMI; Conditions: value = value" },
      { seconds: 0.5, probeRows: 0, buildRows: 10_000_000, detail: "Join Type: SEMI; Conditions: empty = order_id" },
    ]);
  });
});

describe("profileActions", () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open(":memory:", { connections: 1 });
    await engine.execute("create schema c360");
    await engine.execute("create table c360.orders as select range as order_id, range % 7 as customer from range(10000)");
    await engine.execute("create table c360.per_customer as select customer, count(*) as orders from c360.orders group by customer");
  });
  afterAll(async () => engine.close());

  const tableAction = (name: string, kind: "table" | "incremental", query: string): Action => {
    const target = { schema: "c360", name: name.slice("c360.".length) };
    return { name, kind, target, fileName: "", tags: [], dependencies: [], compiled: { type: kind, target, query } } as Action;
  };

  it("runs each named action's full-build query under DuckDB's EXPLAIN ANALYZE and reads its operators, and times a copy of each built table", async () => {
    const graph: ActionGraph = {
      actions: new Map([
        ["c360.per_customer", tableAction("c360.per_customer", "table", "select customer, count(*) as orders from c360.orders group by customer")],
        ["c360.skipped_operation", { ...tableAction("c360.skipped_operation", "table", ""), kind: "operation", compiled: { target: { schema: "c360", name: "x" }, queries: [] } } as Action],
      ]),
    };
    const profiles = await profileActions(engine, graph, ["c360.per_customer", "c360.skipped_operation", "c360.unknown"]);
    expect(profiles.map((profile) => profile.name)).toEqual(["c360.per_customer"]);
    const operators = profiles[0].operators;
    expect(operators.length).toBeGreaterThan(0);
    const scan = operators.find((operator) => operator.operator === "TABLE_SCAN" || operator.operator === "SEQ_SCAN");
    expect(scan?.rows).toBe(10000);
    expect(operators.find((operator) => operator.operator.includes("GROUP_BY"))?.rows).toBe(7);
    expect(profiles[0].copiedRows).toBe(7);
    expect(profiles[0].copySeconds).toBeGreaterThan(0);
    // The copy went to a scratch schema that is dropped again; the built tables are untouched.
    expect(await engine.query("select schema_name, count(*)::int as tables from duckdb_tables() group by all order by all")).toEqual([{ schema_name: "c360", tables: 2 }]);
    expect(await engine.query(`select count(*)::int as schemas from duckdb_schemas() where schema_name = '${PROFILE_SCHEMA}'`)).toEqual([{ schemas: 0 }]);
    expect(await engine.query("select count(*)::int as customers from c360.per_customer")).toEqual([{ customers: 7 }]);
  });

  it("refuses to use a scratch schema that already exists rather than drop what it holds", async () => {
    await engine.execute(`create schema ${PROFILE_SCHEMA}`);
    await engine.execute(`create table ${PROFILE_SCHEMA}.kept as select 1 as one`);
    const graph: ActionGraph = { actions: new Map([["c360.per_customer", tableAction("c360.per_customer", "table", "select 1 as one")]]) };
    await expect(profileActions(engine, graph, ["c360.per_customer"])).rejects.toThrow(`schema ${PROFILE_SCHEMA} already exists`);
    expect(await engine.query(`select one from ${PROFILE_SCHEMA}.kept`)).toEqual([{ one: 1 }]);
    await engine.execute(`drop schema ${PROFILE_SCHEMA} cascade`);
  });

  it("drops the scratch schema when a profiled query fails, and says which action failed", async () => {
    const graph: ActionGraph = {
      actions: new Map([
        ["c360.per_customer", tableAction("c360.per_customer", "table", "select customer, count(*) as orders from c360.orders group by customer")],
        ["c360.broken", tableAction("c360.broken", "table", "select no_such_column from c360.orders")],
      ]),
    };
    await expect(profileActions(engine, graph, ["c360.per_customer", "c360.broken"])).rejects.toThrow(/profile c360\.broken.*no_such_column/s);
    expect(await engine.query(`select count(*)::int as schemas from duckdb_schemas() where schema_name = '${PROFILE_SCHEMA}'`)).toEqual([{ schemas: 0 }]);
  });
});
