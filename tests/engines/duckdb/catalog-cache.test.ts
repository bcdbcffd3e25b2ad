import { describe, expect, it } from "vitest";
import { CatalogCache, objectKey, tableNamedBy, type DescribedObject } from "../../../src/engines/duckdb/catalog-cache.js";

describe("tableNamedBy: the one table a statement creates or drops", () => {
  it("names the table of the forms operations run between actions, whatever the quoting", () => {
    expect(tableNamedBy('create table if not exists "c360_identity"."identity_state" (as_of_date date)')).toBe("identity_state");
    expect(tableNamedBy("create table if not exists `c360-project.c360_facts.customer_activity_event_parts` (source_file string);")).toBe("customer_activity_event_parts");
    expect(tableNamedBy("\n  create or replace temp table stg_web__events_contention as with new_parts as (select 1) select * from new_parts")).toBe("stg_web__events_contention");
    expect(tableNamedBy("DROP TABLE IF EXISTS identity_edges_now")).toBe("identity_edges_now");
    expect(tableNamedBy('create table mart."odd ""name""" as select 1')).toBe('odd "name"');
    expect(tableNamedBy("create or replace temporary table c360_warehouse . mart . orders as select 1 as id")).toBe("orders");
  });

  it("names nothing (so everything is forgotten) for several statements, cascade, or other DDL", () => {
    expect(tableNamedBy("create table a (x int); drop view b")).toBeUndefined();
    expect(tableNamedBy("create table a as select ';' as x")).toBeUndefined();
    expect(tableNamedBy("drop table a cascade")).toBeUndefined();
    expect(tableNamedBy("drop view a")).toBeUndefined();
    expect(tableNamedBy("alter table a add column y int")).toBeUndefined();
    expect(tableNamedBy("create view a as select 1")).toBeUndefined();
    expect(tableNamedBy("-- a comment first\ncreate table a (x int)")).toBeUndefined();
    expect(tableNamedBy("insert into a select 1")).toBeUndefined();
  });
});

describe("CatalogCache.invalidateNamed", () => {
  const object = (name: string): DescribedObject => ({ kind: "table", columns: [{ name, type: "INTEGER" }], comments: { description: null, columns: new Map() } });
  const describeEach = async (cache: CatalogCache, keys: string[], reads: string[]) => {
    for (const key of keys) {
      await cache.describe(key, false, async () => {
        reads.push(key);
        return object(key);
      });
    }
  };

  it("forgets the objects of that name in every catalog and schema (any case), and keeps the others", async () => {
    const cache = new CatalogCache();
    const keys = [objectKey("", "mart", "orders"), objectKey("temp", "main", "Orders"), objectKey("", "mart", "customers")];
    const reads: string[] = [];
    await describeEach(cache, keys, reads);
    cache.invalidateNamed("ORDERS");
    await describeEach(cache, keys, reads);
    expect(reads).toEqual([...keys, keys[0], keys[1]]);
  });

  it("inside a transaction, forgets them again when it ends: a lookup outside it meanwhile kept the state before", async () => {
    const cache = new CatalogCache();
    const key = objectKey("", "mart", "orders");
    const transaction = { all: false, objects: [], names: [] };
    cache.invalidateNamed("orders", transaction);
    const reads: string[] = [];
    await describeEach(cache, [key], reads); // another connection, before the commit
    cache.ended(transaction);
    await describeEach(cache, [key], reads);
    expect(reads).toEqual([key, key]);
  });
});
