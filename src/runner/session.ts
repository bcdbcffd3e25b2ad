/**
 * The steps every command is made of: compile the project for a target, plan the
 * selected actions, execute them on the engine, and write the artifacts.
 */
import fs from "node:fs";
import path from "node:path";
import { compileProject, type CompiledGraph } from "../compile/index.js";
import type { ProjectContext } from "../config/project.js";
import type { Engine } from "../engines/engine.js";
import { type Action, type ActionKind, buildActionGraph, CHECK_KINDS, EXECUTABLE_KINDS } from "../graph/actions.js";
import { selectActions } from "../graph/selection.js";
import { BuildState } from "./build-state.js";
import { type ModelFitConfig, resolveModelFits, runModelFit } from "./model-fits.js";
import { buildPlan, type PlanNode } from "./plan.js";
import type { ActionResult } from "./results.js";
import { runPlan } from "./run-plan.js";

export interface CompiledProject {
  graph: CompiledGraph;
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
  const graph = compileProject({ projectDir: context.projectDir, vars: context.vars, projectConfigOverride });
  const seconds = (performance.now() - started) / 1000;
  fs.mkdirSync(context.artifactsDir, { recursive: true });
  fs.writeFileSync(path.join(context.artifactsDir, "compiled.json"), JSON.stringify(graph, null, 2) + "\n");
  return { graph, actions: buildActionGraph(graph).actions, seconds, fits: context.fits };
}

export interface ExecutionOptions {
  select?: string[];
  exclude?: string[];
  threads: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  /** Do not rebuild tables and views whose SQL and inputs are unchanged since their last build (build-state.ts). */
  skipUnchanged?: boolean;
  onStart?: (node: PlanNode) => void;
  onResult?: (result: ActionResult, done: number, total: number) => void;
}

export const RUN_KINDS: ReadonlySet<ActionKind> = EXECUTABLE_KINDS;
export const TEST_KINDS: ReadonlySet<ActionKind> = CHECK_KINDS;
export const BUILD_KINDS: ReadonlySet<ActionKind> = new Set([...EXECUTABLE_KINDS, ...CHECK_KINDS]);

/** Plans the selected actions of the given kinds and executes them. */
export async function executeActions(
  engine: Engine,
  project: CompiledProject,
  kinds: ReadonlySet<ActionKind>,
  options: ExecutionOptions,
): Promise<ActionResult[]> {
  const selected = selectActions(project.actions, options.select, options.exclude);
  const plan = buildPlan(project.actions, selected, kinds);
  // Assertions and unit tests write no table: a plan of only those needs no build state.
  const writesTables = plan.some((node) => EXECUTABLE_KINDS.has(node.action.kind));
  const fits = resolveModelFits(project.fits ?? [], project.actions);
  const buildState = writesTables ? await BuildState.open(engine, project.actions, { skipUnchanged: options.skipUnchanged ?? false }) : undefined;
  return runPlan(engine, plan, {
    buildState,
    threads: options.threads,
    fullRefresh: options.fullRefresh ?? false,
    failFast: options.failFast ?? false,
    onStart: options.onStart,
    onResult: options.onResult,
    completeAction: async (action) => {
      const fit = fits.get(action.name);
      return fit ? runModelFit(engine, action, fit.fit, fit.input) : undefined;
    },
  });
}
