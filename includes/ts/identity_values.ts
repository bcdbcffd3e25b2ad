/**
 * The email and phone values the identifiers carry (SOURCES.md Identity), shared by
 * c360_identity.identity_identifier_values (every identifier's values) and
 * identity_recomputed_values (the changed identifiers' values, from which an incremental build
 * both finds the values whose carriers changed and inserts the rows).
 */
import { isAfterAsOf } from "./normalize.js";

/** The staging tables the values are read from (resolved references). */
export interface CarrierTables {
  crm: string;
  shopOrders: string;
  loyalty: string;
  support: string;
}

/** A condition on each source's rows (`true` for every row). */
export type CarrierConditions = CarrierTables;

/** One source's valid values of one kind, distinct per (id, value): a branch of carriedValues. */
interface CarrierBranch {
  system: string;
  /** The identifier's column (an expression: a ticket id is cast to text). */
  id: string;
  kind: "email" | "phone";
  value: string;
  table: string;
  /** The row's value is valid and carried up to as_of_date, and it passes the source's condition. */
  kept: string;
}

function branch({ system, id, kind, value, table, kept }: CarrierBranch): string {
  return `select distinct '${system}' as source_system, ${id} as source_id, '${kind}' as value_kind, ${value} as value
        from ${table}
        where ${kept}`;
}

/**
 * The valid values carried by the source rows that pass each source's condition, as rows of
 * identity_identifier_values (node, source_system, value_kind, value, counts_as_account).
 * Each branch is distinct on its own (id, value), and the branches are disjoint (each has its
 * own system and kind): the same rows as a distinct over their union, from narrow hash tables,
 * with the node text built once per row kept instead of once per row read.
 */
export function carriedValues(tables: CarrierTables, conditions: CarrierConditions): string {
  const branches = [
    branch({ system: "crm", id: "crm_id", kind: "email", value: "email", table: tables.crm, kept: `not is_after_as_of and email_is_valid and ${conditions.crm}` }),
    branch({ system: "crm", id: "crm_id", kind: "phone", value: "phone_e164", table: tables.crm, kept: `not is_after_as_of and phone_is_valid and ${conditions.crm}` }),
    branch({
      system: "shop",
      id: "shop_customer_id",
      kind: "email",
      value: "customer_email",
      table: tables.shopOrders,
      kept: `not ${isAfterAsOf("order_ts")} and customer_email_is_valid and ${conditions.shopOrders}`,
    }),
    branch({ system: "loyalty", id: "member_id", kind: "email", value: "email", table: tables.loyalty, kept: `not is_after_as_of and email_is_valid and ${conditions.loyalty}` }),
    branch({ system: "loyalty", id: "member_id", kind: "phone", value: "phone_e164", table: tables.loyalty, kept: `not is_after_as_of and phone_is_valid and ${conditions.loyalty}` }),
    branch({
      system: "support",
      id: "cast(ticket_id as string)",
      kind: "email",
      value: "requester_email",
      table: tables.support,
      kept: `not is_after_as_of and requester_email_is_valid and ${conditions.support}`,
    }),
  ];
  return `select
      cast(source_system || ':' || source_id as string) as node,
      cast(source_system as string) as source_system,
      cast(value_kind as string) as value_kind,
      cast(value as string) as value,
      cast(source_system <> 'support' as bool) as counts_as_account
    from
      (
        ${branches.join("\n        union all\n        ")}
      ) as carried_values`;
}
