import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_SOURCES } from "../../helpers/project.js";
import { parse } from "csv-parse/sync";
import type { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import { generateLanding, type TruthSummary } from "../../../tools/generator/index.js";
import { loadLandingFolder } from "../../../src/loader/index.js";
import { openMemoryEngine } from "../../helpers/memory-engine.js";

const OPTIONS = { persons: 300, seed: 42, asOf: "2024-06-30" };
const root = fs.mkdtempSync(path.join(os.tmpdir(), "c360-generator-"));
const landing = path.join(root, "landing");
let summary: TruthSummary;

beforeAll(async () => {
  summary = (await generateLanding({ ...OPTIONS, out: landing })).summary!;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function filesOf(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name))).sort();
}

function digest(folder: string): Record<string, string> {
  return Object.fromEntries(filesOf(folder).map((file) => [file, createHash("sha256").update(fs.readFileSync(path.join(folder, file))).digest("hex")]));
}

/** All rows of every part of a CSV source, as objects. */
function csvRows(stem: string): Record<string, string>[] {
  const folder = path.join(landing, path.dirname(stem));
  return fs
    .readdirSync(folder)
    .filter((name) => name === `${path.basename(stem)}.csv` || name.startsWith(`${path.basename(stem)}-`))
    .flatMap((name) => parse(fs.readFileSync(path.join(folder, name)), { columns: true, relax_column_count: true }) as Record<string, string>[]);
}

describe("generateLanding", () => {
  it("is deterministic: the same seed gives the same bytes, another seed other bytes", async () => {
    const again = path.join(root, "again");
    await generateLanding({ ...OPTIONS, out: again });
    expect(digest(again)).toEqual(digest(landing));
    expect(digest(`${again}.truth`)).toEqual(digest(`${landing}.truth`));
    const other = path.join(root, "other");
    await generateLanding({ ...OPTIONS, seed: 43, out: other, truth: null });
    expect(digest(other)["crm/customers.csv"]).not.toBe(digest(landing)["crm/customers.csv"]);
  });

  it("writes the contract's layout, with several parts per high-volume source and the truth outside", () => {
    const files = filesOf(landing);
    for (const required of ["reference/fx_rates.csv", "reference/countries.csv", "crm/customers.csv", "shop/orders.csv", "shop/order_items.csv", "web/events.ndjson", "support/tickets.json", "loyalty/members.xml"]) expect(files).toContain(required);
    for (const stem of ["shop/orders-", "shop/order_items-", "web/events-"]) expect(files.filter((file) => file.startsWith(stem)).length).toBeGreaterThanOrEqual(3);
    expect(filesOf(`${landing}.truth`)).toEqual(["README.md", "customer_identity_map.csv", "customers.csv", "summary.json"]);
    expect(fs.readFileSync(path.join(landing, "reference/countries.csv"), "utf8").trim().split("\n")).toHaveLength(250);
  });

  it("loads with the seed loader: every table holds exactly the records the truth counted", async () => {
    const engine = await openMemoryEngine({ connections: 1 });
    try {
      const report = await loadLandingFolder(engine, landing, PROJECT_SOURCES);
      expect(report.warnings).toEqual([]);
      for (const [table, codes] of Object.entries(summary.quarantine)) {
        const bronze = report.tables.find((entry) => entry.table.endsWith(`.${table}`))!;
        expect(bronze.records, table).toBe(Object.values(codes).reduce((sum, count) => sum + count, 0));
      }
    } finally {
      await engine.close();
    }
  });

  it("holds every quarantine code of every file", () => {
    const codes: Record<string, string[]> = {
      customers: ["missing_crm_id", "unparseable_updated_at"],
      orders: ["missing_order_id", "missing_shop_customer_id", "unparseable_order_ts", "unknown_currency", "non_numeric_total", "unparseable_updated_at", "no_fx_rate"],
      order_items: ["order_not_found", "bad_quantity", "bad_unit_price"],
      events: ["invalid_json", "not_an_object", "missing_message_id", "missing_anonymous_id", "missing_event", "missing_timestamp", "unparseable_timestamp"],
      tickets: ["not_an_object", "missing_ticket_id", "unparseable_created_at"],
      members: ["missing_member_id"],
    };
    for (const [table, expected] of Object.entries(codes)) for (const code of expected) expect(summary.quarantine[table]?.[code], `${table} ${code}`).toBeGreaterThan(0);
  });

  it("holds the identity traps: re-exports, ties, status changes, redeliveries, sign-ins, shared devices, shared values, late records", () => {
    expect(summary.crmReexports).toBeGreaterThan(0);
    expect(summary.crmSameInstantTies).toBeGreaterThan(0);
    expect(summary.orderStatusChanges).toBeGreaterThan(0);
    expect(summary.duplicateMessagesAcrossParts).toBeGreaterThan(0);
    expect(summary.anonymousThenSignedIn).toBeGreaterThan(0);
    expect(summary.sharedDevices).toBeGreaterThan(0);
    for (const kind of ["email:", "phone:"]) {
      expect(summary.valuesOverLimit.some((value) => value.startsWith(kind)), `${kind} over the limit`).toBe(true);
      expect(summary.valuesAtLimit.some((value) => value.startsWith(kind)), `${kind} at the limit`).toBe(true);
    }
    for (const table of ["customers", "orders", "events", "tickets", "members"]) expect(summary.recordsAfterAsOf[table], table).toBeGreaterThan(0);
    const customers = csvRows("../landing.truth/customers");
    expect(customers.some((customer) => Number(customer.crm_id_count) >= 2)).toBe(true); // duplicate CRM contacts resolved together
    expect(customers.filter((customer) => customer.is_known === "false").length).toBeGreaterThan(0);
  });

  it("resolves shared values by the contract: over the limit splits people, at the limit links them", () => {
    const identity = csvRows("../landing.truth/customer_identity_map");
    const keyOf = (system: string, id: string) => identity.find((row) => row.source_system === system && row.source_id === id)?.customer_key;
    // Block 0: people 0–3 share info@ (over the limit), 4–6 share family.0@ (exactly 3), 28–29 a device.
    const info = [0, 1, 2, 3].map((index) => keyOf("crm", `C${100000 + index}`));
    expect(new Set(info).size).toBe(4);
    const family = [4, 5, 6].map((index) => keyOf("crm", `C${100000 + index}`));
    expect(new Set(family).size).toBe(1);
    const device = identity.filter((row) => row.source_id === "a-shared-000000");
    expect(device).toHaveLength(1);
    expect(identity.filter((row) => row.customer_key === device[0].customer_key)).toHaveLength(1);
    // Every identifier appears exactly once.
    expect(new Set(identity.map((row) => `${row.source_system}:${row.source_id}`)).size).toBe(identity.length);
  });

  it("spells values every way the contract allows", () => {
    const crm = csvRows("crm/customers");
    const phones = crm.map((row) => row.phone);
    for (const pattern of [/^\+1 \d{3} \d{3} \d{4}$/, /^\(\d{3}\) \d{3}-\d{4}$/, /^\d{3}\.\d{3}\.\d{4}$/, /^1-\d{3}-\d{3}-\d{4}$/, /^001 \d{3} \d{3} \d{4}$/, /^\+1\d{10}$/, /^0\d{2} \d{4} \d{4}$/, /^00(44|49|33|39) /, /^\+(44|49|33|39) /, /^$/]) {
      expect(phones.some((phone) => pattern.test(phone)), String(pattern)).toBe(true);
    }
    const births = crm.map((row) => row.birth_date);
    for (const pattern of [/^\d{4}-\d{2}-\d{2}$/, /^\d{2}\/\d{2}\/\d{4}$/, /^\d{8}$/]) expect(births.some((birth) => pattern.test(birth)), String(pattern)).toBe(true);
    for (const unusable of ["1985-02-30", "April 12 1985", "2030-01-01"]) expect(births).toContain(unusable);
    for (const gender of ["M", "Male", "F", "Female", "other", "X", "x", "", "unknown"]) expect(crm.map((row) => row.gender)).toContain(gender);
    for (const optIn of ["true", "FALSE", "yes", "No", "y", "N", "1", "0", "", "maybe"]) expect(crm.map((row) => row.marketing_opt_in)).toContain(optIn);
    const countries = crm.map((row) => row.country);
    for (const country of ["US", "us", "USA", "usa", "United States", "united kingdom", "GBR", "Atlantis"]) expect(countries).toContain(country);
    expect(crm.some((row) => row.email !== row.email.trim())).toBe(true);
    expect(crm.some((row) => row.email !== row.email.toLowerCase())).toBe(true);
    // CSV quoting: fields with a quote, a comma and a newline.
    expect(crm.some((row) => row.last_name.includes('"'))).toBe(true);
    expect(crm.some((row) => row.last_name.includes(","))).toBe(true);
    expect(crm.some((row) => row.city.includes("\n"))).toBe(true);
    const orders = csvRows("shop/orders");
    for (const currency of ["usd", "USD", "Usd", "gbp", "GBP", "Gbp", "eur", "EUR", "Eur"]) expect(orders.map((row) => row.currency)).toContain(currency);
    for (const status of ["completed", "COMPLETED", "Completed", "pending", "refunded", "cancelled"]) expect(orders.map((row) => row.status)).toContain(status);
    const xml = fs.readFileSync(path.join(landing, "loyalty/members.xml"), "utf8");
    for (const spelling of ["<![CDATA[", "id='", "&#", "/>"]) expect(xml).toContain(spelling);
  });
});

describe("shipped seeds", () => {
  it("are exactly what the generator makes (seeds/ and tests/fixtures/seeds-truth/ are not stale)", async () => {
    // Regenerate with: npx tsx scripts/generate-landing.ts --persons 300 --seed 20240630 --as-of 2024-06-30 --out seeds --truth tests/fixtures/seeds-truth
    const fresh = path.join(root, "seeds");
    await generateLanding({ persons: 300, seed: 20240630, asOf: "2024-06-30", out: fresh, truth: path.join(root, "seeds-truth") });
    expect(digest("seeds")).toEqual(digest(fresh));
    expect(digest("tests/fixtures/seeds-truth")).toEqual(digest(path.join(root, "seeds-truth")));
  });
});
