/**
 * Contract tests of the BigQuery engine: the engine talks to a local double of the
 * BigQuery REST API (contract-server.ts) and the tests check the requests it sends —
 * which calls, in which order, with which SQL, labels and settings — and how it reads the
 * answers, retries and failures. They do not show that BigQuery accepts the SQL (that is
 * `c360 check`, offline) or computes the right rows (only a real project shows that).
 */
import fs from "node:fs";
import path from "node:path";
import type { BigQueryOptions } from "@google-cloud/bigquery";
import { jsonRows } from "../../../src/cli/json-rows.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BigQueryCredentialsError, type BigQueryEngine, type BigQueryEngineOptions, openBigQueryEngine } from "../../../src/engines/bigquery/index.js";
import { runAtomically } from "../../../src/engines/engine.js";
import { ExecutionError, UnsupportedCapabilityError } from "../../../src/errors.js";
import { BuildState } from "../../../src/runner/build-state.js";
import { executeAction } from "../../../src/runner/execute-action.js";
import { compiledProject, copyProject, EXAMPLE_PROJECT, REPO_ROOT } from "../../helpers/project.js";
import { STATE_BRONZE_TABLES, writeStateProject } from "../../helpers/state-project.js";
import { contractServerForFile, type RecordedRequest } from "./contract-server.js";

const TARGET = { project: "acme-analytics", location: "EU" };
const TOKEN = "contract-test-token";
/** Fake credentials: a fixed bearer token, no application-default credentials lookup. */
const staticToken = { getRequestHeaders: async () => new Headers({ authorization: `Bearer ${TOKEN}` }) } as unknown as BigQueryOptions["authClient"];

const server = contractServerForFile();
let engine: BigQueryEngine;
const logs: string[] = [];

async function open(options: BigQueryEngineOptions = {}): Promise<BigQueryEngine> {
  return openBigQueryEngine(TARGET, {
    apiEndpoint: server.endpoint,
    authClient: staticToken,
    projectName: "shop-360",
    runId: "run-42",
    retry: { initialDelayMs: 1, maxDelayMs: 4 },
    pollTimeoutMs: 50,
    cancelOnInterrupt: false,
    log: (message) => logs.push(message),
    ...options,
  });
}

function jobInserts(): RecordedRequest[] {
  return server.requestsTo("POST", /^\/projects\/acme-analytics\/jobs$/);
}

/** Jobs that run (the incremental's schema check is a dry run before them). */
function runJobInserts(): RecordedRequest[] {
  return jobInserts().filter((request) => !insertedQuery(request).dryRun);
}

/** The dry run of an incremental's query that reports its columns (onSchemaChange), answered with `columns` as STRING fields. */
function answerDryRunsWith(columns: string[]): void {
  server.onQuery = () => ({ schema: columns.map((name) => ({ name, type: "STRING" })) });
}

function insertedQuery(request: RecordedRequest): { query: string; labels: Record<string, string>; jobId: string; location: string; dryRun?: boolean } {
  const body = request.body as { jobReference: { jobId: string; location: string }; configuration: { query: { query: string }; labels: Record<string, string>; dryRun?: boolean } };
  return { query: body.configuration.query.query, labels: body.configuration.labels, jobId: body.jobReference.jobId, location: body.jobReference.location, dryRun: body.configuration.dryRun };
}

beforeEach(async () => {
  logs.length = 0;
  engine = await open();
});
afterEach(async () => {
  await engine.close();
});

describe("BigQuery engine contract: tables and views", () => {
  it("creates the dataset in the target's location, runs CREATE OR REPLACE TABLE as a labelled job, polls it and reports the row count", async () => {
    const ordersSchema = { fields: [{ name: "order_id", type: "INTEGER" }, { name: "ordered_at", type: "TIMESTAMP" }] };
    server.onQuery = () => ({ pendingPolls: 2, creates: { dataset: "mart", table: "orders", resource: { type: "TABLE", numRows: "3", schema: ordersSchema } } });
    await engine.ensureSchema("mart");
    const result = await engine.createTableAs(
      { schema: "mart", name: "orders" },
      "select 1 as order_id, current_timestamp() as ordered_at",
      { partitionBy: "date(ordered_at)", clusterBy: ["order_id"] },
      { actionName: "mart.orders" },
    );
    expect(result).toEqual({ rowsAffected: 3, seconds: 1.5 });

    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /projects/acme-analytics/datasets/mart",
      "POST /projects/acme-analytics/datasets",
      "GET /projects/acme-analytics/datasets/mart/tables/orders",
      "POST /projects/acme-analytics/jobs",
      "GET /projects/acme-analytics/queries/" + insertedQuery(jobInserts()[0]).jobId,
      "GET /projects/acme-analytics/queries/" + insertedQuery(jobInserts()[0]).jobId,
      "GET /projects/acme-analytics/queries/" + insertedQuery(jobInserts()[0]).jobId,
      "GET /projects/acme-analytics/jobs/" + insertedQuery(jobInserts()[0]).jobId,
      "GET /projects/acme-analytics/datasets/mart/tables/orders",
    ]);
    expect(server.requests[1].body).toEqual({ datasetReference: { projectId: "acme-analytics", datasetId: "mart" }, location: "EU" });
    const job = insertedQuery(jobInserts()[0]);
    expect(job.query).toBe(
      "create or replace table `acme-analytics.mart.orders`\npartition by date(ordered_at)\ncluster by `order_id`\nas (\nselect 1 as order_id, current_timestamp() as ordered_at\n)",
    );
    expect(job.labels).toEqual({ c360_project: "shop-360", c360_run_id: "run-42", c360_action: "mart_orders" });
    expect(job.location).toBe("EU");
    expect(job.jobId).toMatch(/^c360_[0-9a-f]{32}$/);
    const poll = server.requestsTo("GET", /\/queries\//)[0];
    expect(poll.query).toMatchObject({ location: "EU", timeoutMs: "50", maxResults: "0" });
    // Every call carries the credentials.
    expect(new Set(server.requests.map((request) => request.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it("creates each dataset once, and accepts one another action created meanwhile", async () => {
    server.failNext("POST", /\/datasets$/, 409, "duplicate");
    await engine.ensureSchema("staging");
    await engine.ensureSchema("staging");
    expect(server.requestsTo("GET", /\/datasets\/staging$/)).toHaveLength(1);
    server.datasets.set("acme-analytics.us_only", { location: "US" });
    await expect(engine.ensureSchema("us_only")).rejects.toThrow(/Dataset acme-analytics.us_only is in location US, but the target runs jobs in EU/);
  });

  it("replaces a view by a table (dropping it first) and drops and recreates a table whose partitioning changed", async () => {
    server.tables.set("acme-analytics.mart.orders", { type: "VIEW", schema: { fields: [] } });
    let creates = 0;
    server.onQuery = (sql) => {
      if (sql.startsWith("create or replace table") && creates++ === 0) {
        return { error: { reason: "invalidQuery", message: "Cannot replace a table with a different partitioning spec. Instead, DROP and then recreate the table." } };
      }
      return {};
    };
    await engine.createTableAs({ schema: "mart", name: "orders" }, "select 1 as id", {}, { actionName: "mart.orders" });
    expect(jobInserts().map((request) => insertedQuery(request).query.split("\n")[0])).toEqual([
      "drop view `acme-analytics.mart.orders`",
      "create or replace table `acme-analytics.mart.orders`",
      "drop table `acme-analytics.mart.orders`",
      "create or replace table `acme-analytics.mart.orders`",
    ]);
  });

  it("views: CREATE OR REPLACE VIEW, dropping a table of the same name first", async () => {
    server.tables.set("acme-analytics.staging.customers", { type: "TABLE", schema: { fields: [] } });
    await engine.createView({ schema: "staging", name: "customers" }, "select 1 as id", { actionName: "staging.customers" });
    expect(jobInserts().map((request) => insertedQuery(request).query)).toEqual([
      "drop table `acme-analytics.staging.customers`",
      "create or replace view `acme-analytics.staging.customers` as (\nselect 1 as id\n)",
    ]);
  });
});

describe("BigQuery engine contract: incrementals", () => {
  beforeEach(() => {
    server.tables.set("acme-analytics.mart.orders", {
      type: "TABLE",
      schema: { fields: [{ name: "order_id", type: "INTEGER" }, { name: "status", type: "STRING" }] },
    });
  });

  it("merges on the unique key over the target's columns and reports the affected rows", async () => {
    server.onQuery = () => ({ numDmlAffectedRows: 7 });
    const result = await engine.mergeInto({ schema: "mart", name: "orders" }, "select 1 as order_id, 'done' as status", ["order_id"], { actionName: "mart.orders" });
    expect(result.rowsAffected).toBe(7);
    expect(insertedQuery(jobInserts()[0]).query).toBe(
      "merge `acme-analytics.mart.orders` as DATAFORM_DEST\nusing (\nselect 1 as order_id, 'done' as status\n) as DATAFORM_SOURCE\non DATAFORM_DEST.`order_id` = DATAFORM_SOURCE.`order_id`\n" +
        "when matched then update set `order_id` = DATAFORM_SOURCE.`order_id`, `status` = DATAFORM_SOURCE.`status`\n" +
        "when not matched then insert (`order_id`, `status`) values (DATAFORM_SOURCE.`order_id`, DATAFORM_SOURCE.`status`)",
    );
  });

  it("limits the merge with updatePartitionFilter and incrementalPredicates, as Dataform does", async () => {
    server.onQuery = () => ({ numDmlAffectedRows: 1 });
    await engine.mergeInto({ schema: "mart", name: "orders" }, "select 1 as order_id, 'done' as status", ["order_id"], {
      actionName: "mart.orders",
      filters: { updatePartitionFilter: "order_day >= '2024-01-01'", incrementalPredicates: ["DATAFORM_SOURCE.status != 'x'", " "] },
    });
    expect(insertedQuery(jobInserts()[0]).query).toContain(
      "on DATAFORM_DEST.`order_id` = DATAFORM_SOURCE.`order_id` and DATAFORM_DEST.order_day >= '2024-01-01' and (DATAFORM_SOURCE.status != 'x')\n",
    );
  });

  it("appends without a unique key, selecting the target's columns by name", async () => {
    server.onQuery = () => ({ numDmlAffectedRows: 2 });
    const result = await engine.insertInto({ schema: "mart", name: "orders" }, "select 'new' as status, 3 as order_id", { actionName: "mart.orders" });
    expect(result.rowsAffected).toBe(2);
    expect(insertedQuery(jobInserts()[0]).query).toBe(
      "insert into `acme-analytics.mart.orders` (`order_id`, `status`)\nselect `order_id`, `status` from (\nselect 'new' as status, 3 as order_id\n) as insertions",
    );
  });

  it("reads a query's columns from a dry run's statistics.query.schema, without running or billing it", async () => {
    server.onQuery = () => ({ schema: [{ name: "order_id", type: "INTEGER" }, { name: "tags", type: "STRING", mode: "REPEATED" }], totalBytesProcessed: 5000 });
    expect(await engine.queryColumns("select 1 as order_id, ['a'] as tags", { actionName: "mart.orders" })).toEqual([
      { name: "order_id", type: "INT64" },
      { name: "tags", type: "ARRAY<STRING>" },
    ]);
    const [job] = jobInserts().map(insertedQuery);
    expect(job).toMatchObject({ query: "select 1 as order_id, ['a'] as tags", dryRun: true });
    expect(server.requestsTo("GET", /\/queries\//)).toEqual([]);
    server.onQuery = () => ({});
    await expect(engine.queryColumns("select 1", { actionName: "mart.orders" })).rejects.toThrow("mart.orders: BigQuery's dry run of the query gave no result schema");
  });

  it("runs onSchemaChange's ALTER TABLE: an incremental with EXTEND adds the column its query gained, then merges it", async () => {
    const projectDir = copyProject(EXAMPLE_PROJECT);
    fs.writeFileSync(
      path.join(projectDir, "definitions", "orders_extended.sqlx"),
      'config { type: "incremental", uniqueKey: ["order_id"], onSchemaChange: "EXTEND" }\nselect 1 as order_id, date \'2024-01-02\' as shipped_on\n',
    );
    server.tables.set("acme-analytics.shop.orders_extended", { type: "TABLE", schema: { fields: [{ name: "order_id", type: "INTEGER" }] } });
    server.onQuery = (sql) => {
      if (sql.startsWith("alter table")) server.tables.set("acme-analytics.shop.orders_extended", { type: "TABLE", schema: { fields: [{ name: "order_id", type: "INTEGER" }, { name: "shipped_on", type: "DATE" }] } });
      return { schema: [{ name: "order_id", type: "INTEGER" }, { name: "shipped_on", type: "DATE" }] };
    };
    const action = compiledProject(projectDir, { dialect: "bigquery" }).actions.get("shop.orders_extended")!;
    await executeAction(engine, { ...action, target: { ...action.target, database: "acme-analytics" } }, { fullRefresh: false });
    const jobs = jobInserts().map(insertedQuery);
    expect(jobs.map((job) => [job.dryRun ?? false, job.query.trim().split("\n")[0]])).toEqual([
      [true, "select 1 as order_id, date '2024-01-02' as shipped_on"],
      [false, "alter table `acme-analytics.shop.orders_extended` add column if not exists `shipped_on` DATE"],
      [false, "merge `acme-analytics.shop.orders_extended` as DATAFORM_DEST"],
    ]);
    expect(jobs[2].query).toContain("when not matched then insert (`order_id`, `shipped_on`)");
  });

  it("declares it has no transactions: transaction() refuses, runAtomically runs the work as separate atomic jobs", async () => {
    expect(engine.capabilities.transactions).toBe(false);
    await expect(engine.transaction(async () => "never")).rejects.toThrow(UnsupportedCapabilityError);
    const value = await runAtomically(engine, async () => {
      await engine.execute("delete from `acme-analytics.mart.orders` where false", { actionName: "mart.orders" });
      return "done";
    });
    expect(value).toBe("done");
    expect(jobInserts().map((request) => insertedQuery(request).query)).toEqual(["delete from `acme-analytics.mart.orders` where false"]);
  });
});

describe("BigQuery engine contract: materialized views and metadata", () => {
  it("creates a materialized view, dropping a plain view of the same name first", async () => {
    server.tables.set("acme-analytics.mart.totals", { type: "VIEW", schema: { fields: [] } });
    await engine.createView({ schema: "mart", name: "totals" }, "select 1 as id", { actionName: "mart.totals", materialized: true });
    expect(jobInserts().map((request) => insertedQuery(request).query)).toEqual([
      "drop view `acme-analytics.mart.totals`",
      "create or replace materialized view `acme-analytics.mart.totals` as (\nselect 1 as id\n)",
    ]);
  });

  it("sets the description, labels and column descriptions with tables.patch, keeping every field", async () => {
    server.tables.set("other-project.mart.orders", {
      type: "TABLE",
      schema: {
        fields: [
          { name: "order_id", type: "INTEGER", mode: "REQUIRED" },
          { name: "address", type: "RECORD", fields: [{ name: "city", type: "STRING" }] },
          { name: "status", type: "STRING" },
        ],
      },
    });
    const result = await engine.setMetadata(
      { database: "other-project", schema: "mart", name: "orders" },
      {
        description: "One row per order.",
        columns: [
          { path: ["order_id"], description: "Order identifier" },
          { path: ["address", "city"], description: "City of delivery" },
          { path: ["gone"], description: "Not in the table" },
        ],
        labels: { layer: "gold" },
      },
      { actionName: "mart.orders" },
    );
    expect(result).toEqual({});
    const [patch] = server.requestsTo("PATCH", /^\/projects\/other-project\/datasets\/mart\/tables\/orders$/);
    expect(patch.body).toEqual({
      description: "One row per order.",
      labels: { layer: "gold" },
      schema: {
        fields: [
          { name: "order_id", type: "INTEGER", mode: "REQUIRED", description: "Order identifier" },
          { name: "address", type: "RECORD", fields: [{ name: "city", type: "STRING", description: "City of delivery" }] },
          { name: "status", type: "STRING" },
        ],
      },
    });
    expect(server.tables.get("other-project.mart.orders")?.description).toBe("One row per order.");
  });

  it("runs a statement in the action's reservation (config reservation or the project's defaultReservation)", async () => {
    await engine.execute("select 1", { actionName: "mart.orders", reservation: "projects/acme/locations/EU/reservations/batch" });
    await engine.execute("select 2", { actionName: "mart.orders" });
    const configurations = jobInserts().map((request) => (request.body as { configuration: { reservation?: string } }).configuration.reservation);
    expect(configurations).toEqual(["projects/acme/locations/EU/reservations/batch", undefined]);
  });

  it("refuses to document a table that does not exist, naming it", async () => {
    await expect(engine.setMetadata({ schema: "mart", name: "missing" }, { description: "x" }, { actionName: "mart.missing" })).rejects.toThrow(
      "mart.missing: cannot set the description of `acme-analytics.mart.missing`: it does not exist",
    );
  });
});

/** Incremental gold tables: what their MERGE recomputes, and what their DELETE removes afterwards. */
const INCREMENTAL_GOLD = [
  {
    action: "c360.customer_transactions",
    columns: ["order_id", "customer_key", "shop_customer_id", "order_ts", "order_date", "status", "channel", "currency", "total", "fx_rate_to_usd", "total_usd", "item_count", "is_revenue"],
    recomputes: "order_id in (select order_id from `c360-project.c360_changes.affected_orders`)",
    deletes: "order_id not in (select order_id from `c360-project.c360_staging.stg_shop__orders` where (not coalesce(order_ts >= ",
  },
  {
    // The per-customer facts (definitions/facts/): every source it aggregates is read for the affected customers only.
    action: "c360_facts.customer_activity",
    columns: ["customer_key", "order_count", "completed_revenue_usd", "web_sessions", "purchase_occasions"],
    recomputes: "customer_key in (select customer_key from `c360-project.c360_changes.affected_customers`)",
    // The identity map is read for the recomputed keys only (merges.removedKeys).
    deletes: "customer_key not in (select customer_key from `c360-project.c360.customer_identity_map` where (customer_key is not null) and ((select recompute_all from `c360-project.c360_changes.incremental_scope`) or customer_key in (select customer_key from (select customer_key from `c360-project.c360_changes.affected_customers`) as affected_keys))",
  },
  {
    // Its MERGE's source reads the table itself: the customers only web events and new orders reached
    // keep their stored row when neither can have changed it (first_seen_at, email).
    action: "c360.customer_information",
    columns: ["customer_key", "is_known", "email", "first_seen_at", "anonymous_ids"],
    recomputes: "from `c360-project.c360.customer_information` as stored",
    // The keys that merged or split away are among those recomputed (is_recomputed: an identity change).
    deletes: "customer_key not in (select customer_key from `c360-project.c360.customer_identity_map` where (customer_key is not null) and ((select recompute_all from `c360-project.c360_changes.incremental_scope`) or customer_key in (select customer_key from (select customer_key from `c360-project.c360_changes.affected_profiles` where is_recomputed) as affected_keys))",
  },
];

describe.each(INCREMENTAL_GOLD)("BigQuery engine contract: the incremental gold table $action (merge, then delete what is gone)", ({ action, columns, recomputes, deletes }) => {
  const incremental = () => compiledProject(REPO_ROOT, { dialect: "bigquery" }).actions.get(action)!;
  const table = `c360-project.${action}`;
  beforeEach(() => {
    server.tables.set(table, { type: "TABLE", schema: { fields: columns.map((name) => ({ name, type: "STRING" })) } });
    answerDryRunsWith(columns);
  });

  it("sends the MERGE of the affected rows, then the DELETE of those that are gone, as two jobs, after a dry run of the query that checks its columns", async () => {
    const outcome = await executeAction(engine, incremental(), { fullRefresh: false });
    expect(outcome.merged).toBe(true);
    const [check] = jobInserts().map(insertedQuery);
    expect(check.dryRun).toBe(true);
    expect(check.query).toContain(recomputes);
    const queries = runJobInserts().map((request) => insertedQuery(request).query);
    expect(queries).toHaveLength(2);
    expect(queries[0].startsWith(`merge \`${table}\` as DATAFORM_DEST\nusing (`)).toBe(true);
    expect(queries[0]).toContain(recomputes);
    expect(queries[1].trim().startsWith(`delete from \`${table}\` where `)).toBe(true);
    expect(queries[1]).toContain(deletes);
  });

  it("sends no DELETE when the MERGE fails, so the table stays as it was", async () => {
    const answer = server.onQuery;
    server.onQuery = (sql) => (sql.startsWith("merge") ? { error: { reason: "invalidQuery", message: "scripted merge failure" } } : answer(sql));
    await expect(executeAction(engine, incremental(), { fullRefresh: false })).rejects.toThrow("scripted merge failure");
    expect(runJobInserts().map((request) => insertedQuery(request).query.split(" ")[0])).toEqual(["merge"]);
  });
});

describe("BigQuery engine contract: incremental identity (merge the recomputed identifiers, delete the gone ones; save the state row last)", () => {
  const action = (name: string) => compiledProject(REPO_ROOT, { dialect: "bigquery" }).actions.get(name)!;
  beforeEach(() => {
    server.tables.set("c360-project.c360.customer_identity_map", { type: "TABLE", schema: { fields: ["source_system", "source_id", "customer_key", "rule"].map((name) => ({ name, type: "STRING" })) } });
    answerDryRunsWith(["source_system", "source_id", "customer_key", "rule"]);
  });

  it("lists the identifiers it may write, merges customer_identity_map on (source_system, source_id), then deletes the identifiers no longer accepted (every one when recomputing all, else the changed ones), as separate jobs", async () => {
    const outcome = await executeAction(engine, action("c360.customer_identity_map"), { fullRefresh: false });
    expect(outcome.merged).toBe(true);
    const written = runJobInserts().map((request) => insertedQuery(request).query);
    expect(written).toHaveLength(5);
    // Before the merge: the list is marked incomplete when recomputing all, and the identifiers
    // the merge and the deletes may write are listed, so a failed job later leaves them listed.
    expect(written[0].trim()).toBe(
      "delete from `c360-project.c360_identity.identity_map_tracked` where (select recompute_all from `c360-project.c360_identity.identity_scope`)",
    );
    expect(written[1].trim()).toMatch(/^insert into `c360-project\.c360_identity\.identity_map_pending` \(source_system, source_id\) select/);
    const queries = written.slice(2);
    expect(queries[0]).toMatch(/^merge `c360-project\.c360\.customer_identity_map` as DATAFORM_DEST\nusing \(/);
    expect(queries[0]).toContain("identifiers.node in (select node from `c360-project.c360_identity.identity_affected_nodes`)");
    expect(queries[0]).toContain("identifiers.node in (select node from `c360-project.c360_identity.identity_changed_nodes`)");
    expect(queries[1].trim()).toMatch(/^delete from `c360-project\.c360\.customer_identity_map` as mapped where \(select recompute_all from `c360-project\.c360_identity\.identity_scope`\) and not exists \(/);
    // The gone identifiers are found among the changed nodes' ones (records, orders and superseded deliveries), then matched on source_id first.
    expect(queries[2].trim()).toMatch(/^delete from `c360-project\.c360\.customer_identity_map` as mapped where mapped\.source_id in \(select source_id from \(/);
    expect(queries[2]).toContain("from `c360-project.c360_identity.identity_changed_nodes` where reason in ('record', 'order', 'superseded')");
    expect(queries[2]).toContain("gone.source_system = mapped.source_system and gone.source_id = mapped.source_id");
  });

  it("merges c360_identity.identity_identifiers on node, then deletes the changed identifiers that are gone and, when recomputing all, every gone one, as separate jobs", async () => {
    server.tables.set("c360-project.c360_identity.identity_identifiers", { type: "TABLE", schema: { fields: ["source_system", "source_id", "node"].map((name) => ({ name, type: "STRING" })) } });
    answerDryRunsWith(["source_system", "source_id", "node"]);
    const outcome = await executeAction(engine, action("c360_identity.identity_identifiers"), { fullRefresh: false });
    expect(outcome.merged).toBe(true);
    const queries = runJobInserts().map((request) => insertedQuery(request).query.trim());
    expect(queries).toHaveLength(3);
    expect(queries[0]).toMatch(/^merge `c360-project\.c360_identity\.identity_identifiers` as DATAFORM_DEST\nusing \(/);
    expect(queries[0]).toContain("`c360-project.c360_identity.identity_changed_nodes`");
    expect(queries[1]).toMatch(/^delete from `c360-project\.c360_identity\.identity_identifiers` where node in \(with/);
    expect(queries[2]).toMatch(/^delete from `c360-project\.c360_identity\.identity_identifiers` where \(select recompute_all from `c360-project\.c360_identity\.identity_scope`\)/);
  });

  it("deletes every row of c360_identity.identity_anonymous_users when recomputing all, then merges the new parts' signed-in users on anonymous_id, as separate jobs", async () => {
    server.tables.set("c360-project.c360_identity.identity_anonymous_users", { type: "TABLE", schema: { fields: ["anonymous_id", "least_user_id", "greatest_user_id"].map((name) => ({ name, type: "STRING" })) } });
    answerDryRunsWith(["anonymous_id", "least_user_id", "greatest_user_id"]);
    const outcome = await executeAction(engine, action("c360_identity.identity_anonymous_users"), { fullRefresh: false });
    expect(outcome.merged).toBe(true);
    const queries = runJobInserts().map((request) => insertedQuery(request).query.trim());
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatch(/^delete from `c360-project\.c360_identity\.identity_anonymous_users` where \(select recompute_all from `c360-project\.c360_identity\.identity_scope`\)$/);
    expect(queries[1]).toMatch(/^merge `c360-project\.c360_identity\.identity_anonymous_users` as DATAFORM_DEST\nusing \(/);
    expect(queries[1]).toContain("from `c360-project.c360_identity.identity_new_parts` where source = 'events'");
    expect(queries[1]).toContain("on DATAFORM_DEST.`anonymous_id` = DATAFORM_SOURCE.`anonymous_id`");
  });

  // Values, counts and edges: the changed scope's rows (every row when recomputing all) are deleted, then inserted as they are now.
  // identity_edges deletes the edges of the changed values, then those of the changed anonymous_ids (identity_changed_nodes).
  for (const [table, ...scopes] of [
    ["identity_shared_values", "identity_changed_values"],
    ["identity_edges", "identity_changed_values", "identity_changed_nodes"],
  ] as const) {
    it(`deletes the changed scope of c360_identity.${table} (every row when recomputing all), then inserts its rows as they are now, as separate jobs`, async () => {
      server.tables.set(`c360-project.c360_identity.${table}`, { type: "TABLE", schema: { fields: ["node", "value_kind", "value"].map((name) => ({ name, type: "STRING" })) } });
      answerDryRunsWith(["node", "value_kind", "value"]);
      const outcome = await executeAction(engine, action(`c360_identity.${table}`), { fullRefresh: false });
      expect(outcome.merged).toBe(true);
      const queries = runJobInserts().map((request) => insertedQuery(request).query.trim());
      expect(queries).toHaveLength(2 + scopes.length);
      expect(queries[0]).toMatch(new RegExp(`^delete from \`c360-project\\.c360_identity\\.${table}\` where \\(select recompute_all from \`c360-project\\.c360_identity\\.identity_scope\`\\)$`));
      scopes.forEach((scope, index) => {
        expect(queries[1 + index]).toMatch(new RegExp(`^delete from \`c360-project\\.c360_identity\\.${table}\``));
        expect(queries[1 + index]).toContain(`\`c360-project.c360_identity.${scope}\``);
      });
      expect(queries.at(-1)).toMatch(new RegExp(`^insert into \`c360-project\\.c360_identity\\.${table}\``));
    });
  }

  it("lists the changed rows of c360_identity.identity_identifier_values in identity_carrier_changes before it deletes the values the changed identifiers lost and inserts those they gained, as separate jobs", async () => {
    server.tables.set("c360-project.c360_identity.identity_identifier_values", { type: "TABLE", schema: { fields: ["node", "value_kind", "value"].map((name) => ({ name, type: "STRING" })) } });
    answerDryRunsWith(["node", "value_kind", "value"]);
    const outcome = await executeAction(engine, action("c360_identity.identity_identifier_values"), { fullRefresh: false });
    expect(outcome.merged).toBe(true);
    const queries = runJobInserts().map((request) => insertedQuery(request).query.trim());
    expect(queries).toHaveLength(4);
    expect(queries[0]).toMatch(/^delete from `c360-project\.c360_identity\.identity_identifier_values` where \(select recompute_all from `c360-project\.c360_identity\.identity_scope`\)$/);
    expect(queries[1]).toMatch(/^insert into `c360-project\.c360_identity\.identity_carrier_changes` \(node, value_kind, value\) with/);
    expect(queries[1]).toContain("from `c360-project.c360_identity.identity_recomputed_values`");
    expect(queries[2]).toMatch(/^delete from `c360-project\.c360_identity\.identity_identifier_values` as stored where node in \(select node from `c360-project\.c360_identity\.identity_changed_nodes`/);
    expect(queries[2]).toContain("from `c360-project.c360_identity.identity_carrier_changes` as changes");
    expect(queries[3]).toMatch(/^insert into `c360-project\.c360_identity\.identity_identifier_values`/);
    expect(queries[3]).toContain("from `c360-project.c360_identity.identity_recomputed_values`");
    expect(queries[3]).toContain("from `c360-project.c360_identity.identity_carrier_changes` as changes");
  });

  it("saves the identity state with the state row deleted first and written back last, so a failed save leaves none", async () => {
    await executeAction(engine, action("c360_identity.save_identity_state"), { fullRefresh: false });
    const verbs = jobInserts().map((request) => insertedQuery(request).query.trim().split(/\s+/).slice(0, 3).join(" "));
    expect(verbs).toEqual([
      "delete from `c360-project.c360_identity.identity_state`",
      "delete from `c360-project.c360_identity.identity_state_links`",
      "delete from `c360-project.c360_identity.identity_state_links`",
      "insert into `c360-project.c360_identity.identity_state_links`",
      "delete from `c360-project.c360_identity.identity_state_components`",
      "insert into `c360-project.c360_identity.identity_state_components`",
      "delete from `c360-project.c360_identity.identity_state_parts`",
      "insert into `c360-project.c360_identity.identity_state_parts`",
      "delete from `c360-project.c360_identity.identity_state_fx_rates`",
      "insert into `c360-project.c360_identity.identity_state_fx_rates`",
      "delete from `c360-project.c360_identity.identity_carrier_changes`",
      "delete from `c360-project.c360_identity.identity_state_settings`",
      "insert into `c360-project.c360_identity.identity_state_settings`",
      "insert into `c360-project.c360_identity.identity_state`",
    ]);

    server.reset();
    server.onQuery = (sql) => (sql.startsWith("insert into `c360-project.c360_identity.identity_state_components`") ? { error: { reason: "invalidQuery", message: "scripted save failure" } } : {});
    await expect(executeAction(engine, action("c360_identity.save_identity_state"), { fullRefresh: false })).rejects.toThrow("scripted save failure");
    const sent = jobInserts().map((request) => insertedQuery(request).query);
    expect(sent[0]).toMatch(/^delete from `c360-project\.c360_identity\.identity_state` where true/);
    expect(sent.some((sql) => sql.startsWith("insert into `c360-project.c360_identity.identity_state` "))).toBe(false);
  });
});

describe("BigQuery engine contract: reading", () => {
  it("reads query results page by page as plain values", async () => {
    server.onQuery = () => ({
      schema: [
        { name: "id", type: "INTEGER" },
        { name: "amount", type: "NUMERIC" },
        { name: "ordered_at", type: "TIMESTAMP" },
        { name: "ok", type: "BOOLEAN" },
        { name: "tags", type: "STRING", mode: "REPEATED" },
        { name: "address", type: "RECORD", fields: [{ name: "city", type: "STRING" }, { name: "zip", type: "STRING" }] },
        { name: "big", type: "INTEGER" },
      ],
      rows: Array.from({ length: 12_001 }, (_unused, index) => [
        String(index),
        "12.50",
        "1719748800123456",
        index % 2 === 0 ? "true" : "false",
        ["a", "b"],
        { city: "Lyon", zip: null },
        "9007199254740993",
      ]),
    });
    const rows = await engine.query("select * from somewhere", { actionName: "mart.assert_x" });
    expect(rows).toHaveLength(12_001);
    expect(rows[1]).toEqual({
      id: 1,
      amount: "12.50",
      ordered_at: "2024-06-30T12:00:00.123456Z",
      ok: false,
      tags: ["a", "b"],
      address: { city: "Lyon", zip: null },
      big: "9007199254740993",
    });
    const pages = server.requestsTo("GET", /\/queries\//).filter((request) => request.query.maxResults !== "0");
    expect(pages.map((request) => request.query.pageToken)).toEqual([undefined, "10000"]);
    expect(pages[0].query["formatOptions.useInt64Timestamp"]).toBe("true");
  });

  it("gives the result's column types in GoogleSQL names with the rows (query --format json needs them)", async () => {
    server.onQuery = () => ({
      schema: [
        { name: "amount", type: "NUMERIC" },
        { name: "big", type: "INTEGER" },
        { name: "tags", type: "STRING", mode: "REPEATED" },
      ],
      rows: [["12.50", "9007199254740993", ["a"]]],
    });
    const result = await engine.queryWithColumns("select amount, big, tags from somewhere");
    expect(result).toEqual({
      columns: [
        { name: "amount", type: "NUMERIC" },
        { name: "big", type: "INT64" },
        { name: "tags", type: "ARRAY<STRING>" },
      ],
      rows: [{ amount: "12.50", big: "9007199254740993", tags: ["a"] }],
    });
    expect(jsonRows(result.columns, result.rows)).toEqual([{ amount: 12.5, big: "9007199254740993", tags: ["a"] }]);
  });

  it("describes tables with GoogleSQL type names and lists tables across pages", async () => {
    server.tables.set("acme-analytics.raw_crm.customers", {
      type: "TABLE",
      schema: {
        fields: [
          { name: "_record_number", type: "INTEGER" },
          { name: "email", type: "STRING" },
          { name: "history", type: "RECORD", mode: "REPEATED", fields: [{ name: "at", type: "TIMESTAMP" }, { name: "score", type: "FLOAT" }] },
        ],
      },
    });
    server.tables.set("acme-analytics.raw_crm.addresses", { type: "TABLE", schema: { fields: [] } });
    server.datasets.set("acme-analytics.raw_crm", { location: "EU" });
    expect(await engine.describeTable({ schema: "raw_crm", name: "customers" })).toEqual([
      { name: "_record_number", type: "INT64" },
      { name: "email", type: "STRING" },
      { name: "history", type: "ARRAY<STRUCT<at TIMESTAMP, score FLOAT64>>" },
    ]);
    expect(await engine.describeTable({ schema: "raw_crm", name: "missing" })).toBeUndefined();
    expect(await engine.listTables("raw_crm")).toEqual([
      { database: "acme-analytics", schema: "raw_crm", name: "addresses" },
      { database: "acme-analytics", schema: "raw_crm", name: "customers" },
    ]);
    expect(server.requestsTo("GET", /\/datasets\/raw_crm\/tables$/)).toHaveLength(2);
  });
});

describe("BigQuery engine contract: retries and failures", () => {
  it("retries jobs.insert on a 500 and a rate limit with the same job id, then polls past a backend error", async () => {
    server.failNext("POST", /\/jobs$/, 500, "backendError");
    server.failNext("POST", /\/jobs$/, 403, "rateLimitExceeded");
    server.failNext("GET", /\/queries\//, 503, "backendError");
    const result = await engine.execute("select 1", { actionName: "ops.ping" });
    expect(result.seconds).toBe(1.5);
    const inserts = jobInserts();
    expect(inserts).toHaveLength(3);
    expect(new Set(inserts.map((request) => insertedQuery(request).jobId)).size).toBe(1);
    expect(logs.filter((line) => line.includes("retry"))).toHaveLength(3);
    expect(logs[0]).toMatch(/^BigQuery: POST \/jobs failed \(scripted backendError\); retry 1 of 5 in /);
  });

  it("treats 'already exists' after a lost answer as the job it inserted (the statement runs once)", async () => {
    server.loseNextInsertAnswer = true;
    server.onQuery = () => ({ numDmlAffectedRows: 4 });
    const result = await engine.execute("delete from t where true", { actionName: "mart.t" });
    expect(result.rowsAffected).toBe(4);
    expect(jobInserts()).toHaveLength(2);
    expect(server.jobs.size).toBe(1);
  });

  it("runs a job again as a new job when it fails with a transient reason", async () => {
    let runs = 0;
    server.onQuery = () => (runs++ === 0 ? { error: { reason: "backendError", message: "Backend error, please retry" } } : { numDmlAffectedRows: 1 });
    const result = await engine.execute("update t set x = 1 where true", { actionName: "mart.t" });
    expect(result.rowsAffected).toBe(1);
    const ids = jobInserts().map((request) => insertedQuery(request).jobId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("a failing statement is an ExecutionError naming the action, the message and the job", async () => {
    server.onQuery = () => ({ error: { reason: "invalidQuery", message: "Unrecognized name: colour at [3:5]" } });
    const failure = await engine.execute("select colour from t", { actionName: "mart.paint" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).actionName).toBe("mart.paint");
    expect((failure as Error).message).toMatch(/^mart\.paint: Unrecognized name: colour at \[3:5\] \(job acme-analytics:EU\.c360_[0-9a-f]{32}\)$/);
    expect(jobInserts()).toHaveLength(1);
  });

  it("gives up after the bounded number of attempts", async () => {
    server.failNext("GET", /\/tables\/orders$/, 500, "backendError", 6);
    await expect(engine.describeTable({ schema: "mart", name: "orders" })).rejects.toThrow("scripted backendError");
    expect(server.requestsTo("GET", /\/tables\/orders$/)).toHaveLength(6);
  });
});

describe("BigQuery engine contract: loading", () => {
  const columns = [
    { name: "_source_file", type: "text" as const },
    { name: "_record_number", type: "integer" as const },
    { name: "crm_id", type: "text" as const },
  ];

  it("uploads the rows as NDJSON in a load job with an explicit schema, replacing the table", async () => {
    const rows = [
      ["crm/customers.csv", 1, "C1"],
      ["crm/customers.csv", 2, null],
      ["crm/customers.csv", 3, 'C"3\n'],
    ];
    const written = await engine.load({ target: { schema: "raw_crm", name: "customers" }, columns, rows, mode: "replace" });
    expect(written).toBe(3);
    const [upload] = server.requestsTo("POST", /\/jobs$/);
    expect(upload.query.uploadType).toBe("multipart");
    expect(upload.upload?.job).toMatchObject({
      jobReference: { projectId: "acme-analytics", location: "EU" },
      configuration: {
        load: {
          destinationTable: { projectId: "acme-analytics", datasetId: "raw_crm", tableId: "customers" },
          sourceFormat: "NEWLINE_DELIMITED_JSON",
          schema: {
            fields: [
              { name: "_source_file", type: "STRING", mode: "NULLABLE" },
              { name: "_record_number", type: "INTEGER", mode: "NULLABLE" },
              { name: "crm_id", type: "STRING", mode: "NULLABLE" },
            ],
          },
          writeDisposition: "WRITE_TRUNCATE",
          createDisposition: "CREATE_IF_NEEDED",
        },
        labels: { c360_project: "shop-360", c360_run_id: "run-42", c360_action: "load_raw_crm_customers" },
      },
    });
    expect(upload.upload?.data.split("\n").filter(Boolean).map((line) => JSON.parse(line))).toEqual([
      { _source_file: "crm/customers.csv", _record_number: 1, crm_id: "C1" },
      { _source_file: "crm/customers.csv", _record_number: 2, crm_id: null },
      { _source_file: "crm/customers.csv", _record_number: 3, crm_id: 'C"3\n' },
    ]);
    expect(server.datasets.get("acme-analytics.raw_crm")).toEqual({ location: "EU" });
    // A load job has no query results: its status is polled with jobs.get.
    expect(server.requestsTo("GET", /\/queries\//)).toEqual([]);
    expect(server.requestsTo("GET", /\/jobs\/c360_[0-9a-f]+$/)).toHaveLength(1);
  });

  it("appends with WRITE_APPEND, retries a failed upload, and creates an empty table with DDL when there are no rows", async () => {
    server.failNext("POST", /\/jobs$/, 429, "rateLimitExceeded");
    await engine.load({ target: { schema: "raw_crm", name: "customers" }, columns, rows: [["crm/customers-2.csv", 1, "C9"]], mode: "append" });
    const uploads = server.requestsTo("POST", /\/jobs$/);
    expect(uploads).toHaveLength(2);
    expect((uploads[1].upload?.job as { configuration: { load: { writeDisposition: string } } }).configuration.load.writeDisposition).toBe("WRITE_APPEND");

    await engine.load({ target: { schema: "raw_web", name: "events" }, columns, rows: [], mode: "replace" });
    expect(insertedQuery(jobInserts().at(-1)!).query).toBe("create or replace table `acme-analytics.raw_web.events` (`_source_file` STRING, `_record_number` INT64, `crm_id` STRING)");
  });
});

describe("BigQuery engine contract: table layout", () => {
  it("adds a column typed as a load types it", async () => {
    await engine.addColumn({ schema: "raw_meta", name: "load_manifest" }, { name: "modified_at", type: "text" });
    await engine.addColumn({ schema: "raw_meta", name: "load_manifest" }, { name: "attempts", type: "integer" });
    expect(jobInserts().map((request) => insertedQuery(request).query)).toEqual([
      "alter table `acme-analytics.raw_meta.load_manifest` add column `modified_at` STRING",
      "alter table `acme-analytics.raw_meta.load_manifest` add column `attempts` INT64",
    ]);
  });
});

describe("BigQuery engine contract: dry run", () => {
  it("dry-runs every statement, creates nothing, and reports bytes per action with the on-demand estimate", async () => {
    const dryRun = await open({ dryRun: true });
    try {
      server.tables.set("acme-analytics.mart.orders", { type: "TABLE", schema: { fields: [{ name: "order_id", type: "INTEGER" }] } });
      server.onQuery = (sql) => ({ totalBytesProcessed: sql.startsWith("merge") ? 2 * 1024 ** 4 : 1024 ** 3 });
      await dryRun.ensureSchema("mart");
      await dryRun.createTableAs({ schema: "mart", name: "customers" }, "select 1 as id", {}, { actionName: "mart.customers" });
      await dryRun.mergeInto({ schema: "mart", name: "orders" }, "select 1 as order_id", ["order_id"], { actionName: "mart.orders" });
      expect(await dryRun.query("select * from x", { actionName: "mart.assert_orders" })).toEqual([]);
      expect(await dryRun.load({ target: { schema: "raw_crm", name: "customers" }, columns: [{ name: "a", type: "text" }], rows: [["x"]], mode: "replace" })).toBe(1);
      const report = dryRun.dryRunReport();
      expect(report.actions).toEqual([
        { actionName: "mart.customers", statements: 1, bytesProcessed: 1024 ** 3 },
        { actionName: "mart.orders", statements: 1, bytesProcessed: 2 * 1024 ** 4 },
        { actionName: "mart.assert_orders", statements: 1, bytesProcessed: 1024 ** 3 },
      ]);
      expect(report.totalBytes).toBe(2 * 1024 ** 4 + 2 * 1024 ** 3);
      expect(report.usdPerTib).toBe(6.25);
      expect(report.estimatedUsd).toBeCloseTo(12.5 + (2 * 6.25) / 1024, 6);
      expect(jobInserts().every((request) => insertedQuery(request).dryRun === true)).toBe(true);
      // Nothing but dry-run jobs and metadata reads: no datasets, no polling, no uploads.
      expect(server.requests.filter((request) => request.method !== "GET" && !request.path.endsWith("/jobs"))).toEqual([]);
      expect(server.requestsTo("GET", /\/queries\//)).toEqual([]);
      expect(server.datasets.size).toBe(0);
    } finally {
      await dryRun.close();
    }
  });
});

describe("BigQuery engine contract: cancellation and credentials", () => {
  it("cancels the running jobs (Ctrl-C), and the waiting statement fails", async () => {
    server.onQuery = () => ({ pendingPolls: 1_000 });
    const running = engine.execute("select slow()", { actionName: "mart.slow" });
    const failed = running.catch((error: unknown) => error);
    while (server.requestsTo("GET", /\/queries\//).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await engine.cancelRunningJobs();
    expect(outcome.cancelled).toHaveLength(1);
    expect(server.requestsTo("POST", /\/jobs\/c360_[0-9a-f]+\/cancel$/)[0].query).toMatchObject({ location: "EU" });
    expect(((await failed) as Error).message).toMatch(/^mart\.slow: Job execution was cancelled/);
  });

  it("on SIGINT cancels running jobs and then calls onInterrupted", async () => {
    let interrupted = false;
    const listenersBefore = process.listenerCount("SIGINT");
    const withHandler = await open({ cancelOnInterrupt: true, onInterrupted: () => (interrupted = true) });
    try {
      server.onQuery = () => ({ pendingPolls: 1_000 });
      const failed = withHandler.execute("select slow()", { actionName: "mart.slow" }).catch((error: unknown) => error);
      while (server.requestsTo("GET", /\/queries\//).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      process.emit("SIGINT");
      await failed;
      await expect.poll(() => interrupted).toBe(true);
      expect(server.requestsTo("POST", /\/cancel$/)).toHaveLength(1);
      expect(logs).toContain("Interrupted: cancelling 1 running BigQuery job(s)…");
    } finally {
      await withHandler.close();
    }
    expect(process.listenerCount("SIGINT")).toBe(listenersBefore);
  });

  it("without application-default credentials, opening fails with a message that says how to provide them", async () => {
    const saved = { credentials: process.env.GOOGLE_APPLICATION_CREDENTIALS, detection: process.env.METADATA_SERVER_DETECTION };
    process.env.GOOGLE_APPLICATION_CREDENTIALS = "/nonexistent/c360-test-key.json";
    // Never probe a metadata server from a test.
    process.env.METADATA_SERVER_DETECTION = "none";
    try {
      const failure = await openBigQueryEngine(TARGET, { apiEndpoint: server.endpoint, cancelOnInterrupt: false }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BigQueryCredentialsError);
      expect((failure as Error).message).toMatch(/^No Google Cloud credentials for BigQuery \(project acme-analytics\)/);
      expect((failure as Error).message).toContain("gcloud auth application-default login");
      expect((failure as Error).message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
      expect(server.requests).toEqual([]);
    } finally {
      for (const [key, value] of Object.entries({ GOOGLE_APPLICATION_CREDENTIALS: saved.credentials, METADATA_SERVER_DETECTION: saved.detection })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe("BigQuery engine contract: the build state of --skip-unchanged", () => {
  const stateProjectActions = () => compiledProject(writeStateProject()).actions;
  const stateStatements = () => jobInserts().map((request) => insertedQuery(request).query).filter((query) => query.includes("c360_meta"));

  it("creates c360_meta.action_state, records a built table's version with BigQuery quoting, and skips it the next time", async () => {
    const actions = stateProjectActions();
    const countryNames = actions.get("marts.country_names")!;
    const first = (await BuildState.open(engine, actions, { skipUnchanged: true, bronzeTables: STATE_BRONZE_TABLES }))!;
    expect(stateStatements()[0]).toBe(
      "create or replace table `acme-analytics.c360_meta.action_state` (`action` STRING, `version` STRING, `built_at` STRING)",
    );
    // Nothing recorded yet: the run takes no row out before it starts.
    const created = stateStatements().length;
    await first.begin([countryNames]);
    expect(stateStatements().length).toBe(created);
    const decision = first.decide(countryNames);
    expect(decision).toMatchObject({ skip: false, version: expect.stringMatching(/^[0-9a-f]{64}$/) });
    first.remember(countryNames, { engineSeconds: 0 }, { fingerprint: decision.version });
    // The versions are written when the run ends, in one statement.
    await first.finish();
    const insert = stateStatements().at(-1)!;
    expect(insert.startsWith("insert into `acme-analytics.c360_meta.action_state` (action, version, built_at) values ")).toBe(true);
    expect(insert).toMatch(/ values \('marts\.country_names', '([0-9a-f]{64})', '\d{4}-\d\d-\d\dT[\d:.]+Z'\)$/);
    expect(insert).toContain(`'${decision.version}'`);

    // The next run reads that row back; the table exists, so it is left as it is.
    server.tables.set("acme-analytics.c360_meta.action_state", { type: "TABLE", schema: { fields: ["action", "version", "built_at"].map((name) => ({ name, type: "STRING" })) } });
    server.datasets.set("acme-analytics.marts", { location: "EU" });
    server.tables.set("acme-analytics.marts.country_names", { type: "TABLE", schema: { fields: [{ name: "alpha2", type: "STRING" }] } });
    server.onQuery = (sql) =>
      sql.startsWith("select action, version, built_at from")
        ? {
            schema: ["action", "version", "built_at"].map((name) => ({ name, type: "STRING" })),
            rows: [["marts.country_names", decision.version, "2024-07-01T00:00:00.000Z"]],
          }
        : {};
    const second = (await BuildState.open(engine, actions, { skipUnchanged: true, bronzeTables: STATE_BRONZE_TABLES }))!;
    expect(second.decide(countryNames)).toEqual({ skip: true, version: decision.version });
    // A table that reads it but was never built is not skipped.
    expect(second.decide(actions.get("marts.country_count")!)).toMatchObject({ skip: false });
    // Before a run that plans country_names starts, its recorded version goes (one statement for every planned action)...
    const before = stateStatements().length;
    await second.begin([countryNames, actions.get("marts.country_count")!]);
    expect(stateStatements().slice(before)).toEqual(["delete from `acme-analytics.c360_meta.action_state` where action in ('marts.country_names')"]);
    // ... and comes back when the run ends without building it (skipped as unchanged), with the time it was built.
    await second.finish();
    expect(stateStatements().at(-1)).toBe(
      "insert into `acme-analytics.c360_meta.action_state` (action, version, built_at) values ('marts.country_names', '" + decision.version + "', '2024-07-01T00:00:00.000Z')",
    );
  });
});
