import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import { columnBytesInDuckDb, partitionBytesInDuckDb } from "../../../tools/bigquery-bytes/duckdb-sizes.js";

let engine: DuckDbEngine;

beforeAll(async () => {
  engine = await DuckDbEngine.open(":memory:", { connections: 1, threads: 1 });
  await engine.execute("create schema sized");
  await engine.execute(`create table sized.values_of_each_type as
    select * from (values
      (1::bigint, 1.5::double, 12.34::decimal(38, 9), true, date '2024-06-30', timestamp '2024-06-30 12:00:00', 'abc', 'é€', '{"a":1}'::json, 'xy'::blob, [1, 2, 3]::bigint[], {'name': 'ab', 'n': 7::bigint}, [{'tag': 'x'}, {'tag': 'yz'}]),
      (null, null, null, null, null, null, null, '', null, null, []::bigint[], null, null)
    ) as t(i, f, n, b, d, ts, s, u, j, y, ints, person, tags)`);
});

afterAll(async () => {
  await engine?.close();
});

describe("columnBytesInDuckDb (BigQuery's data size rules)", () => {
  it("sizes each type as BigQuery bills it, NULL as 0", async () => {
    const bytes = await columnBytesInDuckDb(
      engine,
      { schema: "sized", name: "values_of_each_type" },
      {
        i: "INT64",
        f: "FLOAT64",
        n: "NUMERIC",
        b: "BOOL",
        d: "DATE",
        ts: "TIMESTAMP",
        s: "STRING",
        u: "STRING",
        j: "JSON",
        y: "BYTES",
        ints: "ARRAY<INT64>",
        person: "STRUCT<name STRING, n INT64>",
        tags: "ARRAY<STRUCT<tag STRING>>",
      },
    );
    expect(bytes).toEqual({
      i: 8,
      f: 8,
      n: 16,
      b: 1,
      d: 8,
      ts: 8,
      // 2 + 3 bytes; the NULL row counts 0.
      s: 5,
      // "é€" is 2 + 3 UTF-8 bytes, plus 2; the empty string is 2.
      u: 7 + 2,
      // JSON: its serialized text, {"a":1}.
      j: 7,
      y: 4,
      // 3 × 8; the empty array 0.
      ints: 24,
      // 2 + 2 for 'ab', 8 for n.
      person: 12,
      // (2 + 1) + (2 + 2).
      tags: 7,
    });
  });

  it("sizes each partition of a month-partitioned DATE column, NULLs in a partition of their own", async () => {
    await engine.execute("create table sized.orders as select * from (values ('o1', date '2024-05-31'), ('o22', date '2024-06-01'), ('o3', date '2024-06-30'), ('o4', null)) as t(order_id, order_date)");
    const partitions = await partitionBytesInDuckDb(engine, { schema: "sized", name: "orders" }, { order_id: "STRING", order_date: "DATE" }, "order_date", "MONTH");
    expect(partitions).toEqual([
      { startMicros: null, endMicros: null, columnBytes: { order_id: 4, order_date: 0 } },
      { startMicros: Date.UTC(2024, 4, 1) * 1000, endMicros: Date.UTC(2024, 5, 1) * 1000, columnBytes: { order_id: 4, order_date: 8 } },
      { startMicros: Date.UTC(2024, 5, 1) * 1000, endMicros: Date.UTC(2024, 6, 1) * 1000, columnBytes: { order_id: 5 + 4, order_date: 16 } },
    ]);
  });

  it("an empty table is 0 bytes per column", async () => {
    await engine.execute("create table sized.empty_table (id bigint, name varchar)");
    expect(await columnBytesInDuckDb(engine, { schema: "sized", name: "empty_table" }, { id: "INT64", name: "STRING" })).toEqual({ id: 0, name: 0 });
  });
});
