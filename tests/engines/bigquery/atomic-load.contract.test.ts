/**
 * Atomic loads on BigQuery, against the REST double (contract-server.ts), whose tables load
 * and copy jobs really change: a full refresh loads into `<table>__loading` tables, replaces
 * each bronze table with a copy job and writes the manifest last. A load job failing halfway
 * leaves the previous tables and manifest in place; a failure after some tables were
 * replaced but before the manifest was written is seen by the consistency check and
 * repaired by the next load. (The statements the double answers are those the loader sends;
 * any other fails the test.)
 */
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../../helpers/project.js";
import { type BigQueryEngine, openBigQueryEngine } from "../../../src/engines/bigquery/index.js";
import { ExecutionError } from "../../../src/errors.js";
import { bronzeDisagreements } from "../../../src/loader/consistency.js";
import { loadLandingFolder } from "../../../src/loader/index.js";
import { rejection, writeLanding } from "../../loader/helpers.js";
import { contractServerForFile, type FieldSchema, type JobOutcome } from "./contract-server.js";

const PROJECT = "acme-analytics";
const staticToken = { getRequestHeaders: async () => new Headers({ authorization: "Bearer t" }) } as unknown as BigQueryOptions["authClient"];

const LANDING = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0712\n2024-06-28,GBP,1.2649\n",
  "reference/countries.csv": "alpha2,alpha3,name\nUS,USA,United States\nGB,GBR,United Kingdom\n",
  "web/events.ndjson": '{"message_id":"m1"}\n{"message_id":"m2"}\n',
  "loyalty/members.xml": '<members exported_at="2024-06-30T23:00:00Z"><member id="L1"/><member id="L2"/></members>',
};
const CHANGED = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0713\n",
  "reference/countries.csv": "alpha2,alpha3,name\nFR,FRA,France\n",
  "web/events.ndjson": '{"message_id":"m9"}\n',
  "loyalty/members.xml": '<members exported_at="2024-07-30T23:00:00Z"><member id="L9"/></members>',
};

const server = contractServerForFile();
let engine: BigQueryEngine;

beforeEach(async () => {
  server.onQuery = runStatement;
  engine = await openBigQueryEngine(
    { project: PROJECT, location: "EU" },
    { apiEndpoint: server.endpoint, authClient: staticToken, retry: { initialDelayMs: 1, maxDelayMs: 4 }, pollTimeoutMs: 20, cancelOnInterrupt: false, log: () => undefined },
  );
});
afterEach(async () => {
  delete process.env.C360_FAULT_AT;
  delete process.env.C360_FAULT_MODE;
  await engine.close();
});

/** The statements the loader sends, run against the double's tables. */
function runStatement(sql: string): JobOutcome {
  let match: RegExpExecArray | null;
  if ((match = /^drop table if exists `([^`]+)`$/.exec(sql))) {
    server.tables.delete(match[1]);
    server.tableRows.delete(match[1]);
    return {};
  }
  if ((match = /^create or replace table `([^`]+)` \((.*)\)$/.exec(sql))) {
    const fields: FieldSchema[] = match[2].split(", ").map((column) => {
      const [, name, type] = /^`([^`]+)` (\w+)$/.exec(column)!;
      return { name, type: type === "INT64" ? "INTEGER" : type, mode: "NULLABLE" };
    });
    server.tables.set(match[1], { type: "TABLE", numRows: "0", schema: { fields } });
    server.tableRows.set(match[1], []);
    return {};
  }
  if ((match = /^select count\(\*\) as row_count from `([^`]+)`$/.exec(sql))) {
    return { schema: [{ name: "row_count", type: "INTEGER" }], rows: [[(server.tableRows.get(match[1]) ?? []).length]] };
  }
  if ((match = /^delete from `([^`]+)` where _source_file = '([^']+)'$/.exec(sql))) {
    server.tableRows.set(match[1], (server.tableRows.get(match[1]) ?? []).filter((row) => row._source_file !== match![2]));
    return {};
  }
  if ((match = /^select \* from `([^`]+)` order by file$/.exec(sql))) {
    const fields = server.tables.get(match[1])!.schema.fields;
    const rows = [...(server.tableRows.get(match[1]) ?? [])].sort((left, right) => String(left.file).localeCompare(String(right.file)));
    return { schema: fields, rows: rows.map((row) => fields.map((field) => row[field.name] ?? null)) };
  }
  return { error: { reason: "invalidQuery", message: `the contract test does not run: ${sql}` } };
}

/** Every table's rows (the manifest without its load times), by name. */
function snapshot(): Record<string, unknown[]> {
  const state: Record<string, unknown[]> = {};
  for (const [key, rows] of [...server.tableRows].sort(([left], [right]) => left.localeCompare(right))) {
    state[key] = rows.map(({ loaded_at: _loadedAt, ...rest }) => rest);
  }
  return state;
}

/** schema.table each load or copy job wrote, in the order they were sent. */
function destinationsOf(kind: "load" | "copy"): string[] {
  return [...server.jobs.values()]
    .map((job) => job.resource.configuration[kind] as { destinationTable: { datasetId: string; tableId: string } } | undefined)
    .filter((configuration) => configuration !== undefined)
    .map(({ destinationTable }) => `${destinationTable.datasetId}.${destinationTable.tableId}`);
}

describe("BigQuery: atomic loads", () => {
  it("finds no staging tables to drop in a dataset that does not exist yet (a dry run creates none)", async () => {
    expect(await engine.listTables("raw_web")).toEqual([]);
  });

  it("a load job failing halfway through a full refresh leaves the previous tables and manifest in place", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    const before = snapshot();
    expect(before[`${PROJECT}.raw_loyalty.members`]).toHaveLength(2);
    expect(before[`${PROJECT}.raw_meta.load_manifest`]).toHaveLength(4);

    writeLanding(CHANGED, folder);
    server.jobs.clear();
    // Web events (4th table) load into staging; loyalty (6th) fails: halfway through.
    server.onOtherJob = (configuration) =>
      (configuration.load as { destinationTable?: { tableId: string } } | undefined)?.destinationTable?.tableId === "members__loading"
        ? { error: { reason: "invalid", message: "Error while reading data, error message: scripted failure" } }
        : {};
    const error = await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }));
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error.message).toContain("scripted failure");
    expect(destinationsOf("load")).toEqual(["raw_web.events__loading", "raw_loyalty.members__loading"]);
    expect(destinationsOf("copy")).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect([...server.tables.keys()].filter((key) => key.endsWith("__loading"))).toEqual([]);
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });

  it("a full refresh that completes replaces each table by a copy job and writes the manifest last", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    writeLanding(CHANGED, folder);
    server.jobs.clear();
    await loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true });
    const order = [...server.jobs.values()]
      .map((job) => job.resource.configuration)
      .filter((configuration) => configuration.copy || configuration.load)
      .map((configuration) => (configuration.copy ? "copy" : `load ${(configuration.load as { destinationTable: { tableId: string } }).destinationTable.tableId}`));
    expect(order.at(-1)).toBe("load load_manifest");
    expect(order.filter((kind) => kind === "copy")).toHaveLength(8);
    expect(order.indexOf("load load_manifest")).toBeGreaterThan(order.lastIndexOf("copy"));
    expect(server.tableRows.get(`${PROJECT}.raw_reference.countries`)?.map((row) => row.alpha2)).toEqual(["FR"]);
    const manifest = server.tableRows.get(`${PROJECT}.raw_meta.load_manifest`) ?? [];
    expect(manifest.map((row) => [row.file, row.records]).sort()).toEqual([
      ["loyalty/members.xml", 1],
      ["reference/countries.csv", 1],
      ["reference/fx_rates.csv", 1],
      ["web/events.ndjson", 1],
    ]);
    expect(await bronzeDisagreements(engine)).toEqual([]);
  });

  it("a failure after some tables were replaced, before the manifest, is seen by run/test's check and repaired by the next load", async () => {
    const folder = writeLanding(LANDING);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    writeLanding({ "web/events-2024-07-01.ndjson": '{"message_id":"m3"}\n' }, folder);
    process.env.C360_FAULT_AT = "load.swap:5"; // four tables replaced (the 4th: web events, now with the new part), the manifest still the old one
    process.env.C360_FAULT_MODE = "error";
    await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true }));
    delete process.env.C360_FAULT_AT;
    expect((await bronzeDisagreements(engine)).map((item) => [item.table, item.held, item.expected])).toEqual([["raw_web.events", 3, 2]]);
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(report.warnings.filter((warning) => warning.startsWith("raw_"))).toEqual([
      "raw_web.events holds 3 rows where the load manifest records 2 (an earlier load was interrupted, or the table was changed outside c360): reloading all its parts",
    ]);
    expect(await bronzeDisagreements(engine)).toEqual([]);
    expect(server.tableRows.get(`${PROJECT}.raw_web.events`)).toHaveLength(3);
  });
});
