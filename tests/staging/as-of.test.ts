/**
 * as_of_date (SOURCES.md Identity): records after the end of that day are accepted but
 * ignored by identity (and gold); an earlier version then stands. The incremental tables
 * hold nothing that depends on as_of_date, so a scheduler moving as_of_date forward between
 * incremental builds gets the same result as a full build for the new date.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusters, identityMap } from "../identity/identity-helpers.js";
import { crmCsv, eventsNdjson, membersXml, ordersCsv, referenceFiles, ticketsJson } from "./landing-builder.js";
import { buildsClosedAfterEachTest, SilverBuild, writeLanding } from "./silver-harness.js";

const openBuild = buildsClosedAfterEachTest();

const LANDING = {
  ...referenceFiles(),
  "crm/customers.csv": crmCsv([
    { crm_id: "C1", email: "old@asof.test", updated_at: "2024-06-30T23:59:59Z" },
    { crm_id: "C1", email: "new@asof.test", updated_at: "2024-07-01T00:00:00Z" },
    { crm_id: "C2", email: "late@asof.test", updated_at: "2024-07-10T00:00:00Z" },
  ]),
  "shop/orders.csv": ordersCsv([
    { order_id: "O1", shop_customer_id: "S1", customer_email: "old@asof.test", order_ts: "2024-06-30T23:00:00Z" },
    { order_id: "O2", shop_customer_id: "S2", customer_email: "new@asof.test", order_ts: "2024-07-01T01:00:00+02:00" },
    { order_id: "O3", shop_customer_id: "S3", customer_email: "late@asof.test", order_ts: "2024-07-02T00:00:00Z" },
  ]),
  "web/events.ndjson": eventsNdjson([
    { message_id: "m1", anonymous_id: "a1", user_id: "S1", timestamp: "2024-06-30T10:00:00Z" },
    { message_id: "m2", anonymous_id: "a1", user_id: "S3", timestamp: "2024-07-05T10:00:00Z" },
  ]),
  "support/tickets.json": ticketsJson([
    { ticket_id: 7, requester_email: "old@asof.test", created_at: "2024-06-01T00:00:00Z" },
    { ticket_id: 7, requester_email: "late@asof.test", created_at: "2024-07-03T00:00:00Z" },
  ]),
  "loyalty/members.xml": membersXml([{ id: "L1", email: "late@asof.test", joined_on: "2024-07-04" }]),
};

/**
 * LANDING built as of 2024-06-30 (SILVER_VARS' as_of_date): the first test reads it, the second
 * then moves it forward. One build for both, as the second test's first build is the first's.
 */
let moving: SilverBuild;
let landing: string;
beforeAll(async () => {
  landing = writeLanding(LANDING);
  moving = await SilverBuild.open();
  await moving.load(landing);
  await moving.run({ vars: { as_of_date: "2024-06-30" } });
});
afterAll(async () => {
  await moving?.close();
});

describe("as_of_date", () => {
  it("ignores records after the end of the day; an earlier version stands", async () => {
    // Reads only: the next test moves this build forward.
    const build = moving;
    expect(await build.query("select crm_id, email, is_after_as_of, is_latest_version from c360_staging.stg_crm__customers order by crm_id")).toEqual([
      { crm_id: "C1", email: "old@asof.test", is_after_as_of: false, is_latest_version: false },
      { crm_id: "C2", email: "late@asof.test", is_after_as_of: true, is_latest_version: true },
    ]);
    // Ticket 7's later record is after as_of: the earlier one stands.
    expect(await build.query("select ticket_id, requester_email, is_after_as_of, record_count from c360_staging.stg_support__tickets")).toEqual([
      { ticket_id: 7, requester_email: "old@asof.test", is_after_as_of: false, record_count: 2 },
    ]);
    // O2 at 2024-07-01T01:00+02:00 is 2024-06-30T23:00Z: in range, but C1's standing email is the old one.
    expect(clusters(await identityMap(build))).toEqual([["crm:C1", "shop:S1", "support:7", "web:a1"], ["shop:S2"]]);
  });

  it("moves forward between incremental builds exactly like a full build for the new date", async () => {
    // Built as of 2024-06-30 (beforeAll), then moved forward.
    await moving.run({ vars: { as_of_date: "2024-07-31" } });

    const fresh = await openBuild();
    await fresh.load(landing);
    await fresh.run({ vars: { as_of_date: "2024-07-31" } });

    const snapshot = async (build: SilverBuild) => ({
      map: await build.query("select * from c360.customer_identity_map order by source_system, source_id"),
      crm: await build.query("select * from c360_staging.stg_crm__customers order by crm_id"),
      tickets: await build.query("select * from c360_staging.stg_support__tickets order by ticket_id"),
    });
    expect(await snapshot(moving)).toEqual(await snapshot(fresh));
    // As of 2024-07-31 every record counts: a1 signed in as S1 and S3 (a shared device).
    expect(clusters(await identityMap(fresh))).toEqual([
      ["crm:C1", "shop:S2"],
      ["crm:C2", "loyalty:L1", "shop:S3", "support:7"],
      ["shop:S1"],
      ["web:a1"],
    ]);
  });
});
