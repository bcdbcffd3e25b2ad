/**
 * Records that exist to be quarantined: every reason code of every file (SOURCES.md), a few
 * times each, plus records with several faults (the first code in the file's list wins),
 * rows that cannot be split, and repeated keys superseded in part order. They belong to no
 * generated person; their ids live in ranges people never use (…9xxxxxx, O8…/S8…).
 */
import { COUNTRIES } from "./countries.js";
import {
  GENDER_SPELLINGS,
  INVALID_PHONES,
  OPT_IN_SPELLINGS,
  PHONE_VARIANTS,
  spellBirthDate,
  spellCountry,
  spellPhone,
  UNKNOWN_COUNTRIES,
  UNUSABLE_BIRTH_DATES,
  withOffset,
} from "./spellings.js";
import type { GeneratorContext } from "./context.js";
import { emptyBatch, type CrmRow, type ItemRow, type OrderRow, type RecordBatch } from "./model.js";

const DAY = 86_400_000;

export function trapRecords(context: GeneratorContext, copies: number): RecordBatch {
  const batch = emptyBatch();
  const inRange = context.start + 100 * DAY + 3_600_000;
  const lastPart = context.partCount - 2; // the newest part before as_of
  for (let copy = 0; copy < copies; copy++) {
    const n = String(copy).padStart(4, "0");
    // --- crm/customers.csv: missing_crm_id, unparseable_updated_at
    const contact: CrmRow = {
      part: 0, crm_id: `C900${n}`, first_name: "Trap", last_name: "Contact", email: `trap.crm.${n}@example.com`, phone: "", birth_date: "", gender: "",
      city: "", country: "", postal_code: "", marketing_opt_in: "", created_at: withOffset(inRange, 0), updated_at: withOffset(inRange, 0),
    };
    batch.customers.push({ ...contact, crm_id: "" });
    batch.customers.push({ ...contact, crm_id: `C901${n}`, updated_at: ["2024/03/05 14:22", "yesterday", "2024-13-01T00:00:00Z"][copy % 3] });
    batch.customers.push({ ...contact, crm_id: "", updated_at: "not a time" }); // two faults: missing_crm_id first
    batch.customers.push({ ...contact, rawLine: `C902${n},only,four,fields` }); // cannot be split: every field null → missing_crm_id

    // --- shop/orders.csv
    const order: OrderRow = {
      part: 0, order_id: `O800${n}`, shop_customer_id: `S800${n}`, customer_email: `trap.shop.${n}@example.com`, order_ts: withOffset(inRange, 60), status: "completed",
      currency: "USD", subtotal: "10.00", discount: "0.00", shipping: "0.00", tax: "0.80", total: "10.80", channel: "web", updated_at: withOffset(inRange, 60),
    };
    batch.orders.push(order); // a valid order the item traps hang on
    batch.orders.push({ ...order, order_id: "" });
    batch.orders.push({ ...order, order_id: `O801${n}`, shop_customer_id: "" });
    batch.orders.push({ ...order, order_id: `O802${n}`, order_ts: "2024-03-05 14:22:10+01:00" });
    batch.orders.push({ ...order, order_id: `O803${n}`, currency: copy % 2 === 0 ? "JPY" : "US$" });
    batch.orders.push({ ...order, order_id: `O804${n}`, total: copy % 2 === 0 ? "12,50" : "N/A" });
    batch.orders.push({ ...order, order_id: `O805${n}`, updated_at: "05/03/2024 14:22:10" });
    batch.orders.push({ ...order, order_id: `O806${n}`, currency: "EUR", order_ts: withOffset((context.firstFxDay - 30) * DAY + 43_200_000, 60) }); // before the first rate
    batch.orders.push({ ...order, order_id: `O807${n}`, shop_customer_id: "", currency: "JPY" }); // two faults: missing_shop_customer_id first
    batch.orders.push({ ...order, rawLine: `O808${n},S808${n},broken row` });

    // --- shop/order_items.csv: order_not_found, bad_quantity, bad_unit_price, a superseded line
    const item: ItemRow = { part: 0, order_id: `O800${n}`, line_number: "1", sku: "SKU-100", product_name: "Mug", category: "home", quantity: "1", unit_price: "10.00" };
    batch.order_items.push(item);
    batch.order_items.push({ ...item, part: lastPart, quantity: "2", unit_price: "5.00" }); // supersedes line 1 (later part)
    batch.order_items.push({ ...item, order_id: `O899${n}`, line_number: "1" });
    batch.order_items.push({ ...item, line_number: "2", quantity: ["0", "-1", "two", "1.5"][copy % 4] });
    batch.order_items.push({ ...item, line_number: "3", unit_price: copy % 2 === 0 ? "abc" : "12,00" });
    batch.order_items.push({ ...item, order_id: `O899${n}`, line_number: "4", quantity: "0" }); // two faults: order_not_found first

    // --- web/events.ndjson
    const event = { message_id: `m-trap-${n}`, anonymous_id: `a-trap-${n}`, event: "page_viewed", timestamp: `${new Date(inRange).toISOString()}` };
    const line = (value: unknown) => ({ part: 0, line: JSON.stringify(value) });
    const without = (field: keyof typeof event) => Object.fromEntries(Object.entries(event).filter(([key]) => key !== field));
    batch.events.push(line(event)); // a valid event of an anonymous visitor
    batch.events.push({ part: 0, line: copy % 2 === 0 ? `{"message_id": "m-broken-${n}", "event": "page_viewed"` : "not json at all" });
    batch.events.push({ part: 0, line: ["[1,2,3]", '"just a string"', "42", "null"][copy % 4] });
    batch.events.push(line({ ...without("message_id"), ...(copy % 2 === 1 ? { message_id: "" } : {}) }));
    batch.events.push(line({ ...event, message_id: `m-trap-a-${n}`, anonymous_id: copy % 2 === 0 ? null : "" }));
    batch.events.push(line({ ...without("event"), message_id: `m-trap-e-${n}` }));
    batch.events.push(line({ ...without("timestamp"), message_id: `m-trap-t-${n}` }));
    batch.events.push(line({ ...event, message_id: `m-trap-u-${n}`, timestamp: ["2024/03/05 14:22", "yesterday", "1709648530"][copy % 3] }));
    batch.events.push(line({ ...without("message_id"), timestamp: null })); // two faults: missing_message_id first

    // --- support/tickets.json
    const ticket = { ticket_id: 9_000_000 + copy, requester_email: `trap.ticket.${n}@example.com`, created_at: withOffset(inRange, 0), solved_at: null, channel: "web", category: "other", priority: "low", status: "open", satisfaction_score: null };
    batch.tickets.push({ part: 0, json: JSON.stringify(ticket) });
    batch.tickets.push({ part: 0, json: JSON.stringify({ ...ticket, status: "solved", satisfaction_score: 9 }) }); // same ticket_id later: supersedes
    batch.tickets.push({ part: 0, json: ['"ticket"', "[1]", "17", "null"][copy % 4] });
    batch.tickets.push({ part: 0, json: JSON.stringify({ ...ticket, ticket_id: ["abc", 1.5, null, "12a"][copy % 4] }) });
    batch.tickets.push({ part: 0, json: JSON.stringify(Object.fromEntries(Object.entries(ticket).filter(([key]) => key !== "ticket_id"))) });
    batch.tickets.push({ part: 0, json: JSON.stringify({ ...ticket, ticket_id: 9_100_000 + copy, created_at: "2024-03-05" }) });

    // --- records after as_of_date (accepted, ignored by identity and gold)
    const later = context.asOfEnd + 36 * 3_600_000 + copy * 60_000;
    batch.orders.push({ ...order, part: lastPart + 1, order_id: `O809${n}`, shop_customer_id: `S809${n}`, order_ts: withOffset(later, -300), updated_at: withOffset(later, 0) });
    batch.events.push({ part: lastPart + 1, line: JSON.stringify({ ...event, message_id: `m-trap-late-${n}`, anonymous_id: `a-trap-late-${n}`, timestamp: new Date(later).toISOString() }) });
    batch.tickets.push({ part: 0, json: JSON.stringify({ ...ticket, ticket_id: 9_200_000 + copy, created_at: withOffset(later, 0) }) });
    batch.members.push({ part: 0, id: `L9${n}001`, email: null, phone: null, tier: "bronze", points: "0", joined_on: new Date(later).toISOString().slice(0, 10), style: copy });

    // --- loyalty/members.xml: missing_member_id, a superseded member
    const member = { part: 0, id: `L9${n}000`, email: `trap.member.${n}@example.com`, phone: null, tier: "silver", points: "10", joined_on: "2023-01-01", style: copy };
    batch.members.push(member);
    batch.members.push({ ...member, tier: "gold", phone: "", points: "", style: 2 }); // same id later: supersedes (empty elements self-closed)
    batch.members.push({ ...member, id: null });
    batch.members.push({ ...member, id: "" });
  }
  batch.customers.push(...spellingGallery(context));
  return batch;
}

/**
 * Valid CRM contacts, one per spelling the contract allows (phones, birth dates, genders,
 * countries, opt-ins), so that every spelling is present whatever the number of people.
 * Each is a customer of its own (its email and phone are used nowhere else).
 */
function spellingGallery(context: GeneratorContext): CrmRow[] {
  const country = (alpha2: string) => COUNTRIES.find((candidate) => candidate.alpha2 === alpha2)!;
  const phones: [string, string][] = [
    ...Array.from({ length: PHONE_VARIANTS }, (_, variant): [string, string] => [spellPhone(`+1599200${String(variant).padStart(4, "0")}`, "US", variant), "us"]),
    ...Array.from({ length: 4 }, (_, variant): [string, string] => [spellPhone(`+442099990${String(variant).padStart(3, "0")}`, "GB", variant), "GBR"]),
    ...INVALID_PHONES.map((phone): [string, string] => [phone, "US"]),
  ];
  const births = [...[0, 1, 2].map((variant) => spellBirthDate(1980 + variant, 4, 12, variant)), ...UNUSABLE_BIRTH_DATES];
  const genders = Object.values(GENDER_SPELLINGS).flat();
  const countries = [...["US", "GB", "DE", "FR", "IT", "CA"].flatMap((alpha2) => [0, 1, 2, 3, 4, 5, 6].map((variant) => spellCountry(country(alpha2), variant))), ...UNKNOWN_COUNTRIES];
  const optIns = Object.values(OPT_IN_SPELLINGS).flat();
  const rows = Math.max(phones.length, births.length, genders.length, countries.length, optIns.length);
  const at = withOffset(context.start + 200 * 86_400_000, 0);
  return Array.from({ length: rows }, (_, row): CrmRow => {
    const [phone, phoneCountry] = row < phones.length ? phones[row] : ["", countries[row % countries.length]];
    return {
      part: 0, crm_id: `C903${String(row).padStart(4, "0")}`, first_name: "Gallery", last_name: `Row ${row}`, email: `gallery.${row}@example.com`, phone,
      birth_date: births[row % births.length], gender: genders[row % genders.length], city: "Springfield", country: phoneCountry,
      postal_code: "00501", marketing_opt_in: optIns[row % optIns.length], created_at: at, updated_at: at,
    };
  });
}
