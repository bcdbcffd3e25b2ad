/**
 * includes/ts/identity_values.ts: the valid email and phone values each identifier carries, run
 * on DuckDB over hand-worked staging rows; the query is analyzed as BigQuery SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carriedValues } from "../../includes/ts/identity_values.js";
import { analyzeBigQueryStatement } from "../../src/check/index.js";
import { MacroHarness } from "./macro-harness.js";

const harness = MacroHarness.forTestFile();

// carriedValues reads the as-of date from the compile vars, as Dataform's compile provides them.
const globals = globalThis as { dataform?: unknown };
beforeAll(() => {
  globals.dataform = { projectConfig: { vars: { as_of_date: "2024-06-30" } } };
});
afterAll(() => {
  delete globals.dataform;
});

const EVERY_ROW = { crm: "true", shopOrders: "true", loyalty: "true", support: "true" };
const TABLES = { crm: "crm", shopOrders: "orders", loyalty: "loyalty", support: "tickets" };

async function createStagingTables(): Promise<void> {
  const statements = [
    "create or replace table crm (crm_id varchar, email varchar, email_is_valid boolean, phone_e164 varchar, phone_is_valid boolean, is_after_as_of boolean)",
    // C1 twice with the same values (one row each), C2's email invalid, C3 created after as_of_date, C9 left out by a condition below.
    `insert into crm values
      ('C1', 'ann@example.com', true, '+441234567890', true, false),
      ('C1', 'ann@example.com', true, '+441234567890', true, false),
      ('C2', 'not-an-email', false, null, false, false),
      ('C3', 'late@example.com', true, null, false, true),
      ('C9', 'nine@example.com', true, null, false, false)`,
    "create or replace table orders (shop_customer_id varchar, customer_email varchar, customer_email_is_valid boolean, order_ts timestamp)",
    // S1's two orders carry one email; S2's order lies after the as-of date, 2024-06-30; S3's time is unknown, which is not "after".
    `insert into orders values
      ('S1', 'ann@example.com', true, '2024-01-05 10:00:00'),
      ('S1', 'ann@example.com', true, '2024-03-05 10:00:00'),
      ('S2', 'bob@example.com', true, '2024-07-01 00:00:00'),
      ('S3', 'cy@example.com', true, null)`,
    "create or replace table loyalty (member_id varchar, email varchar, email_is_valid boolean, phone_e164 varchar, phone_is_valid boolean, is_after_as_of boolean)",
    "insert into loyalty values ('L1', null, false, '+441234567890', true, false)",
    "create or replace table tickets (ticket_id bigint, requester_email varchar, requester_email_is_valid boolean, is_after_as_of boolean)",
    "insert into tickets values (7, 'ann@example.com', true, false), (8, 'dee@example.com', true, true)",
  ];
  for (const statement of statements) await harness.engine.execute(statement);
}

describe("identity_values.carriedValues", () => {
  it("lists each identifier's valid values up to as_of_date once, a ticket's not counting as an account, and only from rows that pass each source's condition", async () => {
    await createStagingTables();
    const carried = await harness.engine.query(
      `${carriedValues(TABLES, { ...EVERY_ROW, crm: "crm_id <> 'C9'" })} order by node, value_kind, value`,
    );
    expect(carried).toEqual([
      { node: "crm:C1", source_system: "crm", value_kind: "email", value: "ann@example.com", counts_as_account: true },
      { node: "crm:C1", source_system: "crm", value_kind: "phone", value: "+441234567890", counts_as_account: true },
      { node: "loyalty:L1", source_system: "loyalty", value_kind: "phone", value: "+441234567890", counts_as_account: true },
      { node: "shop:S1", source_system: "shop", value_kind: "email", value: "ann@example.com", counts_as_account: true },
      { node: "shop:S3", source_system: "shop", value_kind: "email", value: "cy@example.com", counts_as_account: true },
      { node: "support:7", source_system: "support", value_kind: "email", value: "ann@example.com", counts_as_account: false },
    ]);
  });

  it("renders a query that BigQuery's analyzer accepts", async () => {
    const tables = {
      "project.ds.crm": { crm_id: "STRING", email: "STRING", email_is_valid: "BOOL", phone_e164: "STRING", phone_is_valid: "BOOL", is_after_as_of: "BOOL" },
      "project.ds.orders": { shop_customer_id: "STRING", customer_email: "STRING", customer_email_is_valid: "BOOL", order_ts: "TIMESTAMP" },
      "project.ds.loyalty": { member_id: "STRING", email: "STRING", email_is_valid: "BOOL", phone_e164: "STRING", phone_is_valid: "BOOL", is_after_as_of: "BOOL" },
      "project.ds.tickets": { ticket_id: "INT64", requester_email: "STRING", requester_email_is_valid: "BOOL", is_after_as_of: "BOOL" },
    };
    const quoted = { crm: "`project.ds.crm`", shopOrders: "`project.ds.orders`", loyalty: "`project.ds.loyalty`", support: "`project.ds.tickets`" };
    expect((await analyzeBigQueryStatement(carriedValues(quoted, EVERY_ROW), tables)).kind).toMatch(/query/i);
  });
});
