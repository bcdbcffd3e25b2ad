/**
 * includes/ts/recompute.ts: the rows an incremental build reads of a large table (those of the
 * affected keys, or all of them when it recomputes everything), and the keys it deletes after
 * its merge, run on DuckDB over hand-worked tables and compared with the plain
 * `recompute_all or key in (affected)` filter they replace; both rendered as BigQuery SQL the
 * analyzer accepts.
 */
import { describe, expect, it } from "vitest";
import type { Dialect } from "../../includes/ts/dialect.js";
import { recomputedRowDeletes, recomputedRows, removedKeys } from "../../includes/ts/recompute.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

/**
 * The source holds o1–o6 and a null id (o4 after as_of_date); o1, o3 and o4 were affected (o3
 * no longer in the source). The table built from it holds o1–o5.
 */
async function setUp(recomputeAll: boolean, affected = ["o1", "o3", "o4"]): Promise<void> {
  await harness.engine.execute("create or replace table source (order_id varchar, amount integer, is_after_as_of boolean)");
  await harness.engine.execute("insert into source values ('o1', 1, false), ('o2', 2, false), ('o4', 4, true), ('o5', 5, false), ('o6', 6, false), (null, 7, false)");
  await harness.engine.execute("create or replace table merged (order_id varchar)");
  await harness.engine.execute("insert into merged values ('o1'), ('o2'), ('o3'), ('o4'), ('o5')");
  await harness.engine.execute("create or replace table affected (order_id varchar)");
  if (affected.length > 0) await harness.engine.execute(`insert into affected values ${affected.map((id) => `('${id}')`).join(", ")}`);
  await harness.engine.execute(`create or replace table scope as select ${recomputeAll} as recompute_all`);
}

/** Rendered for DuckDB (two selects) unless told; the BigQuery form (one filter) runs on DuckDB too. */
const rows = (where?: string, dialect: Dialect = "duckdb") =>
  recomputedRows(
    {
      columns: "order_id, amount",
      from: "source",
      where,
      key: "order_id",
      affected: "select order_id from affected",
      recomputeAll: "select recompute_all from scope",
    },
    dialect,
  );

const ids = async (sql: string, column = "order_id") => (await harness.engine.query(`select ${column} from (${sql}) as picked order by ${column} nulls last`)).map((row) => row[column]);

describe("recompute.recomputedRows", () => {
  it("reads the rows of the affected keys that meet the condition, once each", async () => {
    await setUp(false);
    expect(await ids(rows("not is_after_as_of"))).toEqual(["o1"]);
    expect(await harness.engine.query(`select order_id, amount from (${rows()}) as picked order by order_id`)).toEqual([
      { order_id: "o1", amount: 1 },
      { order_id: "o4", amount: 4 },
    ]);
  });

  it("reads every row that meets the condition when every row is recomputed, and no row twice even if keys are listed as affected", async () => {
    await setUp(true, []);
    expect(await ids(rows("not is_after_as_of"))).toEqual(["o1", "o2", "o5", "o6", null]);
    await setUp(true, ["o1", "o2"]);
    expect(await ids(rows())).toEqual(["o1", "o2", "o4", "o5", "o6", null]);
  });

  it("reads what `(recompute_all) or key in (affected)` reads, the one filter BigQuery keeps", async () => {
    expect(rows("not is_after_as_of", "duckdb")).toMatch(/union all/);
    expect(rows("not is_after_as_of", "bigquery")).not.toMatch(/union all/);
    for (const recomputeAll of [false, true]) {
      await setUp(recomputeAll, recomputeAll ? [] : ["o1", "o3", "o4"]);
      const plain = await ids("select order_id, amount from source where not is_after_as_of and ((select recompute_all from scope) or order_id in (select order_id from affected))");
      expect(await ids(rows("not is_after_as_of")), `recompute_all = ${recomputeAll}`).toEqual(plain);
      expect(await ids(rows("not is_after_as_of", "bigquery")), `recompute_all = ${recomputeAll}`).toEqual(plain);
    }
  });
});

const removed = (tableCondition?: string, dialect: Dialect = "duckdb") =>
  removedKeys(
    {
      key: "order_id",
      affected: "select order_id from affected",
      table: "merged",
      recomputeAll: "select recompute_all from scope",
      tableCondition,
      source: "source",
      sourceKey: "order_id",
      sourceCondition: "not is_after_as_of",
    },
    dialect,
  );

describe("recompute.removedKeys", () => {
  it("names the affected keys the source no longer keeps (gone or after as_of_date), not the others", async () => {
    await setUp(false);
    expect(await ids(removed())).toEqual(["o3", "o4"]);
    expect(await ids(removed(undefined, "bigquery"))).toEqual(["o3", "o4"]);
  });

  it("names every key of the table the source no longer keeps when every row is recomputed, within tableCondition", async () => {
    await setUp(true, []);
    expect(await ids(removed())).toEqual(["o3", "o4"]);
    expect(await ids(removed("order_id <> 'o4'"))).toEqual(["o3"]);
  });

  it("deletes exactly what `recomputed and not in the kept source` deleted", async () => {
    for (const recomputeAll of [false, true]) {
      await setUp(recomputeAll, recomputeAll ? [] : ["o1", "o3", "o4"]);
      await harness.engine.execute(`delete from merged where order_id in (${removed()})`);
      const kept = await ids("select order_id from merged");
      await setUp(recomputeAll, recomputeAll ? [] : ["o1", "o3", "o4"]);
      await harness.engine.execute(
        "delete from merged where ((select recompute_all from scope) or order_id in (select order_id from affected)) and order_id not in (select order_id from source where not is_after_as_of and order_id is not null)",
      );
      expect(kept, `recompute_all = ${recomputeAll}`).toEqual(await ids("select order_id from merged"));
    }
  });
});

/**
 * As setUp, with each source row's part: o2, o5 and o6 come from a new part; o1 (affected) and o4
 * from old ones. Candidates are the new part's rows: o1 is affected but no candidate (read by its
 * key), o2 is a candidate but not affected (not read).
 */
async function setUpParts(recomputeAll: boolean, affected?: string[]): Promise<void> {
  await setUp(recomputeAll, affected);
  await harness.engine.execute("alter table source add column part varchar");
  await harness.engine.execute("update source set part = case when order_id in ('o2', 'o5', 'o6') then 'new' else 'old' end");
}

const NEW_PART = "part = 'new'";

describe("recompute: candidates (DuckDB)", () => {
  const candidateRows = (where?: string) =>
    recomputedRows({ columns: "order_id, amount", from: "source", where, key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope", candidates: NEW_PART }, "duckdb");

  it("reads the affected candidates and the affected keys no candidate holds, and nothing else", async () => {
    await setUpParts(false, ["o1", "o3", "o5"]);
    expect(await ids(candidateRows())).toEqual(["o1", "o5"]);
    expect(await ids(candidateRows("order_id <> 'o5'"))).toEqual(["o1"]);
    // Every affected key among the candidates: the key lookup reads nothing.
    await setUpParts(false, ["o5", "o6"]);
    expect(await ids(candidateRows())).toEqual(["o5", "o6"]);
  });

  it("reads what the rows without candidates read, in every scope", async () => {
    for (const [recomputeAll, affected] of [[false, ["o1", "o3", "o4"]], [false, ["o2", "o4", "o6"]], [false, []], [true, []]] as const) {
      await setUpParts(recomputeAll, [...affected]);
      expect(await ids(candidateRows("not is_after_as_of")), `${recomputeAll} ${affected.join()}`).toEqual(await ids(rows("not is_after_as_of")));
      expect(await ids(candidateRows()), `${recomputeAll} ${affected.join()}`).toEqual(await ids(rows()));
    }
  });

  it("names the same removed keys with source candidates", async () => {
    for (const [recomputeAll, affected] of [[false, ["o1", "o3", "o4"]], [false, ["o2", "o3", "o6"]], [true, []]] as const) {
      await setUpParts(recomputeAll, [...affected]);
      const withCandidates = removedKeys(
        { key: "order_id", affected: "select order_id from affected", table: "merged", recomputeAll: "select recompute_all from scope", source: "source", sourceKey: "order_id", sourceCondition: "not is_after_as_of", sourceCandidates: NEW_PART },
        "duckdb",
      );
      expect(await ids(withCandidates), `${recomputeAll} ${affected.join()}`).toEqual(await ids(removed()));
    }
  });

  it("is ignored on BigQuery, which keeps its one filter", () => {
    const options = { columns: "order_id", from: "source", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope" };
    expect(recomputedRows({ ...options, candidates: NEW_PART }, "bigquery")).toEqual(recomputedRows(options, "bigquery"));
  });
});

describe("recompute: nearbyKeys (DuckDB)", () => {
  /** source gains a second row of o1 (a key need not be unique); the nearby keys are those of the new part, and a null. */
  const setUpNearby = async (recomputeAll: boolean, affected: string[]) => {
    await setUpParts(recomputeAll, affected);
    await harness.engine.execute("insert into source values ('o1', 11, false, 'new')");
    await harness.engine.execute("create or replace table nearby as select order_id from source where part = 'new' union all select null");
  };
  const nearbyRows = (where?: string) =>
    recomputedRows({ columns: "order_id, amount", from: "source", where, key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope", nearbyKeys: "select order_id from nearby" }, "duckdb");

  it("reads every row of each affected key, among the nearby keys or not, and nothing else", async () => {
    await setUpNearby(false, ["o1", "o3", "o5"]);
    expect(await harness.engine.query(`select order_id, amount from (${nearbyRows()}) as picked order by order_id, amount`)).toEqual([
      { order_id: "o1", amount: 1 },
      { order_id: "o1", amount: 11 },
      { order_id: "o5", amount: 5 },
    ]);
  });

  it("reads what the rows without nearby keys read, in every scope", async () => {
    for (const [recomputeAll, affected] of [[false, ["o1", "o3", "o4"]], [false, ["o2", "o4", "o6"]], [false, ["o1"]], [false, []], [true, []]] as const) {
      await setUpNearby(recomputeAll, [...affected]);
      expect(await ids(nearbyRows("not is_after_as_of")), `${recomputeAll} ${affected.join()}`).toEqual(await ids(rows("not is_after_as_of")));
      expect(await ids(nearbyRows()), `${recomputeAll} ${affected.join()}`).toEqual(await ids(rows()));
    }
  });

  it("is ignored on BigQuery, which keeps its one filter", () => {
    const options = { columns: "order_id", from: "source", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope" };
    expect(recomputedRows({ ...options, nearbyKeys: "select order_id from nearby" }, "bigquery")).toEqual(recomputedRows(options, "bigquery"));
  });
});

describe("recompute.recomputedRowDeletes (DuckDB)", () => {
  /** merged holds o1–o5 with their source amount (o3's 3 no longer in the source); o1 is stale (10). */
  const built = async (recomputeAll: boolean, affected: string[]) => {
    await setUpParts(recomputeAll, affected);
    await harness.engine.execute("create or replace table merged as select * from (values ('o1', 10), ('o2', 2), ('o3', 3), ('o4', 4), ('o5', 5)) as built(order_id, amount)");
  };
  const table = async () => harness.engine.query("select order_id, amount from merged order by order_id nulls last");
  const increment = () =>
    recomputedRows({ columns: "order_id, amount", from: "source", where: "not is_after_as_of", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope", candidates: NEW_PART }, "duckdb");

  it("deletes every row of the recomputed keys, so that inserting the increment leaves what a merge and the delete of the removed keys left", async () => {
    for (const [recomputeAll, affected] of [[false, ["o1", "o3", "o4"]], [false, ["o2", "o3", "o6"]], [false, []], [true, []]] as const) {
      await built(recomputeAll, [...affected]);
      const keys = removedKeys({ key: "order_id", affected: "select order_id from affected", table: "merged", recomputeAll: "select recompute_all from scope", source: "source", sourceKey: "order_id", sourceCondition: "not is_after_as_of", sourceCandidates: NEW_PART }, "duckdb");
      await harness.engine.execute(`merge into merged using (${increment()}) as increment on merged.order_id = increment.order_id when matched then update set amount = increment.amount when not matched then insert (order_id, amount) values (increment.order_id, increment.amount)`);
      await harness.engine.execute(`delete from merged where order_id in (${keys})`);
      const expected = await table();
      await built(recomputeAll, [...affected]);
      for (const statement of recomputedRowDeletes({ table: "merged", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope" })) await harness.engine.execute(statement);
      await harness.engine.execute(`insert into merged select order_id, amount from (${increment()}) as increment`);
      expect(await table(), `${recomputeAll} ${affected.join()}`).toEqual(expected);
    }
    // Worked by hand: o1 rewritten with its source amount, o3 (gone) and o4 (after as_of_date) deleted.
    await built(false, ["o1", "o3", "o4"]);
    for (const statement of recomputedRowDeletes({ table: "merged", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope" })) await harness.engine.execute(statement);
    await harness.engine.execute(`insert into merged select order_id, amount from (${increment()}) as increment`);
    expect(await table()).toEqual([
      { order_id: "o1", amount: 1 },
      { order_id: "o2", amount: 2 },
      { order_id: "o5", amount: 5 },
    ]);
  });

  it("limits the delete to tableCondition (one source of a table)", async () => {
    await built(true, []);
    for (const statement of recomputedRowDeletes({ table: "merged", key: "order_id", affected: "select order_id from affected", recomputeAll: "select recompute_all from scope", tableCondition: "order_id <> 'o2'" })) await harness.engine.execute(statement);
    expect(await table()).toEqual([{ order_id: "o2", amount: 2 }]);
  });
});

describe("recompute: BigQuery", () => {
  const tables = {
    "project.ds.merged": { order_id: "STRING" },
    "project.ds.affected": { order_id: "STRING" },
    "project.ds.scope": { recompute_all: "BOOL" },
    "project.ds.source": { order_id: "STRING", amount: "INT64", is_after_as_of: "BOOL" },
  };
  const names = { affected: "select order_id from `project.ds.affected`", recomputeAll: "select recompute_all from `project.ds.scope`" };

  it("renders a query and a DELETE that the analyzer accepts", async () => {
    const query = recomputedRows({ columns: "order_id, amount", from: "`project.ds.source`", where: "not is_after_as_of", key: "order_id", ...names }, "bigquery");
    expect((await analyzeBigQueryStatement(query, tables)).kind).toMatch(/query/i);
    const keys = removedKeys({ key: "order_id", table: "`project.ds.merged`", source: "`project.ds.source`", sourceKey: "order_id", sourceCondition: "not is_after_as_of", ...names }, "bigquery");
    expect((await analyzeBigQueryStatement(`delete from \`project.ds.merged\` where order_id in (${keys})`, tables)).kind).toMatch(/delete/i);
  });
});
