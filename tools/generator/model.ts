/**
 * The generated records, as they are written: every field is the exact text that lands in
 * the file. `part` is the index of the record's part in part order (0 = the plain file),
 * so the ground truth can apply "later in part order wins" without reading files back.
 */
export type { SourceTable } from "./sources.js";

export interface Placed {
  /** Index into the source's part list (0 = plain file). */
  part: number;
  /** CSV only: the line written verbatim instead of the fields (a row that cannot be split). */
  rawLine?: string;
}

export type CrmRow = Placed & {
  crm_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  birth_date: string;
  gender: string;
  city: string;
  country: string;
  postal_code: string;
  marketing_opt_in: string;
  created_at: string;
  updated_at: string;
};

export type OrderRow = Placed & {
  order_id: string;
  shop_customer_id: string;
  customer_email: string;
  order_ts: string;
  status: string;
  currency: string;
  subtotal: string;
  discount: string;
  shipping: string;
  tax: string;
  total: string;
  channel: string;
  updated_at: string;
};

export type ItemRow = Placed & {
  order_id: string;
  line_number: string;
  sku: string;
  product_name: string;
  category: string;
  quantity: string;
  unit_price: string;
};

/** One NDJSON line (already serialised: some lines are deliberately not JSON). */
export type EventLine = Placed & { line: string };

/** One element of the tickets array (serialised JSON text). */
export type TicketElement = Placed & { json: string };

/** A loyalty member: field texts (null = element or attribute omitted) and how to spell it in XML. */
export type MemberRecord = Placed & {
  id: string | null;
  email: string | null;
  phone: string | null;
  tier: string | null;
  points: string | null;
  joined_on: string | null;
  /** XML spelling variant (quotes, CDATA, self-closing empties). */
  style: number;
};

/** Everything one generated person (or the trap block) contributes, in write order. */
export interface RecordBatch {
  customers: CrmRow[];
  orders: OrderRow[];
  order_items: ItemRow[];
  events: EventLine[];
  tickets: TicketElement[];
  members: MemberRecord[];
}

export function emptyBatch(): RecordBatch {
  return { customers: [], orders: [], order_items: [], events: [], tickets: [], members: [] };
}

/** Values drawn from pools shared between people (shared mailboxes, household phones, shared devices). */
export interface PoolValues {
  emails: Set<string>;
  phones: Set<string>;
  anonymousIds: Set<string>;
}
