/**
 * includes/ts/increments.ts: the landing parts an incremental staging table has not taken,
 * and each exchange rate's successor, run on DuckDB over hand-worked tables; the queries are
 * analyzed as BigQuery SQL.
 */
import { describe, expect, it } from "vitest";
import { inUntakenParts, listIsNotWhole, newParts, rateSuccessors } from "../../includes/ts/increments.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

describe("increments.newParts", () => {
  it("names each part of the source that the held table holds no record of, once", async () => {
    await harness.engine.execute("create or replace table bronze (_source_file varchar, _record_number bigint)");
    await harness.engine.execute("insert into bronze values ('a.csv', 1), ('a.csv', 2), ('b.csv', 1), ('c.csv', 1), ('c.csv', 2), ('c.csv', 3)");
    await harness.engine.execute("create or replace table held (_source_file varchar, _record_number bigint)");
    await harness.engine.execute("insert into held values ('a.csv', 2), ('old.csv', 1)");
    const parts = async () => (await harness.engine.query(`${newParts("bronze", "held")} order by 1`)).map((row) => row._source_file);
    expect(await parts()).toEqual(["b.csv", "c.csv"]);
    await harness.engine.execute("delete from held");
    expect(await parts()).toEqual(["a.csv", "b.csv", "c.csv"]);
  });

  it("renders a query that BigQuery's analyzer accepts", async () => {
    const columns = { _source_file: "STRING", _record_number: "INT64" };
    const tables = { "project.ds.bronze": columns, "project.ds.held": columns };
    expect((await analyzeBigQueryStatement(newParts("`project.ds.bronze`", "`project.ds.held`"), tables)).kind).toMatch(/query/i);
  });
});

describe("increments.rateSuccessors", () => {
  it("gives each rate the next later rate date of its currency, null for the latest", async () => {
    await harness.engine.execute("create or replace table rates (currency varchar, rate_date date, rate_to_usd decimal(38, 9))");
    await harness.engine.execute(
      "insert into rates values ('EUR', '2024-03-01', 1.1), ('EUR', '2024-03-04', 1.2), ('GBP', '2024-03-02', 1.3), ('EUR', '2024-02-28', 1.0)",
    );
    expect(await harness.engine.query(`${rateSuccessors("rates")} order by currency, rate_date`)).toEqual([
      { currency: "EUR", rate_date: "2024-02-28", next_rate_date: "2024-03-01" },
      { currency: "EUR", rate_date: "2024-03-01", next_rate_date: "2024-03-04" },
      { currency: "EUR", rate_date: "2024-03-04", next_rate_date: null },
      { currency: "GBP", rate_date: "2024-03-02", next_rate_date: null },
    ]);
  });

  it("renders a query that BigQuery's analyzer accepts", async () => {
    const tables = { "project.ds.rates": { currency: "STRING", rate_date: "DATE", rate_to_usd: "NUMERIC" } };
    expect((await analyzeBigQueryStatement(rateSuccessors("`project.ds.rates`"), tables)).kind).toMatch(/query/i);
  });
});

describe("increments.inUntakenParts", () => {
  it("keeps the rows of the parts the taken list does not hold", async () => {
    await harness.engine.execute("create or replace table staged (_source_file varchar, id integer)");
    await harness.engine.execute("insert into staged values ('a.csv', 1), ('b.csv', 2), ('c.csv', 3), ('c.csv', 4)");
    await harness.engine.execute("create or replace table taken (source_file varchar)");
    await harness.engine.execute("insert into taken values ('a.csv'), ('gone.csv')");
    const ids = async () =>
      (await harness.engine.query(`select id from staged where ${inUntakenParts("staged", "(select source_file as _source_file from taken) as taken_parts")} order by id`)).map((row) => row.id);
    expect(await ids()).toEqual([2, 3, 4]);
    await harness.engine.execute("insert into taken values ('c.csv')");
    expect(await ids()).toEqual([2]);
  });
});

describe("increments.listIsNotWhole", () => {
  it("is true until the list holds its mark (a row whose key is null), whatever else it lists", async () => {
    await harness.engine.execute("create or replace table listed (message_id varchar)");
    const notWhole = async () => (await harness.engine.query(`select ${listIsNotWhole("listed", "message_id")} as not_whole`))[0].not_whole;
    expect(await notWhole()).toBe(true);
    await harness.engine.execute("insert into listed values ('M1')");
    expect(await notWhole()).toBe(true);
    await harness.engine.execute("insert into listed values (null)");
    expect(await notWhole()).toBe(false);
  });

  it("renders a condition that BigQuery's analyzer accepts", async () => {
    const tables = { "project.ds.listed": { message_id: "STRING" } };
    expect((await analyzeBigQueryStatement(`select ${listIsNotWhole("`project.ds.listed`", "message_id")} as not_whole`, tables)).kind).toMatch(/query/i);
  });
});
