/**
 * A CSV row that cannot be split into its header's fields has every field absent, and
 * absent means missing (SOURCES.md): it is quarantined under the first code of its file's
 * list, with a message saying it could not be split and the raw row kept. The fixture has
 * such rows for customers and orders only; this covers all three CSV sources with
 * quarantine codes, including an order line whose raw text names an accepted order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crmCsv, itemsCsv, ordersCsv, referenceFiles } from "./landing-builder.js";
import { SilverBuild, writeLanding } from "./silver-harness.js";

let build: SilverBuild;
beforeAll(async () => {
  const landing = writeLanding({
    ...referenceFiles(),
    "crm/customers.csv": crmCsv([{ crm_id: "C1", email: "a@example.com" }]) + "C2,too,few\n",
    "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1" }]) + "O2,S2,broken\n",
    "shop/order_items.csv": itemsCsv([{ order_id: "O1", line_number: "1", sku: "A", quantity: "1", unit_price: "1.00" }]) + "O1,2,B,too,many,fields,1,2.00\n",
  });
  build = await SilverBuild.open();
  await build.load(landing);
  await build.run({ select: ["tag:staging"] });
});
afterAll(async () => {
  await build.close();
});

describe("a CSV row that cannot be split into the header's fields", () => {
  it("is quarantined under its file's first code, saying it could not be split, with the raw row", async () => {
    const quarantined = await build.query(`
      select 'customers' as entity, record_number, reason, message, raw_record from c360_staging.customers_quarantine
      union all select 'orders', record_number, reason, message, raw_record from c360_staging.orders_quarantine
      union all select 'order_items', record_number, reason, message, raw_record from c360_staging.order_items_quarantine
      order by entity`);
    expect(quarantined).toEqual([
      { entity: "customers", record_number: 2, reason: "missing_crm_id", message: "the row could not be split into the header's 13 fields", raw_record: "C2,too,few" },
      { entity: "order_items", record_number: 2, reason: "order_not_found", message: "the row could not be split into the header's 7 fields", raw_record: "O1,2,B,too,many,fields,1,2.00" },
      { entity: "orders", record_number: 2, reason: "missing_order_id", message: "the row could not be split into the header's 13 fields", raw_record: "O2,S2,broken" },
    ]);
  });

  it("keeps the files reconciled and every reason a code of the file's list", async () => {
    const [checks] = await build.query(`
      select
        (select count(*) from c360_staging.int_crm__customers_checked where quarantine_reason is null) as customers_accepted,
        (select count(*) from c360_staging.int_shop__orders_checked where quarantine_reason is null) as orders_accepted,
        (select count(*) from c360_staging.int_shop__order_items_checked where quarantine_reason is null) as order_items_accepted`);
    expect(checks).toEqual({ customers_accepted: 1, orders_accepted: 1, order_items_accepted: 1 });
    for (const entity of ["customers", "orders", "order_items"]) {
      const [result] = await build.results({ select: [`assert_${entity}_records_reconcile`] });
      expect({ entity, status: result.status, sample: result.sample ?? [] }).toEqual({ entity, status: "success", sample: [] });
    }
  });
});
