import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../helpers/project.js";
import type { DuckDbEngine } from "../../src/engines/duckdb/duckdb-engine.js";
import { LandingFileError } from "../../src/errors.js";
import { loadLandingFolder, MANIFEST_TABLE, type FileLoadReport } from "../../src/loader/index.js";
import { rejection, writeLanding } from "./helpers.js";
import { openMemoryEngine } from "../helpers/memory-engine.js";

const CRM_HEADER = "crm_id,first_name,last_name,email,phone,birth_date,gender,city,country,postal_code,marketing_opt_in,created_at,updated_at";
const ORDERS_HEADER = "order_id,shop_customer_id,customer_email,order_ts,status,currency,subtotal,discount,shipping,tax,total,channel,updated_at";

const REFERENCE = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0712\n2024-06-28,GBP,1.2649\n",
  "reference/countries.csv": 'alpha2,alpha3,name\nUS,USA,United States\nGB,GBR,United Kingdom\nBQ,BES,"Bonaire, Sint Eustatius and Saba"\n',
};

const FULL = {
  ...REFERENCE,
  "crm/customers.csv": `${CRM_HEADER}\r\nC1,"Doe, ""JD""",Doe,a@b.co,,1980-01-01,M,"New\r\nYork",us,01234,yes,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z\r\nC2,short row\r\n`,
  "shop/orders.csv": `${ORDERS_HEADER}\nO1,S1,a@b.co,2024-03-05T14:22:10+01:00,completed,EUR,10.00,0.00,2.00,1.00,13.00,web,2024-03-05T14:22:10Z\n`,
  "shop/order_items.csv": "order_id,line_number,sku,product_name,category,quantity,unit_price\nO1,1,SKU-1,Mug,home,1,10.00\n",
  "web/events.ndjson": '{"message_id":"m1","anonymous_id":"a1","event":"page_viewed","timestamp":"2024-03-05T14:20:01Z"}\n{not json\n',
  "web/events-2024-06-01.ndjson": '{"message_id":"m1","anonymous_id":"a1","event":"page_viewed","timestamp":"2024-03-05T14:20:01Z"}\n',
  "support/tickets.json": '[{"ticket_id": 1, "requester_email": "a@b.co"},\n "not an object"]',
  "loyalty/members.xml": '<members exported_at="2024-06-30T23:00:00Z"><member id="L1"><email>a@b.co</email></member></members>',
};

let engine: DuckDbEngine;
beforeEach(async () => {
  engine = await openMemoryEngine({ connections: 1 });
});
afterEach(async () => {
  await engine.close();
});

async function rows(table: string): Promise<Record<string, unknown>[]> {
  return engine.query(`select * from ${table} order by _part_suffix, _record_number`);
}

async function snapshot(): Promise<Record<string, unknown>[][]> {
  const tables = ["raw_crm.customers", "raw_shop.orders", "raw_shop.order_items", "raw_web.events", "raw_support.tickets", "raw_loyalty.members", "raw_reference.fx_rates", "raw_reference.countries"];
  return Promise.all(tables.map(rows));
}

describe("loadLandingFolder", () => {
  it("loads every format into its bronze table, one row per record, malformed records with their raw text", async () => {
    const seen: FileLoadReport[] = [];
    const report = await loadLandingFolder(engine, writeLanding(FULL), PROJECT_SOURCES, { onFile: (file) => seen.push(file) });
    expect(report.warnings).toEqual([]);
    expect(seen.map((file) => [file.file, file.status, file.records])).toEqual([
      ["crm/customers.csv", "loaded", 2],
      ["shop/orders.csv", "loaded", 1],
      ["shop/order_items.csv", "loaded", 1],
      ["web/events.ndjson", "loaded", 2],
      ["web/events-2024-06-01.ndjson", "loaded", 1],
      ["support/tickets.json", "loaded", 2],
      ["loyalty/members.xml", "loaded", 1],
      ["reference/fx_rates.csv", "loaded", 2],
      ["reference/countries.csv", "loaded", 3],
    ]);
    expect(report.tables.find((table) => table.table === "raw_web.events")).toEqual({ table: "raw_web.events", parts: 2, records: 3 });

    const crm = await rows("raw_crm.customers");
    expect(crm[0]).toMatchObject({ _source_file: "crm/customers.csv", _part_suffix: "", _record_number: 1, _line_number: 2, _raw_record: null, crm_id: "C1", first_name: 'Doe, "JD"', city: "New\r\nYork", postal_code: "01234" });
    expect(crm[1]).toMatchObject({ _record_number: 2, _line_number: 4, _raw_record: "C2,short row", crm_id: null, updated_at: null });
    const events = await rows("raw_web.events");
    expect(events.map((event) => [event._source_file, event._part_suffix, event._line_number, event._raw_record])).toEqual([
      ["web/events.ndjson", "", 1, FULL["web/events.ndjson"].split("\n")[0]],
      ["web/events.ndjson", "", 2, "{not json"],
      ["web/events-2024-06-01.ndjson", "2024-06-01", 1, FULL["web/events.ndjson"].split("\n")[0]],
    ]);
    expect((await rows("raw_support.tickets")).map((ticket) => ticket._raw_record)).toEqual(['{"ticket_id": 1, "requester_email": "a@b.co"}', '"not an object"']);
    expect(await rows("raw_loyalty.members")).toMatchObject([{ member_id: "L1", email: "a@b.co", phone: null, exported_at: "2024-06-30T23:00:00Z" }]);
    expect((await rows("raw_reference.countries"))[2]).toMatchObject({ alpha2: "BQ", name: "Bonaire, Sint Eustatius and Saba" });
    const described = await engine.describeTable({ schema: "raw_crm", name: "customers" });
    expect(described?.slice(0, 6).map((column) => column.name)).toEqual(["_source_file", "_part_suffix", "_record_number", "_line_number", "_raw_record", "crm_id"]);
  });

  it("gives an absent optional system empty tables and a warning", async () => {
    const { "loyalty/members.xml": _loyalty, "shop/orders.csv": _orders, "shop/order_items.csv": _items, ...rest } = FULL;
    const report = await loadLandingFolder(engine, writeLanding(rest), PROJECT_SOURCES);
    expect(report.warnings).toEqual([
      "source system shop is absent: no shop/orders.csv, shop/order_items.csv in the landing folder; its bronze table(s) will be empty",
      "source system loyalty is absent: no loyalty/members.xml in the landing folder; its bronze table(s) will be empty",
    ]);
    expect(await rows("raw_loyalty.members")).toEqual([]);
    expect(await rows("raw_shop.order_items")).toEqual([]);
    expect((await engine.describeTable({ schema: "raw_loyalty", name: "members" }))?.map((column) => column.name)).toContain("joined_on");
  });

  it("stops when required reference data is missing, before touching the warehouse", async () => {
    const { "reference/countries.csv": _countries, ...rest } = FULL;
    const error = await rejection(loadLandingFolder(engine, writeLanding(rest), PROJECT_SOURCES));
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.message).toMatch(/^reference\/countries\.csv \(file not found\)/);
    expect(await engine.listTables()).toEqual([]);
  });

  it("stops on a broken file naming it and its position, and keeps no row of it", async () => {
    const folder = writeLanding({ ...FULL, "support/tickets.json": '[{"ticket_id": 1},\n {"ticket_id": 2,\n' });
    const error = (await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.file).toBe("support/tickets.json");
    expect(error.position).toMatch(/^line \d+, byte \d+$/);
    expect(await rows("raw_support.tickets")).toEqual([]);
    // Fixing the file and loading again picks up where the failed load stopped.
    fs.writeFileSync(path.join(folder, "support/tickets.json"), '[{"ticket_id": 1}, {"ticket_id": 2}]');
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(report.files.filter((file) => file.status === "loaded").map((file) => file.file)).toEqual(["support/tickets.json", "loyalty/members.xml", "reference/fx_rates.csv", "reference/countries.csv"]);
    expect(await rows("raw_support.tickets")).toHaveLength(2);
  });

  it("loads the same folder twice into the same bronze tables, skipping what it has", async () => {
    const folder = writeLanding(FULL);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    const first = await snapshot();
    const again = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(again.files.every((file) => file.status === "unchanged")).toBe(true);
    expect(await snapshot()).toEqual(first);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true });
    expect(await snapshot()).toEqual(first);
  });

  it("appends a new part without reloading the old ones", async () => {
    const folder = writeLanding(FULL);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    writeLanding({ "web/events-2024-07-01.ndjson": '{"message_id":"m9"}\n{"message_id":"m10"}\n' }, folder);
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    expect(report.files.filter((file) => file.status === "loaded")).toMatchObject([{ file: "web/events-2024-07-01.ndjson", records: 2 }]);
    expect((await rows("raw_web.events")).map((event) => event._source_file)).toEqual([
      "web/events.ndjson",
      "web/events.ndjson",
      "web/events-2024-06-01.ndjson",
      "web/events-2024-07-01.ndjson",
      "web/events-2024-07-01.ndjson",
    ]);
    const manifest = await engine.query(`select file, records, sha256 from ${engine.quoteTable(MANIFEST_TABLE)} where bronze_table = 'raw_web.events' order by file`);
    expect(manifest.map((entry) => [entry.file, entry.records])).toEqual([
      ["web/events-2024-06-01.ndjson", 1],
      ["web/events-2024-07-01.ndjson", 2],
      ["web/events.ndjson", 2],
    ]);
    expect(String(manifest[0].sha256)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a part that changed after it was loaded, naming it; a full refresh reloads it", async () => {
    const folder = writeLanding(FULL);
    await loadLandingFolder(engine, folder, PROJECT_SOURCES);
    fs.appendFileSync(path.join(folder, "web/events.ndjson"), '{"message_id":"late"}\n');
    const error = (await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.file).toBe("web/events.ndjson");
    expect(error.message).toContain("changed after it was loaded");
    const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES, { fullRefresh: true });
    expect(report.fullRefresh).toBe(true);
    expect(await rows("raw_web.events")).toHaveLength(4);
  });

  describe("which loaded parts it reads again to prove them unchanged", () => {
    const EVENTS = "web/events.ndjson";
    // A whole second, which every file system stores exactly (a time read back may have lost nanoseconds).
    const DELIVERED_AT = new Date("2024-07-01T00:00:00Z");
    function writeDeliveredLanding(): string {
      const folder = writeLanding(FULL);
      fs.utimesSync(path.join(folder, EVENTS), DELIVERED_AT, DELIVERED_AT);
      return folder;
    }
    /** Rewrites the part with other bytes of the same length, then puts its modification time back. */
    function rewriteKeepingSizeAndTime(folder: string): void {
      const file = path.join(folder, EVENTS);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"m1"', '"m7"'));
      fs.utimesSync(file, DELIVERED_AT, DELIVERED_AT);
    }

    it("trusts a part with the recorded size and modification time; --verify-checksums reads it and finds the change", async () => {
      const folder = writeDeliveredLanding();
      await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      rewriteKeepingSizeAndTime(folder);
      const quick = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      expect(quick.files.find((file) => file.file === EVENTS)?.status).toBe("unchanged");
      const error = (await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES, { verifyChecksums: true }))) as LandingFileError;
      expect(error).toBeInstanceOf(LandingFileError);
      expect(error.file).toBe(EVENTS);
      expect(error.message).toContain("changed after it was loaded");
    });

    it("checksums a part whose modification time moved, and accepts it when its bytes are the same", async () => {
      const folder = writeDeliveredLanding();
      await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(folder, EVENTS), later, later);
      const report = await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      expect(report.files.every((file) => file.status === "unchanged")).toBe(true);
      // The new time is recorded: a change that keeps it goes unread, like any quick check.
      const [{ modified_at: recorded }] = await engine.query(`select modified_at from ${engine.quoteTable(MANIFEST_TABLE)} where file = '${EVENTS}'`);
      expect(String(recorded)).toBe(fs.statSync(path.join(folder, EVENTS), { bigint: true }).mtimeNs.toString());
      // Moved again with other bytes: read, and refused.
      rewriteKeepingSizeAndTime(folder);
      const error = (await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES))) as LandingFileError;
      expect(error.file).toBe(EVENTS);
    });

    it("upgrades a manifest written before modification times were recorded, and checksums its parts", async () => {
      const folder = writeDeliveredLanding();
      await loadLandingFolder(engine, folder, PROJECT_SOURCES);
      await engine.execute(`alter table ${engine.quoteTable(MANIFEST_TABLE)} drop column modified_at`);
      rewriteKeepingSizeAndTime(folder);
      const error = (await rejection(loadLandingFolder(engine, folder, PROJECT_SOURCES))) as LandingFileError;
      expect(error.file).toBe(EVENTS);
      const columns = (await engine.describeTable(MANIFEST_TABLE))?.map((column) => column.name);
      expect(columns).toContain("modified_at");
    });
  });

  it("reloads everything when pointed at another landing folder", async () => {
    await loadLandingFolder(engine, writeLanding(FULL), PROJECT_SOURCES);
    const report = await loadLandingFolder(engine, writeLanding({ ...REFERENCE, "web/events.ndjson": '{"message_id":"x"}\n' }), PROJECT_SOURCES);
    expect(report.fullRefresh).toBe(true);
    expect(report.warnings.filter((warning) => /^bronze was loaded from .*; reloading everything from /.test(warning))).toHaveLength(1);
    expect(await rows("raw_web.events")).toHaveLength(1);
    expect(await rows("raw_crm.customers")).toEqual([]);
  });

  it("batches rows into several engine.load calls", async () => {
    const lines = Array.from({ length: 25 }, (_, index) => `{"message_id":"m${index}"}`).join("\n");
    const report = await loadLandingFolder(engine, writeLanding({ ...REFERENCE, "web/events.ndjson": lines }), PROJECT_SOURCES, { batchRows: 10, engineReader: false });
    expect(report.files.find((file) => file.file === "web/events.ndjson")?.records).toBe(25);
    expect((await rows("raw_web.events")).map((event) => event._record_number)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
  });
});
