/**
 * `c360 dashboard`: the project's declared dashboard (c360.json "dashboard"), drawn from
 * the built tables of any engine into target/dashboard/index.html.
 */
import fs from "node:fs";
import path from "node:path";
import type { ProjectContext } from "../config/project.js";
import type { Engine } from "../engines/engine.js";
import type { Action } from "../graph/actions.js";
import { buildPanel, type PanelContext } from "./panels.js";
import { renderDashboardHtml } from "./render-html.js";
import { type DashboardItem, readDashboardSpec } from "./spec.js";

export interface WrittenDashboard {
  file: string;
  /** Items that could not be drawn, each with its reason (they show as error panels). */
  problems: string[];
  panels: number;
}

/** Where the project's warehouse is, for the reader. */
export function describeTarget(context: ProjectContext): string {
  const { target } = context;
  return target.engine === "duckdb" ? `target ${context.targetName} (DuckDB ${path.relative(context.projectDir, path.resolve(context.projectDir, target.database))})` : `target ${context.targetName} (BigQuery project ${target.project})`;
}

export async function writeDashboard(context: ProjectContext, actions: Map<string, Action>, engine: Engine): Promise<WrittenDashboard> {
  const specFile = context.dashboardFile!;
  const spec = readDashboardSpec(specFile);
  const declaredIn = path.relative(context.projectDir, specFile);
  const places = new Map<DashboardItem, string>();
  spec.sections.forEach((section, sectionIndex) =>
    section.items.forEach((item, index) => places.set(item, `${declaredIn} /sections/${sectionIndex}/items/${index} ('${item.title}')`)),
  );
  const panelContext: PanelContext = {
    engine,
    actions,
    runResultsFile: path.join(context.artifactsDir, "run_results.json"),
    where: (item) => places.get(item) ?? declaredIn,
  };
  const sections = [];
  for (const section of spec.sections) {
    const panels = [];
    for (const item of section.items) panels.push(await buildPanel(panelContext, item));
    sections.push({ title: section.title, description: section.description, panels });
  }
  const html = renderDashboardHtml({ spec, sections, source: describeTarget(context), generatedAt: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC` });
  const file = path.join(context.artifactsDir, "dashboard", "index.html");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, html);
  fs.renameSync(partial, file);
  const all = sections.flatMap((section) => section.panels);
  const problems = all.flatMap((panel) => (panel.kind === "error" ? [`${panelContext.where(panel.item)}: ${panel.message}`] : []));
  return { file, problems, panels: all.length };
}
