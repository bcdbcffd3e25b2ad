/**
 * The incremental staging models (stg_web__events, stg_shop__orders, stg_shop__order_items)
 * must give exactly the tables of a full refresh: load parts 1..k, build, load part k+1,
 * build incrementally, compare with a full refresh over all parts. Plus the cases where a
 * naive merge goes wrong: an older version arriving in a later part, a line arriving
 * before its order, a message delivered again.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateLanding } from "../../tools/generator/index.js";
import { copyParts, eventsNdjson, itemsCsv, ordersCsv, referenceFiles } from "./landing-builder.js";
import { buildsClosedAfterEachTest, type SilverBuild, temporaryFolder, writeLanding } from "./silver-harness.js";

const SNAPSHOT_TABLES = [
  "c360_staging.int_web__events_checked",
  "c360_staging.int_shop__orders_checked",
  "c360_staging.int_shop__order_items_checked",
  "c360_staging.stg_web__events",
  "c360_staging.stg_shop__orders",
  "c360_staging.stg_shop__order_items",
  "c360_staging.stg_crm__customers",
  "c360_staging.stg_support__tickets",
  "c360_staging.stg_loyalty__members",
  "c360_staging.customers_quarantine",
  "c360_staging.orders_quarantine",
  "c360_staging.order_items_quarantine",
  "c360_staging.events_quarantine",
  "c360_staging.tickets_quarantine",
  "c360_staging.members_quarantine",
  "c360.customer_identity_map",
];

async function snapshot(build: SilverBuild): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of SNAPSHOT_TABLES) tables[table] = await build.query(`select * from ${table} order by all`);
  return tables;
}

const openBuild = buildsClosedAfterEachTest();

/**
 * A merge case that checks staging tables only leaves identity out of its builds, and, its
 * landing holding one system's records, the other systems too: that system's staging tables,
 * what they read, and (the harness's cautious test selection) every assertion on them, among
 * them the records' reconciliation. tag:staging would add the other systems' models, idle on
 * those landings: about 30 actions more per build.
 */
const SHOP_ONLY = { select: ["+stg_shop__order_items", "+orders_quarantine", "+order_items_quarantine"] };
const EVENTS_ONLY = { select: ["+stg_web__events", "+events_quarantine"] };

describe("incremental builds equal a full refresh", () => {
  it("on a generated landing folder delivered in three rounds of parts", async () => {
    const work = temporaryFolder("incremental-");
    const generated = await generateLanding({ out: path.join(work, "all"), persons: 150, seed: 11, asOf: "2024-06-30", truth: null, ordersPerPerson: 4, eventsPerPerson: 8 });

    const full = await openBuild();
    await full.load(generated.landingDir);
    await full.run({ fullRefresh: true });
    const expected = await snapshot(full);

    const growing = path.join(work, "growing");
    const incremental = await openBuild();
    const rounds: ((suffix: string) => boolean)[] = [(suffix) => suffix < "2024", (suffix) => suffix < "2024-07", () => true];
    const rowsPerRound: number[] = [];
    for (const keep of rounds) {
      copyParts(generated.landingDir, growing, keep);
      await incremental.load(growing);
      await incremental.run();
      rowsPerRound.push(Number((await incremental.query("select count(*) as n from c360_staging.stg_web__events"))[0].n));
    }
    // Each round added events, so the comparison covers real merges, not one big first build.
    expect(rowsPerRound[0]).toBeLessThan(rowsPerRound[1]);
    expect(rowsPerRound[1]).toBeLessThan(rowsPerRound[2]);
    const actual = await snapshot(incremental);
    for (const table of SNAPSHOT_TABLES) expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] });

    // A build with no new part changes nothing.
    await incremental.run();
    expect(await snapshot(incremental)).toEqual(expected);
  });
});

describe("merges never let an older record win", () => {
  it("keeps the newer order version when an older one arrives in a later part", async () => {
    const landing = writeLanding({
      ...referenceFiles(),
      "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1", status: "refunded", total: "12.00", updated_at: "2024-03-05T12:00:01+02:00" }]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    // Later part, older instant (10:00Z < 10:00:01Z): must not overwrite.
    writeLanding(
      { "shop/orders-2024-07-01.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1", status: "completed", total: "10.00", updated_at: "2024-03-05T10:00:00Z" }]) },
      landing,
    );
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select order_id, status, total, updated_at, _source_file from c360_staging.stg_shop__orders")).toEqual([
      { order_id: "O1", status: "refunded", total: "12.000000000", updated_at: "2024-03-05 10:00:01", _source_file: "shop/orders.csv" },
    ]);
    // Same instant spelled differently: a tie, so the later part wins.
    writeLanding(
      { "shop/orders-2024-08-01.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1", status: "cancelled", total: "12.00", updated_at: "2024-03-05T10:00:01.000+00:00" }]) },
      landing,
    );
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select status, _source_file from c360_staging.stg_shop__orders")).toEqual([{ status: "cancelled", _source_file: "shop/orders-2024-08-01.csv" }]);
  });

  it("takes an order line once its order arrives in a later part, and keeps the later record of a repeated line", async () => {
    const landing = writeLanding({
      ...referenceFiles(),
      "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1" }]),
      "shop/order_items.csv": itemsCsv([
        { order_id: "O1", line_number: "1", sku: "A", quantity: "1", unit_price: "1.00" },
        { order_id: "O2", line_number: "1", sku: "B", quantity: "2", unit_price: "2.00" },
      ]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select source_file, record_number, reason from c360_staging.order_items_quarantine")).toEqual([
      { source_file: "shop/order_items.csv", record_number: 2, reason: "order_not_found" },
    ]);
    writeLanding(
      {
        "shop/orders-2024-07-01.csv": ordersCsv([{ order_id: "O2", shop_customer_id: "S2" }]),
        "shop/order_items-2024-07-01.csv": itemsCsv([{ order_id: "O1", line_number: "01", sku: "A2", quantity: "3", unit_price: "1.00" }]),
      },
      landing,
    );
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select order_id, line_key, sku, quantity from c360_staging.stg_shop__order_items order by order_id, line_key")).toEqual([
      { order_id: "O1", line_key: "1", sku: "A2", quantity: 3 },
      { order_id: "O2", line_key: "1", sku: "B", quantity: 2 },
    ]);
    expect(await build.query("select count(*) as n from c360_staging.order_items_quarantine")).toEqual([{ n: 0 }]);
  });

  it("takes the lines of an order that arrived in a build where stg_shop__order_items did not run, and a later line of an order holding one", async () => {
    const landing = writeLanding({
      ...referenceFiles(),
      "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1" }]),
      "shop/order_items.csv": itemsCsv([
        { order_id: "O1", line_number: "1", sku: "A", quantity: "1", unit_price: "1.00" },
        { order_id: "O2", line_number: "1", sku: "B", quantity: "2", unit_price: "2.00" },
        { order_id: "O3", line_number: "1", sku: "C", quantity: "3", unit_price: "3.00" },
      ]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    // O2 arrives; the build stops after int_shop__order_items_checked (as if stg_shop__order_items had failed):
    // O2's line is accepted there, but not taken yet.
    writeLanding({ "shop/orders-2024-07-01.csv": ordersCsv([{ order_id: "O2", shop_customer_id: "S2" }]) }, landing);
    await build.load(landing);
    await build.run({ select: ["+int_shop__order_items_checked"] });
    expect(await build.query("select count(*) as n from c360_staging.int_shop__order_items_checked where quarantine_reason is null")).toEqual([{ n: 2 }]);
    expect(await build.query("select order_id from c360_staging.stg_shop__order_items")).toEqual([{ order_id: "O1" }]);
    // The next build brings O3, a second line of O2 and a second line of O1 (which holds one).
    writeLanding(
      {
        "shop/orders-2024-08-01.csv": ordersCsv([{ order_id: "O3", shop_customer_id: "S3" }]),
        "shop/order_items-2024-08-01.csv": itemsCsv([
          { order_id: "O2", line_number: "2", sku: "B2", quantity: "1", unit_price: "5.00" },
          { order_id: "O1", line_number: "2", sku: "A2", quantity: "1", unit_price: "4.00" },
        ]),
      },
      landing,
    );
    await build.load(landing);
    await build.run(SHOP_ONLY);
    const lines = "select order_id, line_key, sku, _source_file from c360_staging.stg_shop__order_items order by order_id, line_key";
    expect(await build.query(lines)).toEqual([
      { order_id: "O1", line_key: "1", sku: "A", _source_file: "shop/order_items.csv" },
      { order_id: "O1", line_key: "2", sku: "A2", _source_file: "shop/order_items-2024-08-01.csv" },
      { order_id: "O2", line_key: "1", sku: "B", _source_file: "shop/order_items.csv" },
      { order_id: "O2", line_key: "2", sku: "B2", _source_file: "shop/order_items-2024-08-01.csv" },
      { order_id: "O3", line_key: "1", sku: "C", _source_file: "shop/order_items.csv" },
    ]);
    const full = await openBuild();
    await full.load(landing);
    await full.run({ ...SHOP_ONLY, fullRefresh: true });
    for (const table of ["c360_staging.stg_shop__order_items", "c360_staging.int_shop__order_items_checked", "c360_staging.order_items_quarantine"]) {
      expect({ table, rows: await build.query(`select * from ${table} order by all`) }).toEqual({ table, rows: await full.query(`select * from ${table} order by all`) });
    }
  });

  it("takes a line whose order arrives two builds later, and the lines accepted before order_items_unmatched_orders was whole", async () => {
    const landing = writeLanding({
      ...referenceFiles(),
      "shop/orders.csv": ordersCsv([{ order_id: "O1", shop_customer_id: "S1" }]),
      "shop/order_items.csv": itemsCsv([
        { order_id: "O1", line_number: "1", sku: "A", quantity: "1", unit_price: "1.00" },
        { order_id: "O5", line_number: "1", sku: "E", quantity: "5", unit_price: "5.00" },
        { order_id: "O6", line_number: "1", sku: "F", quantity: "6", unit_price: "6.00" },
      ]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    const unmatched = "select order_id from c360_staging.order_items_unmatched_orders order by order_id nulls first";
    expect(await build.query(unmatched)).toEqual([{ order_id: null }, { order_id: "O5" }, { order_id: "O6" }]);
    // A build that brings neither order keeps them listed.
    writeLanding({ "shop/orders-2024-07-01.csv": ordersCsv([{ order_id: "O2", shop_customer_id: "S2" }]) }, landing);
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query(unmatched)).toEqual([{ order_id: null }, { order_id: "O5" }, { order_id: "O6" }]);
    // O5 arrives two builds after its line: the line is taken.
    writeLanding({ "shop/orders-2024-08-01.csv": ordersCsv([{ order_id: "O5", shop_customer_id: "S5" }]) }, landing);
    await build.load(landing);
    await build.run(SHOP_ONLY);
    const lines = "select order_id, sku from c360_staging.stg_shop__order_items order by order_id";
    expect(await build.query(lines)).toEqual([
      { order_id: "O1", sku: "A" },
      { order_id: "O5", sku: "E" },
    ]);
    expect(await build.query(unmatched)).toEqual([{ order_id: null }, { order_id: "O6" }]);
    // O6 arrives in a build that stops after int_shop__order_items_checked, and the list then loses its
    // mark (as a warehouse built before the list existed): the next build compares every order instead.
    writeLanding({ "shop/orders-2024-09-01.csv": ordersCsv([{ order_id: "O6", shop_customer_id: "S6" }]) }, landing);
    await build.load(landing);
    await build.run({ select: ["+int_shop__order_items_checked"] });
    await build.engine.execute("delete from c360_staging.order_items_unmatched_orders");
    await build.run(SHOP_ONLY);
    expect(await build.query(lines)).toEqual([
      { order_id: "O1", sku: "A" },
      { order_id: "O5", sku: "E" },
      { order_id: "O6", sku: "F" },
    ]);
    expect(await build.query(unmatched)).toEqual([{ order_id: null }]);
    const full = await openBuild();
    await full.load(landing);
    await full.run({ ...SHOP_ONLY, fullRefresh: true });
    for (const table of ["c360_staging.stg_shop__order_items", "c360_staging.int_shop__order_items_checked", "c360_staging.order_items_quarantine"]) {
      expect({ table, rows: await build.query(`select * from ${table} order by all`) }).toEqual({ table, rows: await full.query(`select * from ${table} order by all`) });
    }
  });

  it("converts again when a closer exchange rate arrives after the order, and takes an order once an earlier rate arrives", async () => {
    const files = {
      ...referenceFiles("date,currency,rate_to_usd\n2024-03-01,EUR,1.10\n"),
      "shop/orders.csv": ordersCsv([
        { order_id: "O1", shop_customer_id: "S1", currency: "EUR", total: "10.00", order_ts: "2024-03-05T10:00:00Z" },
        { order_id: "O2", shop_customer_id: "S2", currency: "EUR", total: "10.00", order_ts: "2024-02-20T10:00:00Z" },
      ]),
    };
    const landing = writeLanding(files);
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select order_id, fx_rate_date, total_usd from c360_staging.stg_shop__orders")).toEqual([{ order_id: "O1", fx_rate_date: "2024-03-01", total_usd: "11.000000000" }]);
    expect(await build.query("select record_number, reason from c360_staging.orders_quarantine")).toEqual([{ record_number: 2, reason: "no_fx_rate" }]);

    writeLanding({ "reference/fx_rates-2024-03-05.csv": "date,currency,rate_to_usd\n2024-03-05,EUR,1.20\n2024-02-01,EUR,1.05\n" }, landing);
    await build.load(landing);
    await build.run(SHOP_ONLY);
    const expected = [
      { order_id: "O1", fx_rate_date: "2024-03-05", total_usd: "12.000000000" },
      { order_id: "O2", fx_rate_date: "2024-02-01", total_usd: "10.500000000" },
    ];
    expect(await build.query("select order_id, fx_rate_date, total_usd from c360_staging.stg_shop__orders order by order_id")).toEqual(expected);
    expect(await build.query("select count(*) as n from c360_staging.orders_quarantine")).toEqual([{ n: 0 }]);

    const full = await openBuild();
    await full.load(landing);
    await full.run(SHOP_ONLY);
    expect(await full.query("select order_id, fx_rate_date, total_usd from c360_staging.stg_shop__orders order by order_id")).toEqual(expected);
    const checkedOrders = "select * from c360_staging.int_shop__orders_checked order by all";
    expect(await build.query(checkedOrders)).toEqual(await full.query(checkedOrders));
  });

  it("takes a later version of a held order once an earlier rate converts it, and only versions converted at a rate new to the table", async () => {
    const landing = writeLanding({
      ...referenceFiles("date,currency,rate_to_usd\n2024-03-01,EUR,1.10\n"),
      "shop/orders.csv": ordersCsv([
        { order_id: "O1", shop_customer_id: "S1", currency: "USD", total: "10.00", order_ts: "2024-02-20T10:00:00Z", updated_at: "2024-02-20T10:00:00Z" },
        { order_id: "O2", shop_customer_id: "S2", currency: "EUR", total: "10.00", order_ts: "2024-03-05T10:00:00Z" },
      ]),
      // A later version of O1, in EUR, dated before every EUR rate: quarantined as no_fx_rate, in a
      // part whose other order is taken (so the part is not new to the table on the next build).
      "shop/orders-2024-07-01.csv": ordersCsv([
        { order_id: "O1", shop_customer_id: "S1", currency: "EUR", total: "20.00", order_ts: "2024-02-20T10:00:00Z", updated_at: "2024-02-21T10:00:00Z" },
        { order_id: "O3", shop_customer_id: "S3", currency: "USD", total: "5.00", order_ts: "2024-03-06T10:00:00Z" },
      ]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select order_id, currency, total_usd from c360_staging.stg_shop__orders order by order_id")).toEqual([
      { order_id: "O1", currency: "USD", total_usd: "10.000000000" },
      { order_id: "O2", currency: "EUR", total_usd: "11.000000000" },
      { order_id: "O3", currency: "USD", total_usd: "5.000000000" },
    ]);
    // An earlier EUR rate arrives: the EUR version of O1 is accepted, and, later than the held one, replaces it.
    writeLanding({ "reference/fx_rates-2024-03-05.csv": "date,currency,rate_to_usd\n2024-02-01,EUR,1.05\n" }, landing);
    await build.load(landing);
    const results = await build.run(SHOP_ONLY);
    // Only that version is read again: O2's rate was in use here already.
    expect(results.find((result) => result.name === "c360_staging.stg_shop__orders")?.rowsAffected).toBe(1);
    expect(await build.query("select order_id, currency, fx_rate_date, total_usd from c360_staging.stg_shop__orders order by order_id")).toEqual([
      { order_id: "O1", currency: "EUR", fx_rate_date: "2024-02-01", total_usd: "21.000000000" },
      { order_id: "O2", currency: "EUR", fx_rate_date: "2024-03-01", total_usd: "11.000000000" },
      { order_id: "O3", currency: "USD", fx_rate_date: null, total_usd: "5.000000000" },
    ]);
    const full = await openBuild();
    await full.load(landing);
    await full.run({ ...SHOP_ONLY, fullRefresh: true });
    for (const table of ["c360_staging.stg_shop__orders", "c360_staging.int_shop__orders_checked", "c360_staging.orders_quarantine"]) {
      expect({ table, rows: await build.query(`select * from ${table} order by all`) }).toEqual({ table, rows: await full.query(`select * from ${table} order by all`) });
    }
  });

  it("converts a held order again when its closer rate arrived in a build where stg_shop__orders did not run", async () => {
    const landing = writeLanding({
      ...referenceFiles("date,currency,rate_to_usd\n2024-03-01,EUR,1.10\n"),
      "shop/orders.csv": ordersCsv([
        { order_id: "O1", shop_customer_id: "S1", currency: "EUR", total: "10.00", order_ts: "2024-03-05T10:00:00Z" },
        { order_id: "O2", shop_customer_id: "S2", currency: "EUR", total: "10.00", order_ts: "2024-03-02T10:00:00Z" },
      ]),
    });
    const build = await openBuild();
    await build.load(landing);
    await build.run(SHOP_ONLY);
    // A closer rate for O1 arrives; only the checked orders are built, which convert O1 again.
    writeLanding({ "reference/fx_rates-2024-03-05.csv": "date,currency,rate_to_usd\n2024-03-05,EUR,1.20\n" }, landing);
    await build.load(landing);
    await build.run({ select: ["stg_reference__fx_rates", "int_shop__orders_checked"] });
    expect(await build.query("select order_id, fx_rate_date from c360_staging.stg_shop__orders order by order_id")).toEqual([
      { order_id: "O1", fx_rate_date: "2024-03-01" },
      { order_id: "O2", fx_rate_date: "2024-03-01" },
    ]);
    // The next build takes O1 as converted again, beside a new order converted at the new rate.
    writeLanding({ "shop/orders-2024-07-01.csv": ordersCsv([{ order_id: "O3", shop_customer_id: "S3", currency: "EUR", total: "10.00", order_ts: "2024-03-06T10:00:00Z" }]) }, landing);
    await build.load(landing);
    await build.run(SHOP_ONLY);
    expect(await build.query("select order_id, fx_rate_date, total_usd from c360_staging.stg_shop__orders order by order_id")).toEqual([
      { order_id: "O1", fx_rate_date: "2024-03-05", total_usd: "12.000000000" },
      { order_id: "O2", fx_rate_date: "2024-03-01", total_usd: "11.000000000" },
      { order_id: "O3", fx_rate_date: "2024-03-05", total_usd: "12.000000000" },
    ]);
    const full = await openBuild();
    await full.load(landing);
    await full.run({ ...SHOP_ONLY, fullRefresh: true });
    for (const table of ["c360_staging.stg_shop__orders", "c360_staging.int_shop__orders_checked", "c360_staging.orders_quarantine"]) {
      expect({ table, rows: await build.query(`select * from ${table} order by all`) }).toEqual({ table, rows: await full.query(`select * from ${table} order by all`) });
    }
  });

  it("counts a message delivered again in a later part once", async () => {
    const landing = writeLanding({ ...referenceFiles(), "web/events.ndjson": eventsNdjson([{ message_id: "m1", anonymous_id: "a1" }, { message_id: "m2", anonymous_id: "a1" }]) });
    const build = await openBuild();
    await build.load(landing);
    await build.run(EVENTS_ONLY);
    // A marker on an existing row: an incremental build that re-read old parts would overwrite it.
    await build.engine.execute("update c360_staging.stg_web__events set event = 'untouched' where message_id = 'm2'");
    writeLanding({ "web/events-2024-07-01.ndjson": eventsNdjson([{ message_id: "m1", anonymous_id: "a1" }, { message_id: "m3", anonymous_id: "a1" }]) }, landing);
    await build.load(landing);
    const results = await build.run(EVENTS_ONLY);
    expect(results.find((result) => result.name === "c360_staging.stg_web__events")?.rowsAffected).toBe(2);
    expect(await build.query("select event from c360_staging.stg_web__events where message_id = 'm2'")).toEqual([{ event: "untouched" }]);
    expect(await build.query("select message_id, _source_file from c360_staging.stg_web__events order by message_id")).toEqual([
      { message_id: "m1", _source_file: "web/events-2024-07-01.ndjson" },
      { message_id: "m2", _source_file: "web/events.ndjson" },
      { message_id: "m3", _source_file: "web/events-2024-07-01.ndjson" },
    ]);
  });
});
