/**
 * Connected components of the identity graph (identity_node_links: identity_edges as
 * whole-number node ids, which keep the nodes' byte order), unrolled at compile time
 * (ARCHITECTURE.md "Iteration without a loop"): Dataform has no loops and DuckDB no
 * procedural SQL, so this file emits one table per iteration, up to the var
 * identity_max_iterations (default 12).
 *
 * Each node carries a label, another node of its component; labels only decrease (text
 * byte order), and a component is done when all its nodes carry its smallest node. One
 * step does, from the previous step's labels:
 *   1. min-label propagation: a node takes the smallest label among itself and its neighbours;
 *   2. hooking: a node that is some nodes' label takes the smallest of their new labels, so
 *      a whole tree moves at once instead of one node;
 *   3. pointer jumping, JUMPS_PER_STEP times: a node takes its label's label, each time
 *      halving the length of the label chains (a cheap self-join over the nodes).
 * The number of steps grows with the logarithm of the component's diameter, not with the
 * number of links (tests/identity/components.test.ts: a 50-record chain takes 4 steps, a
 * 1,000-record chain 5, a 2,000-record chain with ids in random order 9; star-shaped real
 * graphs 1–3). A step computes its labels from the previous step's alone, so once a step
 * changed no label they are final, and every later step copies them without a join.
 * Every step counts the labels it changed (identity_component_iterations);
 * assert_identity_components_converged fails the build when the last step still changed
 * one (raise identity_max_iterations then).
 */
const SCHEMA = "c360_identity";
// "per_build": these tables hold this build's work (every node, or only the affected ones on an
// incremental build), so they differ between an incremental build and a clean one by design.
const TAGS = ["identity", "per_build"];

function maxIterations() {
  const value = String(dataform.projectConfig.vars.identity_max_iterations ?? "12");
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
    throw new Error(`the compile var "identity_max_iterations" must be a whole number from 1 to 64, got "${value}"`);
  }
  return Number(value);
}

function stepName(step) {
  return `identity_components_step_${String(step).padStart(2, "0")}`;
}

const ITERATIONS = maxIterations();
/** Pointer jumps per step: each is a cheap self-join over the nodes and halves the remaining chain lengths again. */
const JUMPS_PER_STEP = 3;
/**
 * 3. pointer jumping, `count` times: jumped_k holds each node's label's label of jumped_(k-1)
 * (hooked for k = 1); never larger, since every label is at most its own node.
 */
function pointerJumps(count) {
  return Array.from({ length: count }, (_unused, index) => {
    const from = index === 0 ? "hooked" : `jumped_${index}`;
    return `-- 3.${index + 1} pointer jumping: the label's own label.
jumped_${index + 1} as (
  select
    ${from}.node,
    ${from}.previous_label,
    case when label_of_label.label < ${from}.label then label_of_label.label else ${from}.label end as label
  from
    ${from}
    left join ${from} as label_of_label on label_of_label.node = ${from}.label
)`;
  }).join(",\n\n");
}

const STEP_COLUMNS = {
  node: "node_id of a node of the identity graph (identity_nodes).",
  label: "The smallest node_id of its component found so far; after convergence, the component's smallest node (node ids keep the nodes' byte order).",
  label_changed: "True when this step changed the node's label.",
};

publish(stepName(0), {
  type: "table",
  schema: SCHEMA,
  tags: TAGS,
  description: "Connected components, start: every node of identity_nodes labelled with itself.",
  columns: STEP_COLUMNS,
}).query(
  (ctx) => `select
  cast(node_id as int64) as node,
  cast(node_id as int64) as label,
  cast(true as ${dialect.typeName("bool")}) as label_changed
from
  ${ctx.ref("identity_nodes")}`,
);

for (let step = 1; step <= ITERATIONS; step++) {
  publish(stepName(step), {
    type: "table",
    schema: SCHEMA,
    tags: TAGS,
    description: `Connected components, step ${step} of ${ITERATIONS}: min-label propagation, hooking and pointer jumping over the labels of ${stepName(step - 1)}.`,
    columns: STEP_COLUMNS,
  }).query((ctx) => {
    const previous = ctx.ref(stepName(step - 1));
    const links = ctx.ref("identity_node_links");
    return `with
-- The previous step's labels while they still change. A step computes its labels from the
-- previous ones alone, so once a step changed none they are final: every later step copies
-- them (settled_labels below) instead of joining millions of rows to the same result.
unsettled_labels as ${dialect.inlinedCte()} (
  select node, label
  from ${previous}
  where exists (select 1 from ${previous} where label_changed)
),

neighbour_labels as (
  select links.node_a_id as node, previous_labels.label as neighbour_label
  from ${links} as links
  inner join unsettled_labels as previous_labels on previous_labels.node = links.node_b_id
  union all
  select links.node_b_id as node, previous_labels.label as neighbour_label
  from ${links} as links
  inner join unsettled_labels as previous_labels on previous_labels.node = links.node_a_id
),

smallest_neighbour_labels as (
  select node, min(neighbour_label) as label
  from neighbour_labels
  group by node
),

-- 1. propagation: the smallest of the node's label and its neighbours' labels.
propagated as (
  select
    previous_labels.node,
    previous_labels.label as previous_label,
    case when smallest.label < previous_labels.label then smallest.label else previous_labels.label end as label
  from
    unsettled_labels as previous_labels
    left join smallest_neighbour_labels as smallest on smallest.node = previous_labels.node
),

-- 2. hooking: a node that was the label of others takes the smallest of their new labels.
hooks as (
  select previous_label as node, min(label) as label
  from propagated
  group by previous_label
),

hooked as (
  select
    propagated.node,
    propagated.previous_label,
    case when hooks.label < propagated.label then hooks.label else propagated.label end as label
  from
    propagated
    left join hooks on hooks.node = propagated.node
),

${pointerJumps(JUMPS_PER_STEP)}

select
  cast(node as int64) as node,
  cast(label as int64) as label,
  cast(label <> previous_label as ${dialect.typeName("bool")}) as label_changed
from
  jumped_${JUMPS_PER_STEP}

union all

-- settled_labels: the previous step changed no label.
select
  cast(node as int64) as node,
  cast(label as int64) as label,
  cast(false as ${dialect.typeName("bool")}) as label_changed
from
  ${previous}
where
  not exists (select 1 from ${previous} where label_changed)`;
  });
}

publish("identity_component_iterations", {
  type: "table",
  schema: SCHEMA,
  tags: TAGS,
  description:
    `How the connected components converged: one row per step (0 = start, up to identity_max_iterations = ${ITERATIONS}) with the ` +
    "number of labels it changed. Converged when the last step changed none (assert_identity_components_converged).",
  columns: {
    step: "Step number (0 is the start: every node labelled with itself).",
    nodes: "Nodes of the identity graph (identifiers with at least one edge).",
    labels_changed: "Labels this step changed; 0 once the components are final.",
    components: "Distinct labels after this step (the number of components once converged).",
    max_iterations: "identity_max_iterations of this build.",
  },
}).query((ctx) =>
  Array.from(
    { length: ITERATIONS + 1 },
    (_unused, step) => `select
  cast(${step} as int64) as step,
  cast(count(*) as int64) as nodes,
  cast(coalesce(sum(case when label_changed then 1 else 0 end), 0) as int64) as labels_changed,
  cast(count(distinct label) as int64) as components,
  cast(${ITERATIONS} as int64) as max_iterations
from
  ${ctx.ref(stepName(step))}`,
  ).join("\nunion all\n"),
);

module.exports = { ITERATIONS, FINAL_STEP: stepName(ITERATIONS), stepName };
