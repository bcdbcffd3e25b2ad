/**
 * The SQL `c360 diff` plans: its shape per dialect, and the BigQuery form resolved by the
 * ZetaSQL analyzer (as `c360 check` verifies the build's SQL) over two tables in two
 * projects, with the column types that are hard to compare (float, array, struct).
 */
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBigQueryStatement, closeSharedBigQueryAnalyzer } from "../../src/check/index.js";
import { columnSampleSql, differsCondition, exceptAllSql, isFloatType, type KeyedComparison, keyedSummarySql, rowCountSql } from "../../src/diff/sql.js";

const COLUMNS = [
  { name: "id", type: "INT64" },
  { name: "name", type: "STRING" },
  { name: "score", type: "FLOAT64" },
  { name: "tags", type: "ARRAY<STRING>" },
  { name: "info", type: "STRUCT<level INT64, notes ARRAY<STRING>>" },
];
const COMPARISON: KeyedComparison = { key: [COLUMNS[0]], columns: COLUMNS.slice(1) };
const TABLES = Object.fromEntries(["main-project.shop.accounts", "dev-project.shop_dev.accounts"].map((name) => [name, Object.fromEntries(COLUMNS.map((column) => [column.name, column.type]))]));
const A = "`main-project.shop.accounts`";
const B = "`dev-project.shop_dev.accounts`";

afterAll(async () => {
  await closeSharedBigQueryAnalyzer();
});

describe("diff SQL for DuckDB", () => {
  it("takes rows only in one side with EXCEPT ALL over the compared columns, with the total beside a sorted sample", () => {
    expect(exceptAllSql("duckdb", '"a"."s"."t"', '"b"."s"."t"', COLUMNS.slice(0, 2), 5)).toBe(
      [
        "with",
        "  only_rows as (",
        '    select "id", "name" from "a"."s"."t"',
        "    except all",
        '    select "id", "name" from "b"."s"."t"',
        "  )",
        "select *, count(*) over () as c360_diff_total",
        "from only_rows",
        "order by all",
        "limit 5",
      ].join("\n"),
    );
    // A sample of 0 still reads one row, to learn the total.
    expect(exceptAllSql("duckdb", "x", "y", COLUMNS.slice(0, 1), 0)).toMatch(/limit 1$/);
  });

  it("compares values with IS DISTINCT FROM (NULL equals NULL; lists and structs too), floats within a tolerance when asked", () => {
    expect(differsCondition("duckdb", COLUMNS[3], 2)).toBe("not (a_2 is not distinct from b_2)");
    expect(differsCondition("duckdb", { name: "score", type: "DOUBLE" }, 0)).toBe("not (a_0 is not distinct from b_0)");
    expect(differsCondition("duckdb", { name: "score", type: "DOUBLE" }, 0, 0.01)).toBe(
      "case when a_0 is not distinct from b_0 then false when a_0 is null or b_0 is null then true else not (abs(a_0 - b_0) <= 0.01) end",
    );
    // The tolerance is for floating-point columns only: decimals and text stay exact.
    expect(differsCondition("duckdb", { name: "amount", type: "DECIMAL(18,2)" }, 0, 0.01)).toBe("not (a_0 is not distinct from b_0)");
    expect(["DOUBLE", "FLOAT", "REAL", "FLOAT64", "float8"].every(isFloatType)).toBe(true);
    expect(["DECIMAL(9,2)", "NUMERIC", "INTEGER", "DOUBLE[]"].some(isFloatType)).toBe(false);
  });

  it("joins on every key column (full outer) and counts matched keys, keys on one side only and differing values per column", () => {
    const sql = keyedSummarySql("duckdb", "A", "B", { key: [COLUMNS[0], COLUMNS[1]], columns: [COLUMNS[2]] });
    expect(sql).toContain('full outer join b_rows on a_rows."id" is not distinct from b_rows."id" and a_rows."name" is not distinct from b_rows."name"');
    expect(sql).toContain('coalesce(a_rows."id", b_rows."id") as key_0');
    expect(sql).toContain("coalesce(sum(case when c360_in_b is null then 1 else 0 end), 0) as keys_only_in_a");
    expect(sql).toContain("coalesce(sum(case when c360_in_a and c360_in_b and not (a_0 is not distinct from b_0) then 1 else 0 end), 0) as differs_0");
    expect(columnSampleSql("duckdb", "A", "B", COMPARISON, 1, 3)).toMatch(/select key_0, a_1, b_1\nfrom joined\nwhere c360_in_a and c360_in_b and not \(a_1 is not distinct from b_1\)\norder by key_0\nlimit 3$/);
  });
});

describe("diff SQL for BigQuery, resolved by the ZetaSQL analyzer", () => {
  const analyze = (sql: string) => analyzeBigQueryStatement(sql, TABLES, "main-project");

  it("counts both sides in one query", async () => {
    expect(await analyze(rowCountSql(A, B))).toEqual({ kind: "QueryStmt", columns: { rows_a: "INT64", rows_b: "INT64" } });
  });

  it("emulates EXCEPT ALL (BigQuery has only EXCEPT DISTINCT) by fingerprinting rows, arrays and structs included", async () => {
    const sql = exceptAllSql("bigquery", A, B, COLUMNS, 5);
    expect(sql).not.toMatch(/except/i);
    expect(sql).toContain("to_json_string(side_row)");
    expect(sql).toContain("cross join unnest(generate_array(1, only_rows.surplus))");
    expect(await analyze(sql)).toEqual({
      kind: "QueryStmt",
      columns: { ...TABLES["main-project.shop.accounts"], c360_diff_total: "INT64" },
    });
  });

  it("compares values by their JSON text (arrays and structs are not comparable with = in BigQuery), floats within a tolerance", async () => {
    expect(differsCondition("bigquery", COLUMNS[3], 2)).toBe("not (to_json_string(a_2) = to_json_string(b_2))");
    // FULL OUTER JOIN on BigQuery needs a field equality: the key joins as one JSON text, NULL matching NULL.
    const summary = keyedSummarySql("bigquery", A, B, { key: [COLUMNS[0], COLUMNS[1]], columns: [COLUMNS[2]] });
    expect(summary).toContain("a_rows as (select true as c360_in_a, to_json_string(struct(`id`, `name`)) as c360_key, `id`, `name`, `score` from");
    expect(summary).toContain("full outer join b_rows on a_rows.c360_key = b_rows.c360_key");
    const tolerant = { ...COMPARISON, tolerance: 0.001 };
    expect(await analyze(keyedSummarySql("bigquery", A, B, tolerant))).toEqual({
      kind: "QueryStmt",
      columns: { matched_keys: "INT64", keys_only_in_a: "INT64", keys_only_in_b: "INT64", differs_0: "INT64", differs_1: "INT64", differs_2: "INT64", differs_3: "INT64" },
    });
    expect((await analyze(columnSampleSql("bigquery", A, B, tolerant, 1, 5))).columns).toEqual({ key_0: "INT64", a_1: "FLOAT64", b_1: "FLOAT64" });
    expect((await analyze(columnSampleSql("bigquery", A, B, COMPARISON, 3, 5))).columns).toEqual({
      key_0: "INT64",
      a_3: "STRUCT<level INT64, notes ARRAY<STRING>>",
      b_3: "STRUCT<level INT64, notes ARRAY<STRING>>",
    });
  });
});
