/**
 * The compiled graph as c360's runner sees it: one node per action, named like
 * Dataform names them (`schema.name`), with its dependencies resolved to node names.
 */
import type { CompiledAssertion, CompiledDeclaration, CompiledGraph, CompiledNotebook, CompiledOperation, CompiledTable, CompiledTest } from "../compile/graph-types.js";
import type { TableRef } from "../engines/engine.js";

export type ActionKind = "table" | "view" | "incremental" | "operation" | "assertion" | "declaration" | "test" | "notebook";

interface ActionBase {
  name: string;
  target: TableRef;
  fileName: string;
  tags: string[];
  /** Names of the actions this one reads (declarations included). */
  dependencies: string[];
}

export type Action =
  | (ActionBase & { kind: "table" | "view" | "incremental"; compiled: CompiledTable })
  | (ActionBase & { kind: "operation"; compiled: CompiledOperation })
  | (ActionBase & { kind: "assertion"; compiled: CompiledAssertion; guards: string[] })
  | (ActionBase & { kind: "declaration"; compiled: CompiledDeclaration })
  | (ActionBase & { kind: "test"; compiled: CompiledTest; /** The action whose query the unit test runs (its `dataset`). */ covers: string[] })

  | (ActionBase & { kind: "notebook"; compiled: CompiledNotebook });

export function actionName(target: TableRef): string {
  return `${target.schema}.${target.name}`;
}

export interface ActionGraph {
  actions: Map<string, Action>;
}

export function buildActionGraph(graph: CompiledGraph): ActionGraph {
  const actions = new Map<string, Action>();
  const add = (action: Action): void => {
    actions.set(action.name, action);
  };
  const base = (target: TableRef, fileName: string | undefined, tags: string[] | undefined, dependencies: TableRef[] | undefined) => ({
    name: actionName(target),
    target,
    fileName: fileName ?? "",
    tags: tags ?? [],
    dependencies: (dependencies ?? []).map(actionName),
  });
  for (const declaration of graph.declarations ?? []) {
    add({ ...base(declaration.target, declaration.fileName, declaration.tags, []), kind: "declaration", compiled: declaration });
  }
  for (const table of graph.tables ?? []) {
    if (table.disabled) continue;
    const kind = table.type === "view" || table.type === "incremental" ? table.type : "table";
    add({ ...base(table.target, table.fileName, table.tags, table.dependencyTargets), kind, compiled: table });
  }
  for (const operation of graph.operations ?? []) {
    if (operation.disabled) continue;
    add({ ...base(operation.target, operation.fileName, operation.tags, operation.dependencyTargets), kind: "operation", compiled: operation });
  }
  for (const notebook of graph.notebooks ?? []) {
    if (notebook.disabled) continue;
    add({ ...base(notebook.target, notebook.fileName, notebook.tags, notebook.dependencyTargets), kind: "notebook", compiled: notebook });
  }
  for (const test of graph.tests ?? []) {
    if (test.disabled) continue;
    const target = test.target ?? { schema: "tests", name: test.name };
    add({ ...base(target, test.fileName, test.tags, []), name: `test.${test.name}`, kind: "test", compiled: test, covers: [] });
  }
  for (const assertion of graph.assertions ?? []) {
    if (assertion.disabled) continue;
    const node = base(assertion.target, assertion.fileName, assertion.tags, assertion.dependencyTargets);
    add({ ...node, kind: "assertion", compiled: assertion, guards: [] });
  }
  for (const action of actions.values()) {
    if (action.kind === "assertion") action.guards = guardedActions(action, actions);
    if (action.kind === "test") action.covers = coveredActions(action.compiled.dataset, actions);
  }
  return { actions };
}

/**
 * The actions an assertion vouches for: its parent for built-in assertions, else the
 * dependencies that no other dependency of it descends from. Children of a guarded action
 * wait for the assertion and are skipped when it fails; guarding only the most downstream
 * dependencies keeps that rule from creating cycles.
 */
function guardedActions(assertion: Action & { kind: "assertion" }, actions: Map<string, Action>): string[] {
  const parent = assertion.compiled.parentAction;
  if (parent) return [actionName(parent)];
  const dependencies = assertion.dependencies.filter((name) => {
    const kind = actions.get(name)?.kind;
    return kind !== undefined && kind !== "declaration" && kind !== "assertion";
  });
  return dependencies.filter((candidate) => !dependencies.some((other) => other !== candidate && upstreamOf(other, actions).has(candidate)));
}

/** The action a unit test's `dataset` names (by schema.name or bare name). */
function coveredActions(dataset: string | undefined, actions: Map<string, Action>): string[] {
  if (!dataset) return [];
  if (actions.has(dataset)) return [dataset];
  return [...actions.values()].filter((action) => action.kind !== "test" && action.target.name === dataset).map((action) => action.name);
}

/** All actions that `name` reads, directly or transitively. */
export function upstreamOf(name: string, actions: Map<string, Action>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(actions.get(name)?.dependencies ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(actions.get(next)?.dependencies ?? []));
  }
  return seen;
}

/** All actions that read `name`, directly or transitively (assertions included). */
export function downstreamOf(name: string, actions: Map<string, Action>): Set<string> {
  const children = childrenIndex(actions);
  const seen = new Set<string>();
  const stack = [...(children.get(name) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return seen;
}

export function childrenIndex(actions: Map<string, Action>): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const action of actions.values()) {
    for (const dependency of action.dependencies) {
      const list = children.get(dependency) ?? [];
      list.push(action.name);
      children.set(dependency, list);
    }
  }
  return children;
}

/** The kinds `run` plans; notebooks are planned so that the run can say it skipped them. */
export const EXECUTABLE_KINDS: ReadonlySet<ActionKind> = new Set(["table", "view", "incremental", "operation", "notebook"]);

/**
 * The projects (BigQuery project ids) the graph names other than its default one: an
 * engine that keeps projects apart (DuckDB: one catalog each) prepares them before a run.
 */
export function otherProjects(graph: CompiledGraph): string[] {
  const all = [graph.tables, graph.operations, graph.assertions, graph.declarations, graph.notebooks].flatMap((actions) => (actions ?? []).map((action) => action.target.database));
  const defaultProject = graph.projectConfig?.defaultDatabase;
  return [...new Set(all.filter((database): database is string => Boolean(database) && database !== defaultProject))].sort();
}

/**
 * The number of actions the stock `dataform compile` reports: tables (views and
 * incrementals too), assertions and operations, disabled ones included; declarations,
 * unit tests and notebooks are listed but not counted (dataform-co/dataform cli/console.ts).
 */
export function stockActionCount(graph: CompiledGraph): number {
  return (graph.tables?.length ?? 0) + (graph.assertions?.length ?? 0) + (graph.operations?.length ?? 0);
}
/** The kinds that check tables and write none: assertions and unit tests. */
export const CHECK_KINDS: ReadonlySet<ActionKind> = new Set(["assertion", "test"]);
