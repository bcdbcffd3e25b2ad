/**
 * The quarantine tables of SOURCES.md: for each landing source, `<entity>_quarantine` in
 * c360_staging holds every record that was read but not accepted, with the reason code
 * (the first failing code of the file's list) and the raw record. They are tables rebuilt
 * by every build from the int_*_checked views, so a record that becomes acceptable later
 * (an order line whose order arrives in a later part) leaves its quarantine.
 *
 * A CSV row that could not be split into the header's fields (bronze keeps only
 * _raw_record) has every field absent, and absent means missing (SOURCES.md), so it gets
 * the first code of its file's list (missing_crm_id, missing_order_id, order_not_found);
 * its message says the row could not be split. Choice where the contract is silent:
 * raw_record of a CSV record is a JSON object of its text fields keyed by the header names
 * (the raw text when it could not be split), of NDJSON the line, of a JSON array the
 * element's JSON text, of XML the <member> element's text.
 */
const QUARANTINES = [
  {
    table: "customers_quarantine",
    checked: "int_crm__customers_checked",
    file: "crm/customers.csv",
    codes: ["missing_crm_id", "unparseable_updated_at"],
  },
  {
    table: "orders_quarantine",
    checked: "int_shop__orders_checked",
    file: "shop/orders.csv",
    codes: [
      "missing_order_id",
      "missing_shop_customer_id",
      "unparseable_order_ts",
      "unknown_currency",
      "non_numeric_total",
      "unparseable_updated_at",
      "no_fx_rate",
    ],
  },
  {
    table: "order_items_quarantine",
    checked: "int_shop__order_items_checked",
    file: "shop/order_items.csv",
    codes: ["order_not_found", "bad_quantity", "bad_unit_price"],
  },
  {
    table: "events_quarantine",
    checked: "int_web__events_checked",
    file: "web/events.ndjson",
    codes: ["invalid_json", "not_an_object", "missing_message_id", "missing_anonymous_id", "missing_event", "missing_timestamp", "unparseable_timestamp"],
  },
  {
    table: "tickets_quarantine",
    checked: "int_support__tickets_checked",
    file: "support/tickets.json",
    codes: ["not_an_object", "missing_ticket_id", "unparseable_created_at"],
  },
  {
    table: "members_quarantine",
    checked: "int_loyalty__members_checked",
    file: "loyalty/members.xml",
    codes: ["missing_member_id"],
  },
];

for (const quarantine of QUARANTINES) {
  publish(quarantine.table, {
    type: "table",
    schema: "c360_staging",
    tags: ["staging"],
    description:
      `Records of ${quarantine.file} (every part) that were read but not accepted, one row per record, with the first failing ` +
      `reason of the file's list (${quarantine.codes.join(", ")}). Records read = accepted (before deduplication) + quarantined, per part.`,
    columns: {
      source_file: "Landing part the record came from (e.g. " + quarantine.file + ").",
      record_number: "1-based number of the record within its part.",
      line_number: "1-based line where the record starts in its part.",
      reason: `Reason code, one of: ${quarantine.codes.join(", ")}.`,
      message: "What is wrong, for a human: names the field and its raw value.",
      raw_record: "The record as delivered (a CSV record as a JSON object of its text fields, or its raw text when it could not be split).",
    },
    // The reason codes are checked by assertions/staging/assert_<entity>_records_reconcile.sqlx:
    // Dataform renders a rowCondition holding a quote with BigQuery's \' escape, which DuckDB rejects.
    assertions: { uniqueKey: ["source_file", "record_number"], nonNull: ["source_file", "record_number", "reason", "message", "raw_record"] },
  }).query(
    (ctx) => `select
  cast(_source_file as string) as source_file,
  cast(_record_number as int64) as record_number,
  cast(_line_number as int64) as line_number,
  cast(quarantine_reason as string) as reason,
  cast(quarantine_message as string) as message,
  cast(raw_record as string) as raw_record
from
  ${ctx.ref(quarantine.checked)}
where
  quarantine_reason is not null`,
  );
}

module.exports = { QUARANTINES };
