/** The DAG as text (each action with what it reads) or as Graphviz DOT. */
import type { Action } from "./actions.js";

function sortedSelection(actions: Map<string, Action>, selected: Set<string>): Action[] {
  return [...selected].map((name) => actions.get(name)!).sort((left, right) => left.name.localeCompare(right.name));
}

export function renderText(actions: Map<string, Action>, selected: Set<string>): string {
  return sortedSelection(actions, selected)
    .map((action) => {
      const reads = action.dependencies.filter((name) => selected.has(name));
      return `${action.name} (${action.kind})${reads.length > 0 ? `\n${reads.map((name) => `  <- ${name}`).join("\n")}` : ""}`;
    })
    .join("\n");
}

const SHAPES: Record<Action["kind"], string> = {
  declaration: "cylinder",
  table: "box",
  view: "box",
  incremental: "box3d",
  operation: "cds",
  assertion: "diamond",
  test: "note",
  notebook: "tab",
};

export function renderDot(actions: Map<string, Action>, selected: Set<string>): string {
  const lines = ["digraph c360 {", "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  for (const action of sortedSelection(actions, selected)) lines.push(`  "${action.name}" [shape=${SHAPES[action.kind]}];`);
  for (const action of sortedSelection(actions, selected)) {
    for (const dependency of action.dependencies) if (selected.has(dependency)) lines.push(`  "${dependency}" -> "${action.name}";`);
  }
  lines.push("}");
  return lines.join("\n");
}
