/**
 * includes/ts/dialect.ts: each helper executed on DuckDB and its BigQuery rendering
 * analyzed by ZetaSQL; the dialect comes from the compile var unless given explicitly.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import * as dialect from "../../includes/ts/dialect.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const harness = MacroHarness.forTestFile();

const globals = globalThis as { dataform?: unknown };
afterEach(() => {
  delete globals.dataform;
});

describe("choosing the dialect", () => {
  it("reads the compile var at call time, BigQuery when unset, and honours an explicit argument", () => {
    expect(dialect.md5Hex("x")).toBe("to_hex(md5(x))");
    globals.dataform = { projectConfig: { vars: { dialect: "duckdb" } } };
    expect(dialect.md5Hex("x")).toBe("md5(x)");
    expect(dialect.md5Hex("x", "bigquery")).toBe("to_hex(md5(x))");
    globals.dataform = { projectConfig: { vars: { dialect: "postgres" } } };
    expect(() => dialect.md5Hex("x")).toThrow(/dialect must be one of duckdb, bigquery/);
  });
});

describe("literals and types", () => {
  it("quotes strings for each dialect", async () => {
    expect(dialect.stringLiteral("it's", "duckdb")).toBe("'it''s'");
    expect(dialect.stringLiteral("it's \\", "bigquery")).toBe("'it\\'s \\\\'");
    expect(await harness.evaluate(() => dialect.stringLiteral("it's", "duckdb"), [[null]])).toEqual(["it's"]);
    expect(await bigQueryType(() => dialect.stringLiteral("it's \\ x", "bigquery"), [])).toBe("STRING");
  });

  it("names and casts types", async () => {
    expect(await harness.evaluate((c) => `typeof(${dialect.cast(c, "decimal", "duckdb")})`, [["1.5"]])).toEqual(["DECIMAL(38,9)"]);
    expect(await harness.evaluate((c) => dialect.safeCastInt64(c, "duckdb"), [["12"], ["x"]])).toEqual([12, null]);
    expect(
      await harness.evaluate((c) => dialect.safeCastDecimal(c, "duckdb"), [["1.25"], ["x"], ["1.0000000005"], ["-1.0000000015"], ["1234567890123.5"], ["999999999.9999999999"]]),
    ).toEqual(["1.250000000", null, "1.000000001", "-1.000000002", "1234567890123.500000000", "1000000000.000000000"]);
    expect(await harness.evaluate((c) => `typeof(${dialect.safeCastDecimal(c, "duckdb")})`, [["1.5"]])).toEqual(["DECIMAL(38,9)"]);
    const kinds: [dialect.TypeKind, string][] = [
      ["string", "STRING"],
      ["int64", "INT64"],
      ["float64", "FLOAT64"],
      ["bool", "BOOL"],
      ["date", "DATE"],
      ["timestamp", "TIMESTAMP"],
      ["decimal", "NUMERIC"],
    ];
    for (const [kind, bigQuery] of kinds) {
      expect(await bigQueryType(() => dialect.typedNull(kind, "bigquery"), [])).toBe(bigQuery);
      expect(await harness.evaluate(() => `${dialect.typedNull(kind, "duckdb")} is null`, [[null]])).toEqual([true]);
    }
    expect(await bigQueryType((c) => dialect.safeCastDecimal(c, "bigquery"), ["STRING"])).toBe("NUMERIC");
  });

  it("creates a missing table with each dialect's column types, and leaves an existing one alone", async () => {
    const columns: Record<string, dialect.TypeKind> = { name: "string", saved_on: "date", amount: "decimal" };
    expect(dialect.createTableIfAbsent("s.state", columns, "bigquery")).toBe("create table if not exists s.state (\n  name string,\n  saved_on date,\n  amount numeric\n)");
    const statement = dialect.createTableIfAbsent("state", columns, "duckdb");
    expect(statement).toBe("create table if not exists state (\n  name varchar,\n  saved_on date,\n  amount decimal(38, 9)\n)");
    const engine = await openMemoryEngine();
    try {
      await engine.execute(statement);
      await engine.execute("insert into state values ('kept', date '2024-06-30', 1.5)");
      await engine.execute(statement);
      expect(await engine.describeTable({ schema: "main", name: "state" })).toEqual([
        { name: "name", type: "VARCHAR" },
        { name: "saved_on", type: "DATE" },
        { name: "amount", type: "DECIMAL(38,9)" },
      ]);
      expect(await engine.query("select name from state")).toEqual([{ name: "kept" }]);
    } finally {
      await engine.close();
    }
  });
});

describe("regular expressions", () => {
  it("contains, replace-all and extract (null when no match on both engines)", async () => {
    expect(await harness.evaluate((c) => dialect.regexpContains(c, "^[0-9]+$", "duckdb"), [["123"], ["12a"], [null]])).toEqual([true, false, null]);
    expect(await harness.evaluate((c) => dialect.regexpReplace(c, "[^0-9]", "", "duckdb"), [["(415) 555"], [null]])).toEqual(["415555", null]);
    expect(await harness.evaluate((c) => dialect.regexpReplace(c, "([a-z])([0-9])", String.raw`\2\1`, "duckdb"), [["a1b2"]])).toEqual(["1a2b"]);
    expect(await harness.evaluate((c) => dialect.regexpExtract(c, "x([0-9]+)", "duckdb"), [["ax12b"], ["none"], [null]])).toEqual(["12", null, null]);
    expect(await bigQueryType((c) => dialect.regexpContains(c, String.raw`^\d+$`, "bigquery"), ["STRING"])).toBe("BOOL");
    expect(await bigQueryType((c) => dialect.regexpReplace(c, "([a-z])([0-9])", String.raw`\2\1`, "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => dialect.regexpExtract(c, "x([0-9]+)", "bigquery"), ["STRING"])).toBe("STRING");
    expect(() => dialect.regexpContains("c", "it's", "duckdb")).toThrow(/single quote/);
  });
});

describe("dates and timestamps", () => {
  it("parses safely and does date arithmetic", async () => {
    expect(await harness.evaluate((c) => dialect.safeParseTimestamp(c, "%Y-%m-%dT%H:%M:%S", "duckdb"), [["2024-03-05T14:22:10"], ["2024-02-30T00:00:00"]])).toEqual([
      "2024-03-05 14:22:10",
      null,
    ]);
    expect(await harness.evaluate((c) => dialect.safeParseDate(c, "%d/%m/%Y", "duckdb"), [["17/05/1990"], ["31/02/1990"]])).toEqual(["1990-05-17", null]);
    expect(await harness.evaluate((c) => dialect.addDays(c, "1", "duckdb"), [["2024-02-28"], ["2024-12-31"]], ["date"])).toEqual(["2024-02-29", "2025-01-01"]);
    expect(await harness.evaluate((a, b) => dialect.dateDiffDays(a, b, "duckdb"), [["2024-06-30", "2024-06-01"]], ["date", "date"])).toEqual([29]);
    expect(
      await harness.evaluate(
        (a, b) => dialect.timestampDiffSeconds(a, b, "duckdb"),
        [
          ["2024-06-30 00:30:00.9", "2024-06-30 00:00:00"],
          ["2024-06-30 00:00:00", "2024-06-30 00:00:01.5"],
        ],
        ["timestamp", "timestamp"],
      ),
    ).toEqual([1800, -1]);
    expect(await harness.evaluate((c) => dialect.addMinutes(dialect.addMicroseconds(c, "1500", "duckdb"), "-90", "duckdb"), [["2024-01-01 00:00:00"]], ["timestamp"])).toEqual([
      "2023-12-31 22:30:00.0015",
    ]);
    expect(await harness.evaluate((c) => dialect.dateOf(c, "duckdb"), [["2024-06-30 23:59:59"]], ["timestamp"])).toEqual(["2024-06-30"]);
    expect(await harness.evaluate((c) => dialect.timestampOfDate(c, "duckdb"), [["2024-06-30"]], ["date"])).toEqual(["2024-06-30 00:00:00"]);
    expect(await harness.evaluate(() => dialect.timestampLiteral("2024-07-01 00:00:00", "duckdb"), [[null]])).toEqual(["2024-07-01 00:00:00"]);
  });

  it("renders BigQuery date and timestamp functions", async () => {
    expect(await bigQueryType((c) => dialect.safeParseTimestamp(c, "%Y-%m-%dT%H:%M:%S", "bigquery"), ["STRING"])).toBe("TIMESTAMP");
    expect(await bigQueryType((c) => dialect.safeParseDate(c, "%d/%m/%Y", "bigquery"), ["STRING"])).toBe("DATE");
    expect(await bigQueryType((c) => dialect.addDays(c, "1", "bigquery"), ["DATE"])).toBe("DATE");
    expect(await bigQueryType((a, b) => dialect.dateDiffDays(a, b, "bigquery"), ["DATE", "DATE"])).toBe("INT64");
    expect(await bigQueryType((a, b) => dialect.timestampDiffSeconds(a, b, "bigquery"), ["TIMESTAMP", "TIMESTAMP"])).toBe("INT64");
    expect(await bigQueryType((c) => dialect.addMinutes(dialect.addMicroseconds(c, "1500", "bigquery"), "-90", "bigquery"), ["TIMESTAMP"])).toBe("TIMESTAMP");
    expect(await bigQueryType((c) => dialect.dateOf(c, "bigquery"), ["TIMESTAMP"])).toBe("DATE");
    expect(await bigQueryType((c) => dialect.timestampOfDate(c, "bigquery"), ["DATE"])).toBe("TIMESTAMP");
    expect(await bigQueryType(() => dialect.timestampLiteral("2024-07-01 00:00:00", "bigquery"), [])).toBe("TIMESTAMP");
    expect(await bigQueryType(() => dialect.dateLiteral("2024-07-01"), [])).toBe("DATE");
    expect(() => dialect.dateLiteral("2024-7-1")).toThrow(/not a date literal/);
  });
});

describe("hashing", () => {
  it("gives lower-case hex MD5", async () => {
    const expected = createHash("md5").update("crm:C1").digest("hex");
    expect(await harness.evaluate((c) => dialect.md5Hex(c, "duckdb"), [["crm:C1"]])).toEqual([expected]);
    expect(await bigQueryType((c) => dialect.md5Hex(c, "bigquery"), ["STRING"])).toBe("STRING");
  });
});

describe("JSON", () => {
  const documents: (string | null)[] = [
    '{"id":7,"name":"x\\"y","price":19.99,"tags":["a"],"meta":{"k":1},"flag":true,"none":null}',
    '{"id":"42"}',
    "[1,2]",
    '"text"',
    "{not json",
    null,
  ];

  it("parses, types and reads values", async () => {
    const parsed = (c: string) => dialect.parseJson(c, "duckdb");
    expect(await harness.evaluate((c) => `${parsed(c)} is not null`, documents.map((d) => [d]))).toEqual([true, true, true, true, false, false]);
    expect(await harness.evaluate((c) => dialect.jsonType(parsed(c), "$", "duckdb"), documents.map((d) => [d]))).toEqual(["object", "object", "array", "string", null, null]);
    const first = [[documents[0]]];
    const typeAt = async (path: string) => (await harness.evaluate((c) => dialect.jsonType(parsed(c), path, "duckdb"), first))[0];
    expect(await Promise.all(["$.id", "$.name", "$.tags", "$.meta", "$.flag", "$.none", "$.absent", "$.meta.k"].map(typeAt))).toEqual([
      "number",
      "string",
      "array",
      "object",
      "boolean",
      "null",
      null,
      "number",
    ]);
    const textAt = async (path: string) => (await harness.evaluate((c) => dialect.jsonText(parsed(c), path, "duckdb"), first))[0];
    expect(await Promise.all(["$.id", "$.name", "$.price", "$.flag", "$.none", "$.tags", "$.meta", "$.absent", "$.meta.k"].map(textAt))).toEqual([
      "7",
      'x"y',
      "19.99",
      "true",
      null,
      null,
      null,
      null,
      "1",
    ]);
    expect(await harness.evaluate((c) => dialect.jsonFragment(parsed(c), "$.meta", "duckdb"), first)).toEqual(['{"k":1}']);
    // Spaces and number spellings of the line do not reach what is read from it.
    const spaced = [[' { "meta" : { "k" : 1.50, "n" : [ 2.0e3 ] } , "s" : " a\\u00e9 " } ']];
    expect(await harness.evaluate((c) => dialect.jsonFragment(parsed(c), "$.meta", "duckdb"), spaced)).toEqual(['{"k":1.5,"n":[2000.0]}']);
    expect(await harness.evaluate((c) => dialect.jsonText(parsed(c), "$.meta.k", "duckdb"), spaced)).toEqual(["1.5"]);
    expect(await harness.evaluate((c) => dialect.jsonText(parsed(c), "$.s", "duckdb"), spaced)).toEqual([" aé "]);
  });

  it("types and reads a whole value after JSON whitespace, and strings that look like other types", async () => {
    const parsed = (c: string) => dialect.parseJson(c, "duckdb");
    const values = [' \t\r\n{"a":1}', "\n[1]", " null", "  12", "true", ' "s" ', '"{not an object}"', '"[x"', '"null"', '"n"', "-0.5e1", "{ }"];
    expect(await harness.evaluate((c) => dialect.jsonType(parsed(c), "$", "duckdb"), values.map((v) => [v]))).toEqual([
      "object",
      "array",
      "null",
      "number",
      "boolean",
      "string",
      "string",
      "string",
      "string",
      "string",
      "number",
      "object",
    ]);
    expect(await harness.evaluate((c) => dialect.jsonText(parsed(c), "$", "duckdb"), values.map((v) => [v]))).toEqual([null, null, null, "12", "true", "s", "{not an object}", "[x", "null", "n", "-5.0", null]);
  });

  it("reads picked paths exactly like the paths of the whole value", async () => {
    const paths = ["$.id", "$.name", "$.price", "$.flag", "$.none", "$.tags", "$.meta", "$.absent", "$.meta.k"];
    const parsed = (c: string) => dialect.parseJson(c, "duckdb");
    const picked = (c: string) => dialect.jsonPick(parsed(c), paths, "duckdb");
    // Every document in one query per path and reader; each value labelled with its document.
    const cases = documents.map((document) => [document]);
    const labelled = (values: unknown[]) => values.map((value, index) => ({ document: documents[index], value }));
    for (const path of paths) {
      const direct = [dialect.jsonText, dialect.jsonType, dialect.jsonFragment].map((read) => (c: string) => read(parsed(c), path, "duckdb"));
      const viaPick = [dialect.jsonText, dialect.jsonType, dialect.jsonFragment].map((read) => (c: string) => read(dialect.jsonPicked(picked(c), paths, path, "duckdb"), "$", "duckdb"));
      for (let i = 0; i < direct.length; i++) {
        expect(labelled(await harness.evaluate(viaPick[i]!, cases)), path).toEqual(labelled(await harness.evaluate(direct[i]!, cases)));
      }
    }
    expect(() => dialect.jsonPicked("p", paths, "$.other", "duckdb")).toThrow(/not one of the picked paths/);
  });

  it("builds JSON object text", async () => {
    const render = (a: string, b: string) => dialect.jsonObjectText([["order_id", a], ["note", b]], "duckdb");
    expect(await harness.evaluate(render, [["O1", 'say "hi"'], ["O2", null]])).toEqual(['{"order_id":"O1","note":"say \\"hi\\""}', '{"order_id":"O2","note":null}']);
  });

  it("renders BigQuery JSON functions", async () => {
    const parsed = (c: string) => dialect.parseJson(c, "bigquery");
    expect(await bigQueryType((c) => parsed(c), ["STRING"])).toBe("JSON");
    expect(await bigQueryType((c) => dialect.jsonType(parsed(c), "$.id", "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => dialect.jsonText(parsed(c), "$.context.device.type", "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => dialect.jsonFragment(parsed(c), "$.properties", "bigquery"), ["STRING"])).toBe("STRING");
    const picked = (c: string) => dialect.jsonPicked(dialect.jsonPick(parsed(c), ["$.event", "$.context.device.type"], "bigquery"), ["$.event", "$.context.device.type"], "$.context.device.type", "bigquery");
    expect(await bigQueryType((c) => dialect.jsonText(picked(c), "$", "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((a, b) => dialect.jsonObjectText([["order_id", a], ["n", b]], "bigquery"), ["STRING", "INT64"])).toBe("STRING");
    expect(() => dialect.jsonText("j", "$['x']", "duckdb")).toThrow(/unsupported JSON path/);
  });
});

describe("arrays", () => {
  it("aggregates non-null values in order and counts them", async () => {
    const engineSql = (c: string) => `(select ${dialect.arrayLength(dialect.arrayAgg("v", "v", "duckdb"), "duckdb")} from (select unnest([${c}, 'b', null, 'a']) as v) as vs)`;
    expect(await harness.evaluate(engineSql, [["c"]])).toEqual([3]);
    const listed = (c: string) => `(select ${dialect.arrayAgg("v", "v", "duckdb")} from (select unnest([${c}, 'b', null, 'a']) as v) as vs)`;
    expect(await harness.evaluate(listed, [["c"]])).toEqual([["a", "b", "c"]]);
    const empty = `(select ${dialect.arrayAgg("v", "v", "duckdb")} from (select cast(null as varchar) as v) as vs)`;
    expect(await harness.evaluate(() => empty, [[null]])).toEqual([[]]);
    expect(await bigQueryType((c) => `(select ${dialect.arrayLength(dialect.arrayAgg("v", "v", "bigquery"), "bigquery")} from unnest([${c}, 'b']) as v)`, ["STRING"])).toBe(
      "INT64",
    );
  });
});

describe("first in order", () => {
  it("takes the first row's value by the ordering, null values included", async () => {
    const rows = "select * from (values ('a', 2, 'x'), ('b', 3, null), ('c', 3, 'y')) as rows_(id, rank_, v)";
    const first = (orderBy: string) => `(select ${dialect.firstInOrder("v", orderBy, "duckdb")} from (${rows}) as grouped)`;
    expect(await harness.evaluate(() => first("rank_ desc, id asc"), [[null]])).toEqual([null]);
    expect(await harness.evaluate(() => first("rank_ desc, id desc"), [[null]])).toEqual(["y"]);
    expect(await harness.evaluate(() => first("rank_ asc, id asc"), [[null]])).toEqual(["x"]);
    expect(
      await bigQueryType((c) => `(select ${dialect.firstInOrder("v", "rank_ desc, id desc", "bigquery")} from unnest([struct('a' as id, 2 as rank_, ${c} as v)]))`, ["STRING"]),
    ).toBe("STRING");
  });
});

describe("value at minimum", () => {
  it("takes the value of the row with the smallest order, null when that value is null", async () => {
    const rows = "select * from (values (3, 'late'), (1, 'early'), (2, null)) as rows_(order_, v)";
    const atMinimum = (from: string) => `(select ${dialect.valueAtMinimum("v", "order_", "duckdb")} from (${from}) as grouped)`;
    expect(await harness.evaluate(() => atMinimum(rows), [[null]])).toEqual(["early"]);
    expect(await harness.evaluate(() => atMinimum(`${rows} where order_ <> 1`), [[null]])).toEqual([null]);
    expect(await bigQueryType((c) => `(select ${dialect.valueAtMinimum("v", "order_", "bigquery")} from unnest([struct(1 as order_, ${c} as v)]))`, ["STRING"])).toBe("STRING");
  });
});

describe("query shape", () => {
  it("inlinedCte keeps a CTE read twice valid on both engines (not materialized on DuckDB, nothing on BigQuery)", async () => {
    expect(dialect.inlinedCte("duckdb")).toBe("not materialized");
    expect(dialect.inlinedCte("bigquery")).toBe("");
    const readTwice = (hint: string) => `(with doubled as ${hint} (select 2 as v) select sum(first.v * second.v) from doubled as first, doubled as second)`;
    expect(await harness.evaluate(() => readTwice(dialect.inlinedCte("duckdb")), [["x"]])).toEqual([4]);
    expect(await bigQueryType(() => readTwice(dialect.inlinedCte("bigquery")), ["STRING"])).toBe("INT64");
  });

  it("materializedCte keeps a CTE joined to other rows valid on both engines (materialized on DuckDB, nothing on BigQuery)", async () => {
    expect(dialect.materializedCte("duckdb")).toBe("materialized");
    expect(dialect.materializedCte("bigquery")).toBe("");
    const joined = (hint: string) => `(with sums as ${hint} (select 3 as v) select sum(sums.v * rows_.w) from (select 2 as w union all select 5) as rows_ left join sums on true)`;
    expect(await harness.evaluate(() => joined(dialect.materializedCte("duckdb")), [["x"]])).toEqual([21]);
    expect(await bigQueryType(() => joined(dialect.materializedCte("bigquery")), ["STRING"])).toBe("INT64");
  });

  it("fewValues answers `in` as the plain subquery does: duplicates, a null among the values, no values at all", async () => {
    expect(dialect.fewValues("v", "select v from t", "duckdb")).toBe("select unnest(list(v)) from (select v from t) as few_values");
    expect(dialect.fewValues("v", "select v from t", "bigquery")).toBe("select v from (select v from t) as few_values");
    const tested = (values: string) => (c: string) => `${c} in (${dialect.fewValues("v", values, "duckdb")})`;
    const someValues = "select * from (values ('a'), ('b'), ('a')) as values_(v)";
    expect(await harness.evaluate(tested(someValues), [["a"], ["z"], [null]])).toEqual([true, false, null]);
    const withNull = "select * from (values ('a'), (null)) as values_(v)";
    expect(await harness.evaluate(tested(withNull), [["a"], ["z"]])).toEqual([true, null]);
    expect(await harness.evaluate(tested(`${someValues} where v = 'none'`), [["a"]])).toEqual([false]);
    expect(await bigQueryType((c) => `${c} in (${dialect.fewValues("v", "select 'a' as v", "bigquery")})`, ["STRING"])).toBe("BOOL");
  });
});

describe("fingerprint", () => {
  it("is equal for equal keys and differs for different ones, nulls included", async () => {
    const fingerprints = await harness.evaluate(
      (source, id) => dialect.fingerprint([source, id], "duckdb"),
      [
        ["web", "m-1"],
        ["web", "m-1"],
        ["support", "m-1"],
        ["web", "m-2"],
        [null, "m-1"],
        [null, "m-1"],
      ],
    );
    expect(fingerprints[0]).toEqual(fingerprints[1]);
    expect(fingerprints[4]).toEqual(fingerprints[5]);
    expect(new Set([fingerprints[0], fingerprints[2], fingerprints[3], fingerprints[4]].map(String)).size).toBe(4);
  });

  it("renders a BigQuery INT64 the analyzer accepts, nulls included", async () => {
    expect(await bigQueryType((source, id) => dialect.fingerprint([source, id], "bigquery"), ["STRING", "STRING"])).toBe("INT64");
  });
});
