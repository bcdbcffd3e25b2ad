/**
 * What stg_shop__order_items needs to find, without comparing every order, the order lines
 * accepted since it last ran outside new parts: the order_ids whose lines
 * int_shop__order_items_checked held as order_not_found then. A line leaves order_not_found
 * only when int_shop__order_items_checked checks it again with its order accepted (accepted
 * orders are never withdrawn), so the lines still to take outside new parts are those of the
 * orders listed here that int_shop__order_items_checked no longer holds as order_not_found: a
 * set difference of two lists of a few hundred ids, where the difference of every accepted
 * order and every held one built hash tables of millions.
 *
 * stg_shop__order_items maintains the list: before its merge it adds the orders now held as
 * order_not_found (so a merge that fails, or a build that stops before the end of the action,
 * leaves a superset), after it removes the others and writes a row with a null order_id, the
 * mark that the list is whole. Without that mark (the first build after this table was
 * created), stg_shop__order_items compares every accepted order with every held one instead.
 * The table is created empty by this operation when absent.
 */
operate("order_items_unmatched_orders")
  .schema("c360_staging")
  .tags(["staging"])
  .hasOutput(true)
  .description(
    "Internal to stg_shop__order_items: the order_ids whose lines int_shop__order_items_checked held as order_not_found when stg_shop__order_items last ran, and a row with a null order_id once that list is whole. Created empty when absent; maintained by stg_shop__order_items's pre- and post-operations.",
  )
  .columns([{ path: ["order_id"], description: "An order_id held as order_not_found at the last run; null for the mark that the list is whole." }])
  .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), { order_id: "string" }));
