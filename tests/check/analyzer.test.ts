import { afterAll, describe, expect, it } from "vitest";
import {
  analyzeBigQueryExpression,
  analyzeBigQueryStatement,
  BigQueryAnalysisError,
  BigQueryCatalog,
  BigQueryScriptNotAnalyzed,
  closeSharedBigQueryAnalyzer,
  sharedBigQueryAnalyzer,
} from "../../src/check/index.js";

afterAll(async () => {
  const analyzer = await sharedBigQueryAnalyzer();
  await closeSharedBigQueryAnalyzer();
  expect(analyzer.running).toBe(false);
});

const ORDERS = { "shop-project.raw_shop.orders": { order_id: "STRING", total: "STRING", _record_number: "INT64" } };

describe("analyzeBigQueryExpression (for the dialect macro tests)", () => {
  it("returns the BigQuery type of an expression over typed columns", async () => {
    expect(await analyzeBigQueryExpression("safe.parse_date('%Y-%m-%d', birth_date)", { birth_date: "STRING" })).toBe("DATE");
    expect(await analyzeBigQueryExpression("round(safe_cast(total as numeric), 2)", { total: "STRING" })).toBe("NUMERIC");
    expect(await analyzeBigQueryExpression("to_hex(sha256(lower(trim(email))))", { email: "STRING" })).toBe("STRING");
    expect(await analyzeBigQueryExpression("date_diff(date '2024-06-30', d, day)", { d: "DATE" })).toBe("INT64");
    expect(await analyzeBigQueryExpression("array_agg(struct(k, v))", { k: "STRING", v: "INT64" })).toBe("ARRAY<STRUCT<k STRING, v INT64>>");
    expect(await analyzeBigQueryExpression("cast(x as bigint)", { x: "STRING" })).toBe("INT64");
    expect(await analyzeBigQueryExpression("cast(x as decimal(38, 9))", { x: "STRING" })).toBe("NUMERIC");
    expect(await analyzeBigQueryExpression("max_by(k, v)", { k: "STRING", v: "INT64" })).toBe("STRING");
  });

  it("rejects DuckDB spellings and functions BigQuery does not have", async () => {
    const rejected = async (sql: string, columns = {}) => {
      const error = await analyzeBigQueryExpression(sql, columns).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, sql).toBeInstanceOf(BigQueryAnalysisError);
      return (error as BigQueryAnalysisError).analyzerMessage;
    };
    expect(await rejected("strftime(d, '%Y')", { d: "DATE" })).toBe("Function not found: strftime");
    expect(await rejected("list_value(1, 2)")).toMatch(/^Function not found: list_value/);
    expect(await rejected("regexp_matches(s, 'a')", { s: "STRING" })).toBe("Function not found: regexp_matches");
    expect(await rejected("date_diff('day', d, d)", { d: "DATE" })).toBe("A valid date part name is required but found d");
    expect(await rejected("cast(s as varchar)", { s: "STRING" })).toBe("Type not found: varchar");
    expect(await rejected("cast(s as double)", { s: "STRING" })).toBe("Type not found: double");
    expect(await rejected("s::int64", { s: "STRING" })).toMatch(/^Syntax error/);
    expect(await rejected("array_filter([1, 2], x -> x > 1)")).toBe("Lambda is not supported");
    expect(await rejected("s + 1", { s: "STRING" })).toMatch(/^No matching signature for operator \+ for argument types: STRING, INT64/);
  });

  it("gives the position of the problem", async () => {
    const error = await analyzeBigQueryExpression("coalesce(a,\n  nope)", { a: "STRING" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ analyzerMessage: "Unrecognized name: nope", line: 2, column: 3, sourceLine: "  nope)" });
  });
});

describe("analyzeBigQueryStatement", () => {
  it("resolves a query against tables named the three ways BigQuery SQL names them", async () => {
    const expected = { kind: "QueryStmt", columns: { order_id: "STRING", amount: "NUMERIC" } };
    const select = "select order_id, safe_cast(total as numeric) as amount from";
    expect(await analyzeBigQueryStatement(`${select} \`shop-project.raw_shop.orders\``, ORDERS, "shop-project")).toEqual(expected);
    expect(await analyzeBigQueryStatement(`${select} \`shop-project\`.raw_shop.orders`, ORDERS, "shop-project")).toEqual(expected);
    expect(await analyzeBigQueryStatement(`${select} raw_shop.orders`, ORDERS, "shop-project")).toEqual(expected);
  });

  it("resolves DDL and DML with partitioning, clustering and MERGE", async () => {
    const created = await analyzeBigQueryStatement(
      "create or replace table `shop-project.mart.orders` partition by date(ordered_at) cluster by order_id as select order_id, timestamp '2024-01-01' as ordered_at from raw_shop.orders",
      ORDERS,
      "shop-project",
    );
    expect(created).toEqual({ kind: "CreateTableAsSelectStmt", columns: { order_id: "STRING", ordered_at: "TIMESTAMP" } });
    const merged = await analyzeBigQueryStatement(
      "merge `shop-project.raw_shop.orders` as target using (select 'O1' as order_id, '1' as total, 1 as _record_number) as source on target.order_id = source.order_id when matched then update set total = source.total when not matched then insert (order_id, total, _record_number) values (source.order_id, source.total, source._record_number)",
      ORDERS,
      "shop-project",
    );
    expect(merged.kind).toBe("MergeStmt");
  });

  it("reports an unknown table", async () => {
    await expect(analyzeBigQueryStatement("select 1 from `p.d.missing`")).rejects.toThrow("Table not found: `p.d.missing`");
  });
});

describe("BigQueryAnalyzer.analyzeStatements", () => {
  it("analyzes semicolon-separated statements in order; a created table is visible to the next", async () => {
    const analyzer = await sharedBigQueryAnalyzer();
    const catalog = new BigQueryCatalog("p");
    const summaries = await analyzer.analyzeStatements(
      "create schema if not exists `p.scratch`;\ncreate or replace table `p.scratch.days` as select day from unnest(generate_date_array('2024-01-01', '2024-01-31')) as day;\nselect count(*) as days from scratch.days; -- trailing comment\n",
      catalog,
    );
    expect(summaries.map((summary) => summary.kind)).toEqual(["CreateSchemaStmt", "CreateTableAsSelectStmt", "QueryStmt"]);
    expect(catalog.has({ database: "p", schema: "scratch", name: "days" })).toBe(true);
  });

  it("tells scripting apart from syntax errors", async () => {
    const analyzer = await sharedBigQueryAnalyzer();
    const catalog = new BigQueryCatalog("p");
    await expect(analyzer.analyzeStatements("declare n int64 default 3;\nselect n;", catalog)).rejects.toBeInstanceOf(BigQueryScriptNotAnalyzed);
    await expect(analyzer.analyzeStatements("select 1;\nselect from where;", catalog)).rejects.toMatchObject({ line: 2, analyzerMessage: expect.stringMatching(/^Syntax error/) });
    // The resolver reports this as a "Syntax error" on SQL that parses: a real error, not scripting.
    await expect(analyzer.analyzeStatements("select 1;\nselect 1 union all select 2 union distinct select 3;", catalog)).rejects.toMatchObject({
      analyzerMessage: "Syntax error: Different set operations cannot be used in the same query without using parentheses for grouping",
    });
  });
});
