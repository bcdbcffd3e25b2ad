import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import { ExecutionError } from "../../../src/errors.js";

let engine: DuckDbEngine;
const table = { schema: "mart", name: "orders" };

/**
 * This file's own DuckDB instance: each test's warehouse is a catalog of it (openInInstance),
 * alone in it (the catalog functions these tests read need no database filter), and creating
 * an instance per test cost about 0.15 s of CPU.
 */
let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance.closeSync());
beforeEach(async () => {
  engine = await DuckDbEngine.openInInstance(instance);
  await engine.ensureSchema("mart");
});
afterEach(() => engine.close());

describe("warehouses sharing one DuckDB instance (openInInstance)", () => {
  it("each sees only its own tables, in UTC, and close() frees its catalog and leaves the instance open", async () => {
    const shared = await DuckDBInstance.create(":memory:", { threads: "1" });
    try {
      const first = await DuckDbEngine.openInInstance(shared, { connections: 1 });
      const second = await DuckDbEngine.openInInstance(shared);
      for (const [warehouse, id] of [[first, 1], [second, 2]] as const) {
        await warehouse.ensureSchema("mart");
        await warehouse.createTableAs(table, `select ${id} as id`);
        await warehouse.createView({ schema: "mart", name: `only_${id}` }, "select 1 as one");
      }
      expect(await first.query("select id from mart.orders")).toEqual([{ id: 1 }]);
      expect(await second.query("select id from mart.orders")).toEqual([{ id: 2 }]);
      expect(await first.listTables("mart")).toEqual([{ schema: "mart", name: "only_1" }, table]);
      expect(await second.describeTable({ schema: "mart", name: "only_1" })).toBeUndefined();
      expect(await first.query("select current_setting('TimeZone') as zone")).toEqual([{ zone: "UTC" }]);
      const [{ catalog }] = await first.query("select current_database() as catalog");
      await first.close();
      expect(await second.query("select id from mart.orders")).toEqual([{ id: 2 }]);
      const other = await shared.connect();
      try {
        const attached = (await other.runAndReadAll("select database_name from duckdb_databases()")).getRowObjects().map((row) => row.database_name);
        expect(attached).not.toContain(catalog);
      } finally {
        other.closeSync();
      }
      await second.close();
      const third = await DuckDbEngine.openInInstance(shared);
      expect(await third.listTables()).toEqual([]);
      await third.close();
    } finally {
      shared.closeSync();
    }
  });
});

describe("three-part names: another project is a catalog of its own", () => {
  it("keeps another project's tables in its own database file, reads them by three-part name, and finds the file again on reopening", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-projects-"));
    const file = path.join(folder, "warehouse.duckdb");
    const archive = { database: "archive-project", schema: "archive", name: "orders" };
    let projects = await DuckDbEngine.open(file, { projects: ["archive-project"] });
    try {
      expect(projects.quoteTable(archive)).toBe('"archive-project"."archive"."orders"');
      expect(projects.quoteTable({ database: "my-project", schema: "c360", name: "orders" })).toBe('"c360"."orders"');
      await projects.ensureSchema("archive", "archive-project");
      await projects.createTableAs(archive, "select 7 as id");
      await projects.ensureSchema("c360");
      await projects.createTableAs({ schema: "c360", name: "orders" }, "select 1 as id");
      expect(await projects.describeTable(archive)).toEqual([{ name: "id", type: "INTEGER" }]);
      expect(await projects.query("select a.id as archived, o.id as current from `archive-project.archive.orders` a, `my-project.c360.orders` o")).toEqual([
        { archived: 7, current: 1 },
      ]);
    } finally {
      await projects.close();
    }
    expect(fs.existsSync(path.join(folder, "warehouse.archive-project.duckdb"))).toBe(true);
    projects = await DuckDbEngine.open(file);
    try {
      expect(await projects.query("select id from `archive-project.archive.orders`")).toEqual([{ id: 7 }]);
    } finally {
      await projects.close();
    }
  });

  it("refuses a project id that cannot name a catalog", async () => {
    await expect(DuckDbEngine.open(":memory:", { projects: ["bad name"] })).rejects.toThrow(/project 'bad name' cannot be a DuckDB catalog/);
  });
});

describe("DuckDB engine semantics", () => {
  it("computes in UTC whatever the machine's time zone", async () => {
    const rows = await engine.query("select current_setting('TimeZone') as zone, cast(timestamptz '2024-03-05 14:22:10+01:00' as varchar) as instant");
    expect(rows).toEqual([{ zone: "UTC", instant: "2024-03-05 13:22:10+00" }]);
  });

  it("table: create or replace, and a failing query leaves the previous table intact", async () => {
    const created = await engine.createTableAs(table, "select 1 as id, 'a' as status union all select 2, 'b'");
    expect(created.rowsAffected).toBe(2);
    await expect(engine.createTableAs(table, "select id, case when id = 2 then error('boom') else status end as status from mart.orders")).rejects.toThrow(
      ExecutionError,
    );
    expect(await engine.query("select id, status from mart.orders order by id")).toEqual([
      { id: 1, status: "a" },
      { id: 2, status: "b" },
    ]);
  });

  it("incremental: merge updates changed rows and inserts new ones on the unique key", async () => {
    await engine.createTableAs(table, "select 1 as id, 'pending' as status union all select 2, 'completed'");
    const merged = await engine.mergeInto(table, "select 1 as id, 'completed' as status union all select 3, 'pending'", ["id"]);
    expect(merged.rowsAffected).toBe(2);
    expect(await engine.query("select id, status from mart.orders order by id")).toEqual([
      { id: 1, status: "completed" },
      { id: 2, status: "completed" },
      { id: 3, status: "pending" },
    ]);
  });

  it("incremental: updatePartitionFilter and incrementalPredicates limit the target rows the merge matches, as on BigQuery", async () => {
    await engine.createTableAs(table, "select 1 as id, date '2023-12-31' as day, 'old' as status union all select 2, date '2024-01-02', 'old'");
    // Both ids come again; only id 2's target row is inside the filter, so id 1's new row does
    // not match its old one and is inserted beside it (Dataform's documented behaviour).
    await engine.mergeInto(table, "select 1 as id, date '2023-12-31' as day, 'new' as status union all select 2, date '2024-01-02', 'new'", ["id"], {
      filters: { updatePartitionFilter: "day >= date '2024-01-01'", incrementalPredicates: ["DATAFORM_SOURCE.status = 'new'"] },
    });
    expect(await engine.query("select id, status from mart.orders order by id, status")).toEqual([
      { id: 1, status: "new" },
      { id: 1, status: "old" },
      { id: 2, status: "new" },
    ]);
  });

  it("an action whose type changed: a table replaces a view of its name and a view a table, in one transaction", async () => {
    const kindOf = async () => engine.query("select table_type from information_schema.tables where table_schema = 'mart' and table_name = 'orders'");
    await engine.createTableAs(table, "select 1 as id");
    await engine.createView(table, "select 2 as id");
    expect(await kindOf()).toEqual([{ table_type: "VIEW" }]);
    expect(await engine.query("select id from mart.orders")).toEqual([{ id: 2 }]);
    await engine.createTableAs(table, "select 3 as id");
    expect(await kindOf()).toEqual([{ table_type: "BASE TABLE" }]);
  });

  it("an action whose type changed: a view this engine did not create (a later command's) is found in the catalog", async () => {
    await engine.execute("create view mart.orders as select 4 as id");
    await engine.transaction(() => engine.createTableAs(table, "select 5 as id"));
    expect(await engine.query("select table_type from information_schema.tables where table_schema = 'mart' and table_name = 'orders'")).toEqual([{ table_type: "BASE TABLE" }]);
    expect(await engine.query("select id from mart.orders")).toEqual([{ id: 5 }]);
  });

  it("an action whose type changed: views that another statement (an operation's) dropped or created since are seen", async () => {
    await engine.createView(table, "select 1 as id");
    await engine.execute("drop view mart.orders");
    await engine.createTableAs(table, "select 2 as id");
    await engine.execute("drop table mart.orders");
    await engine.execute("create view mart.orders as select 3 as id");
    await engine.createTableAs(table, "select 4 as id");
    expect(await engine.query("select table_type from information_schema.tables where table_schema = 'mart' and table_name = 'orders'")).toEqual([{ table_type: "BASE TABLE" }]);
    expect(await engine.query("select id from mart.orders")).toEqual([{ id: 4 }]);
  });

  it("an action whose type changed: a failing table query leaves the view that was there", async () => {
    await engine.createView(table, "select 1 as id");
    await expect(engine.createTableAs(table, "select error('boom') as id")).rejects.toThrow(ExecutionError);
    expect(await engine.query("select table_type from information_schema.tables where table_schema = 'mart' and table_name = 'orders'")).toEqual([{ table_type: "VIEW" }]);
  });

  it("materialized view: built as a table, with a warning saying so", async () => {
    const result = await engine.createView({ schema: "mart", name: "totals" }, "select 2 as total", { materialized: true });
    expect(result.warning).toMatch(/DuckDB has no materialized views: built as a table/);
    expect(await engine.query("select table_type from information_schema.tables where table_name = 'totals'")).toEqual([{ table_type: "BASE TABLE" }]);
    expect(engine.capabilities.materializedViews).toBe(false);
  });

  it("metadata: descriptions as COMMENT ON the table, view and columns; labels reported as not set", async () => {
    await engine.createTableAs(table, "select 1 as id, 'a' as status");
    const set = await engine.setMetadata(table, { description: "One row per order", columns: [{ path: ["id"], description: "Order's id" }], labels: { layer: "gold" } });
    expect(set.warning).toBe("labels not set (layer): DuckDB tables have no labels");
    expect(await engine.query("select comment from duckdb_tables() where table_name = 'orders'")).toEqual([{ comment: "One row per order" }]);
    expect(await engine.query("select column_name, comment from duckdb_columns() where table_name = 'orders' order by column_index")).toEqual([
      { column_name: "id", comment: "Order's id" },
      { column_name: "status", comment: null },
    ]);
    await engine.createView({ schema: "mart", name: "v" }, "select 1 as id");
    expect(await engine.setMetadata({ schema: "mart", name: "v" }, { description: "A view", columns: [{ path: ["id"], description: "Id" }] })).toEqual({});
    expect(await engine.query("select comment from duckdb_views() where view_name = 'v'")).toEqual([{ comment: "A view" }]);
    await expect(engine.setMetadata({ schema: "mart", name: "missing" }, { description: "x" })).rejects.toThrow(/it does not exist/);
  });

  it("metadata of an object just created (created: true): every description set, on a table, a view and a quoted name; a column it lacks is left out", async () => {
    const quoted = { schema: "mart", name: "order's table" };
    await engine.createTableAs(quoted, "select 1 as id, 'a' as status");
    await engine.setMetadata(quoted, { description: "Orders", columns: [{ path: ["status"], description: "Status" }, { path: ["gone"], description: "Not a column" }] }, { created: true });
    expect(await engine.query("select comment from duckdb_tables() where table_name = 'order''s table'")).toEqual([{ comment: "Orders" }]);
    expect(await engine.query("select column_name, comment from duckdb_columns() where table_name = 'order''s table' order by column_index")).toEqual([
      { column_name: "id", comment: null },
      { column_name: "status", comment: "Status" },
    ]);
    await engine.createView({ schema: "mart", name: "v" }, "select 1 as id");
    await engine.setMetadata({ schema: "mart", name: "v" }, { description: "A view", columns: [{ path: ["id"], description: "Id" }] }, { created: true });
    expect(await engine.query("select comment from duckdb_views() where view_name = 'v'")).toEqual([{ comment: "A view" }]);
    expect(await engine.query("select comment from duckdb_columns() where table_name = 'v'")).toEqual([{ comment: "Id" }]);
    expect(await engine.describeTable({ schema: "mart", name: "v" })).toEqual([{ name: "id", type: "INTEGER" }]);
    expect(await engine.describeTable({ schema: "mart", name: "missing" })).toBeUndefined();
  });

  it("metadata: every column's description in one script, whatever quotes or semicolons the texts hold", async () => {
    await engine.createTableAs(table, "select 1 as id, 'a' as status");
    const texts = { table: "Orders; one row each -- it's the 'final' version", id: "Id; never null", status: "'a'; or 'b'" };
    await engine.setMetadata(table, { description: texts.table, columns: [{ path: ["id"], description: texts.id }, { path: ["status"], description: texts.status }] });
    expect(await engine.query("select comment from duckdb_tables() where table_name = 'orders'")).toEqual([{ comment: texts.table }]);
    expect(await engine.query("select column_name, comment from duckdb_columns() where table_name = 'orders' order by column_index")).toEqual([
      { column_name: "id", comment: texts.id },
      { column_name: "status", comment: texts.status },
    ]);
  });

  it("metadata: set inside a transaction, the descriptions join it (a rollback undoes them)", async () => {
    await engine.createTableAs(table, "select 1 as id, 'a' as status");
    await engine.setMetadata(table, { description: "Before", columns: [{ path: ["id"], description: "Id before" }] });
    await expect(
      engine.transaction(async () => {
        await engine.setMetadata(table, { description: "After", columns: [{ path: ["id"], description: "Id after" }, { path: ["status"], description: "Status after" }] });
        await engine.execute("select error('after the comments')");
      }),
    ).rejects.toThrow(/after the comments/);
    expect(await engine.query("select comment from duckdb_tables() where table_name = 'orders'")).toEqual([{ comment: "Before" }]);
    expect(await engine.query("select column_name, comment from duckdb_columns() where table_name = 'orders' order by column_index")).toEqual([
      { column_name: "id", comment: "Id before" },
      { column_name: "status", comment: null },
    ]);
  });

  it("incremental: an empty increment changes nothing, and no temporary table outlives a merge", async () => {
    await engine.createTableAs(table, "select 1 as id, 'pending' as status");
    const merged = await engine.mergeInto(table, "select id, status from mart.orders where id > 1", ["id"]);
    expect(merged.rowsAffected).toBe(0);
    await engine.mergeInto(table, "select 2 as id, 'new' as status", ["id"]);
    expect(await engine.query("select id, status from mart.orders order by id")).toEqual([
      { id: 1, status: "pending" },
      { id: 2, status: "new" },
    ]);
    expect(await engine.query("select table_name from duckdb_tables() where temporary")).toEqual([]);
  });

  it("describes a query's columns without running it, and alters a table's columns (onSchemaChange)", async () => {
    expect(await engine.queryColumns("with rows as (select 1 as id, error('never run')::varchar as status) select id, status, [1.5::decimal(38, 9)] as amounts from rows")).toEqual([
      { name: "id", type: "INTEGER" },
      { name: "status", type: "VARCHAR" },
      { name: "amounts", type: "DECIMAL(38,9)[]" },
    ]);
    await engine.createTableAs(table, "select 1 as id, 'pending' as status");
    await engine.alterColumns(table, { add: [{ name: "shipped on", type: "DATE" }], drop: ["status"] });
    expect(await engine.describeTable(table)).toEqual([
      { name: "id", type: "INTEGER" },
      { name: "shipped on", type: "DATE" },
    ]);
    expect(await engine.query('select id, "shipped on" from mart.orders')).toEqual([{ id: 1, "shipped on": null }]);
  });

  it("incremental: a failing increment inside a transaction leaves the table as it was", async () => {
    await engine.createTableAs(table, "select 1 as id, 'pending' as status");
    await expect(
      engine.transaction(() => engine.mergeInto(table, "select 1 as id, error('bad row') as status", ["id"], { actionName: "mart.orders" })),
    ).rejects.toThrow(/bad row/);
    expect(await engine.query("select id, status from mart.orders")).toEqual([{ id: 1, status: "pending" }]);
    expect(await engine.query("select table_name from duckdb_tables() where temporary")).toEqual([]);
    // The connection is usable again: the next merge works.
    await engine.transaction(() => engine.mergeInto(table, "select 1 as id, 'done' as status", ["id"]));
    expect(await engine.query("select id, status from mart.orders")).toEqual([{ id: 1, status: "done" }]);
  });

  it("incremental without a unique key appends the table's own columns, matched by name", async () => {
    await engine.createTableAs(table, "select 1 as id, 'a' as status");
    await engine.insertInto(table, "select 'b' as status, 2 as id, 'left out' as note");
    expect(await engine.query("select id, status from mart.orders order by id")).toEqual([
      { id: 1, status: "a" },
      { id: 2, status: "b" },
    ]);
  });

  it("a failed transaction rolls every statement back", async () => {
    await engine.createTableAs(table, "select 1 as id");
    await expect(
      engine.transaction(async () => {
        await engine.insertInto(table, "select 2 as id");
        await engine.execute("select error('stop')");
      }),
    ).rejects.toThrow("stop");
    expect(await engine.query("select count(*) as n from mart.orders")).toEqual([{ n: 1 }]);
  });

  it("views, describe and list", async () => {
    await engine.createTableAs(table, "select cast(1.5 as decimal(38, 9)) as amount, date '2024-01-02' as day");
    await engine.createView({ schema: "mart", name: "orders_view" }, "select * from mart.orders");
    expect(await engine.describeTable({ schema: "mart", name: "orders_view" })).toEqual([
      { name: "amount", type: "DECIMAL(38,9)" },
      { name: "day", type: "DATE" },
    ]);
    expect(await engine.describeTable({ schema: "mart", name: "missing" })).toBeUndefined();
    expect(await engine.listTables("mart")).toEqual([
      { schema: "mart", name: "orders" },
      { schema: "mart", name: "orders_view" },
    ]);
    // Exact decimals come back as text, never floats.
    expect(await engine.query("select amount, day from mart.orders_view")).toEqual([{ amount: "1.500000000", day: "2024-01-02" }]);
  });

  it("loads rows through the appender, replacing or appending", async () => {
    const columns = [
      { name: "_record_number", type: "integer" as const },
      { name: "email", type: "text" as const },
    ];
    const target = { schema: "raw_test", name: "people" };
    expect(await engine.load({ target, columns, rows: [[1, "a@b.c"], [2, null]], mode: "replace" })).toBe(2);
    await engine.load({ target, columns, rows: [[3, "x"]], mode: "append" });
    expect(await engine.query("select * from raw_test.people order by _record_number")).toEqual([
      { _record_number: 1, email: "a@b.c" },
      { _record_number: 2, email: null },
      { _record_number: 3, email: "x" },
    ]);
    await engine.load({ target, columns, rows: [[9, "only"]], mode: "replace" });
    expect(await engine.query("select count(*) as n from raw_test.people")).toEqual([{ n: 1 }]);
  });
});

describe("catalog lookups are cached between the DDL that changes them", () => {
  const other = { schema: "mart", name: "customers" };
  /** An engine of its own in the shared instance, with the SQL of every statement it runs, and its schema mart. */
  const withLoggedEngine = async (use: (logged: DuckDbEngine, statements: string[]) => Promise<void>) => {
    const statements: string[] = [];
    const logged = await DuckDbEngine.openInInstance(instance, { statementLog: { record: (entry) => statements.push(entry.sql) } });
    try {
      await logged.ensureSchema("mart");
      await use(logged, statements);
    } finally {
      await logged.close();
    }
  };

  it("a table created, altered, commented or dropped by any statement is seen by the next lookup", async () => {
    await engine.createTableAs(table, "select 1 as id");
    expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
    expect(await engine.describeTable(other)).toBeUndefined();
    await engine.execute("create table mart.customers (key varchar)");
    expect(await engine.listTables("mart")).toEqual([other, table]);
    await engine.query("alter table mart.orders add column total decimal(38, 9)");
    expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }, { name: "total", type: "DECIMAL(38,9)" }]);
    await engine.execute("drop table mart.customers");
    expect(await engine.describeTable(other)).toBeUndefined();
    expect(await engine.listTables("mart")).toEqual([table]);
    // Comments set by a statement of the user's: the next setMetadata sets them again.
    await engine.execute("comment on table mart.orders is 'set elsewhere'");
    await engine.setMetadata(table, { description: "Orders." });
    expect(await engine.query("select comment from duckdb_tables() where table_name = 'orders'")).toEqual([{ comment: "Orders." }]);
  });

  it("describeTables reads several objects in one query; describeTable then answers each, a missing one and a view included", async () => {
    await withLoggedEngine(async (logged, statements) => {
      await logged.createTableAs(table, "select 1 as id, 'a' as status");
      await logged.createView({ schema: "mart", name: "v" }, "select 2 as total");
      // A statement of the user's that may change the catalog: everything kept is forgotten.
      await logged.execute("comment on table mart.orders is 'Orders.'");
      const before = statements.length;
      await logged.describeTables([table, other, { schema: "mart", name: "v" }]);
      expect(statements.length).toBe(before + 1);
      expect(await logged.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }, { name: "status", type: "VARCHAR" }]);
      expect(await logged.describeTable(other)).toBeUndefined();
      expect(await logged.describeTable({ schema: "mart", name: "v" })).toEqual([{ name: "total", type: "INTEGER" }]);
      expect(statements.length).toBe(before + 1);
      // The comment was read with it: setting the same description again runs no statement.
      await logged.setMetadata(table, { description: "Orders." });
      expect(statements.length).toBe(before + 1);
    });
  });

  it("a statement that creates or drops one table forgets that table's name only: the others stay cached", async () => {
    await withLoggedEngine(async (logged, statements) => {
      await logged.createTableAs(table, "select 1 as id");
      await logged.createTableAs(other, "select 'k' as key");
      await logged.describeTables([table, other]);
      const lookups = () => statements.filter((sql) => /duckdb_tables\(\)|duckdb_columns\(\)|pragma_table_info/.test(sql)).length;
      const before = lookups();
      await logged.execute("create table if not exists mart.side_parts (source_file varchar)");
      expect(await logged.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
      expect(await logged.describeTable(other)).toEqual([{ name: "key", type: "VARCHAR" }]);
      expect(lookups()).toBe(before);
      expect(await logged.describeTable({ schema: "mart", name: "side_parts" })).toEqual([{ name: "source_file", type: "VARCHAR" }]);
      // An unqualified name may be a temporary table's or any schema's: each object of that name is read again.
      await logged.execute("create or replace temp table orders as select 'temporary' as t");
      expect(await logged.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
      expect(lookups()).toBe(before + 2);
      await logged.execute("drop table if exists mart.customers");
      expect(await logged.describeTable(other)).toBeUndefined();
      expect(await logged.listTables("mart")).toEqual([table, { schema: "mart", name: "side_parts" }]);
      // None of those could change the views: the list of views read once still answers.
      const viewReads = () => statements.filter((sql) => sql.includes("duckdb_views()")).length;
      const viewsBefore = viewReads();
      expect(viewsBefore).toBeGreaterThan(0);
      await logged.createTableAs({ schema: "mart", name: "side_totals" }, "select 1 as total");
      expect(viewReads()).toBe(viewsBefore);
      // Anything else that may be DDL still forgets everything.
      await logged.execute("alter table mart.side_parts add column day date");
      expect(await logged.describeTable({ schema: "mart", name: "side_parts" })).toEqual([
        { name: "source_file", type: "VARCHAR" },
        { name: "day", type: "DATE" },
      ]);
    });
  });

  it("a transaction's DDL is seen once it commits, and forgotten when it rolls back", async () => {
    expect(await engine.describeTable(table)).toBeUndefined();
    await expect(
      engine.transaction(async () => {
        await engine.createTableAs(table, "select 1 as id");
        expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
        throw new Error("the action fails after creating its table");
      }),
    ).rejects.toThrow("the action fails");
    expect(await engine.describeTable(table)).toBeUndefined();
    expect(await engine.listTables("mart")).toEqual([]);
    await engine.transaction(async () => {
      await engine.execute("create table mart.orders (id integer, day date)");
    });
    expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }, { name: "day", type: "DATE" }]);
    await expect(
      engine.transaction(async () => {
        await engine.execute("alter table mart.orders drop column day");
        await engine.setMetadata(table, { description: "Orders.", columns: [{ path: ["id"], description: "Id." }] });
        throw new Error("fails after altering it");
      }),
    ).rejects.toThrow("fails after altering it");
    expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }, { name: "day", type: "DATE" }]);
    // The rolled-back comments are not taken as set: setting them again sets them.
    await engine.setMetadata(table, { description: "Orders.", columns: [{ path: ["id"], description: "Id." }] });
    expect(await engine.query("select comment from duckdb_columns() where table_name = 'orders' order by column_index")).toEqual([{ comment: "Id." }, { comment: null }]);
  });

  it("a lookup on another connection while a transaction is open sees the committed catalog, and the commit makes the new one current", async () => {
    let created!: () => void;
    let release!: () => void;
    const tableCreated = new Promise<void>((resolve) => (created = resolve));
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    const transaction = engine.transaction(async () => {
      await engine.createTableAs(table, "select 1 as id");
      expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
      expect(await engine.listTables("mart")).toEqual([table]);
      created();
      await mayCommit;
    });
    await tableCreated;
    expect(await engine.describeTable(table)).toBeUndefined();
    expect(await engine.listTables("mart")).toEqual([]);
    release();
    await transaction;
    expect(await engine.describeTable(table)).toEqual([{ name: "id", type: "INTEGER" }]);
    expect(await engine.listTables("mart")).toEqual([table]);
  });
});

describe("DuckDB database files", () => {
  it("a schema named like the file is not ambiguous, and the data persists across opens", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-duckdb-")), "c360.duckdb");
    const first = await DuckDbEngine.open(file, { connections: 2 });
    await Promise.all([first.ensureSchema("c360"), first.ensureSchema("c360"), first.ensureSchema("c360")]);
    await first.createTableAs({ schema: "c360", name: "kpi" }, "select 1 as customers");
    await first.close();
    const second = await DuckDbEngine.open(file);
    expect(await second.query("select customers from c360.kpi")).toEqual([{ customers: 1 }]);
    expect(await second.listTables()).toEqual([{ schema: "c360", name: "kpi" }]);
    await second.close();
  });

  const storageVersionOf = async (engine: DuckDbEngine) => {
    const [database] = await engine.query("select tags['storage_version'] as version from duckdb_databases() where database_name = current_database()");
    return database.version;
  };

  it("writes a new file in DuckDB's latest storage format unless the target asks for an older one", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-duckdb-"));
    const latest = await DuckDbEngine.open(path.join(folder, "latest.duckdb"));
    expect(await storageVersionOf(latest)).toMatch(/^v1\.[5-9]\.\d+\+$|^v[2-9]\./);
    await latest.close();
    const older = await DuckDbEngine.open(path.join(folder, "older.duckdb"), { storageVersion: "v1.0.0" });
    expect(await storageVersionOf(older)).toBe("v1.0.0+");
    await older.ensureSchema("c360");
    await older.createTableAs({ schema: "c360", name: "kpi" }, "select 1 as customers");
    await older.close();

    // An older file is upgraded when opened with a newer format, and keeps its data.
    const upgraded = await DuckDbEngine.open(path.join(folder, "older.duckdb"));
    expect(await storageVersionOf(upgraded)).not.toBe("v1.0.0+");
    expect(await upgraded.query("select customers from c360.kpi")).toEqual([{ customers: 1 }]);
    await upgraded.close();
  });

  it("a format older than the file's own is refused with the file, the config key and what to do", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "c360-duckdb-")), "c360.duckdb");
    await (await DuckDbEngine.open(file)).close();
    const opening = DuckDbEngine.open(file, { storageVersion: "v1.0.0" });
    await expect(opening).rejects.toBeInstanceOf(ExecutionError);
    await expect(opening).rejects.toThrow(`open ${file}`);
    await expect(opening).rejects.toThrow(/storageVersion in c360.json \("v1.0.0"\) is older than the format the file already has: raise it, or delete the file/);
  });
});
