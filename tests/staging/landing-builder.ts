/**
 * Writes landing files in the formats of SOURCES.md from rows, for tests that need a
 * landing folder shaped for one case (long chains, shared values, parts) rather than the
 * hand-written fixture.
 */
import fs from "node:fs";
import path from "node:path";
import { COUNTRIES_CSV } from "./silver-harness.js";

export const CRM_COLUMNS = [
  "crm_id",
  "first_name",
  "last_name",
  "email",
  "phone",
  "birth_date",
  "gender",
  "city",
  "country",
  "postal_code",
  "marketing_opt_in",
  "created_at",
  "updated_at",
] as const;
export const ORDER_COLUMNS = [
  "order_id",
  "shop_customer_id",
  "customer_email",
  "order_ts",
  "status",
  "currency",
  "subtotal",
  "discount",
  "shipping",
  "tax",
  "total",
  "channel",
  "updated_at",
] as const;
export const ITEM_COLUMNS = ["order_id", "line_number", "sku", "product_name", "category", "quantity", "unit_price"] as const;

type CsvRow<C extends readonly string[]> = Partial<Record<C[number], string>>;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csv<C extends readonly string[]>(columns: C, rows: CsvRow<C>[]): string {
  const lines = [columns.join(","), ...rows.map((row) => columns.map((column) => csvField(row[column as C[number]] ?? "")).join(","))];
  return lines.join("\n") + "\n";
}

export function crmCsv(rows: CsvRow<typeof CRM_COLUMNS>[]): string {
  return csv(CRM_COLUMNS, rows.map((row) => ({ updated_at: "2024-01-01T00:00:00Z", ...row })));
}

export function ordersCsv(rows: CsvRow<typeof ORDER_COLUMNS>[]): string {
  const defaults = { order_ts: "2024-03-01T10:00:00Z", status: "completed", currency: "USD", total: "10.00", channel: "web", updated_at: "2024-03-01T10:00:00Z" };
  return csv(ORDER_COLUMNS, rows.map((row) => ({ ...defaults, ...row })));
}

export function itemsCsv(rows: CsvRow<typeof ITEM_COLUMNS>[]): string {
  return csv(ITEM_COLUMNS, rows);
}

export function ndjson(objects: unknown[]): string {
  return objects.map((object) => JSON.stringify(object)).join("\n") + "\n";
}

export interface EventSpec {
  message_id: string;
  anonymous_id: string;
  user_id?: string | null;
  event?: string;
  timestamp?: string;
}

export function eventsNdjson(events: EventSpec[]): string {
  return ndjson(events.map((event) => ({ event: "page_viewed", timestamp: "2024-03-01T10:00:00Z", ...event })));
}

export function ticketsJson(tickets: Record<string, unknown>[]): string {
  return JSON.stringify(tickets.map((ticket) => ({ created_at: "2024-03-01T10:00:00Z", channel: "email", ...ticket })), null, 1);
}

export interface MemberSpec {
  id: string | null;
  email?: string;
  phone?: string;
  tier?: string;
  points?: string;
  joined_on?: string;
}

function xmlText(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export function membersXml(members: MemberSpec[], exportedAt = "2024-06-30T23:00:00Z"): string {
  const body = members
    .map((member) => {
      const id = member.id === null ? "" : ` id="${xmlText(member.id)}"`;
      const children = (["email", "phone", "tier", "points", "joined_on"] as const)
        .filter((name) => member[name] !== undefined)
        .map((name) => `    <${name}>${xmlText(member[name]!)}</${name}>`);
      return [`  <member${id}>`, ...children, "  </member>"].join("\n");
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<members exported_at="${exportedAt}">\n${body}\n</members>\n`;
}

/** The required reference files: the test countries and EUR/GBP rates from 2024-01-02. */
export function referenceFiles(fxRates = "date,currency,rate_to_usd\n2024-01-02,EUR,1.10\n2024-01-02,GBP,1.25\n"): Record<string, string> {
  return { "reference/countries.csv": COUNTRIES_CSV, "reference/fx_rates.csv": fxRates };
}

/** Copies the parts of `source` whose suffix (text after `<stem>-`, '' for plain files) passes `keep`. */
export function copyParts(source: string, destination: string, keep: (suffix: string) => boolean): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const suffix = /-(\d{4}-\d{2}-\d{2})\.[a-z]+$/.exec(entry.name)?.[1] ?? "";
    if (!keep(suffix)) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(destination, path.relative(source, from));
    if (fs.existsSync(to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}
