import { describe, expect, it } from "vitest";
import {
  alterColumnsStatements,
  commentStatements,
  createTableAsStatement,
  createViewStatement,
  insertStatement,
  mergeIntoStatement,
  stageIncrementStatement,
} from "../../../src/engines/duckdb/statements.js";

describe("DuckDB planner", () => {
  it("renders table, view, staging and insert statements around the action's query", () => {
    expect(createTableAsStatement('"mart"."orders"', "select 1")).toBe('create or replace table "mart"."orders" as (\nselect 1\n)');
    expect(createViewStatement('"mart"."v"', "select 1")).toBe('create or replace view "mart"."v" as (\nselect 1\n)');
    expect(stageIncrementStatement("increment", "select 1")).toBe("create or replace temp table increment as (\nselect 1\n)");
    expect(insertStatement('"mart"."orders"', "select 'a' as status, 1 as id", ["id", "status"])).toBe(
      'insert into "mart"."orders" ("id", "status")\nselect "id", "status" from (\nselect \'a\' as status, 1 as id\n) as insertions',
    );
  });

  it("alters columns one statement each, drops first, added columns typed as the query gives them", () => {
    expect(alterColumnsStatements('"mart"."orders"', { add: [{ name: "shipped on", type: "DATE" }], drop: ["legacy"] })).toEqual([
      'alter table "mart"."orders" drop column "legacy"',
      'alter table "mart"."orders" add column "shipped on" DATE',
    ]);
    expect(alterColumnsStatements('"mart"."orders"', { add: [], drop: [] })).toEqual([]);
  });

  it("merges on the unique key with Dataform's aliases, updatePartitionFilter and incrementalPredicates", () => {
    expect(mergeIntoStatement('"mart"."orders"', "increment", ["id"], ["id", "status"])).toBe(
      'merge into "mart"."orders" as DATAFORM_DEST using increment as DATAFORM_SOURCE on DATAFORM_DEST."id" = DATAFORM_SOURCE."id"\n' +
        'when matched then update set "id" = DATAFORM_SOURCE."id", "status" = DATAFORM_SOURCE."status"\n' +
        'when not matched then insert ("id", "status") values (DATAFORM_SOURCE."id", DATAFORM_SOURCE."status")',
    );
    const limited = mergeIntoStatement('"mart"."orders"', "increment", ["id", "day"], ["id", "day"], {
      updatePartitionFilter: "day >= date '2024-01-01'",
      incrementalPredicates: ["DATAFORM_SOURCE.id > 0", ""],
    });
    expect(limited).toContain(
      'on DATAFORM_DEST."id" = DATAFORM_SOURCE."id" and DATAFORM_DEST."day" = DATAFORM_SOURCE."day" and DATAFORM_DEST.day >= date \'2024-01-01\' and (DATAFORM_SOURCE.id > 0)\n',
    );
  });

  it("comments on the object and on the columns it has, quoting text", () => {
    const metadata = {
      description: "Orders' table",
      columns: [
        { path: ["id"], description: "Identifier" },
        { path: ["address", "city"], description: "nested: no DuckDB column" },
        { path: ["dropped"], description: "not in the table" },
      ],
      labels: { layer: "gold" },
    };
    expect(commentStatements('"mart"."orders"', "view", metadata, ["id", "status"])).toEqual([
      `comment on view "mart"."orders" is 'Orders'' table'`,
      `comment on column "mart"."orders"."id" is 'Identifier'`,
    ]);
    expect(commentStatements('"mart"."orders"', "table", {}, ["id"])).toEqual([]);
  });

  it("leaves out the comments the object carries already (an incremental table keeps them through a merge)", () => {
    const metadata = { description: "Orders", columns: [{ path: ["id"], description: "Identifier" }, { path: ["status"], description: "Status" }] };
    const kept = { description: "Orders", columns: new Map([["id", "Identifier"], ["status", "Status"]]) };
    expect(commentStatements('"mart"."orders"', "table", metadata, ["id", "status"], kept)).toEqual([]);
    // A new description, or a column without its comment (added since, or commented otherwise), is set again.
    const partly = { description: "Old orders", columns: new Map<string, string | null>([["id", "Identifier"], ["status", null]]) };
    expect(commentStatements('"mart"."orders"', "table", metadata, ["id", "status"], partly)).toEqual([
      `comment on table "mart"."orders" is 'Orders'`,
      `comment on column "mart"."orders"."status" is 'Status'`,
    ]);
  });
});
