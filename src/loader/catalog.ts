/**
 * The landing-folder contract (../shared/SOURCES.md) as data: which files each source
 * system exports, their format, and the bronze table each one lands in.
 *
 * Bronze tables keep every record as it came: every field as text, plus bookkeeping
 * columns (see BOOKKEEPING_COLUMNS). Silver decides what is accepted.
 */
export type LandingFormat = "csv" | "ndjson" | "json-array" | "xml";

export interface LandingSource {
  /** Source system, also the bronze schema suffix: raw_<system>. */
  system: "crm" | "shop" | "web" | "support" | "loyalty" | "reference";
  /** File path inside the landing folder for the plain part (parts add -<suffix>). */
  file: string;
  format: LandingFormat;
  /** Bronze table name inside schema raw_<system>. */
  table: string;
  /**
   * Field columns, all text. CSV: header names. XML: attribute/child names.
   * NDJSON and JSON array sources keep the whole record in _raw_record and have none.
   */
  fields: string[];
  /** reference/ is required; the five systems are optional. */
  required: boolean;
}

export const LANDING_SOURCES: readonly LandingSource[] = [
  {
    system: "crm",
    file: "crm/customers.csv",
    format: "csv",
    table: "customers",
    fields: ["crm_id", "first_name", "last_name", "email", "phone", "birth_date", "gender", "city", "country", "postal_code", "marketing_opt_in", "created_at", "updated_at"],
    required: false,
  },
  {
    system: "shop",
    file: "shop/orders.csv",
    format: "csv",
    table: "orders",
    fields: ["order_id", "shop_customer_id", "customer_email", "order_ts", "status", "currency", "subtotal", "discount", "shipping", "tax", "total", "channel", "updated_at"],
    required: false,
  },
  {
    system: "shop",
    file: "shop/order_items.csv",
    format: "csv",
    table: "order_items",
    fields: ["order_id", "line_number", "sku", "product_name", "category", "quantity", "unit_price"],
    required: false,
  },
  { system: "web", file: "web/events.ndjson", format: "ndjson", table: "events", fields: [], required: false },
  { system: "support", file: "support/tickets.json", format: "json-array", table: "tickets", fields: [], required: false },
  {
    system: "loyalty",
    file: "loyalty/members.xml",
    format: "xml",
    table: "members",
    // exported_at comes from the <members> root element of the member's file.
    fields: ["member_id", "email", "phone", "tier", "points", "joined_on", "exported_at"],
    required: false,
  },
  { system: "reference", file: "reference/fx_rates.csv", format: "csv", table: "fx_rates", fields: ["date", "currency", "rate_to_usd"], required: true },
  { system: "reference", file: "reference/countries.csv", format: "csv", table: "countries", fields: ["alpha2", "alpha3", "name"], required: true },
];

/**
 * Columns every bronze table has before its fields:
 * - _source_file: path of the part inside the landing folder (e.g. web/events-2024-07-01.ndjson)
 * - _part_suffix: '' for the plain file, else the part's suffix; ordering by (_part_suffix,
 *   _record_number) is SOURCES.md's "part order" (plain file first, suffixes in byte order)
 * - _record_number: 1-based number of the record within its part (header and blank lines
 *   not counted)
 * - _line_number: the physical line where the record starts (1-based; for a JSON array
 *   the line of the element's first character)
 * - _raw_record: the record's raw text: always for NDJSON (the line), JSON arrays (the
 *   element's JSON text) and XML (the element's XML text); for CSV only where the row could
 *   not be split into the header's fields (then every field is null)
 */
export const BOOKKEEPING_COLUMNS = ["_source_file", "_part_suffix", "_record_number", "_line_number", "_raw_record"] as const;

export function bronzeSchema(source: LandingSource): string {
  return `raw_${source.system}`;
}
