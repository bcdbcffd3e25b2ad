/**
 * The landing parts of stg_web__events whose events c360_facts.customer_activity has taken in
 * (issue 21). On DuckDB an incremental build of customer_activity adds the events of the other
 * parts to the per-customer values it holds, and its post-operation records their parts here
 * in the same transaction as its merge: a build that fails after that merge (before
 * save_build_state) leaves both or neither, so the re-run never adds an event twice. Its own
 * record, not build_state_parts, which save_build_state writes later in a separate statement.
 *
 * A full build of customer_activity empties this table before it replaces the table and fills
 * it after: if the build fails in between, the table is empty, and the next incremental build
 * recomputes every customer from all of their events (as it does after upgrading, when the
 * table is created empty here).
 *
 * BigQuery runs an action's merge and post-operations as separate jobs, so there
 * customer_activity recomputes the affected customers from all of their events and this table
 * is not declared.
 */
if (dialect.current() === "duckdb") {
  operate("customer_activity_event_parts")
    .schema("c360_facts")
    .tags(["marts"])
    .hasOutput(true)
    .description(
      "Internal: the landing parts (_source_file) of stg_web__events whose events c360_facts.customer_activity has taken in, written by its post-operations in the transaction of its merge. Created empty when absent; empty after a failed full build of customer_activity (its next build then recomputes every customer).",
    )
    .columns([{ path: ["source_file"], description: "A landing part of web events (e.g. web/events-2024-07-01.ndjson)." }])
    .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), { source_file: "string" }));
}
