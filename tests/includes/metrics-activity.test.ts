/**
 * includes/ts/metrics.ts, activity metrics: the churn risk band, engagementScore and sessionize, their
 * DuckDB renderings executed on hand-worked cases, their BigQuery renderings analyzed.
 */
import { describe, expect, it } from "vitest";
import { asOfDate, engagementScore, purchaseModels, sessionize } from "../../includes/ts/metrics.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { bigQueryType, MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

describe("churn risk bands", () => {
  it("bands churn_risk at 0.5 and 0.8; null stays null", async () => {
    const risks: [number | null, string | null][] = [[0, "low"], [0.4999, "low"], [0.5, "medium"], [0.7999, "medium"], [0.8, "high"], [1, "high"], [null, null]];
    const band = (risk: string) => purchaseModels.band({ risk, dialect: "duckdb" });
    expect(await harness.evaluate(band, risks.map(([risk]) => [risk]), ["double"])).toEqual(risks.map(([, expected]) => expected));
  });

  it("renders a BigQuery STRING the analyzer accepts", async () => {
    expect(await bigQueryType((risk) => purchaseModels.band({ risk, dialect: "bigquery" }), ["FLOAT64"])).toBe("STRING");
  });

  it("finite(): NaN and ±∞ become null, finite values pass", async () => {
    const values = await harness.evaluate((value) => purchaseModels.finite(value), [["nan"], ["inf"], ["-inf"], ["1.5"], [null]], ["double"]);
    expect(values).toEqual([null, null, null, 1.5, null]);
    expect(await bigQueryType((value) => purchaseModels.finite(value), ["FLOAT64"])).toBe("FLOAT64");
  });
});

describe("engagementScore", () => {
  // sessions, behaviour events, email opens, email clicks, tickets → score
  const cases: [number | null, number | null, number | null, number | null, number | null, number][] = [
    [0, 0, 0, 0, 0, 0],
    [1, 5, 1, 1, 1, 26], // 10 + 5 + 2 + 4 + 5
    [3, 19, 4, 4, 1, 78], // 30 + 19 + 8 + 16 + 5
    [4, 20, 5, 5, 2, 100], // every component at its cap
    [10, 100, 10, 10, 10, 100], // caps hold
    [null, 2, null, null, null, 2], // missing counts are 0
  ];
  const render = (dialect: "duckdb" | "bigquery") => (sessions: string, events: string, emailOpens: string, emailClicks: string, tickets: string) =>
    engagementScore.score({ sessions, events, emailOpens, emailClicks, tickets, dialect });

  it("adds capped points per component, 0–100", async () => {
    const results = await harness.evaluate(render("duckdb"), cases.map((row) => row.slice(0, 5)), ["bigint", "bigint", "bigint", "bigint", "bigint"]);
    expect(results).toEqual(cases.map((row) => row[5]));
    expect(engagementScore.COMPONENTS.reduce((sum, component) => sum + component.cap, 0)).toBe(100);
  });

  it("counts the 90 days ending with as_of_date", async () => {
    const inWindow = (date: string) => engagementScore.inWindow({ date, asOfDate: "2024-06-30", dialect: "duckdb" });
    const dates = ["2024-04-01", "2024-04-02", "2024-06-30", "2024-07-01"];
    expect(await harness.evaluate(inWindow, dates.map((date) => [date]), ["date"])).toEqual([false, true, true, false]);
  });

  it("renders BigQuery the analyzer accepts", async () => {
    expect(await bigQueryType(render("bigquery"), ["INT64", "INT64", "INT64", "INT64", "INT64"])).toBe("INT64");
    expect(await bigQueryType((date) => engagementScore.inWindow({ date, asOfDate: "2024-06-30", dialect: "bigquery" }), ["DATE"])).toBe("BOOL");
  });
});

describe("sessionize", () => {
  // anonymous_id, message_id, timestamp → is_session_start, session_number
  const events: [string, string, string, boolean, number][] = [
    ["a", "m1", "2024-06-01 10:00:00", true, 1],
    ["a", "m2", "2024-06-01 10:30:00", false, 1], // a gap of exactly 30 minutes continues the session
    ["a", "m4", "2024-06-01 11:00:00.000001", true, 2], // 30 minutes and 1 µs: a new session
    ["a", "m5", "2024-06-01 11:00:00.000001", false, 2], // same instant, ordered after m4 by message_id
    ["a", "m3", "2024-06-02 09:00:00", true, 3],
    ["b", "m6", "2024-06-01 10:15:00", true, 1], // sessions are per anonymous_id
    ["b", "m7", "2024-06-01 10:44:59", false, 1],
  ];
  const options = { from: "events", partitionBy: "anonymous_id", timestamp: "event_ts", tieBreaker: "message_id", columns: ["event_name"] };

  it("starts a new session after a gap of more than 30 minutes, per visitor", async () => {
    const values = events.map(([anonymousId, messageId, ts]) => `('${anonymousId}', '${messageId}', timestamp '${ts}', 'page_viewed')`).join(", ");
    const rows = await harness.engine.query(
      `with events(anonymous_id, message_id, event_ts, event_name) as (values ${values}),\n` +
        `sessionized as (${sessionize.query({ ...options, dialect: "duckdb" })})\n` +
        `select anonymous_id, message_id, is_session_start, session_number from sessionized order by anonymous_id, event_ts, message_id`,
    );
    expect(rows).toEqual(events.map(([anonymousId, messageId, , start, number]) => ({ anonymous_id: anonymousId, message_id: messageId, is_session_start: start, session_number: number })));
  });

  it("counts the same session starts per visitor, at the same times, with starts()", async () => {
    const values = events.map(([anonymousId, messageId, ts]) => `('${anonymousId}', '${messageId}', timestamp '${ts}', 'page_viewed')`).join(", ");
    const withNulls = `${values}, ('c', 'm8', null, 'page_viewed'), ('c', 'm9', null, 'page_viewed'), ('c', 'm10', timestamp '2024-06-01 10:00:00', 'page_viewed')`;
    const startsPerVisitor = (sessionized: string) =>
      harness.engine.query(
        `with events(anonymous_id, message_id, event_ts, event_name) as (values ${withNulls}),\n` +
          `sessionized as (${sessionized})\n` +
          `select anonymous_id, count(case when is_session_start then 1 end) as starts, list(event_ts order by event_ts) filter (where is_session_start) as start_times\n` +
          `from sessionized group by anonymous_id order by anonymous_id`,
      );
    const counted = await startsPerVisitor(sessionize.starts({ from: "events", partitionBy: "anonymous_id", timestamp: "event_ts", dialect: "duckdb" }));
    expect(counted).toEqual(await startsPerVisitor(sessionize.query({ ...options, dialect: "duckdb" })));
    expect(counted.map((row) => row.starts)).toEqual([3, 1, 3]);
  });

  it("renders a BigQuery query the analyzer accepts", async () => {
    const starts = sessionize.starts({ from: "`project.silver.events`", partitionBy: "anonymous_id", timestamp: "event_ts", columns: ["event_name"], dialect: "bigquery" });
    const eventsTable = { "project.silver.events": { anonymous_id: "STRING", message_id: "STRING", event_ts: "TIMESTAMP", event_name: "STRING" } };
    expect((await analyzeBigQueryStatement(starts, eventsTable)).columns).toEqual({ anonymous_id: "STRING", event_ts: "TIMESTAMP", event_name: "STRING", is_session_start: "BOOL" });
    const sql = sessionize.query({ ...options, from: "`project.silver.events`", dialect: "bigquery" });
    const table = { "project.silver.events": { anonymous_id: "STRING", message_id: "STRING", event_ts: "TIMESTAMP", event_name: "STRING" } };
    expect((await analyzeBigQueryStatement(sql, table)).columns).toEqual({
      anonymous_id: "STRING",
      event_ts: "TIMESTAMP",
      message_id: "STRING",
      event_name: "STRING",
      is_session_start: "BOOL",
      session_number: "INT64",
    });
  });
});

describe("asOfDate", () => {
  it("renders the explicit date, and refuses to guess without the compile var", () => {
    expect(asOfDate("2024-06-30")).toBe("date '2024-06-30'");
    expect(() => asOfDate()).toThrow(/as_of_date/);
  });
});
