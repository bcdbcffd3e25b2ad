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
};

export interface DotOptions {
  /** A link for each node (SVG renderers make it clickable). */
  url?: (action: Action) => string | undefined;
  /** A node's text (default: its name). */
  label?: (action: Action) => string;
  /** Nodes of one group are drawn in one labelled box (e.g. a schema). */
  groupOf?: (action: Action) => string;
}

function quoted(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export function renderDot(actions: Map<string, Action>, selected: Set<string>, options: DotOptions = {}): string {
  const lines = ["digraph c360 {", "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  const node = (action: Action) => {
    const url = options.url?.(action);
    const label = options.label ? `, label=${quoted(options.label(action))}` : "";
    return `${quoted(action.name)} [shape=${SHAPES[action.kind]}${label}${url ? `, URL=${quoted(url)}, tooltip=${quoted(action.name)}` : ""}];`;
  };
  const sorted = sortedSelection(actions, selected);
  if (options.groupOf) {
    const groups = new Map<string, Action[]>();
    for (const action of sorted) groups.set(options.groupOf(action), [...(groups.get(options.groupOf(action)) ?? []), action]);
    [...groups].forEach(([group, members], index) => {
      lines.push(`  subgraph cluster_${index} {`, `    label=${quoted(group)}; style="rounded"; color="#b8c0d0"; fontname="Helvetica";`);
      for (const action of members) lines.push(`    ${node(action)}`);
      lines.push("  }");
    });
  } else {
    for (const action of sorted) lines.push(`  ${node(action)}`);
  }
  for (const action of sorted) {
    for (const dependency of action.dependencies) if (selected.has(dependency)) lines.push(`  ${quoted(dependency)} -> ${quoted(action.name)};`);
  }
  lines.push("}");
  return lines.join("\n");
}
