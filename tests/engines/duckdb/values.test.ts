import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floatColumns, readerToRows } from "../../../src/engines/duckdb/values.js";

let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await (await DuckDBInstance.create(":memory:")).connect();
});

afterAll(() => {
  connection.closeSync();
});

async function rowsOf(sql: string) {
  return readerToRows(await connection.runAndReadAll(sql));
}

describe("readerToRows", () => {
  it("reads a numbers-only result column-wise with the values of the JSON path", async () => {
    const rows = await rowsOf(
      "select * from (values (1::bigint, 9007199254740993::bigint, 2::hugeint, 3::integer, 1.5::float, 'nan'::double, 'inf'::double, null::bigint), (-4::bigint, null, 5::hugeint, -6::integer, 0.25::double, '-inf'::double, 7.5::double, 8::bigint)) as t(a, big, h, i, f, n, inf, missing)",
    );
    expect(rows).toEqual([
      { a: 1, big: "9007199254740993", h: 2, i: 3, f: 1.5, n: "NaN", inf: "Infinity", missing: null },
      { a: -4, big: null, h: 5, i: -6, f: 0.25, n: "-Infinity", inf: 7.5, missing: 8 },
    ]);
  });

  it("keeps exact decimals as text and converts integers when a result mixes types", async () => {
    const rows = await rowsOf("select 12::bigint as count, 12.50::decimal(10, 2) as amount, 'x' as label, date '2024-06-30' as day");
    expect(rows).toEqual([{ count: 12, amount: "12.50", label: "x", day: "2024-06-30" }]);
  });
});

describe("floatColumns", () => {
  it("reads every chunk of a numbers-only result as columns of doubles, null as NaN", async () => {
    // 5,000 rows: three chunks of at most 2,048.
    const columns = floatColumns(await connection.run("select i::double / 4 as quarter, i::bigint as whole, case when i % 1000 = 7 then null else -i end::integer as negated from range(5000) as t(i) order by i"));
    expect(columns.map((column) => column.length)).toEqual([5000, 5000, 5000]);
    expect([columns[0][0], columns[0][2049], columns[0][4999]]).toEqual([0, 2049 / 4, 4999 / 4]);
    expect([columns[1][2048], columns[1][4999]]).toEqual([2048, 4999]);
    expect([columns[2][6], columns[2][4006]]).toEqual([-6, -4006]);
    expect([Number.isNaN(columns[2][7]), Number.isNaN(columns[2][4007])]).toEqual([true, true]);
  });

  it("gives empty columns for no rows", async () => {
    expect(floatColumns(await connection.run("select 1.5::double as a, 2::bigint as b where false"))).toEqual([new Float64Array(0), new Float64Array(0)]);
  });
});
