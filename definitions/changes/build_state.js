/**
 * What the gold fact tables were last built from: the internal snapshot an incremental build
 * diffs against (issue 21). Five state tables, each created empty by an operation on the first
 * build (so the change tables can read them before anything was saved), and one operation,
 * save_build_state, that replaces them with this build's state once every incremental gold
 * table that read the changes has been built:
 *   - build_state_identity_map: customer_identity_map as the gold tables last saw it;
 *   - build_state_parts: the landing parts (_source_file) whose records they have taken in;
 *   - build_state_fx_rates: the exchange rates the orders were last converted with;
 *   - build_state_countries: the countries reference the CRM contacts were last normalised with;
 *   - build_state_as_of: the as_of_date of that build.
 * The save runs after its readers, so a build that fails before it leaves the older state: the
 * next build then recomputes a superset of what changed, and recomputing a row is idempotent.
 * Each statement of the save is safe on its own for the same reason (an emptied state table,
 * or one missing some identifiers, only marks more rows as changed), so the save needs no
 * transaction.
 *
 * The identity map is saved by applying this build's diff (identity_map_changes, computed
 * against this very state and the map the gold tables read) rather than rewritten whole: the
 * rows of the identifiers in the diff go, and those identifiers' current rows come in. Every
 * other identifier's row is the same in both, so the state equals the map afterwards, and a
 * build writes as many rows as identifiers changed instead of every identifier. The save then
 * empties c360_identity.identity_map_pending and marks it complete (identity_map_tracked): the
 * next diff compares only the identifiers the map's builds list there from now on.
 */
const SCHEMA = "c360_changes";
// Also "marts": selecting the gold tables by tag (--select tag:marts) must bring what they read.
const TAGS = ["changes", "marts"];

const STATE_TABLES = {
  build_state_identity_map: {
    description: "customer_identity_map as the incremental gold tables last saw it (source_system, source_id, customer_key).",
    columns: {
      source_system: "crm, shop, loyalty, support or web.",
      source_id: "The identifier within its system.",
      customer_key: "Its customer_key at the last saved build.",
    },
    types: { source_system: "string", source_id: "string", customer_key: "string" },
    save: (ctx, self) => [
      `delete from ${self} as saved where exists (select 1 from ${ctx.ref("identity_map_changes")} as changes where changes.source_system = saved.source_system and changes.source_id = saved.source_id)`,
      `insert into ${self} (source_system, source_id, customer_key)
select identity_map.source_system, identity_map.source_id, identity_map.customer_key
from ${ctx.ref("customer_identity_map")} as identity_map
inner join ${ctx.ref("identity_map_changes")} as changes on changes.source_system = identity_map.source_system and changes.source_id = identity_map.source_id`,
      // The state now equals the map: no identifier is pending, and the list is complete from here
      // (after the state's statements, so a save that stops before them leaves the list as it was).
      `delete from ${ctx.ref("identity_map_pending")} where true`,
      `delete from ${ctx.ref("identity_map_tracked")} where true`,
      `insert into ${ctx.ref("identity_map_tracked")} (tracked) values (true)`,
    ],
  },
  build_state_parts: {
    description: "The landing parts whose records the incremental gold tables have taken in: every _source_file of the staging tables they read, at the last saved build.",
    columns: { source_file: "A landing part (e.g. shop/orders-2024-07-01.csv)." },
    types: { source_file: "string" },
    save: (ctx) =>
      ["stg_shop__orders", "stg_shop__order_items", "stg_web__events", "stg_support__tickets", "stg_crm__customers", "stg_loyalty__members"]
        .map((table) => `select distinct _source_file as source_file from ${ctx.ref(table)}`)
        .join("\nunion distinct\n"),
  },
  build_state_fx_rates: {
    description: "The exchange rates (stg_reference__fx_rates) at the last saved build: a rate not here may have converted an order again.",
    columns: { currency: "ISO currency code.", rate_date: "Day of the rate.", rate_to_usd: "USD per unit." },
    types: { currency: "string", rate_date: "date", rate_to_usd: "decimal" },
    save: (ctx) => `select currency, rate_date, rate_to_usd from ${ctx.ref("stg_reference__fx_rates")}`,
  },
  build_state_countries: {
    description:
      "The countries reference (stg_reference__countries) at the last saved build: a CRM contact's country_code and the default region of its phone come from it, so when it differs every gold row is recomputed (the rows it changes arrive in no new part).",
    columns: { alpha2: "ISO 3166 alpha-2 code.", alpha3: "ISO 3166 alpha-3 code.", name: "Country name." },
    types: { alpha2: "string", alpha3: "string", name: "string" },
    save: (ctx) => `select alpha2, alpha3, name from ${ctx.ref("stg_reference__countries")}`,
  },
  build_state_as_of: {
    description: "The as_of_date of the last saved build (one row; none before the first save): when it moves, every gold row is recomputed.",
    columns: { as_of_date: "as_of_date of the last saved build." },
    types: { as_of_date: "date" },
    save: () => `select ${metrics.asOfDate()} as as_of_date`,
  },
};

for (const [name, state] of Object.entries(STATE_TABLES)) {
  operate(name)
    .schema(SCHEMA)
    .tags(TAGS)
    .hasOutput(true)
    .description(`${state.description} Created empty when absent; brought up to date by save_build_state (the identity map by applying identity_map_changes, the others rewritten).`)
    .columns(Object.entries(state.columns).map(([column, description]) => ({ path: [column], description })))
    .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), state.types));
}

/** The incremental gold tables that read the change tables: the state is saved after them. */
const READERS = ["customer_transactions", "customer_interactions", "customer_information", "customer_activity"];

operate("save_build_state")
  .schema(SCHEMA)
  .tags(TAGS)
  .description(
    "Saves this build's state (identity map, landing parts, exchange rates, countries, as_of_date) into the build_state_* tables, after every incremental gold table that read the changes since the previous one; then, on DuckDB, empties c360_staging.events_redelivered_messages and marks it whole.",
  )
  // After the identity state too: events_redelivered_messages, emptied here, must cover every
  // part identity_changed_nodes counts as new (parts not in the identity state).
  .dependencies([...READERS, "save_identity_state"])
  .queries((ctx) => [
    ...Object.entries(STATE_TABLES).flatMap(([name, state]) => {
      const saved = state.save(ctx, ctx.ref(name));
      // A list of statements saves by itself; a query replaces the table's rows.
      if (Array.isArray(saved)) return saved;
      return [`delete from ${ctx.ref(name)} where true`, `insert into ${ctx.ref(name)} (${Object.keys(state.types).join(", ")})\n${saved}`];
    }),
    // After the parts are saved: the messages stg_web__events listed were all taken in from parts
    // saved now, so the list starts again, whole (a save that stops between the two statements
    // leaves it without the mark, and the next build looks up every affected event). On
    // BigQuery stg_web__events lists nothing, so the list is never marked whole there.
    ...(dialect.current() === "duckdb"
      ? [`delete from ${ctx.ref("events_redelivered_messages")} where true`, `insert into ${ctx.ref("events_redelivered_messages")} (message_id) values (null)`]
      : []),
  ]);

module.exports = { STATE_TABLES: Object.keys(STATE_TABLES), READERS };
