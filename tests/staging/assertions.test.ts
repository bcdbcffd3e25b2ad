/**
 * The staging assertions can fail: after a clean build of the fixture, tampering with the
 * silver tables makes each reconciliation assertion report exactly the damage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SilverBuild } from "./silver-harness.js";

let build: SilverBuild;
beforeAll(async () => {
  build = await SilverBuild.ofSharedFixture();
});
afterAll(async () => {
  await build.close();
});

describe("record reconciliation assertions", () => {
  it("pass on a clean build", async () => {
    for (const entity of ["customers", "orders", "order_items", "events", "tickets", "members"]) {
      expect(await build.assertionRows(`assert_${entity}_records_reconcile`), entity).toEqual([]);
    }
  });

  it("report a record that is neither accepted nor quarantined, an unknown reason and an accepted key lost in deduplication", async () => {
    await build.engine.execute("delete from c360_staging.orders_quarantine where record_number = 11");
    await build.engine.execute("update c360_staging.events_quarantine set reason = 'bogus' where record_number = 12");
    await build.engine.execute("delete from c360_staging.stg_web__events where message_id = 'm-205'");
    expect(await build.assertionRows("assert_orders_records_reconcile")).toEqual([
      { source_file: "shop/orders.csv", problem: "records read <> accepted + quarantined", details: "read 19, accepted 10, quarantined 8" },
    ]);
    expect(await build.assertionRows("assert_events_records_reconcile")).toEqual([
      { source_file: "web/events.ndjson", problem: "accepted record missing from stg_web__events", details: "record 9: m-205" },
      { source_file: "web/events.ndjson", problem: "quarantine reason not a code of this file", details: "record 12: bogus" },
    ]);
  });

  it("report every accepted record of a composite key (order_id, line_key) lost in deduplication", async () => {
    // O3003 line 1 was delivered twice (the plain part and the 2024-06-01 part): both records are reported.
    await build.engine.execute("delete from c360_staging.stg_shop__order_items where order_id = 'O3003' and line_key = '1'");
    const rows = await build.assertionRows("assert_order_items_records_reconcile");
    expect(rows.sort((left, right) => String(left.source_file).localeCompare(String(right.source_file)))).toEqual([
      { source_file: "shop/order_items-2024-06-01.csv", problem: "accepted record missing from stg_shop__order_items", details: "record 1: O3003, 1" },
      { source_file: "shop/order_items.csv", problem: "accepted record missing from stg_shop__order_items", details: "record 6: O3003, 1" },
    ]);
  });
  it("report the damage on the sources whose checked records are a view (customers, tickets, members), which each assertion reads once", async () => {
    await build.engine.execute("delete from c360_staging.stg_crm__customers where crm_id = 'C1001'");
    await build.engine.execute("delete from c360_staging.tickets_quarantine where record_number = 7");
    await build.engine.execute("delete from c360_staging.stg_loyalty__members where member_id = 'L0001'");
    const customers = await build.assertionRows("assert_customers_records_reconcile");
    // C1001 was delivered in three parts: every accepted record of it is reported.
    expect(customers.map((row) => `${row.source_file}|${row.problem}|${row.details}`).sort()).toEqual([
      "crm/customers-2024-06-01.csv|accepted record missing from stg_crm__customers|record 1: C1001",
      "crm/customers-2024-07-02.csv|accepted record missing from stg_crm__customers|record 1: C1001",
      "crm/customers.csv|accepted record missing from stg_crm__customers|record 1: C1001",
    ]);
    expect(await build.assertionRows("assert_tickets_records_reconcile")).toEqual([
      { source_file: "support/tickets.json", problem: "records read <> accepted + quarantined", details: "read 10, accepted 6, quarantined 3" },
    ]);
    expect(await build.assertionRows("assert_members_records_reconcile")).toEqual([
      { source_file: "loyalty/members.xml", problem: "accepted record missing from stg_loyalty__members", details: "record 1: L0001" },
    ]);
  });
});
