/**
 * Compiles the project for a target and writes target/compiled.json: the first step of every
 * command, kept apart from the runner so that `c360 compile` loads only what compiling needs.
 */
import fs from "node:fs";
import path from "node:path";
import { compileProjectWithWarnings, type CompiledGraph } from "../compile/index.js";
import type { ProjectContext } from "../config/project.js";
import { type Action, buildActionGraph } from "../graph/actions.js";
import type { ModelFitConfig } from "./model-fits.js";

export interface CompiledProject {
  graph: CompiledGraph;
  /** The project folder, to locate runtime SQL errors in the action's file. */
  projectDir?: string;
  /** What the compile noticed that does not stop a build (e.g. a .sqlx no file requires). */
  warnings?: string[];
  actions: Map<string, Action>;
  seconds: number;
  /** Model fits the project declares (c360.json `fits`), run after their output table is built. */
  fits?: readonly ModelFitConfig[];
}

export function compileForTarget(context: ProjectContext): CompiledProject {
  const started = performance.now();
  const projectConfigOverride =
    context.target.engine === "bigquery"
      ? { defaultDatabase: context.target.project, schemaSuffix: context.target.datasetSuffix || undefined, defaultLocation: context.target.location }
      : {};
  const { graph, warnings } = compileProjectWithWarnings({ projectDir: context.projectDir, vars: context.vars, projectConfigOverride });
  const seconds = (performance.now() - started) / 1000;
  fs.mkdirSync(context.artifactsDir, { recursive: true });
  fs.writeFileSync(path.join(context.artifactsDir, "compiled.json"), JSON.stringify(graph, null, 2) + "\n");
  return { graph, projectDir: context.projectDir, warnings, actions: buildActionGraph(graph).actions, seconds, fits: context.fits };
}
