/**
 * Turns the selected actions into an execution plan: which ones run, and which other
 * planned nodes each must wait for. Children of an action also wait for the assertions
 * that guard it, so a failed assertion skips what depends on the data it vouches for.
 */
import { type Action, type ActionKind } from "../graph/actions.js";

export interface PlanNode {
  action: Action;
  waitsFor: string[];
}

export function buildPlan(actions: Map<string, Action>, selected: Set<string>, kinds: ReadonlySet<ActionKind>): PlanNode[] {
  const planned = [...selected].map((name) => actions.get(name)!).filter((action) => kinds.has(action.kind));
  const inPlan = new Set(planned.map((action) => action.name));
  const guardsOf = new Map<string, string[]>();
  for (const action of planned) {
    if (action.kind !== "assertion") continue;
    for (const guarded of action.guards) guardsOf.set(guarded, [...(guardsOf.get(guarded) ?? []), action.name]);
  }
  const nodes = planned.map((action) => {
    const waitsFor = new Set<string>();
    for (const dependency of action.dependencies) {
      if (inPlan.has(dependency)) waitsFor.add(dependency);
      if (action.kind !== "assertion") for (const guard of guardsOf.get(dependency) ?? []) waitsFor.add(guard);
    }
    waitsFor.delete(action.name);
    return { action, waitsFor: [...waitsFor].sort() };
  });
  return orderTopologically(nodes);
}

/** Kahn's algorithm; ties broken by name so plans (and logs) are deterministic. */
function orderTopologically(nodes: PlanNode[]): PlanNode[] {
  const byName = new Map(nodes.map((node) => [node.action.name, node]));
  const remaining = new Map(nodes.map((node) => [node.action.name, node.waitsFor.length]));
  const dependents = new Map<string, string[]>();
  for (const node of nodes) for (const wait of node.waitsFor) dependents.set(wait, [...(dependents.get(wait) ?? []), node.action.name]);
  const ready = [...remaining].filter(([, count]) => count === 0).map(([name]) => name).sort();
  const ordered: PlanNode[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    ordered.push(byName.get(name)!);
    for (const dependent of dependents.get(name) ?? []) {
      const count = remaining.get(dependent)! - 1;
      remaining.set(dependent, count);
      if (count === 0) {
        ready.push(dependent);
        ready.sort();
      }
    }
  }
  if (ordered.length !== nodes.length) {
    const stuck = nodes.filter((node) => !ordered.includes(node)).map((node) => node.action.name);
    throw new Error(`The graph has a cycle among: ${stuck.join(", ")}`);
  }
  return ordered;
}
