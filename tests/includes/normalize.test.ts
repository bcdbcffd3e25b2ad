/**
 * includes/ts/normalize.ts: each rule of SOURCES.md "Normalisation" executed on DuckDB
 * against a table of cases, and its BigQuery rendering analyzed by ZetaSQL.
 */
import { describe, expect, it } from "vitest";
import * as normalize from "../../includes/ts/normalize.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

/** Evaluates a one-input macro on DuckDB over [input, expected] cases and compares. */
async function expectCases(render: (column: string) => string, cases: [string | null, unknown][]): Promise<void> {
  const results = await harness.evaluate(render, cases.map(([input]) => [input]));
  expect(cases.map(([input], index) => [input, results[index]])).toEqual(cases);
}

describe("email", () => {
  const cases: [string | null, string | null, boolean][] = [
    [" Jane.Doe@Example.COM ", "jane.doe@example.com", true],
    ["a@b.c", "a@b.c", true],
    ["first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk", true],
    ["a@b", "a@b", false],
    ["a@b.", "a@b.", false],
    ["a@.b", "a@.b", false],
    ["a@b..c", "a@b..c", false],
    ["@b.c", "@b.c", false],
    ["a@@b.c", "a@@b.c", false],
    ["a@b@c.d", "a@b@c.d", false],
    ["a b@c.d", "a b@c.d", false],
    ["a@b.c d", "a@b.c d", false],
    ["\u00a0X@Y.zz\t", "x@y.zz", true],
    ["   ", null, false],
    ["", null, false],
    [null, null, false],
  ];

  it("trims and lower-cases, keeping invalid addresses", async () => {
    await expectCases((c) => normalize.email(c, "duckdb"), cases.map(([input, output]) => [input, output]));
  });

  it("flags validity exactly as SOURCES.md defines it", async () => {
    await expectCases((c) => normalize.emailIsValid(normalize.email(c, "duckdb"), "duckdb"), cases.map(([input, , valid]) => [input, valid]));
  });

  it("renders BigQuery SQL the analyzer accepts", async () => {
    expect(await bigQueryType((c) => normalize.email(c, "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => normalize.emailIsValid(normalize.email(c, "bigquery"), "bigquery"), ["STRING"])).toBe("BOOL");
  });
});

describe("phone to E.164", () => {
  // [raw, default region (null = unknown → US), expected E.164 or null when invalid]
  const cases: [string | null, string | null, string | null][] = [
    ["+1 415 555 0134", "US", "+14155550134"],
    ["(415) 555-0134", "US", "+14155550134"],
    ["1-415-555-0134", "US", "+14155550134"],
    ["415.555.0134", null, "+14155550134"],
    ["4155550134", "CA", "+14155550134"],
    ["4155550134", "FR", null],
    ["415-555-013", "US", null],
    ["22345678901", "US", null],
    ["12345678901", "US", "+12345678901"],
    ["+39 06 1234 5678", "IT", "+390612345678"],
    ["+39 06 1234 5678", "US", "+390612345678"],
    ["0044 20 7946 0958", "US", "+442079460958"],
    ["00 1 415 555 0134", "DE", "+14155550134"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["07911 123456", "GB", "+447911123456"],
    ["020 7946 0958", "US", null],
    ["7911 123456", "GB", null],
    ["+1 415 555 01345", "US", null],
    ["+1 415 555 013", "US", null],
    ["+44 1234", "GB", null],
    ["+49 30 1234567", "DE", "+49301234567"],
    ["+234567890123456", "US", "+234567890123456"],
    ["+123456789012345", "US", null],
    ["+4912345678901234", "DE", null],
    ["tel: +1 (415) 555-0134", "US", "+14155550134"],
    ["tel: +44 20 7946 0958", "US", null],
    [" +1 (415) 555-0134", "US", "+14155550134"],
    ["1 415 555 0134 +", "US", "+14155550134"],
    ["n/a", "US", null],
    ["", "US", null],
    [null, "US", null],
  ];

  it("normalises with the record's default region", async () => {
    const results = await harness.evaluate((raw, region) => normalize.phoneE164(raw, region, "duckdb"), cases.map(([raw, region]) => [raw, region]));
    expect(cases.map((row, index) => [row[0], row[1], results[index]])).toEqual(cases);
  });

  it("flags validity of the candidate (+ and 8–15 digits, +1 exactly 11)", async () => {
    const results = await harness.evaluate(
      (raw, region) => normalize.phoneIsValid(normalize.phoneCandidate(raw, region, "duckdb"), "duckdb"),
      cases.map(([raw, region]) => [raw, region]),
    );
    expect(results).toEqual(cases.map(([, , expected]) => expected !== null));
  });

  it("renders BigQuery SQL the analyzer accepts", async () => {
    expect(await bigQueryType((raw, region) => normalize.phoneE164(raw, region, "bigquery"), ["STRING", "STRING"])).toBe("STRING");
    expect(await bigQueryType((raw) => normalize.phoneIsValid(normalize.phoneCandidate(raw, undefined, "bigquery"), "bigquery"), ["STRING"])).toBe("BOOL");
  });
});

describe("timestamps", () => {
  const cases: [string | null, string | null][] = [
    ["2024-03-05T14:22:10+01:00", "2024-03-05 13:22:10"],
    ["2024-03-05T14:22:10Z", "2024-03-05 14:22:10"],
    ["2024-03-05T14:22:10", "2024-03-05 14:22:10"],
    ["2024-03-05T14:20:01.123Z", "2024-03-05 14:20:01.123"],
    ["2024-03-05T14:20:01.5+02:00", "2024-03-05 12:20:01.5"],
    ["2024-03-05T14:22:10.1234567Z", "2024-03-05 14:22:10.123456"],
    ["2024-03-05T00:30:00-05:30", "2024-03-05 06:00:00"],
    ["2024-12-31T23:30:00-01:00", "2025-01-01 00:30:00"],
    ["2024-03-05T14:22:10.25-05:30", "2024-03-05 19:52:10.25"],
    ["2024-03-05T14:22:10.000001+00:00", "2024-03-05 14:22:10.000001"],
    ["2024-03-05T14:22:10.9Z", "2024-03-05 14:22:10.9"],
    ["2024-03-05T14:22:10.123456789", "2024-03-05 14:22:10.123456"],
    ["2024-03-05T14:22:10.7", "2024-03-05 14:22:10.7"],
    ["2024-03-05T14:22:10.12345678-01:00", "2024-03-05 15:22:10.123456"],
    ["2024-03-05T14:22:10+23:59", "2024-03-04 14:23:10"],
    ["2024-02-29T12:00:00Z", "2024-02-29 12:00:00"],
    ["1969-12-31T23:59:59.999999Z", "1969-12-31 23:59:59.999999"],
    // Before the Gregorian reform: the proleptic calendar throughout, as BigQuery's.
    ["1582-10-10T00:30:00+01:00", "1582-10-09 23:30:00"],
    ["9999-12-31T23:59:59.999999+00:00", "9999-12-31 23:59:59.999999"],
    ["2024-03-05T14:22:10-00:00", "2024-03-05 14:22:10"],
    ["2023-02-29T12:00:00Z", null],
    ["2024-02-30T10:00:00Z", null],
    ["2024-03-05 14:22:10", null],
    ["2024-03-05T14:22Z", null],
    ["2024-03-05T24:00:00Z", null],
    ["2024-03-05T14:22:10+0100", null],
    ["2024-03-05T14:22:10 Z", null],
    ["05/03/2024 14:22", null],
    ["yesterday", null],
    ["", null],
    [null, null],
  ];

  it("parses the contract's spellings and converts offsets to UTC", async () => {
    await expectCases((c) => normalize.timestamp(c, "duckdb"), cases);
  });

  it("gives the same instants from substrings and arithmetic alone (the form BigQuery runs)", async () => {
    await expectCases((c) => normalize.timestampFromParts(c, "duckdb"), cases);
    expect(normalize.timestamp("c", "bigquery")).toBe(normalize.timestampFromParts("c", "bigquery"));
  });

  it("renders a BigQuery TIMESTAMP", async () => {
    expect(await bigQueryType((c) => normalize.timestamp(c, "bigquery"), ["STRING"])).toBe("TIMESTAMP");
  });
});

describe("dates", () => {
  const cases: [string | null, string | null][] = [
    ["1990-05-17", "1990-05-17"],
    ["17/05/1990", "1990-05-17"],
    ["19900517", "1990-05-17"],
    ["2000-02-29", "2000-02-29"],
    ["1990-02-30", null],
    ["31/02/1990", null],
    ["19901317", null],
    ["1990/05/17", null],
    ["17-05-1990", null],
    ["5/7/1990", null],
    ["1990-5-17", null],
    ["", null],
    [null, null],
  ];

  it("accepts YYYY-MM-DD, DD/MM/YYYY and YYYYMMDD only, and real dates only", async () => {
    await expectCases((c) => normalize.date(c, "duckdb"), cases);
  });

  it("isoDate accepts YYYY-MM-DD only", async () => {
    await expectCases((c) => normalize.isoDate(c, "duckdb"), [
      ["2024-06-28", "2024-06-28"],
      ["28/06/2024", null],
      ["2024-06-31", null],
    ]);
  });

  it("renders a BigQuery DATE", async () => {
    expect(await bigQueryType((c) => normalize.date(c, "bigquery"), ["STRING"])).toBe("DATE");
    expect(await bigQueryType((c) => normalize.isoDate(c, "bigquery"), ["STRING"])).toBe("DATE");
  });
});

describe("numbers and money", () => {
  it("parses decimal strings exactly", async () => {
    await expectCases((c) => normalize.decimal(c, "duckdb"), [
      ["19.99", "19.990000000"],
      [" 5 ", "5.000000000"],
      ["-3.5", "-3.500000000"],
      ["0.5", "0.500000000"],
      ["+2", null],
      [".5", null],
      ["5.", null],
      ["0.000000001", "0.000000001"],
      ["abc", null],
      ["1,234.50", null],
      ["1e3", null],
      ["12.3.4", null],
      ["-", null],
      ["123456789012345678901234567890123", null],
      ["", null],
      [null, null],
    ]);
  });

  it("parses whole numbers", async () => {
    await expectCases((c) => normalize.wholeNumber(c, "duckdb"), [
      ["1520", 1520],
      ["0", 0],
      [" 12 ", 12],
      ["007", 7],
      ["-5", null],
      ["1.5", null],
      ["abc", null],
      ["99999999999999999999", null],
      ["", null],
      [null, null],
    ]);
  });

  it("converts to USD rounded half away from zero to cents", async () => {
    const cases: [string, string, string][] = [
      ["100.005", "1", "100.010000000"],
      ["-2.345", "1", "-2.350000000"],
      ["10.00", "1.0845", "10.850000000"],
      ["19.99", "1.27", "25.390000000"],
      ["33.33", "1.123456789", "37.440000000"],
      ["0.004999999", "1", "0.000000000"],
    ];
    const results = await harness.evaluate(
      (amount, rate) => normalize.toUsd(amount, rate, "duckdb"),
      cases.map(([amount, rate]) => [amount, rate]),
      ["decimal(38, 9)", "decimal(38, 9)"],
    );
    expect(results).toEqual(cases.map(([, , expected]) => expected));
  });

  it("renders BigQuery NUMERIC and INT64", async () => {
    expect(await bigQueryType((c) => normalize.decimal(c, "bigquery"), ["STRING"])).toBe("NUMERIC");
    expect(await bigQueryType((c) => normalize.wholeNumber(c, "bigquery"), ["STRING"])).toBe("INT64");
    expect(await bigQueryType((amount, rate) => normalize.toUsd(amount, rate, "bigquery"), ["NUMERIC", "NUMERIC"])).toBe("NUMERIC");
  });
});

describe("enumerations", () => {
  it("gender", async () => {
    await expectCases((c) => normalize.gender(c, "duckdb"), [
      ["M", "male"],
      ["male", "male"],
      [" MALE ", "male"],
      ["f", "female"],
      ["Female", "female"],
      ["x", "other"],
      ["Other", "other"],
      ["unknown", "unknown"],
      ["?", "unknown"],
      ["", "unknown"],
      [null, "unknown"],
    ]);
  });

  it("marketing opt-in", async () => {
    await expectCases((c) => normalize.boolean(c, "duckdb"), [
      ["TRUE", true],
      ["yes", true],
      ["Y", true],
      ["1", true],
      ["false", false],
      ["No", false],
      [" n ", false],
      ["0", false],
      ["maybe", null],
      ["", null],
      [null, null],
    ]);
  });

  it("loyalty tier", async () => {
    await expectCases((c) => normalize.tier(c, "duckdb"), [
      ["Gold", "gold"],
      ["PLATINUM", "platinum"],
      [" silver ", "silver"],
      ["bronze", "bronze"],
      ["diamond", null],
      ["", null],
      [null, null],
    ]);
  });

  it("currency", async () => {
    await expectCases((c) => normalize.currency(c, "duckdb"), [
      ["usd", "USD"],
      [" Eur ", "EUR"],
      ["GBP", "GBP"],
      ["JPY", null],
      ["", null],
      [null, null],
    ]);
  });

  it("render on BigQuery", async () => {
    expect(await bigQueryType((c) => normalize.gender(c, "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => normalize.boolean(c, "bigquery"), ["STRING"])).toBe("BOOL");
    expect(await bigQueryType((c) => normalize.tier(c, "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => normalize.tierRank(normalize.tier(c, "bigquery")), ["STRING"])).toBe("INT64");
    expect(await bigQueryType((c) => normalize.currency(c, "bigquery"), ["STRING"])).toBe("STRING");
    expect(await bigQueryType((c) => normalize.countryKey(c, "bigquery"), ["STRING"])).toBe("STRING");
  });
});

describe("as-of date", () => {
  it("ends the as-of date at the next midnight UTC", async () => {
    expect(normalize.asOfEnd("2024-06-30", "duckdb")).toBe("timestamp '2024-07-01 00:00:00'");
    expect(normalize.asOfEnd("2024-02-28", "bigquery")).toBe("timestamp '2024-02-29 00:00:00+00'");
    expect(normalize.asOfEnd("2023-12-31", "duckdb")).toBe("timestamp '2024-01-01 00:00:00'");
    expect(normalize.asOfDate("2024-06-30")).toBe("date '2024-06-30'");
  });

  it("rejects a malformed as_of_date", () => {
    expect(() => normalize.asOfEnd("2024-02-30", "duckdb")).toThrow(/as_of_date/);
    expect(() => normalize.asOfEnd("30/06/2024", "duckdb")).toThrow(/as_of_date/);
  });

  it("flags timestamps after the end of the day and dates after the day", async () => {
    const timestamps = await harness.evaluate(
      (c) => normalize.isAfterAsOf(c, "2024-06-30", "duckdb"),
      [["2024-06-30 23:59:59.999999"], ["2024-07-01 00:00:00"], [null]],
      ["timestamp"],
    );
    expect(timestamps).toEqual([false, true, false]);
    const dates = await harness.evaluate((c) => normalize.isDateAfterAsOf(c, "2024-06-30", "duckdb"), [["2024-06-30"], ["2024-07-01"], [null]], ["date"]);
    expect(dates).toEqual([false, true, false]);
    expect(await bigQueryType((c) => normalize.isAfterAsOf(c, "2024-06-30", "bigquery"), ["TIMESTAMP"])).toBe("BOOL");
    expect(await bigQueryType((c) => normalize.isDateAfterAsOf(c, "2024-06-30", "bigquery"), ["DATE"])).toBe("BOOL");
  });

  it("reads max_accounts_per_identifier as a whole number", () => {
    expect(normalize.maxAccountsPerIdentifier("3")).toBe("3");
    expect(normalize.maxAccountsPerIdentifier("05")).toBe("5");
    expect(() => normalize.maxAccountsPerIdentifier("3; drop table x")).toThrow(/whole number/);
  });
});
