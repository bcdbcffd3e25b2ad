/**
 * The records one person leaves in the five systems: CRM versions (re-exports, duplicate
 * contacts, a version after as_of), orders with status changes and their lines, web
 * sessions on one or more devices (anonymous at first, signed in later), tickets and a
 * loyalty membership, each spelled in one of the ways SOURCES.md allows.
 */
import type { GeneratorContext } from "./context.js";
import { emptyBatch, type OrderRow, type RecordBatch } from "./model.js";
import { BLOCK, type Person } from "./people.js";
import {
  GENDER_SPELLINGS,
  INVALID_EMAILS,
  INVALID_PHONES,
  OPT_IN_SPELLINGS,
  spellBirthDate,
  spellCountry,
  spellEmail,
  spellPhone,
  spellTimestamp,
  UNKNOWN_COUNTRIES,
  UNUSABLE_BIRTH_DATES,
  withOffset,
} from "./spellings.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const CITIES: Record<string, string[]> = {
  US: ["New York", "San Francisco", "Austin", "Chicago, IL"],
  CA: ["Toronto", "Montréal"],
  GB: ["London", "Manchester", "St. Albans"],
  DE: ["Berlin", "München"],
  FR: ["Paris", "Saint-Denis"],
  IT: ["Roma", "Milano"],
};
const CURRENCY: Record<string, string> = { US: "USD", CA: "USD", GB: "GBP", DE: "EUR", FR: "EUR", IT: "EUR" };
const CATALOG = [
  { sku: "SKU-100", name: "Mug", category: "home", price: 1299 },
  { sku: "SKU-101", name: 'Poster "Sunset", 50x70', category: "home", price: 2450 },
  { sku: "SKU-200", name: "T-shirt", category: "apparel", price: 1999 },
  { sku: "SKU-201", name: "Hoodie, grey", category: "apparel", price: 4999 },
  { sku: "SKU-300", name: "Headphones", category: "electronics", price: 8900 },
  { sku: "SKU-301", name: "USB-C cable", category: "electronics", price: 899 },
];
const EVENT_FLOW = ["page_viewed", "product_viewed", "added_to_cart", "checkout_started", "order_completed"];
const DEVICES = ["mobile", "desktop", "tablet"];

export function personRecords(person: Person, context: GeneratorContext): RecordBatch {
  const batch = emptyBatch();
  if (person.inCrm) crmRecords(person, context, batch);
  if (person.inShop) shopRecords(person, context, batch);
  if (person.inWeb) webRecords(person, context, batch);
  if (person.inSupport) ticketRecords(person, context, batch);
  if (person.inLoyalty) memberRecords(person, context, batch);
  return batch;
}

function crmRecords(person: Person, context: GeneratorContext, batch: RecordBatch): void {
  const { rng, index } = person;
  const created = context.randomInstant(rng, 0, 0.6);
  const email = person.roles.crmEmail ?? person.email;
  const phone = person.roles.crmPhone ?? person.phone;
  const base = {
    first_name: rng.chance(0.1) ? `  ${person.firstName.toUpperCase()} ` : person.firstName,
    last_name: index % 37 === 3 ? `${person.lastName}, Jr.` : index % 41 === 5 ? `"${person.lastName}"` : person.lastName,
    // Shared (role) values are always written, so that each block really has them on its accounts.
    email: !person.roles.crmEmail && rng.chance(0.04) ? "" : !person.roles.crmEmail && rng.chance(0.03) ? rng.pick(INVALID_EMAILS) : spellEmail(email, index),
    phone: !person.roles.crmPhone && rng.chance(0.08) ? "" : !person.roles.crmPhone && rng.chance(0.04) ? rng.pick(INVALID_PHONES) : spellPhone(phone, person.country.alpha2, index),
    birth_date: rng.chance(0.06) ? UNUSABLE_BIRTH_DATES[index % UNUSABLE_BIRTH_DATES.length] : spellBirthDate(person.birth.year, person.birth.month, person.birth.day, index),
    gender: GENDER_SPELLINGS[person.gender][index % GENDER_SPELLINGS[person.gender].length],
    city: index % 53 === 7 ? "Saint-Denis\nCedex 2" : rng.pick(CITIES[person.country.alpha2]),
    country: rng.chance(0.03) ? UNKNOWN_COUNTRIES[index % UNKNOWN_COUNTRIES.length] : spellCountry(person.country, index),
    postal_code: String(rng.int(501, 99950)).padStart(5, "0"),
    marketing_opt_in: optIn(rng.pick(["true", "false", "null"] as const), index),
    created_at: spellTimestamp(created, index),
  };
  const add = (crmId: string, fields: typeof base, updated: number, spelling: number) =>
    batch.customers.push({ part: context.partOf(updated), crm_id: crmId, ...fields, updated_at: spellTimestamp(updated, spelling) });
  add(person.crmId, base, created, index);

  let latest = created;
  if (index % BLOCK === 19 || rng.chance(0.2)) {
    // A re-export with a newer updated_at and a changed field: the newer version wins.
    latest = context.laterInstant(rng, created);
    add(person.crmId, { ...base, city: rng.pick(CITIES[person.country.alpha2]), phone: rng.chance(0.5) ? spellPhone(phone, person.country.alpha2, index + 1) : base.phone }, latest, index + 1);
    if (index % BLOCK === 19 || rng.chance(0.25)) {
      // The same instant spelled differently: a tie, decided by part order (this row is later).
      add(person.crmId, { ...base, first_name: person.firstName, postal_code: String(rng.int(501, 99950)).padStart(5, "0") }, latest, index + 2);
    }
  }
  if (index % 50 === 17 || rng.chance(0.01)) {
    // A version after as_of_date: ignored by identity and gold, the earlier version stands.
    add(person.crmId, { ...base, email: `moved.${index}@later.example.com` }, context.afterAsOf(rng), index);
  }
  if (index % BLOCK === 40 || (!person.roles.crmEmail && !person.roles.crmPhone && rng.chance(0.05))) {
    // A duplicate contact: another crm_id for the same person, same email spelled otherwise.
    add(`C${5_000_000 + index}`, { ...base, email: email === "" ? "" : spellEmail(email, index + 2), phone: "" }, context.laterInstant(rng, created), index + 3);
  }
}

function shopRecords(person: Person, context: GeneratorContext, batch: RecordBatch): void {
  const { rng, index } = person;
  const accounts = [person.shopId];
  if (!person.roles.orderEmail && rng.chance(0.05)) accounts.push(`S${7_000_000 + index}`); // a second account, same email
  const orderCount = Math.max(1, rng.count(context.ordersPerShopper - 1) + 1);
  const currency = CURRENCY[person.country.alpha2];
  for (let number = 0; number < orderCount; number++) {
    const orderId = `O${context.nextOrderNumber()}`;
    const placed = rng.chance(0.01) ? context.afterAsOf(rng) : context.randomInstant(rng, 0, 1);
    const lines = rng.int(1, 3);
    let subtotal = 0;
    const itemLines = [];
    for (let line = 1; line <= lines; line++) {
      const product = rng.pick(CATALOG);
      const quantity = rng.int(1, 3);
      const price = currency === "USD" ? product.price : Math.round(product.price * 0.92);
      subtotal += quantity * price;
      itemLines.push({ line, product, quantity, price });
    }
    const discount = rng.chance(0.2) ? Math.round(subtotal * 0.1) : 0;
    const shipping = rng.chance(0.5) ? 499 : 0;
    const tax = Math.round((subtotal - discount) * 0.08);
    const status = rng.pick(["completed", "completed", "completed", "completed", "completed", "completed", "completed", "cancelled", "refunded", "pending"]);
    const emailText = person.roles.orderEmail ?? (rng.chance(0.07) ? `${person.email.split("@")[0]}.shop@example.com` : person.email);
    const order: Omit<OrderRow, "part" | "status" | "updated_at"> = {
      order_id: orderId,
      shop_customer_id: rng.pick(accounts),
      customer_email: !person.roles.orderEmail && rng.chance(0.04) ? "" : !person.roles.orderEmail && rng.chance(0.02) ? rng.pick(INVALID_EMAILS) : spellEmail(emailText, index + number),
      order_ts: withOffset(placed, rng.pick([0, 60, 120, -300, -420, 330])),
      currency: number % 3 === 0 ? currency.toLowerCase() : number % 3 === 1 ? currency : currency[0] + currency.slice(1).toLowerCase(),
      subtotal: money(subtotal),
      discount: money(discount),
      shipping: money(shipping),
      tax: money(tax),
      total: money(subtotal - discount + shipping + tax),
      channel: rng.pick(["web", "app", "store"]),
    };
    const firstUpdate = placed + rng.int(0, 30) * MINUTE;
    const firstPart = context.partOf(firstUpdate);
    batch.orders.push({ part: firstPart, ...order, status: caseVariant(status, number), updated_at: spellTimestamp(firstUpdate, number) });
    // A status change, re-exported later: pending → completed, completed → refunded.
    const changed = status === "pending" && rng.chance(0.5) ? "completed" : status === "completed" && rng.chance(0.04) ? "refunded" : undefined;
    if (changed && firstUpdate + 3 * DAY < context.asOfEnd) {
      const update = Math.min(firstUpdate + rng.int(1, 40) * DAY, context.asOfEnd - MINUTE);
      batch.orders.push({ part: context.partOf(update), ...order, status: caseVariant(changed, number + 1), updated_at: spellTimestamp(update, number + 1) });
    }
    for (const item of itemLines) {
      batch.order_items.push({
        part: firstPart,
        order_id: orderId,
        line_number: String(item.line),
        sku: item.product.sku,
        product_name: item.product.name,
        category: item.product.category,
        quantity: String(item.quantity),
        unit_price: money(item.price),
      });
    }
  }
}

function webRecords(person: Person, context: GeneratorContext, batch: RecordBatch): void {
  const { rng, index } = person;
  const devices = Array.from({ length: rng.int(1, 3) }, () => `a-${rng.hex(12)}`);
  if (person.roles.sharedDevice) devices[0] = person.roles.sharedDevice;
  // The session (per device) from which the visitor is signed in; anonymous before it.
  const signInFrom = devices.map((device) => (!person.inShop ? Infinity : device === person.roles.sharedDevice ? 0 : rng.chance(0.35) ? Infinity : rng.int(0, 2)));
  const meanSessions = context.eventsPerWebUser / 4.5;
  const sessionCount = rng.int(1, Math.max(1, Math.round(2 * meanSessions - 1)));
  const sessionsPerDevice = devices.map(() => 0);
  for (let session = 0; session < sessionCount; session++) {
    const deviceIndex = session === 0 ? 0 : rng.int(0, devices.length - 1);
    const device = devices[deviceIndex];
    const signedIn = sessionsPerDevice[deviceIndex] >= signInFrom[deviceIndex];
    const signsInNow = sessionsPerDevice[deviceIndex] === signInFrom[deviceIndex];
    sessionsPerDevice[deviceIndex]++;
    let at = rng.chance(0.01) ? context.afterAsOf(rng) : context.randomInstant(rng, 0.05, 1);
    const steps = rng.int(1, 8);
    for (let step = 0; step < steps; step++) {
      const eventName = signsInNow && step === 0 ? "signed_in" : rng.chance(0.08) ? rng.pick(["email_opened", "email_clicked"]) : EVENT_FLOW[Math.min(step, EVENT_FLOW.length - 1)];
      const event: Record<string, unknown> = {
        message_id: `m-${rng.hex(16)}`,
        anonymous_id: device,
        event: eventName,
        timestamp: spellTimestamp(at, [1, 1, 1, 3, 2, 4, 0][(step + session) % 7]),
        context: rng.chance(0.9) ? { page: { url: `https://shop.example.com/p/${rng.pick(CATALOG).sku.toLowerCase()}` }, device: { type: rng.pick(DEVICES) } } : { page: { url: "https://shop.example.com/" } },
        properties: { sku: rng.pick(CATALOG).sku },
      };
      if (signedIn) event.user_id = person.shopId;
      else {
        const spelling = (index + session + step) % 3;
        if (spelling === 0) event.user_id = null;
        else if (spelling === 1) event.user_id = "";
      }
      const line = JSON.stringify(event);
      const part = context.partOf(at);
      batch.events.push({ part, line });
      // At-least-once delivery: the same message again, in another part.
      if (rng.chance(0.03)) batch.events.push({ part: (part + 1) % context.partCount, line });
      at += rng.int(5, 600) * 1000 + rng.int(0, 999);
    }
  }
}

function ticketRecords(person: Person, context: GeneratorContext, batch: RecordBatch): void {
  const { rng, index } = person;
  const tickets = rng.int(1, 3);
  for (let number = 0; number < tickets; number++) {
    const ticketId = context.nextTicketNumber();
    const created = rng.chance(0.02) ? context.afterAsOf(rng) : context.randomInstant(rng, 0.1, 1);
    const solved = rng.chance(0.8) ? created + rng.int(1, 72) * 3600_000 : null;
    const email = person.roles.ticketEmail ?? person.email;
    const ticket: Record<string, unknown> = {
      ticket_id: (index + number) % 5 === 0 ? String(ticketId) : ticketId,
      requester_email: rng.chance(0.05) ? null : rng.chance(0.03) ? rng.pick(INVALID_EMAILS) : spellEmail(email, index + number),
      created_at: spellTimestamp(created, number + index),
      solved_at: solved === null ? null : spellTimestamp(solved, number),
      channel: rng.pick(["email", "chat", "phone", "web"]),
      category: rng.pick(["billing", "delivery", "product", "account", "other"]),
      priority: rng.pick(["low", "normal", "high", "urgent"]),
      status: solved === null ? rng.pick(["new", "open", "pending"]) : rng.pick(["solved", "closed"]),
      satisfaction_score: solved === null ? null : rng.pick([1, 2, 3, 4, 5, 5, 4, null, 0, 7]),
    };
    if (ticket.requester_email === null && number % 2 === 1) delete ticket.requester_email;
    batch.tickets.push({ part: 0, json: JSON.stringify(ticket) });
  }
}

function memberRecords(person: Person, context: GeneratorContext, batch: RecordBatch): void {
  const { rng, index } = person;
  const joined = rng.chance(0.02) ? context.afterAsOf(rng) : context.randomInstant(rng, 0, 0.9);
  const email = person.roles.loyaltyEmail ?? person.email;
  const phone = person.roles.loyaltyPhone ?? person.phone;
  batch.members.push({
    part: 0,
    id: person.loyaltyId,
    email: !person.roles.loyaltyEmail && rng.chance(0.05) ? null : spellEmail(email, index + 1),
    // Loyalty numbers are read with the US default region: national spellings of other countries are invalid.
    phone: !person.roles.loyaltyPhone && rng.chance(0.1) ? null : spellPhone(phone, "US", index),
    tier: rng.chance(0.03) ? "diamond" : caseVariant(rng.pick(["bronze", "silver", "gold", "platinum"]), index),
    points: rng.chance(0.03) ? "n/a" : String(rng.int(0, 20000)),
    joined_on: new Date(joined).toISOString().slice(0, 10),
    style: index,
  });
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function optIn(value: "true" | "false" | "null", variant: number): string {
  const spellings = OPT_IN_SPELLINGS[value];
  return spellings[variant % spellings.length];
}

function caseVariant(text: string, variant: number): string {
  return variant % 5 === 3 ? text.toUpperCase() : variant % 5 === 4 ? text[0].toUpperCase() + text.slice(1) : text;
}
