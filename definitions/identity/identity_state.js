/**
 * What the identity tables were last computed from, so that an incremental build recomputes
 * only the identifiers, values, edges and components its changes touch (issue 21). State tables, each
 * created empty by an operation on the first build (so the change tables can read them
 * before anything was saved), and one operation, save_identity_state, that brings them up to
 * this build once customer_identity_map is built and its assertions (the components'
 * convergence among them, through identity_component_iterations) have passed:
 *   - identity_state_links: the links (identity_edges as distinct node pairs and rules);
 *   - identity_state_components: every node of that graph with its component's smallest node;
 *   - identity_state_parts, identity_state_fx_rates, identity_state_settings: the landing parts,
 *     exchange rates and settings (identity_settings) the identity tables were built from;
 *   - identity_state: one row, the as_of_date of that build: present only when the others
 *     are whole and agree with each other.
 * The save first deletes the identity_state row and writes it back last, so a save (or a build)
 * that fails half-way leaves no row: the next build then recomputes every component
 * (identity_scope.recompute_all) and replaces the state whole. Links and components change only
 * where this build's identity_link_changes and identity_affected_nodes say, so an incremental
 * save writes a few rows.
 */
const SCHEMA = "c360_identity";
const TAGS = ["identity"];

/** The last step of components.js (the same var, the same name as customer_identity_map.sqlx). */
const FINAL_COMPONENT_STEP = `identity_components_step_${String(Number(dataform.projectConfig.vars.identity_max_iterations ?? "12")).padStart(2, "0")}`;

const STATE_TABLES = {
  identity_state: {
    description: "One row when identity_state_links and identity_state_components are whole: the as_of_date of the build that saved them. No row before the first save, or after a save that failed half-way: the next build then recomputes every component.",
    columns: { as_of_date: "as_of_date of the build that saved the identity state." },
    types: { as_of_date: "date" },
  },
  identity_state_links: {
    description: "The links the saved components were computed from: identity_edges as distinct (node_a, node_b, rule), at the last saved build.",
    columns: { node_a: "The smaller endpoint.", node_b: "The larger endpoint.", rule: "email, phone or anonymous_id." },
    types: { node_a: "string", node_b: "string", rule: "string" },
  },
  identity_state_parts: {
    description: "The landing parts (_source_file of the staging tables identity reads: CRM contacts, loyalty members, tickets, every order version, events) whose records the saved identity tables have taken in: a part not here is new (identity_new_parts).",
    columns: { source_file: "A landing part (e.g. web/events-2024-07-01.ndjson)." },
    types: { source_file: "string" },
  },
  identity_state_fx_rates: {
    description: "The exchange rates (stg_reference__fx_rates) at the last saved build: a rate not here may have let an order version in (it was quarantined for want of a rate), so the shop accounts of the orders it can convert are recomputed.",
    columns: { currency: "ISO currency code.", rate_date: "Day of the rate.", rate_to_usd: "USD per unit." },
    types: { currency: "string", rate_date: "date", rate_to_usd: "decimal" },
  },
  identity_state_settings: {
    description: "identity_settings at the last saved build: when a setting differs, the next build recomputes every identity table.",
    columns: { name: "max_accounts_per_identifier, or country:<alpha2>.", value: "Its value." },
    types: { name: "string", value: "string" },
  },
  identity_state_components: {
    description: "Every node of the saved links' graph with the smallest node of its connected component, at the last saved build.",
    columns: { node: "'<source_system>:<source_id>' of a node with at least one link.", component_node: "The smallest node (byte order) of its component: the customer_key is its MD5." },
    types: { node: "string", component_node: "string" },
  },
};

/** One operation per table of `tables` that creates it empty when absent; `maintainedBy` says what writes it afterwards. */
function declareTablesCreatedEmpty(tables, maintainedBy) {
  for (const [name, table] of Object.entries(tables)) {
    operate(name)
      .schema(SCHEMA)
      .tags(TAGS)
      .hasOutput(true)
      .description(`${table.description} Created empty when absent; ${maintainedBy}.`)
      .columns(Object.entries(table.columns).map(([column, description]) => ({ path: [column], description })))
      .queries((ctx) => dialect.createTableIfAbsent(ctx.self(), table.types));
  }
}

declareTablesCreatedEmpty(STATE_TABLES, "brought up to date by save_identity_state");

/**
 * What identity_identifier_values changed since the saved state: the (node, value) rows it
 * added or removed, listed by each incremental build before it writes them (a build that fails
 * afterwards leaves them listed for the next one). identity_changed_values reads their values:
 * a value whose carriers did not change keeps its counts and its links, so the tables after
 * identity_identifier_values recompute only the values that did (usually none: a new order
 * carries its account's email). save_identity_state empties it.
 */
const CARRIER_CHANGE_TABLES = {
  identity_carrier_changes: {
    description:
      "The (node, value_kind, value) rows identity_identifier_values added or removed since the saved state (identity_state): identity_changed_values lists their values, identity_link_changes looks up their nodes. Listed before they are written, so a build that fails afterwards leaves them for the next one.",
    columns: { node: "The identifier that gained or lost the value.", value_kind: "email or phone.", value: "The normalised value." },
    types: { node: "string", value_kind: "string", value: "string" },
  },
};

declareTablesCreatedEmpty(CARRIER_CHANGE_TABLES, "written by identity_identifier_values, emptied by save_identity_state");

/**
 * The writes to customer_identity_map since c360_changes.build_state_identity_map was last saved
 * (by save_build_state, which empties the list): c360_changes.identity_map_changes diffs only
 * these identifiers against the saved map instead of the whole map, because every other
 * identifier's row is as saved. An incremental build of the map lists the identifiers it may
 * write before it writes them (in its pre-operations), so a build that fails afterwards leaves
 * them listed for the next one. A build that rewrites the map whole (the first one,
 * --full-refresh, identity_scope.recompute_all) removes the identity_map_tracked row instead:
 * the next diff is of the whole map, after which save_build_state writes the row back.
 */
const MAP_WRITE_TABLES = {
  identity_map_pending: {
    description:
      "The identifiers whose customer_identity_map row an incremental build may have written (merged or deleted) since c360_changes.build_state_identity_map was last saved: the only ones c360_changes.identity_map_changes compares while identity_map_tracked holds its row.",
    columns: { source_system: "crm, shop, loyalty, support or web.", source_id: "The identifier within its system." },
    types: { source_system: "string", source_id: "string" },
  },
  identity_map_tracked: {
    description:
      "One row while identity_map_pending lists every identifier whose customer_identity_map row may differ from c360_changes.build_state_identity_map. None before the first save, and after a build that rewrote the map whole: c360_changes.identity_map_changes then compares the whole map.",
    columns: { tracked: "Always true." },
    types: { tracked: "bool" },
  },
};

declareTablesCreatedEmpty(MAP_WRITE_TABLES, "written by customer_identity_map, emptied and marked complete by c360_changes.save_build_state");

operate("save_identity_state")
  .schema(SCHEMA)
  .tags(TAGS)
  .description(
    "Brings the identity state up to this build: every link and component when identity_scope.recompute_all, else the changed links (identity_link_changes) and the components of identity_affected_nodes; the landing parts taken in (identity_new_parts), the exchange rates and the settings. Runs after customer_identity_map and the assertions that guard it and identity_component_iterations, so unconverged components are never saved.",
  )
  .dependencies(["customer_identity_map", "identity_component_iterations"])
  .queries((ctx) => {
    const recomputeAll = `(select recompute_all from ${ctx.ref("identity_scope")})`;
    const changes = ctx.ref("identity_link_changes");
    const links = ctx.ref("identity_state_links");
    const components = ctx.ref("identity_state_components");
    return [
      // Gone first, back last: a save that stops half-way leaves no state row.
      `delete from ${ctx.ref("identity_state")} where true`,
      // Two deletes: one condition under an or made DuckDB group every saved link to decorrelate
      // the exists (a mark join over the whole table); the removed links are found by node_a
      // first (one narrow hash table of the few removed), then on every column.
      `delete from ${links} where ${recomputeAll}`,
      `delete from ${links} as saved_links
where saved_links.node_a in (select node_a from ${changes} where change = 'removed')
  and exists (
    select 1 from ${changes} as changes
    where changes.change = 'removed' and changes.node_a = saved_links.node_a and changes.node_b = saved_links.node_b and changes.rule = saved_links.rule
  )`,
      `insert into ${links} (node_a, node_b, rule)
select distinct node_a, node_b, rule from ${ctx.ref("identity_edges")} where ${recomputeAll}
union all
select node_a, node_b, rule from ${changes} where change = 'added'`,
      `delete from ${components} where ${recomputeAll} or node in (select node from ${ctx.ref("identity_affected_nodes")})`,
      // identity_nodes holds the nodes this build computed components for (all, or the affected
      // ones still linked); node ids keep byte order, so a component's label is its smallest node.
      `insert into ${components} (node, component_node)
select graph_nodes.node, label_nodes.node as component_node
from ${ctx.ref(FINAL_COMPONENT_STEP)} as components
  inner join ${ctx.ref("identity_nodes")} as graph_nodes on graph_nodes.node_id = components.node
  inner join ${ctx.ref("identity_nodes")} as label_nodes on label_nodes.node_id = components.label`,
      // The parts taken in: every part when recomputing all (identity_new_parts then names them all).
      `delete from ${ctx.ref("identity_state_parts")} where ${recomputeAll}`,
      `insert into ${ctx.ref("identity_state_parts")} (source_file)
select distinct source_file from ${ctx.ref("identity_new_parts")}`,
      `delete from ${ctx.ref("identity_state_fx_rates")} where true`,
      `insert into ${ctx.ref("identity_state_fx_rates")} (currency, rate_date, rate_to_usd)
select currency, rate_date, rate_to_usd from ${ctx.ref("stg_reference__fx_rates")}`,
      // The carrier changes are in the saved tables now (a save that fails before the state row
      // makes the next build recompute all, which needs none of them).
      `delete from ${ctx.ref("identity_carrier_changes")} where true`,
      `delete from ${ctx.ref("identity_state_settings")} where true`,
      `insert into ${ctx.ref("identity_state_settings")} (name, value)
select name, value from ${ctx.ref("identity_settings")}`,
      `insert into ${ctx.ref("identity_state")} (as_of_date) select ${metrics.asOfDate()}`,
    ];
  });

module.exports = { STATE_TABLES: Object.keys(STATE_TABLES) };
