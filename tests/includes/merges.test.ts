/**
 * includes/ts/merges.ts: the keys an incremental gold table deletes after its merge (the
 * recomputed keys its source no longer keeps), run on DuckDB over hand-worked tables, with
 * every row recomputed and with only the affected ones; the delete statement the tables
 * build from them is analyzed as BigQuery SQL. Also the update of the columns that changed.
 */
import { describe, expect, it } from "vitest";
import { anyColumnDiffers, recomputedKeys, removedKeys, updateChangedColumns, updateColumns } from "../../includes/ts/merges.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

/**
 * The table holds o1–o5; o1 and o3 were affected. The source keeps o1, o2 and o5 (o4 is
 * after as_of_date, o3 is gone; o6 is new, and a null id is never a key).
 */
async function setUp(recomputeAll: boolean): Promise<void> {
  await harness.engine.execute("create or replace table merged (order_id varchar)");
  await harness.engine.execute("insert into merged values ('o1'), ('o2'), ('o3'), ('o4'), ('o5')");
  await harness.engine.execute("create or replace table affected (order_id varchar)");
  await harness.engine.execute(recomputeAll ? "delete from affected" : "insert into affected values ('o1'), ('o3')");
  await harness.engine.execute(`create or replace table scope as select ${recomputeAll} as recompute_all`);
  await harness.engine.execute("create or replace table source (order_id varchar, is_after_as_of boolean)");
  await harness.engine.execute("insert into source values ('o1', false), ('o2', false), ('o4', true), ('o5', false), ('o6', false), (null, false)");
}

/** removedKeys' options over the tables of setUp. */
const ORDER_KEYS = {
  key: "order_id",
  affected: "select order_id from affected",
  table: "merged",
  recomputeAll: "select recompute_all from scope",
  source: "source",
  sourceKey: "order_id",
  sourceCondition: "not is_after_as_of",
};

const removed = (tableCondition?: string) => removedKeys({ ...ORDER_KEYS, tableCondition });

async function removedIds(tableCondition?: string): Promise<string[]> {
  const rows = await harness.engine.query(`${removed(tableCondition)} order by order_id`);
  return rows.map((row) => String(row.order_id));
}

describe("merges.removedKeys", () => {
  it("names the affected keys the source no longer keeps, not the others", async () => {
    await setUp(false);
    expect(await removedIds()).toEqual(["o3"]);
  });

  it("names every key of the table the source no longer keeps when every row is recomputed", async () => {
    await setUp(true);
    expect(await removedIds()).toEqual(["o3", "o4"]);
  });

  it("limits every row to the table's rows that meet tableCondition", async () => {
    await setUp(true);
    expect(await removedIds("order_id <> 'o4'")).toEqual(["o3"]);
  });

  it("deletes exactly what `recomputed and not in the kept source` deleted", async () => {
    for (const recomputeAll of [false, true]) {
      await setUp(recomputeAll);
      await harness.engine.execute(`delete from merged where order_id in (${removed()})`);
      const kept = (await harness.engine.query("select order_id from merged order by order_id")).map((row) => String(row.order_id));
      await setUp(recomputeAll);
      await harness.engine.execute(
        "delete from merged where ((select recompute_all from scope) or order_id in (select order_id from affected)) and order_id not in (select order_id from source where not is_after_as_of and order_id is not null)",
      );
      const expected = (await harness.engine.query("select order_id from merged order by order_id")).map((row) => String(row.order_id));
      expect(kept, `recompute_all = ${recomputeAll}`).toEqual(expected);
    }
  });

  it("with removable (DuckDB), names only the removable affected keys the source no longer keeps, or every gone key on recompute_all", async () => {
    // o3 (gone) is removable; o1 (kept) is removable too; o2 is gone from nothing. On recompute_all
    // the removable list is ignored: o3 and o4 (after as_of_date) both go.
    const removedWith = async (removable: string) => {
      const sql = removedKeys({ ...ORDER_KEYS, removable }, "duckdb");
      const rows = await harness.engine.query(`select distinct order_id from (${sql}) as removed order by order_id`);
      return rows.map((row) => String(row.order_id));
    };
    await harness.engine.execute("create or replace table removable (order_id varchar)");
    await harness.engine.execute("insert into removable values ('o1'), ('o3'), ('o4'), (null)");
    await setUp(false);
    // o4 is removable but not affected: not recomputed, so not named.
    expect(await removedWith("select order_id from removable")).toEqual(["o3"]);
    expect(await removedWith("select order_id from removable where order_id <> 'o3'")).toEqual([]);
    await setUp(true);
    expect(await removedWith("select order_id from removable where false")).toEqual(["o3", "o4"]);
  });

  it("ignores removable on BigQuery (renders the one-filter form)", () => {
    expect(removedKeys({ ...ORDER_KEYS, removable: "select order_id from removable" }, "bigquery")).toEqual(removedKeys(ORDER_KEYS, "bigquery"));
  });

  it("renders a DELETE that BigQuery's analyzer accepts", async () => {
    const tables = {
      "project.ds.merged": { order_id: "STRING" },
      "project.ds.affected": { order_id: "STRING" },
      "project.ds.scope": { recompute_all: "BOOL" },
      "project.ds.source": { order_id: "STRING", is_after_as_of: "BOOL" },
    };
    const sql = removedKeys({
      key: "order_id",
      affected: "select order_id from `project.ds.affected`",
      table: "`project.ds.merged`",
      recomputeAll: "select recompute_all from `project.ds.scope`",
      source: "`project.ds.source`",
      sourceKey: "order_id",
      sourceCondition: "not is_after_as_of",
    });
    expect((await analyzeBigQueryStatement(`delete from \`project.ds.merged\` where order_id in (${sql})`, tables)).kind).toMatch(/delete/i);
  });
});

describe("merges.anyColumnDiffers", () => {
  it("is true where any column differs, a null against a value included, and false where all are equal or both null", async () => {
    const rows = await harness.engine.query(`
      select pair, ${anyColumnDiffers(["score", "band"], "left_row", "right_row")} as differs
      from (values
        (1, 1, 'a', 1, 'a'),
        (2, 1, 'a', 2, 'a'),
        (3, 1, 'a', 1, null),
        (4, null, null, null, null),
        (5, null, 'a', 1, 'a')
      ) as pairs(pair, left_score, left_band, right_score, right_band),
      lateral (select left_score as score, left_band as band) as left_row,
      lateral (select right_score as score, right_band as band) as right_row
      order by pair`);
    expect(rows.map((row) => [Number(row.pair), row.differs])).toEqual([[1, false], [2, true], [3, true], [4, false], [5, true]]);
  });

  it("needs a column", () => {
    expect(() => anyColumnDiffers([], "left_row", "right_row")).toThrow(/at least one column/);
  });
});

describe("merges.updateChangedColumns", () => {
  /**
   * c1 keeps its values, c2's score moved, c3's band went from null to a value, c4's score to
   * null; c5 has no source row and c6 (a source row) no target row. The label column differs
   * everywhere but is not copied.
   */
  async function setUp(): Promise<void> {
    await harness.engine.execute("create or replace table wide (customer_key varchar, score double, band varchar, label varchar)");
    await harness.engine.execute("insert into wide values ('c1', 0.5, 'low', 'a'), ('c2', 0.5, 'low', 'a'), ('c3', 0.9, null, 'a'), ('c4', 0.7, 'medium', 'a'), ('c5', 0.1, 'low', 'a')");
    await harness.engine.execute("create or replace table fresh (customer_key varchar, score double, band varchar, label varchar)");
    await harness.engine.execute("insert into fresh values ('c1', 0.5, 'low', 'b'), ('c2', 0.6, 'low', 'b'), ('c3', 0.9, 'high', 'b'), ('c4', null, 'medium', 'b'), ('c6', 0.2, 'low', 'b')");
  }
  const update = (target: string, source: string) => updateChangedColumns({ target, source, key: "customer_key", columns: ["score", "band"] });

  it("writes only the rows whose copied columns differ, null-safe, and only those columns", async () => {
    await setUp();
    const result = await harness.engine.execute(update("wide", "fresh"));
    expect(Number(result.rowsAffected)).toBe(3);
    expect(await harness.engine.query("select customer_key, score, band, label from wide order by customer_key")).toEqual([
      { customer_key: "c1", score: 0.5, band: "low", label: "a" },
      { customer_key: "c2", score: 0.6, band: "low", label: "a" },
      { customer_key: "c3", score: 0.9, band: "high", label: "a" },
      { customer_key: "c4", score: null, band: "medium", label: "a" },
      { customer_key: "c5", score: 0.1, band: "low", label: "a" },
    ]);
  });

  it("refuses an empty column list", () => {
    expect(() => updateChangedColumns({ target: "wide", source: "fresh", key: "customer_key", columns: [] })).toThrow(/at least one column/);
  });

  it("renders an UPDATE that BigQuery's analyzer accepts, from a table or a query", async () => {
    const columns = { customer_key: "STRING", score: "FLOAT64", band: "STRING", label: "STRING" };
    const tables = { "project.ds.wide": columns, "project.ds.fresh": columns };
    for (const source of ["`project.ds.fresh`", "(select customer_key, score, band from `project.ds.fresh` where score > 0)"]) {
      expect((await analyzeBigQueryStatement(update("`project.ds.wide`", source), tables)).kind, source).toMatch(/update/i);
    }
  });
});

describe("merges.updateColumns", () => {
  /** c1 keeps its values, c2's score moved; c3 has no source row and c4 (a source row) no target row. */
  async function setUp(): Promise<void> {
    await harness.engine.execute("create or replace table wide (customer_key varchar, score double, band varchar, label varchar)");
    await harness.engine.execute("insert into wide values ('c1', 0.5, 'low', 'a'), ('c2', 0.5, 'low', 'a'), ('c3', 0.1, 'low', 'a')");
    await harness.engine.execute("create or replace table fresh (customer_key varchar, score double, band varchar, label varchar)");
    await harness.engine.execute("insert into fresh values ('c1', 0.5, 'low', 'b'), ('c2', null, 'high', 'b'), ('c4', 0.2, 'low', 'b')");
  }

  it("writes every target row with a source row, equal or not, and only the copied columns", async () => {
    await setUp();
    const result = await harness.engine.execute(updateColumns({ target: "wide", source: "fresh", key: "customer_key", columns: ["score", "band"] }));
    expect(Number(result.rowsAffected)).toBe(2);
    expect(await harness.engine.query("select customer_key, score, band, label from wide order by customer_key")).toEqual([
      { customer_key: "c1", score: 0.5, band: "low", label: "a" },
      { customer_key: "c2", score: null, band: "high", label: "a" },
      { customer_key: "c3", score: 0.1, band: "low", label: "a" },
    ]);
  });

  it("refuses an empty column list", () => {
    expect(() => updateColumns({ target: "wide", source: "fresh", key: "customer_key", columns: [] })).toThrow(/at least one column/);
  });
});
