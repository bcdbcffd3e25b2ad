/**
 * The lineage picture of the docs site: the `graph` command's DOT (tables, views and
 * sources; assertions are listed with their tables instead), boxed by schema, drawn as
 * SVG by Graphviz compiled to WebAssembly (@viz-js/viz, no system binary).
 */
import { instance } from "@viz-js/viz";
import type { Action } from "../graph/actions.js";
import { renderDot } from "../graph/render.js";

export async function lineageSvg(actions: Map<string, Action>, anchorOf: (name: string) => string): Promise<string> {
  const drawn = new Set([...actions.values()].filter((action) => action.kind !== "assertion" && action.kind !== "test").map((action) => action.name));
  const dot = renderDot(actions, drawn, { url: (action) => `#${anchorOf(action.name)}`, label: (action) => action.target.name, groupOf: (action) => action.target.schema });
  const viz = await instance();
  const svg = viz.renderString(dot, { format: "svg", graphAttributes: { ranksep: "0.6", nodesep: "0.15" }, nodeAttributes: { fontsize: "11", height: "0.3", style: "filled", fillcolor: "#f4f6fb" } });
  // Drop the XML prolog and doctype: the SVG is inlined into HTML.
  return svg.slice(svg.indexOf("<svg"));
}
