/**
 * `c360 diff` between two BigQuery targets through the engine, against the REST double of
 * tests/engines/bigquery: each side's table is described in its own project and dataset
 * (suffix applied), every comparison is one query job in the first target's project that
 * names both tables, and the answers become the report. The double does not run SQL: the
 * rows it returns are scripted per query (sql.test.ts has the analyzer resolve that SQL).
 */
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diffTables } from "../../src/diff/compare.js";
import { bigQueryConnection, type DiffConnection } from "../../src/diff/sides.js";
import { openBigQueryEngine } from "../../src/engines/bigquery/index.js";
import { contractServerForFile, type JobOutcome } from "../engines/bigquery/contract-server.js";

const staticToken = { getRequestHeaders: async () => new Headers({ authorization: "Bearer diff-token" }) } as unknown as BigQueryOptions["authClient"];
const FIELDS = [
  { name: "account_id", type: "INTEGER" },
  { name: "score", type: "FLOAT" },
];
const TABLE_A = "`main-proj.mart.accounts`";
const TABLE_B = "`dev-proj.mart_dev.accounts`";

const server = contractServerForFile();
let connection: DiffConnection;

beforeEach(async () => {
  const engine = await openBigQueryEngine(
    { project: "main-proj", location: "EU" },
    { apiEndpoint: server.endpoint, authClient: staticToken, runId: "diff-1", pollTimeoutMs: 50, cancelOnInterrupt: false, log: () => {} },
  );
  connection = bigQueryConnection(
    engine,
    { label: "target prod", project: "main-proj", compiledDefaultDatabase: "diff-project" },
    { label: "target dev", project: "dev-proj", datasetSuffix: "dev", compiledDefaultDatabase: "diff-project" },
  );
});
afterEach(async () => {
  await connection.close();
});

/** Scripted answers: score of account 2 is 1.5 in A and 1.25 in B. */
function scriptedAnswer(sql: string): JobOutcome {
  if (sql.includes("as rows_a")) return { schema: [{ name: "rows_a", type: "INTEGER" }, { name: "rows_b", type: "INTEGER" }], rows: [["3", "3"]] };
  const withTotal = [...FIELDS, { name: "c360_diff_total", type: "INTEGER" }];
  if (sql.includes("c360_diff_total")) {
    const aFirst = sql.indexOf(TABLE_A) < sql.indexOf(TABLE_B);
    return { schema: withTotal, rows: [["2", aFirst ? "1.5" : "1.25", "1"]] };
  }
  if (sql.includes("as matched_keys")) {
    return { schema: ["matched_keys", "keys_only_in_a", "keys_only_in_b", "differs_0"].map((name) => ({ name, type: "INTEGER" })), rows: [["3", "0", "0", "1"]] };
  }
  return { schema: [{ name: "key_0", type: "INTEGER" }, { name: "a_0", type: "FLOAT" }, { name: "b_0", type: "FLOAT" }], rows: [["2", "1.5", "1.25"]] };
}

describe("c360 diff on two BigQuery targets (REST contract)", () => {
  const accounts = { name: "mart.accounts", target: { database: "diff-project", schema: "mart", name: "accounts" }, kind: "table" as const, key: ["account_id"] };

  it("describes each side in its project, runs every comparison as one job naming both tables, and reports the changed cell", async () => {
    server.tables.set("main-proj.mart.accounts", { type: "TABLE", schema: { fields: FIELDS } });
    server.tables.set("dev-proj.mart_dev.accounts", { type: "TABLE", schema: { fields: FIELDS } });
    server.onQuery = scriptedAnswer;
    const report = await diffTables(connection, [accounts], { sampleSize: 5 });

    expect(server.requestsTo("GET", /\/tables\/accounts$/).map((request) => request.path)).toEqual([
      "/projects/main-proj/datasets/mart/tables/accounts",
      "/projects/dev-proj/datasets/mart_dev/tables/accounts",
    ]);
    const jobs = server.requestsTo("POST", /\/jobs$/);
    expect(jobs.map((request) => request.path)).toEqual(Array(5).fill("/projects/main-proj/jobs"));
    for (const job of jobs) {
      const sql = (job.body as { configuration: { query: { query: string } } }).configuration.query.query;
      expect(sql).toContain(TABLE_A);
      expect(sql).toContain(TABLE_B);
    }
    expect(report).toMatchObject({ a: "target prod", b: "target dev", dialect: "bigquery", equal: false });
    expect(report.tables[0]).toMatchObject({
      table: "mart.accounts",
      status: "different",
      relationA: TABLE_A,
      relationB: TABLE_B,
      rowsA: 3,
      rowsB: 3,
      rows: { onlyInA: { count: 1, sample: [{ account_id: 2, score: 1.5 }] }, onlyInB: { count: 1, sample: [{ account_id: 2, score: 1.25 }] } },
      keyed: { matched: 3, onlyInA: 0, onlyInB: 0, columns: [{ column: "score", keysDiffering: 1, sample: [{ key: { account_id: 2 }, a: 1.5, b: 1.25 }] }] },
    });
  });

  it("reports a table the second target lacks without querying it", async () => {
    server.tables.set("main-proj.mart.accounts", { type: "TABLE", schema: { fields: FIELDS } });
    const report = await diffTables(connection, [accounts], { sampleSize: 5 });
    expect(report.tables[0].status).toBe("only_in_a");
    expect(report.equal).toBe(false);
    expect(server.requestsTo("POST", /\/jobs$/)).toHaveLength(0);
  });
});
