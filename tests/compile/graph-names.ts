/** Names of a compiled graph's actions, for comparing c360's compile with the stock CLI's. */
import type { compileProject } from "../../src/compile/index.js";

type Graph = ReturnType<typeof compileProject>;

/** Every action as kind:schema.name (tests by name), sorted. */
export function actionNames(graph: Graph): string[] {
  const names = [
    ...(graph.tables ?? []).map((action) => `${action.type}:${action.target.schema}.${action.target.name}`),
    ...(graph.operations ?? []).map((action) => `operation:${action.target.schema}.${action.target.name}`),
    ...(graph.assertions ?? []).map((action) => `assertion:${action.target.schema}.${action.target.name}`),
    ...(graph.declarations ?? []).map((action) => `declaration:${action.target.schema}.${action.target.name}`),
    ...(graph.tests ?? []).map((action) => `test:${action.name}`),
  ];
  return names.sort();
}

/** Every table, operation and assertion as name:file, sorted. */
export function actionFileNames(graph: Graph): string[] {
  return [...(graph.tables ?? []), ...(graph.operations ?? []), ...(graph.assertions ?? [])].map((action) => `${action.target.name}:${action.fileName}`).sort();
}
