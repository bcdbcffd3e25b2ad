/**
 * Ground truth, step one: a batch of generated records → what silver must make of them,
 * by SOURCES.md's rules: each record accepted or quarantined with the first code of its
 * file's list, then versions and repeats resolved (latest by instant, ties and keyless
 * repeats by part order), and the as_of_date filter applied.
 */
import type { GeneratorContext } from "./context.js";
import { epochDay, isMissing, normalisePhone, parseDecimal, parseIsoDate, parseTimestamp, validEmail, convertToUsdCents } from "./contract-rules.js";
import { countryCode } from "./countries.js";
import type { RecordBatch } from "./model.js";

export type QuarantineCounts = Map<string, Map<string, number>>;

export interface ResolvedContact {
  crmId: string;
  email: string | null;
  phone: string | null;
}
export interface ResolvedOrder {
  orderId: string;
  shopId: string;
  email: string | null;
  status: string;
  orderDay: number;
  usdCents: number;
}
export interface ResolvedEvent {
  messageId: string;
  anonymousId: string;
  userId: string | null;
  at: number;
}
export interface ResolvedTicket {
  ticketId: string;
  email: string | null;
}
export interface ResolvedMember {
  memberId: string;
  email: string | null;
  phone: string | null;
}

/** Facts about the traps a batch holds (for the generator's own tests and the summary). */
export interface TrapFacts {
  crmReexports: number;
  crmSameInstantTies: number;
  recordsAfterAsOf: Record<string, number>;
  orderStatusChanges: number;
  /** message_id → parts it was delivered in (only ids seen more than once). */
  repeatedMessageParts: Map<string, Set<number>>;
}

export interface ResolvedBatch {
  contacts: ResolvedContact[];
  orders: ResolvedOrder[];
  events: ResolvedEvent[];
  tickets: ResolvedTicket[];
  members: ResolvedMember[];
  facts: TrapFacts;
}

/** A record's place in part order: part, then position in the batch (= record order within the part). */
type Versioned<T> = T & { part: number; seq: number };

function latestBy<T>(items: Versioned<T>[], instant: (item: T) => number): Versioned<T> {
  return items.reduce((best, item) => {
    const [a, b] = [instant(item), instant(best)];
    return a > b || (a === b && (item.part > best.part || (item.part === best.part && item.seq > best.seq))) ? item : best;
  });
}

function laterInPartOrder<T>(a: Versioned<T>, b: Versioned<T>): Versioned<T> {
  return a.part > b.part || (a.part === b.part && a.seq > b.seq) ? a : b;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export function resolveBatch(batch: RecordBatch, context: GeneratorContext, fx: FxLookup, quarantine: QuarantineCounts): ResolvedBatch {
  const end = context.asOfEnd;
  const asOfDay = epochDay(end) - 1;
  const count = (table: string, code: string) => {
    const codes = quarantine.get(table) ?? new Map<string, number>();
    codes.set(code, (codes.get(code) ?? 0) + 1);
    quarantine.set(table, codes);
  };
  const facts: TrapFacts = { crmReexports: 0, crmSameInstantTies: 0, recordsAfterAsOf: {}, orderStatusChanges: 0, repeatedMessageParts: new Map() };
  const after = (table: string) => (facts.recordsAfterAsOf[table] = (facts.recordsAfterAsOf[table] ?? 0) + 1);

  // crm/customers.csv
  const contactVersions: Versioned<{ crmId: string; updated: number; email: string | null; phone: string | null }>[] = [];
  batch.customers.forEach((row, seq) => {
    const split = row.rawLine === undefined;
    const updated = split ? parseTimestamp(row.updated_at) : null;
    if (!split || isMissing(row.crm_id)) return count("customers", "missing_crm_id");
    if (updated === null) return count("customers", "unparseable_updated_at");
    count("customers", "accepted");
    const region = countryCode(row.country) ?? "US";
    contactVersions.push({ crmId: row.crm_id, updated, email: validEmail(row.email), phone: normalisePhone(row.phone, region), part: row.part, seq });
  });
  const contacts: ResolvedContact[] = [];
  for (const versions of groupBy(contactVersions, (version) => version.crmId).values()) {
    if (versions.length > 1) facts.crmReexports++;
    const inRange = versions.filter((version) => version.updated < end);
    if (inRange.length < versions.length) after("customers");
    if (inRange.length === 0) continue;
    const latest = latestBy(inRange, (version) => version.updated);
    if (inRange.filter((version) => version.updated === latest.updated).length > 1) facts.crmSameInstantTies++;
    contacts.push({ crmId: latest.crmId, email: latest.email, phone: latest.phone });
  }

  // shop/orders.csv
  const orderVersions: Versioned<ResolvedOrder & { updated: number; placed: number }>[] = [];
  batch.orders.forEach((row, seq) => {
    const split = row.rawLine === undefined;
    if (!split || isMissing(row.order_id)) return count("orders", "missing_order_id");
    if (isMissing(row.shop_customer_id)) return count("orders", "missing_shop_customer_id");
    const placed = parseTimestamp(row.order_ts);
    if (placed === null) return count("orders", "unparseable_order_ts");
    const currency = row.currency.toUpperCase();
    if (!["USD", "EUR", "GBP"].includes(currency)) return count("orders", "unknown_currency");
    const total = parseDecimal(row.total, 9);
    if (total === null) return count("orders", "non_numeric_total");
    const updated = parseTimestamp(row.updated_at);
    if (updated === null) return count("orders", "unparseable_updated_at");
    const orderDay = epochDay(placed);
    const rate = currency === "USD" ? 10_000 : fx.rateOn(currency, orderDay);
    if (rate === undefined) return count("orders", "no_fx_rate");
    count("orders", "accepted");
    const usdCents = Number(convertToUsdCents(total, 9, BigInt(rate), 4));
    orderVersions.push({ orderId: row.order_id, shopId: row.shop_customer_id, email: validEmail(row.customer_email), status: row.status.toLowerCase(), orderDay, usdCents, updated, placed, part: row.part, seq });
  });
  const acceptedOrderIds = new Set(orderVersions.map((version) => version.orderId));
  const orders: ResolvedOrder[] = [];
  for (const versions of groupBy(orderVersions, (version) => version.orderId).values()) {
    if (new Set(versions.map((version) => version.status)).size > 1) facts.orderStatusChanges++;
    const inRange = versions.filter((version) => version.placed < end);
    if (inRange.length === 0) {
      after("orders");
      continue;
    }
    orders.push(latestBy(inRange, (version) => version.updated));
  }

  // shop/order_items.csv (only quarantine counts matter for the truth)
  for (const row of batch.order_items) {
    if (row.rawLine !== undefined || !acceptedOrderIds.has(row.order_id)) count("order_items", "order_not_found");
    else if (!/^\d+$/.test(row.quantity) || Number(row.quantity) < 1) count("order_items", "bad_quantity");
    else if (parseDecimal(row.unit_price, 9) === null) count("order_items", "bad_unit_price");
    else count("order_items", "accepted");
  }

  // web/events.ndjson
  const events: ResolvedEvent[] = [];
  const firstPart = new Map<string, number>();
  for (const { line, part } of batch.events) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      count("events", "invalid_json");
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      count("events", "not_an_object");
      continue;
    }
    const event = value as Record<string, unknown>;
    const code = isMissing(event.message_id) ? "missing_message_id" : isMissing(event.anonymous_id) ? "missing_anonymous_id" : isMissing(event.event) ? "missing_event" : isMissing(event.timestamp) ? "missing_timestamp" : parseTimestamp(event.timestamp) === null ? "unparseable_timestamp" : "accepted";
    count("events", code);
    if (code !== "accepted") continue;
    const messageId = String(event.message_id);
    const seenIn = firstPart.get(messageId);
    if (seenIn !== undefined) {
      const parts = facts.repeatedMessageParts.get(messageId) ?? new Set([seenIn]);
      facts.repeatedMessageParts.set(messageId, parts.add(part));
      continue; // delivered before: counts once
    }
    firstPart.set(messageId, part);
    const at = parseTimestamp(event.timestamp)!;
    if (at >= end) {
      after("events");
      continue;
    }
    const userId = typeof event.user_id === "string" && event.user_id !== "" ? event.user_id : null;
    events.push({ messageId, anonymousId: String(event.anonymous_id), userId, at });
  }

  // support/tickets.json
  const ticketVersions = new Map<string, Versioned<{ created: number; email: string | null }>>();
  batch.tickets.forEach(({ json, part }, seq) => {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return count("tickets", "not_an_object");
    const ticket = value as Record<string, unknown>;
    const id = ticket.ticket_id;
    const ticketId = Number.isInteger(id) ? String(id) : typeof id === "string" && /^\d+$/.test(id) ? BigInt(id).toString() : null;
    if (ticketId === null) return count("tickets", "missing_ticket_id");
    const created = parseTimestamp(ticket.created_at);
    if (created === null) return count("tickets", "unparseable_created_at");
    count("tickets", "accepted");
    const version = { created, email: validEmail(ticket.requester_email), part, seq };
    const previous = ticketVersions.get(ticketId);
    ticketVersions.set(ticketId, previous ? laterInPartOrder(version, previous) : version);
  });
  const tickets: ResolvedTicket[] = [];
  for (const [ticketId, ticket] of ticketVersions) {
    if (ticket.created >= end) after("tickets");
    else tickets.push({ ticketId, email: ticket.email });
  }

  // loyalty/members.xml
  const memberVersions = new Map<string, Versioned<ResolvedMember & { joined: number | null }>>();
  batch.members.forEach((row, seq) => {
    if (isMissing(row.id)) return count("members", "missing_member_id");
    count("members", "accepted");
    const version = { memberId: row.id!, email: validEmail(row.email), phone: normalisePhone(row.phone, "US"), joined: parseIsoDate(row.joined_on), part: row.part, seq };
    const previous = memberVersions.get(version.memberId);
    memberVersions.set(version.memberId, previous ? laterInPartOrder(version, previous) : version);
  });
  const members: ResolvedMember[] = [];
  for (const member of memberVersions.values()) {
    if (member.joined !== null && member.joined > asOfDay) after("members");
    else members.push({ memberId: member.memberId, email: member.email, phone: member.phone });
  }

  return { contacts, orders, events, tickets, members, facts };
}

/** The rate of a currency on a day or the latest earlier business day (SOURCES.md reference/fx_rates). */
export class FxLookup {
  private readonly rates = new Map<string, Map<number, number>>();
  private firstDay = Infinity;

  add(currency: string, day: number, rate: number): void {
    const byDay = this.rates.get(currency) ?? new Map<number, number>();
    byDay.set(day, rate);
    this.rates.set(currency, byDay);
    this.firstDay = Math.min(this.firstDay, day);
  }

  rateOn(currency: string, day: number): number | undefined {
    const byDay = this.rates.get(currency);
    if (!byDay) return undefined;
    for (let candidate = day; candidate >= this.firstDay; candidate--) {
      const rate = byDay.get(candidate);
      if (rate !== undefined) return rate;
    }
    return undefined;
  }
}
