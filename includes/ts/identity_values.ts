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

/**
 * The valid values carried by the source rows that pass each source's condition, as rows of
 * identity_identifier_values (node, source_system, value_kind, value, counts_as_account).
 * Each branch is distinct on its own (id, value), and the branches are disjoint (each has its
 * own system and kind): the same rows as a distinct over their union, from narrow hash tables,
 * with the node text built once per row kept instead of once per row read.
 */
export function carriedValues(tables: CarrierTables, conditions: CarrierConditions): string {
  return `select
      cast(source_system || ':' || source_id as string) as node,
      cast(source_system as string) as source_system,
      cast(value_kind as string) as value_kind,
      cast(value as string) as value,
      cast(source_system <> 'support' as bool) as counts_as_account
    from
      (
        select distinct 'crm' as source_system, crm_id as source_id, 'email' as value_kind, email as value
        from ${tables.crm}
        where not is_after_as_of and email_is_valid and ${conditions.crm}
        union all
        select distinct 'crm' as source_system, crm_id as source_id, 'phone' as value_kind, phone_e164 as value
        from ${tables.crm}
        where not is_after_as_of and phone_is_valid and ${conditions.crm}
        union all
        select distinct 'shop' as source_system, shop_customer_id as source_id, 'email' as value_kind, customer_email as value
        from ${tables.shopOrders}
        where not ${isAfterAsOf("order_ts")} and customer_email_is_valid and ${conditions.shopOrders}
        union all
        select distinct 'loyalty' as source_system, member_id as source_id, 'email' as value_kind, email as value
        from ${tables.loyalty}
        where not is_after_as_of and email_is_valid and ${conditions.loyalty}
        union all
        select distinct 'loyalty' as source_system, member_id as source_id, 'phone' as value_kind, phone_e164 as value
        from ${tables.loyalty}
        where not is_after_as_of and phone_is_valid and ${conditions.loyalty}
        union all
        select distinct 'support' as source_system, cast(ticket_id as string) as source_id, 'email' as value_kind, requester_email as value
        from ${tables.support}
        where not is_after_as_of and requester_email_is_valid and ${conditions.support}
      ) as carried_values`;
}
