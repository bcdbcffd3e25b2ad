/**
 * The landing parts whose records c360_facts.customer_activity has taken in (issue 21), one
 * side table per source it adds to: on DuckDB an incremental build of customer_activity adds
 * the new records to the per-customer values it holds, and its post-operations record their
 * parts here in the same transaction as its merge, so that a build that fails after that merge
 * (before save_build_state) leaves both or neither. Its own record, not build_state_parts,
 * which save_build_state writes later in a separate statement.
 *
 * - customer_activity_event_parts: the parts of stg_web__events whose events it has counted; the
 *   re-run of a failed build never adds an event twice.
 * - customer_activity_order_parts: the parts stg_shop__orders holds records of, as the merge saw
 *   them. The new orders are added only while these equal the order parts of build_state_parts
 *   (c360_changes.affected_profiles tells a new order from one delivered again by that state):
 *   after a build that failed between the merge and the save they differ, and the merged
 *   customers' order columns are recomputed from all of their orders.
 *
 * A full build of customer_activity empties both before it replaces the table and fills them
 * after: if the build fails in between, they are empty, and the next incremental build
 * recomputes every merged customer from all of its records (as after upgrading, when the
 * tables are created empty here).
 *
 * BigQuery runs an action's merge and post-operations as separate jobs, so there
 * customer_activity recomputes the affected customers from all of their records and these
 * tables are not declared.
 */
const SIDE_TABLES = {
  customer_activity_event_parts:
    "Internal: the landing parts (_source_file) of stg_web__events whose events c360_facts.customer_activity has taken in, written by its post-operations in the transaction of its merge. Created empty when absent; empty after a failed full build of customer_activity (its next build then recomputes every customer).",
  customer_activity_order_parts:
    "Internal: the landing parts (_source_file) that stg_shop__orders held records of when c360_facts.customer_activity last merged, written by its post-operations in the transaction of its merge. Its new orders are added to the held order columns only while this equals the order parts of build_state_parts. Created empty when absent; empty after a failed full build of customer_activity (its next build then recomputes the merged customers' orders).",
};

if (dialect.current() === "duckdb") {
  for (const [name, description] of Object.entries(SIDE_TABLES)) {
    operate(name)
      .schema("c360_facts")
      .tags(["marts"])
      .hasOutput(true)
      .description(description)
      .columns([{ path: ["source_file"], description: "A landing part (e.g. web/events-2024-07-01.ndjson, shop/orders-2024-07-01.csv)." }])
      .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), { source_file: "string" }));
  }
}
