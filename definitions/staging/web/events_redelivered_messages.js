/**
 * What c360_identity.identity_changed_nodes and c360_changes.affected_profiles need to find,
 * without probing every delivery's message_id, the deliveries taken in before of the messages a
 * new part delivers again: the held deliveries (message_id, anonymous_id, user_id) that
 * stg_web__events already kept when it took in a new delivery of their message, since the last
 * saved build (c360_changes.build_state_parts).
 *
 * identity_changed_nodes needs their identifiers: when the new delivery wins, the held one's
 * anonymous_id (and user_id) loses the event, and may stop being an identifier at all. It takes
 * the rows whose new delivery's part (source_file) is new to identity, which saves its state
 * apart (an identity-only build never empties this list).
 *
 * An affected event with a new delivery (in a part the saved build had not taken) can have an
 * accepted delivery in a part taken before only if stg_web__events held one when it took the new
 * delivery in: it keeps one delivery of every message of every part it took, and it takes each
 * part once. Its pre-operation finds those held deliveries anyway (they contend with the new
 * ones), so it adds them here, in the transaction of its insert. affected_profiles looks for
 * the deliveries of only the messages listed here among the older parts' 20 M deliveries at
 * 1 M persons (an affected event with no new delivery, which an identity change made affected,
 * reaches its customers through identity_map_changes); in a daily increment of new messages
 * that is none, where the probe of every affected event's message_id cost 2.2 s at 0.01 % and
 * 3.2 to 3.4 s at 1 % (replays; 0.7 s and 1.8 to 2.0 s with the list).
 *
 * The list only grows between two saved builds, so a build that stops after stg_web__events
 * and before save_build_state leaves a superset for the next, whose new parts (by the saved
 * state) include the ones the stopped build took. save_build_state empties it once the parts
 * are saved and writes a row with a null message_id, the mark that the list is whole since
 * the saved state. Without the mark (the first build, a build after stg_web__events was
 * rebuilt whole or on BigQuery, where stg_web__events merges and lists nothing),
 * identity_changed_nodes and affected_profiles look up every delivery of the messages they
 * need, as before the list existed.
 * The table is created empty by this operation when absent.
 */
operate("events_redelivered_messages")
  .schema("c360_staging")
  .tags(["staging"])
  .hasOutput(true)
  .description(
    "Internal to stg_web__events, c360_identity.identity_changed_nodes and c360_changes.affected_profiles: the deliveries stg_web__events held when it took in a new delivery of their message since the last saved build (c360_changes.build_state_parts), and a row with a null message_id once that list is whole. Created empty when absent; added to by stg_web__events (DuckDB), emptied and marked whole by save_build_state (DuckDB).",
  )
  .columns([
    { path: ["message_id"], description: "A message a new delivery of which stg_web__events took in while it held an earlier one; null for the mark that the list is whole." },
    { path: ["anonymous_id"], description: "The anonymous_id of the delivery it held." },
    { path: ["user_id"], description: "The user_id of the delivery it held (null when not signed in)." },
    { path: ["source_file"], description: "The landing part of a new delivery of the message that contended with it (one row per such part)." },
  ])
  .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), { message_id: "string", anonymous_id: "string", user_id: "string", source_file: "string" }));
