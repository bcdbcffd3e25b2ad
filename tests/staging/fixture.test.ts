/**
 * Silver over the hand-written fixture (tests/fixtures/landing, described record by record
 * in tests/fixtures/landing.README.md): every quarantined record with its reason, every
 * deduplication choice and every normalised value, exactly. A CSV row that cannot be split
 * into the header's fields (customers.csv #15, orders.csv #19) has every field missing and
 * is filed, like the README does, under the first code of its file's list.
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

async function rows(sql: string): Promise<unknown[][]> {
  return (await build.query(sql)).map((row) => Object.values(row));
}

describe("quarantine", () => {
  it("quarantines every faulty record with the first code of its file's list", async () => {
    const quarantined = await rows(`
      select 'customers' as entity, source_file, record_number, line_number, reason from c360_staging.customers_quarantine
      union all select 'orders', source_file, record_number, line_number, reason from c360_staging.orders_quarantine
      union all select 'order_items', source_file, record_number, line_number, reason from c360_staging.order_items_quarantine
      union all select 'events', source_file, record_number, line_number, reason from c360_staging.events_quarantine
      union all select 'tickets', source_file, record_number, line_number, reason from c360_staging.tickets_quarantine
      union all select 'members', source_file, record_number, line_number, reason from c360_staging.members_quarantine
      order by entity, source_file, record_number`);
    expect(quarantined).toEqual([
      ["customers", "crm/customers.csv", 13, 16, "missing_crm_id"],
      ["customers", "crm/customers.csv", 14, 17, "unparseable_updated_at"],
      ["customers", "crm/customers.csv", 15, 18, "missing_crm_id"],
      ["events", "web/events.ndjson", 12, 13, "invalid_json"],
      ["events", "web/events.ndjson", 13, 14, "not_an_object"],
      ["events", "web/events.ndjson", 14, 15, "missing_message_id"],
      ["events", "web/events.ndjson", 15, 16, "missing_anonymous_id"],
      ["events", "web/events.ndjson", 16, 17, "missing_event"],
      ["events", "web/events.ndjson", 17, 18, "missing_timestamp"],
      ["events", "web/events.ndjson", 18, 19, "unparseable_timestamp"],
      ["events", "web/events.ndjson", 19, 20, "missing_message_id"],
      ["members", "loyalty/members.xml", 8, 17, "missing_member_id"],
      ["members", "loyalty/members.xml", 9, 18, "missing_member_id"],
      ["order_items", "shop/order_items.csv", 3, 4, "bad_quantity"],
      ["order_items", "shop/order_items.csv", 4, 5, "bad_unit_price"],
      ["order_items", "shop/order_items.csv", 12, 13, "order_not_found"],
      ["order_items", "shop/order_items.csv", 13, 14, "order_not_found"],
      ["orders", "shop/orders.csv", 11, 12, "missing_order_id"],
      ["orders", "shop/orders.csv", 12, 13, "missing_shop_customer_id"],
      ["orders", "shop/orders.csv", 13, 14, "unparseable_order_ts"],
      ["orders", "shop/orders.csv", 14, 15, "unknown_currency"],
      ["orders", "shop/orders.csv", 15, 16, "non_numeric_total"],
      ["orders", "shop/orders.csv", 16, 17, "unparseable_updated_at"],
      ["orders", "shop/orders.csv", 17, 18, "no_fx_rate"],
      ["orders", "shop/orders.csv", 18, 19, "missing_shop_customer_id"],
      ["orders", "shop/orders.csv", 19, 20, "missing_order_id"],
      ["tickets", "support/tickets.json", 7, 14, "not_an_object"],
      ["tickets", "support/tickets.json", 8, 15, "missing_ticket_id"],
      ["tickets", "support/tickets.json", 9, 16, "missing_ticket_id"],
      ["tickets", "support/tickets.json", 10, 17, "unparseable_created_at"],
    ]);
  });

  it("names the field and raw value in the message and keeps the raw record", async () => {
    expect(await rows("select record_number, message, raw_record from c360_staging.customers_quarantine where record_number in (14, 15) order by record_number")).toEqual([
      [
        14,
        'updated_at "2024/03/05 14:22" is not a timestamp (YYYY-MM-DDTHH:MM:SS[.fff] with Z, ±HH:MM or nothing)',
        '{"crm_id":"C1099","first_name":"Late","last_name":"Clock","email":"late.clock@example.com","phone":"","birth_date":"","gender":"","city":"","country":"","postal_code":"","marketing_opt_in":"","created_at":"2023-01-01T00:00:00Z","updated_at":"2024/03/05 14:22"}',
      ],
      [15, "the row could not be split into the header's 13 fields", "C1098,Broken,Row"],
    ]);
    expect(await rows("select record_number, message, raw_record from c360_staging.orders_quarantine where record_number in (15, 17, 19) order by record_number")).toEqual([
      [15, 'total "12,50" is not a decimal number', expect.any(String)],
      [17, 'no EUR rate in reference/fx_rates.csv on or before the order date 2024-02-20 (order_ts "2024-02-20T10:00:00Z")', expect.any(String)],
      [19, "the row could not be split into the header's 13 fields", "O9009,S9009,broken"],
    ]);
    expect(await rows("select message, raw_record from c360_staging.events_quarantine where record_number = 13")).toEqual([
      ["the line is JSON but not an object (it is array)", '["m-902"]'],
    ]);
    expect(await rows("select message from c360_staging.tickets_quarantine where record_number = 8")).toEqual([['ticket_id "T-5006" is not an integer']]);
    expect(await rows("select raw_record from c360_staging.members_quarantine where record_number = 9")).toEqual([['<member id=""><email>empty.id@example.com</email></member>']]);
  });

  it("reconciles records read = accepted + quarantined per part (the README's counts)", async () => {
    const counts = await rows(`
      select 'customers' as entity, count(*) as records, sum(case when quarantine_reason is null then 1 else 0 end) as accepted from c360_staging.int_crm__customers_checked
      union all select 'orders', count(*), sum(case when quarantine_reason is null then 1 else 0 end) from c360_staging.int_shop__orders_checked
      union all select 'order_items', count(*), sum(case when quarantine_reason is null then 1 else 0 end) from c360_staging.int_shop__order_items_checked
      union all select 'events', count(*), sum(case when quarantine_reason is null then 1 else 0 end) from c360_staging.int_web__events_checked
      union all select 'tickets', count(*), sum(case when quarantine_reason is null then 1 else 0 end) from c360_staging.int_support__tickets_checked
      union all select 'members', count(*), sum(case when quarantine_reason is null then 1 else 0 end) from c360_staging.int_loyalty__members_checked
      order by entity`);
    expect(counts.map(([entity, records, accepted]) => [entity, Number(records), Number(accepted)])).toEqual([
      ["customers", 18, 15],
      ["events", 21, 13],
      ["members", 9, 7],
      ["order_items", 14, 10],
      ["orders", 20, 11],
      ["tickets", 10, 6],
    ]);
  });
});

describe("CRM contacts", () => {
  it("keeps the version standing as of as_of_date, normalising every field", async () => {
    const contacts = await rows(`
      select crm_id, first_name, last_name, email, email_is_valid, phone_e164, birth_date, gender, city, country_code, postal_code,
        marketing_opt_in, updated_at, is_after_as_of, is_latest_version, version_count, _source_file
      from c360_staging.stg_crm__customers order by crm_id`);
    expect(contacts).toEqual([
      ["C1001", "Jane", "Doe", "jane.doe@example.com", true, "+14155550199", "1985-04-12", "female", "Oakland, CA", "US", "02134", true, "2024-03-01 09:00:00", false, false, 3, "crm/customers-2024-06-01.csv"],
      ["C1002", 'Bob "Bobby"', "Martin", "bob.martin@example.co.uk", true, "+442079460958", "1990-04-12", "male", "London\r\nFlat 2", "GB", "SW1A 1AA", false, "2023-02-01 08:00:00", false, true, 1, "crm/customers.csv"],
      ["C1003", "Carla", "Rossi", "carla.rossi@example.it", true, "+390612345678", "1992-03-15", "female", "Roma", "IT", "00184", true, "2023-03-01 09:00:00", false, true, 1, "crm/customers.csv"],
      ["C1005", "Eve", "Adams", "info@acme.example", true, "+12125550101", null, "male", "New York", "US", "10001", true, "2023-04-01 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1006", "Frank", "Baker", "info@acme.example", true, "+16465550100", null, "male", "New York", "US", "10002", false, "2023-04-02 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1007", "Grace", "Chen", "info@acme.example", true, "+12125550102", null, "other", "New York", "US", "10003", false, "2023-04-03 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1008", "Heidi", "Diaz", "info@acme.example", true, "+16465550100", null, "other", "New York", "GB", "10004", true, "2023-04-04 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1009", "Iván", "Kim", "family.kim@example.com", true, null, null, "female", "Boston", "US", "02108", false, "2024-02-01 12:00:00", false, true, 2, "crm/customers-2024-06-01.csv"],
      ["C1010", "Judy", "Kim", "family.kim@example.com", true, "+16465550100", null, "unknown", "Boston", "US", "02108", null, "2023-05-01 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1011", "Ken", "Kim", "family.kim@example.com", true, "+16465550100", null, "unknown", "Boston", "US", "02108", false, "2023-05-02 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1012", "Luis", "García, Jr.", "luis@@example.com", false, "+13055550111", null, "other", "Miami", null, "33101", null, "2023-06-01 12:00:00", false, true, 1, "crm/customers.csv"],
      ["C1013", "LUIS", "GARCIA", "luis.garcia@example.com", true, "+13055550111", null, "unknown", "Miami", null, "33101", false, "2023-06-15 12:00:00", false, true, 1, "crm/customers.csv"],
    ]);
  });

  it("keeps every accepted version in the checked view, with raw spellings", async () => {
    expect(await rows("select crm_id, first_name, phone_e164, updated_at_raw, updated_at from c360_staging.int_crm__customers_checked where crm_id = 'C1001' order by updated_at")).toEqual([
      ["C1001", "jane", "+14155550134", "2023-01-10T09:00:00Z", "2023-01-10 09:00:00"],
      ["C1001", "Jane", "+14155550199", "2024-03-01T10:00:00+01:00", "2024-03-01 09:00:00"],
      ["C1001", "Jane", "+14155550199", "2024-07-02T08:00:00Z", "2024-07-02 08:00:00"],
    ]);
    expect(await rows("select crm_id, birth_date_raw, birth_date, country_raw, country_code from c360_staging.int_crm__customers_checked where crm_id in ('C1005', 'C1006', 'C1012') order by crm_id")).toEqual([
      ["C1005", "April 3 1970", null, "US", "US"],
      ["C1006", "2031-01-01", null, "united states", "US"],
      ["C1012", "1985-02-30", null, "Atlantis", null],
    ]);
  });
});

describe("orders and order lines", () => {
  it("keeps the latest version of each order, in UTC, converted to USD at the rate of its UTC date or the latest earlier one", async () => {
    const orders = await rows(`
      select order_id, shop_customer_id, customer_email, order_ts, order_date, status, currency, total, fx_rate_date, fx_rate_to_usd, total_usd, channel, _source_file
      from c360_staging.stg_shop__orders order by order_id`);
    expect(orders).toEqual([
      ["O3001", "S2001", "jane.doe@example.com", "2024-03-02 15:00:00", "2024-03-02", "completed", "USD", "50.000000000", null, "1.000000000", "50.000000000", "web", "shop/orders.csv"],
      ["O3002", "S2001", "jane.doe@example.com", "2024-05-10 12:00:00", "2024-05-10", "completed", "EUR", "100.000000000", "2024-05-10", "1.077000000", "107.700000000", "app", "shop/orders-2024-06-01.csv"],
      ["O3003", "S2002", "bob.martin@example.co.uk", "2024-03-04 23:30:00", "2024-03-04", "completed", "GBP", "80.000000000", "2024-03-04", "1.266000000", "101.280000000", "web", "shop/orders.csv"],
      ["O3004", "S2003", "carla.rossi@example.it", "2024-03-02 09:00:00", "2024-03-02", "cancelled", "EUR", "20.000000000", "2024-03-01", "1.082500000", "21.650000000", "store", "shop/orders.csv"],
      ["O3005", "S2004", "dan.lee@example.com", "2024-03-04 15:00:00", "2024-03-04", "refunded", "USD", "30.000000000", null, "1.000000000", "30.000000000", "app", "shop/orders.csv"],
      ["O3006", "S2004", "dan.lee@example.com", "2024-06-30 23:59:59", "2024-06-30", "completed", "USD", "45.500000000", null, "1.000000000", "45.500000000", "app", "shop/orders.csv"],
      ["O3007", "S2005", "info@acme.example", "2024-04-02 10:00:00", "2024-04-02", "completed", "USD", "9.990000000", null, "1.000000000", "9.990000000", "web", "shop/orders.csv"],
      ["O3008", "S2006", "family.kim@example.com", "2024-06-15 10:00:00", "2024-06-15", "completed", "USD", "12.340000000", null, "1.000000000", "12.340000000", "web", "shop/orders.csv"],
      ["O3009", "S2001", "jane.doe@example.com", "2024-06-30 23:00:00", "2024-06-30", "completed", "USD", "10.000000000", null, "1.000000000", "10.000000000", "web", "shop/orders.csv"],
      ["O3010", "S2001", "jane.doe@example.com", "2024-07-01 00:00:00", "2024-07-01", "completed", "USD", "99.000000000", null, "1.000000000", "99.000000000", "web", "shop/orders.csv"],
    ]);
    expect(await rows("select subtotal, discount, shipping, tax from c360_staging.stg_shop__orders where order_id = 'O3001'")).toEqual([
      ["50.000000000", "5.000000000", "1.000000000", "4.000000000"],
    ]);
  });

  it("keeps the later record of a repeated line; item counts per order", async () => {
    expect(await rows("select order_id, line_key, line_number, sku, product_name, quantity, unit_price from c360_staging.stg_shop__order_items where order_id in ('O3001', 'O3003') order by order_id, line_key")).toEqual([
      ["O3001", "1", 1, "SKU-1", "Mug", 2, "25.000000000"],
      ["O3001", "2", 2, "SKU-2", 'Poster "Sunset", 50x70', 1, "0.000000000"],
      ["O3003", "1", 1, "SKU-6", "T-shirt", 4, "20.000000000"],
    ]);
    const itemCounts = await rows(`
      select orders.order_id, coalesce(sum(items.quantity), 0) as item_count
      from c360_staging.stg_shop__orders as orders left join c360_staging.stg_shop__order_items as items on items.order_id = orders.order_id
      group by orders.order_id order by orders.order_id`);
    expect(itemCounts.map(([order, count]) => [order, Number(count)])).toEqual([
      ["O3001", 3],
      ["O3002", 1],
      ["O3003", 4],
      ["O3004", 1],
      ["O3005", 1],
      ["O3006", 1],
      ["O3007", 1],
      ["O3008", 2],
      ["O3009", 0],
      ["O3010", 0],
    ]);
  });
});

describe("web events, tickets and loyalty members", () => {
  it("keeps one delivery per message_id, timestamps in UTC", async () => {
    expect(await rows("select message_id, anonymous_id, user_id, event, event_ts, device_type, _source_file from c360_staging.stg_web__events order by message_id")).toEqual([
      ["m-101", "a-jane-1", null, "page_viewed", "2024-06-01 10:00:00", "mobile", "web/events.ndjson"],
      ["m-102", "a-jane-1", null, "product_viewed", "2024-06-01 10:30:00", "mobile", "web/events.ndjson"],
      ["m-103", "a-jane-1", "S2001", "signed_in", "2024-06-01 11:01:00", "mobile", "web/events.ndjson"],
      ["m-104", "a-jane-1", "S2001", "added_to_cart", "2024-06-01 11:05:00", null, "web/events-2024-06-02.ndjson"],
      ["m-105", "a-jane-1", "S2001", "order_completed", "2024-06-01 11:35:00", "mobile", "web/events-2024-06-02.ndjson"],
      ["m-201", "a-shared-tablet", "S2003", "signed_in", "2024-05-01 09:00:00", "tablet", "web/events.ndjson"],
      ["m-202", "a-shared-tablet", "S2003", "page_viewed", "2024-05-01 09:10:00", "tablet", "web/events.ndjson"],
      ["m-203", "a-shared-tablet", "S2004", "signed_in", "2024-05-02 18:00:00", "tablet", "web/events.ndjson"],
      ["m-204", "a-dan-phone", null, "page_viewed", "2024-06-10 08:00:00", "mobile", "web/events.ndjson"],
      ["m-205", "a-dan-phone", null, "email_opened", "2024-06-10 08:05:00", null, "web/events.ndjson"],
      ["m-301", "a-mia", null, "page_viewed", "2024-06-20 10:00:00", "desktop", "web/events.ndjson"],
      ["m-302", "a-mia", null, "page_viewed", "2024-07-01 00:00:00", "desktop", "web/events.ndjson"],
    ]);
    expect(await rows("select page_url, properties_json from c360_staging.stg_web__events where message_id in ('m-101', 'm-102') order by message_id")).toEqual([
      ["https://shop.example.com/", null],
      [null, '{"sku":"SKU-5","price":100.0}'],
    ]);
  });

  it("keeps the later record of a repeated ticket_id; scores outside 1–5 are null", async () => {
    expect(
      await rows("select ticket_id, requester_email, requester_email_is_valid, created_at, solved_at, channel, category, priority, status, satisfaction_score, is_after_as_of, record_count from c360_staging.stg_support__tickets order by ticket_id"),
    ).toEqual([
      [5001, "jane.doe@example.com", true, "2024-04-01 10:00:00", "2024-04-03 10:00:00", "email", "delivery", "normal", "closed", 5, false, 2],
      [5002, "info@acme.example", true, "2024-04-05 10:00:00", "2024-04-06 10:00:00", "chat", "billing", "high", "solved", 2, false, 1],
      [5003, null, false, "2024-05-01 10:00:00.5", "2024-05-02 10:00:00", "phone", "product", "low", "closed", null, false, 1],
      [5004, "not-an-email", false, "2024-05-03 10:00:00", null, "web", "account", "urgent", "new", null, false, 1],
      [5005, "jane.doe@example.com", true, "2024-07-01 09:00:00", null, "email", "other", "normal", "new", null, true, 1],
    ]);
  });

  it("keeps the later record of a repeated member id, with entities and CDATA decoded", async () => {
    expect(await rows("select member_id, email, email_is_valid, phone_raw, phone_e164, tier, points, joined_on, exported_at, is_after_as_of, record_count from c360_staging.stg_loyalty__members order by member_id")).toEqual([
      ["L0001", "jane.doe@example.com", true, "+1 415 555 0199", "+14155550199", "gold", 1520, "2022-01-05", "2024-06-30 23:00:00", false, 1],
      ["L0002", null, false, "020 7946 0958", null, "silver", 80, "2023-03-01", "2024-06-30 23:00:00", false, 1],
      ["L0005", "eve.adams@example.com", true, "+1 212 555 0101", "+12125550101", "bronze", null, "2023-05-01", "2024-06-30 23:00:00", false, 1],
      ["L0006", null, false, "+1-646-555-0100", "+16465550100", null, 10, "2023-05-02", "2024-06-30 23:00:00", false, 1],
      ["L0007", "jane.doe@example.com", true, null, null, "gold", 5, "2024-07-15", "2024-06-30 23:00:00", true, 1],
      ["L0008", "o'hara@example.com", true, null, null, "platinum", 200, "2023-06-01", "2024-06-30 23:00:00", false, 2],
    ]);
  });
});

describe("reference data", () => {
  it("types exchange rates and countries", async () => {
    expect(await rows("select currency, count(*) as days, min(rate_date) as first_day from c360_staging.stg_reference__fx_rates group by currency order by currency")).toEqual([
      ["EUR", 6, "2024-02-29"],
      ["GBP", 6, "2024-02-29"],
    ]);
    expect(await rows("select alpha2, alpha3, name from c360_staging.stg_reference__countries where alpha2 in ('GB', 'US') order by alpha2")).toEqual([
      ["GB", "GBR", "United Kingdom"],
      ["US", "USA", "United States"],
    ]);
  });
});
