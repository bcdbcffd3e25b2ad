/**
 * customer_transactions and customer_interactions on the hand-written fixture
 * (tests/fixtures/landing.README.md), built through the real DAG on DuckDB: every row,
 * worked out by hand from the records (as_of_date 2024-06-30).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoldBuild } from "./gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
});
afterAll(() => gold?.close());

const JANE = "8788c40c714f565dd96392d62b518221";
const BOB = "ce639ce33d6ccb8c6d416d5f2c8883ef";
const CARLA = "0af46576aa28cd342ea5c4512784e8d1";
const KIM = "3f3f4ac2f62eb3f74c56f74be954d4df";
const S2004 = "9f303efd294eda22cf42e8f1272863c5";
const S2005 = "79c8100b3a86e941b826067179c3e7e8";

const d = (value: string): string => `${value.split(".")[0]}.${(value.split(".")[1] ?? "").padEnd(9, "0")}`;

function order(
  orderId: string,
  customerKey: string,
  shopCustomerId: string,
  orderTs: string,
  status: string,
  channel: string,
  currency: string,
  total: string,
  rate: string,
  totalUsd: string,
  itemCount: number,
) {
  return {
    order_id: orderId,
    customer_key: customerKey,
    shop_customer_id: shopCustomerId,
    order_ts: orderTs,
    order_date: orderTs.slice(0, 10),
    status,
    channel,
    currency,
    total: d(total),
    fx_rate_to_usd: d(rate),
    total_usd: d(totalUsd),
    item_count: itemCount,
    is_revenue: status === "completed",
  };
}

describe("customer_transactions on the hand-written fixture", () => {
  it("has one row per accepted order on or before as_of_date, with its customer, USD amount and items", async () => {
    const rows = await gold.query(
      "select order_id, customer_key, shop_customer_id, order_ts, order_date, status, channel, currency, total, fx_rate_to_usd, total_usd, item_count, is_revenue from c360.customer_transactions order by order_id",
    );
    expect(rows).toEqual([
      // -05:00 → 15:00Z; lines 1 (×2) and 2 (×1); lines 3 and 4 are quarantined.
      order("O3001", JANE, "S2001", "2024-03-02 15:00:00", "completed", "web", "USD", "50.00", "1", "50.00", 3),
      // v2 (completed, updated later) wins over v1 (pending): EUR 100 × 1.0770 on 2024-05-10.
      order("O3002", JANE, "S2001", "2024-05-10 12:00:00", "completed", "app", "EUR", "100.00", "1.0770", "107.70", 1),
      // 00:30+01:00 → 2024-03-04 23:30Z, GBP rate of 03-04; the later line record (quantity 4) wins.
      order("O3003", BOB, "S2002", "2024-03-04 23:30:00", "completed", "web", "GBP", "80.00", "1.2660", "101.28", 4),
      // Saturday: the rate of Friday 2024-03-01; cancelled.
      order("O3004", CARLA, "S2003", "2024-03-02 09:00:00", "cancelled", "store", "EUR", "20.00", "1.0825", "21.65", 1),
      order("O3005", S2004, "S2004", "2024-03-04 15:00:00", "refunded", "app", "USD", "30.00", "1", "30.00", 1),
      // The last second of as_of_date is included.
      order("O3006", S2004, "S2004", "2024-06-30 23:59:59", "completed", "app", "USD", "45.50", "1", "45.50", 1),
      order("O3007", S2005, "S2005", "2024-04-02 10:00:00", "completed", "web", "USD", "9.99", "1", "9.99", 1),
      order("O3008", KIM, "S2006", "2024-06-15 10:00:00", "completed", "web", "USD", "12.34", "1", "12.34", 2),
      // 2024-07-01T01:00+02:00 is 2024-06-30T23:00Z: inside as_of; no lines → 0 items. O3010 (07-01T00:00Z) is out.
      order("O3009", JANE, "S2001", "2024-06-30 23:00:00", "completed", "web", "USD", "10.00", "1", "10.00", 0),
    ]);
  });
});

describe("customer_interactions on the hand-written fixture", () => {
  it("has every deduplicated event and ticket on or before as_of_date, with its customer", async () => {
    const rows = await gold.query("select source, interaction_id, customer_key, interaction_ts, interaction_type, channel from c360.customer_interactions order by source, interaction_id");
    const event = (id: string, key: string, ts: string, type: string, channel: string | null) => ({
      source: "web",
      interaction_id: id,
      customer_key: key,
      interaction_ts: ts,
      interaction_type: type,
      channel,
    });
    const ticket = (id: string, key: string, ts: string, channel: string) => ({
      source: "support",
      interaction_id: id,
      customer_key: key,
      interaction_ts: ts,
      interaction_type: "ticket",
      channel,
    });
    const TABLET = "698e3e440e27fc9fade6fcb670845692";
    const DAN_PHONE = "5e07ad24f00d8f4c7182e19b343e5570";
    expect(rows).toEqual([
      // 5001's later record (Jane's email) wins; 5005 is after as_of.
      ticket("5001", JANE, "2024-04-01 10:00:00", "email"),
      ticket("5002", "1983603187a1be3feaacbd9a0448d8fd", "2024-04-05 10:00:00", "chat"),
      ticket("5003", "d6cf1ca3c3b53486106705a4108fdfec", "2024-05-01 10:00:00.5", "phone"),
      ticket("5004", "cbbd3b6c8a679059fcaf910011003157", "2024-05-03 10:00:00", "web"),
      event("m-101", JANE, "2024-06-01 10:00:00", "page_viewed", "mobile"),
      event("m-102", JANE, "2024-06-01 10:30:00", "product_viewed", "mobile"),
      event("m-103", JANE, "2024-06-01 11:01:00", "signed_in", "mobile"),
      // Delivered twice (both without context): counted once, no device.
      event("m-104", JANE, "2024-06-01 11:05:00", "added_to_cart", null),
      event("m-105", JANE, "2024-06-01 11:35:00", "order_completed", "mobile"),
      // A shared device's events belong to the device's own customer, not to S2003 or S2004.
      event("m-201", TABLET, "2024-05-01 09:00:00", "signed_in", "tablet"),
      event("m-202", TABLET, "2024-05-01 09:10:00", "page_viewed", "tablet"),
      event("m-203", TABLET, "2024-05-02 18:00:00", "signed_in", "tablet"),
      event("m-204", DAN_PHONE, "2024-06-10 08:00:00", "page_viewed", "mobile"),
      event("m-205", DAN_PHONE, "2024-06-10 08:05:00", "email_opened", null),
      // m-302 (2024-07-01T00:00Z) is after as_of.
      event("m-301", "0543f3d3e3cac5160e6642ae1acf2f27", "2024-06-20 10:00:00", "page_viewed", "desktop"),
    ]);
  });
});

describe("customer_identity_map on the hand-written fixture", () => {
  it("holds the README's 31 identifiers, each once, every key a customer of customer_information", async () => {
    const rows = await gold.query(
      "select source_system, count(*) as identifiers, count(distinct source_id) as distinct_ids, count(distinct customer_key) as customers from c360.customer_identity_map group by source_system order by source_system",
    );
    expect(rows).toEqual([
      { source_system: "crm", identifiers: 12, distinct_ids: 12, customers: 9 },
      { source_system: "loyalty", identifiers: 5, distinct_ids: 5, customers: 5 },
      { source_system: "shop", identifiers: 6, distinct_ids: 6, customers: 6 },
      { source_system: "support", identifiers: 4, distinct_ids: 4, customers: 4 },
      { source_system: "web", identifiers: 4, distinct_ids: 4, customers: 4 },
    ]);
    const orphans = await gold.query(
      "select count(*) as n from c360.customer_identity_map as identifiers left join c360.customer_information as information using (customer_key) where information.customer_key is null",
    );
    expect(orphans).toEqual([{ n: 0 }]);
  });
});
