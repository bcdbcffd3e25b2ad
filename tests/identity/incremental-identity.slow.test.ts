/**
 * Incremental identity (issue 21): after any sequence of incremental builds,
 * customer_identity_map equals a --full-refresh build of the same landing folder, row for row,
 * while an incremental build recomputes only the components its changed links touch. Each
 * round adds parts to one landing folder, builds staging and identity incrementally in one
 * database and from scratch (--full-refresh) in another, and compares the maps.
 */
import { describe, expect, it } from "vitest";
import { buildsClosedAfterEachTest, type SilverBuild, writeLanding } from "../staging/silver-harness.js";
import { crmCsv, eventsNdjson, membersXml, ordersCsv, referenceFiles, ticketsJson } from "../staging/landing-builder.js";
import { clusters, identityMap, md5 } from "./identity-helpers.js";

/** A dozen rounds, each an incremental and a full build. */
const ROUNDS_TIMEOUT = 900_000;

const open = buildsClosedAfterEachTest();

async function mapRows(build: SilverBuild): Promise<unknown[]> {
  return build.query("select source_system, source_id, customer_key, rule from c360.customer_identity_map order by all");
}

async function count(build: SilverBuild, table: string): Promise<number> {
  return Number((await build.query(`select count(*) as n from ${table}`))[0].n);
}

/** The values an identifier carries, as kind:value in order. */
async function values(build: SilverBuild, node: string): Promise<string[]> {
  const rows = await build.query(`select value_kind || ':' || value as carried from c360_identity.identity_identifier_values where node = '${node}' order by carried`);
  return rows.map((row) => String(row.carried));
}

async function recomputeAll(build: SilverBuild): Promise<boolean> {
  return Boolean((await build.query("select recompute_all from c360_identity.identity_scope"))[0].recompute_all);
}

/** Builds the folder incrementally into `incremental`, and from scratch into `full`; expects equal maps and returns the incremental map. */
async function buildRound(incremental: SilverBuild, full: SilverBuild, landing: string, vars: Record<string, string> = {}) {
  await incremental.load(landing);
  await incremental.run({ vars });
  await full.load(landing, true);
  await full.run({ vars, fullRefresh: true });
  expect(await recomputeAll(full)).toBe(true);
  const actual = await mapRows(incremental);
  expect(actual.length).toBeGreaterThan(0);
  expect(actual).toEqual(await mapRows(full));
  // The tables before the components, merged incrementally, equal a full build's.
  for (const table of ["identity_identifiers", "identity_identifier_values", "identity_shared_values", "identity_anonymous_users", "identity_edges"]) {
    expect(await incremental.query(`select * from c360_identity.${table} order by all`), table).toEqual(await full.query(`select * from c360_identity.${table} order by all`));
  }
  // The saved state is the whole graph's, as a full build saves it.
  for (const state of ["identity_state_links", "identity_state_components", "identity_state_parts", "identity_state_fx_rates", "identity_state_settings"]) {
    expect(await incremental.query(`select * from c360_identity.${state} order by all`), state).toEqual(await full.query(`select * from c360_identity.${state} order by all`));
  }
  return identityMap(incremental);
}

describe("incremental identity equals a full refresh", () => {
  it("through merges, a split by a CRM version, new identifiers of old customers, new customers, a value turning shared and a moving as_of_date", async () => {
    const incremental = await open();
    const full = await open();
    const landing = writeLanding({
      ...referenceFiles(),
      "crm/customers.csv": crmCsv([
        { crm_id: "C1", first_name: "Ann", email: "ann@example.com", created_at: "2024-01-05T00:00:00Z" },
        { crm_id: "C2", first_name: "Bob", email: "bob@example.com", phone: "+1 415 555 0101", created_at: "2024-01-06T00:00:00Z" },
        { crm_id: "C3", first_name: "Cy", email: "cy@example.com", created_at: "2024-01-07T00:00:00Z" },
        { crm_id: "C4", first_name: "Di", email: "di@example.com", created_at: "2024-01-08T00:00:00Z" },
      ]),
      "shop/orders.csv": ordersCsv([
        { order_id: "O1", shop_customer_id: "S1", customer_email: "ann@example.com", order_ts: "2024-02-01T10:00:00Z", total: "20.00" },
        { order_id: "O2", shop_customer_id: "S2", customer_email: "bob@example.com", order_ts: "2024-02-02T10:00:00Z", total: "30.00" },
        { order_id: "O3", shop_customer_id: "S3", customer_email: "cy@example.com", order_ts: "2024-02-03T10:00:00Z", total: "40.00" },
      ]),
      "web/events.ndjson": eventsNdjson([
        { message_id: "M1", anonymous_id: "A1", user_id: "S1", timestamp: "2024-02-01T09:00:00Z" },
        { message_id: "M2", anonymous_id: "A2", timestamp: "2024-02-05T09:00:00Z" },
      ]),
      "support/tickets.json": ticketsJson([{ ticket_id: 1, requester_email: "bob@example.com" }]),
      "loyalty/members.xml": membersXml([{ id: "L1", email: "cy@example.com", tier: "silver", points: "100", joined_on: "2024-01-10" }]),
    });
    let map = await buildRound(incremental, full, landing);
    const ann = ["crm:C1", "shop:S1", "web:A1"];
    const bob = ["crm:C2", "shop:S2", "support:1"];
    expect(clusters(map)).toEqual([ann, bob, ["crm:C3", "loyalty:L1", "shop:S3"], ["crm:C4"], ["web:A2"]]);
    expect(await recomputeAll(incremental)).toBe(true);

    // Round 2, a merge of two existing customers: a new loyalty member carries Ann's email and Bob's phone.
    writeLanding({ "loyalty/members-2024-07-01.xml": membersXml([{ id: "L2", email: "ann@example.com", phone: "+1 415 555 0101", tier: "gold", points: "50", joined_on: "2024-03-01" }]) }, landing);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(map.get("crm:C2")?.customerKey).toBe(md5("crm:C1"));
    // Only the two merged customers were recomputed: Cy's, Di's and the lone visitor's rows were kept.
    expect((await incremental.query("select node from c360_identity.identity_affected_nodes order by node")).map((row) => row.node)).toEqual([...ann, ...bob, "loyalty:L2"].sort());

    // Round 3, a split: a CRM version drops Bob's phone, so L2 no longer links him (C2, the
    // link's smaller end, carries no changed value any more: it is found as the one that lost it).
    writeLanding({ "crm/customers-2024-07-02.csv": crmCsv([{ crm_id: "C2", first_name: "Bob", email: "bob@example.com", created_at: "2024-01-06T00:00:00Z", updated_at: "2024-04-02T00:00:00Z" }]) }, landing);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(map.get("crm:C2")?.customerKey).toBe(md5("crm:C2"));
    expect(map.get("loyalty:L2")?.customerKey).toBe(md5("crm:C1"));
    // Only the phone that C2 lost changed carriers (its email did not).
    expect(await incremental.query("select value_kind, value from c360_identity.identity_changed_values")).toEqual([{ value_kind: "phone", value: "+14155550101" }]);

    // Round 4, new identifiers of old customers: a new device of Cy's shop account, a ticket and
    // a second shop account by Cy's email, and a late event of Ann's visitor (before the others).
    writeLanding(
      {
        "web/events-2024-07-03.ndjson": eventsNdjson([
          { message_id: "M3", anonymous_id: "A3", user_id: "S3", timestamp: "2024-03-01T09:00:00Z" },
          { message_id: "M4", anonymous_id: "A1", timestamp: "2024-01-01T09:00:00Z" },
        ]),
        "support/tickets-2024-07-03.json": ticketsJson([{ ticket_id: 2, requester_email: "cy@example.com", created_at: "2024-05-01T00:00:00Z" }]),
        "shop/orders-2024-07-03.csv": ordersCsv([{ order_id: "O4", shop_customer_id: "S4", customer_email: "cy@example.com", order_ts: "2024-05-02T10:00:00Z", total: "10.00" }]),
      },
      landing,
    );
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    for (const node of ["web:A3", "support:2", "shop:S4"]) expect(map.get(node)?.customerKey, node).toBe(md5("crm:C3"));

    // Round 5, new customers: a new CRM contact with a new shop account, a lone new visitor, a
    // ticket without an email; none of the old customers is recomputed.
    writeLanding(
      {
        "crm/customers-2024-07-04.csv": crmCsv([{ crm_id: "C0", first_name: "Eve", email: "eve@example.com", created_at: "2024-06-01T00:00:00Z" }]),
        "shop/orders-2024-07-04.csv": ordersCsv([{ order_id: "O5", shop_customer_id: "S5", customer_email: "eve@example.com", order_ts: "2024-06-02T10:00:00Z", total: "12.00" }]),
        "web/events-2024-07-04.ndjson": eventsNdjson([{ message_id: "M5", anonymous_id: "A5", timestamp: "2024-06-03T09:00:00Z" }]),
        "support/tickets-2024-07-04.json": ticketsJson([{ ticket_id: 3, requester_email: "not-an-email", created_at: "2024-06-04T00:00:00Z" }]),
      },
      landing,
    );
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect((await incremental.query("select node from c360_identity.identity_affected_nodes order by node")).map((row) => row.node)).toEqual(["crm:C0", "shop:S5"]);
    expect(map.get("shop:S5")?.customerKey).toBe(md5("crm:C0"));
    expect(map.get("web:A5")).toEqual({ customerKey: md5("web:A5"), rule: "none" });
    expect(map.get("support:3")).toEqual({ customerKey: md5("support:3"), rule: "none" });

    // Round 6, a value turning shared: Ann's email lands on three more CRM contacts (four
    // accounts > max_accounts_per_identifier = 3) and links nothing any more, which splits
    // Ann's customer into her CRM contact, her loyalty member, and her shop account with its device.
    writeLanding(
      {
        "crm/customers-2024-07-05.csv": crmCsv([
          { crm_id: "C5", email: "ann@example.com", created_at: "2024-06-05T00:00:00Z" },
          { crm_id: "C6", email: "ann@example.com", created_at: "2024-06-05T00:00:00Z" },
          { crm_id: "C7", email: "ann@example.com", created_at: "2024-06-05T00:00:00Z" },
        ]),
      },
      landing,
    );
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(map.get("crm:C5")?.customerKey).toBe(md5("crm:C5"));
    expect(map.get("crm:C1")?.customerKey).toBe(md5("crm:C1"));
    expect(map.get("loyalty:L2")?.customerKey).toBe(md5("loyalty:L2"));
    expect(map.get("web:A1")?.customerKey).toBe(md5("shop:S1"));

    // Round 7, orders of old customers: a new version of Eve's order moves it to another shop
    // account (S5 has nothing else: its identifier is gone), a new version of Ann's order changes
    // its email, and Bob's shop account orders in EUR before the first EUR rate (quarantined);
    // and a device link that goes.
    writeLanding(
      {
        "shop/orders-2024-07-06.csv": ordersCsv([
          { order_id: "O5", shop_customer_id: "S6", customer_email: "eve@example.com", order_ts: "2024-06-02T10:00:00Z", total: "12.00", updated_at: "2024-06-10T00:00:00Z" },
          { order_id: "O1", shop_customer_id: "S1", customer_email: "ann.shop@example.com", order_ts: "2024-02-01T10:00:00Z", total: "20.00", updated_at: "2024-06-11T00:00:00Z" },
          { order_id: "O6", shop_customer_id: "S2", customer_email: "bob.new@example.com", order_ts: "2024-01-01T10:00:00Z", currency: "EUR", total: "15.00", updated_at: "2024-06-12T00:00:00Z" },
        ]),
        // Ann's device signs in as Bob's shop account too: a shared device, it links nothing any more.
        "web/events-2024-07-06.ndjson": eventsNdjson([{ message_id: "M6", anonymous_id: "A1", user_id: "S2", timestamp: "2024-06-13T09:00:00Z" }]),
      },
      landing,
    );
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(map.get("web:A1")).toEqual({ customerKey: md5("web:A1"), rule: "none" });
    expect(map.has("shop:S5")).toBe(false);
    expect(map.get("shop:S6")?.customerKey).toBe(md5("crm:C0"));
    expect(await values(incremental, "shop:S1")).toEqual(["email:ann.shop@example.com"]);
    expect(await values(incremental, "shop:S2")).toEqual(["email:bob@example.com"]);

    // Round 8, a late exchange rate: an EUR rate before the order date lets Bob's EUR order in, from a part taken in before.
    writeLanding({ "reference/fx_rates-2024-07-07.csv": "date,currency,rate_to_usd\n2023-12-29,EUR,1.09\n" }, landing);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(await values(incremental, "shop:S2")).toEqual(["email:bob.new@example.com", "email:bob@example.com"]);

    // Round 9, events that change no device link: Cy's device message delivered again (the same
    // content), the same device signed in as another account after as_of_date, and Ann's shared
    // device signed in as an account sorting before both of its users.
    writeLanding(
      {
        "web/events-2024-07-08.ndjson": eventsNdjson([
          { message_id: "M3", anonymous_id: "A3", user_id: "S3", timestamp: "2024-03-01T09:00:00Z" },
          { message_id: "M7", anonymous_id: "A3", user_id: "S1", timestamp: "2024-07-01T09:00:00Z" },
          { message_id: "M8", anonymous_id: "A1", user_id: "S0", timestamp: "2024-06-14T09:00:00Z" },
        ]),
      },
      landing,
    );
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(await incremental.query("select * from c360_identity.identity_anonymous_users where anonymous_id in ('A1', 'A3') order by anonymous_id")).toEqual([
      { anonymous_id: "A1", least_user_id: "S0", greatest_user_id: "S2" },
      { anonymous_id: "A3", least_user_id: "S3", greatest_user_id: "S3" },
    ]);
    expect(map.get("web:A1")).toEqual({ customerKey: md5("web:A1"), rule: "none" });
    expect(map.get("web:A3")).toEqual({ customerKey: md5("crm:C3"), rule: "anonymous_id" });

    // Round 10, a new order of an old shop account with the email it already carries: its values
    // are recomputed, but no value gained or lost a carrier, so no count, edge or link is.
    writeLanding({ "shop/orders-2024-07-09.csv": ordersCsv([{ order_id: "O7", shop_customer_id: "S3", customer_email: "cy@example.com", order_ts: "2024-06-15T10:00:00Z", total: "25.00" }]) }, landing);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(await incremental.query("select node, value from c360_identity.identity_recomputed_values")).toEqual([{ node: "shop:S3", value: "cy@example.com" }]);
    expect(await count(incremental, "c360_identity.identity_changed_values")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_link_changes")).toBe(0);
    // The save empties the list of carrier changes.
    expect(await count(incremental, "c360_identity.identity_carrier_changes")).toBe(0);

    // Round 11, a build that stops before save_identity_state, as one that failed after
    // identity_identifier_values committed: a CRM version takes Di's email to another one, and a
    // new order of Cy's second account S4 carries a new email. Their rows stay listed in
    // identity_carrier_changes; the next build, with one more new part, lists them again and
    // must leave every row as a full refresh does (its delete keeps to the identifiers it
    // recomputes).
    writeLanding(
      {
        "crm/customers-2024-07-10.csv": crmCsv([{ crm_id: "C4", first_name: "Di", email: "di.new@example.com", created_at: "2024-01-08T00:00:00Z", updated_at: "2024-06-16T00:00:00Z" }]),
        "shop/orders-2024-07-10.csv": ordersCsv([{ order_id: "O8", shop_customer_id: "S4", customer_email: "cy.second@example.com", order_ts: "2024-06-16T10:00:00Z", total: "8.00" }]),
      },
      landing,
    );
    await incremental.load(landing);
    await incremental.run({ exclude: ["c360_identity.save_identity_state"] });
    expect(await values(incremental, "crm:C4")).toEqual(["email:di.new@example.com"]);
    expect(await count(incremental, "c360_identity.identity_carrier_changes")).toBeGreaterThan(0);
    writeLanding({ "shop/orders-2024-07-11.csv": ordersCsv([{ order_id: "O9", shop_customer_id: "S3", customer_email: "cy.third@example.com", order_ts: "2024-06-17T10:00:00Z", total: "9.00" }]) }, landing);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(false);
    expect(await values(incremental, "crm:C4")).toEqual(["email:di.new@example.com"]);
    expect(await values(incremental, "shop:S4")).toEqual(["email:cy.second@example.com", "email:cy@example.com"]);
    expect(await count(incremental, "c360_identity.identity_carrier_changes")).toBe(0);

    // A changed setting recomputes everything: max_accounts_per_identifier, so that Ann's email links again, then back.
    map = await buildRound(incremental, full, landing, { max_accounts_per_identifier: "4" });
    expect(await recomputeAll(incremental)).toBe(true);
    expect(map.get("crm:C5")?.customerKey).toBe(map.get("crm:C1")?.customerKey);
    map = await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(true);
    expect(map.get("crm:C5")?.customerKey).toBe(md5("crm:C5"));
    // ... and a country of the reference (the default region of a CRM contact's phone), here as if the saved one differed.
    await incremental.query("update c360_identity.identity_state_settings set value = 'XXX|Nowhere' where name = 'country:GB'");
    await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(true);

    // A build with nothing new changes no link and recomputes no component.
    map = await buildRound(incremental, full, landing);
    expect(await count(incremental, "c360_identity.identity_link_changes")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_affected_nodes")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_nodes")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_new_parts")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_changed_nodes")).toBe(0);
    expect(await count(incremental, "c360_identity.identity_changed_values")).toBe(0);

    // as_of_date moves back before Cy's second account and device: every component is recomputed,
    // then again when it moves forward.
    map = await buildRound(incremental, full, landing, { as_of_date: "2024-04-30" });
    expect(await recomputeAll(incremental)).toBe(true);
    expect(map.has("shop:S4")).toBe(false);
    await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(true);

    // A state saved only in part (a save that failed half-way leaves no identity_state row): everything is recomputed.
    await incremental.query("delete from c360_identity.identity_state where true");
    await incremental.query("delete from c360_identity.identity_state_components where node = 'crm:C3'");
    await buildRound(incremental, full, landing);
    expect(await recomputeAll(incremental)).toBe(true);
  }, ROUNDS_TIMEOUT);
});
