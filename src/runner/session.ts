/**
 * The steps every command is made of: compile the project for a target, plan the
 * selected actions, execute them on the engine, and write the artifacts.
 */
import type { Engine } from "../engines/engine.js";
import { type ActionKind, CHECK_KINDS, EXECUTABLE_KINDS } from "../graph/actions.js";
import { type SelectionOptions, selectActions } from "../graph/selection.js";
import { BuildState } from "./build-state.js";
import { resolveModelFits, runModelFit } from "./model-fits.js";
import { buildPlan, type PlanNode } from "./plan.js";
import type { ActionResult } from "./results.js";
import { runPlan } from "./run-plan.js";

// Compiling lives in its own module, so that `c360 compile` loads no runner code.
export { type CompiledProject, compileForTarget } from "./compile-target.js";
import type { CompiledProject } from "./compile-target.js";

export interface ExecutionOptions {
  select?: string[];
  exclude?: string[];
  /** Indirect selection and saved state for the selectors (selection.ts). */
  selection?: SelectionOptions;
  threads: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  /** Do not rebuild tables and views whose SQL and inputs are unchanged since their last build (build-state.ts). */
  skipUnchanged?: boolean;
  /** schema.name of the bronze tables the loader fills (the project's landing sources), for skipUnchanged. */
  bronzeTables?: readonly string[];
  onStart?: (node: PlanNode, total: number) => void;
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
  const selected = selectActions(project.actions, options.select, options.exclude, options.selection);
  const plan = buildPlan(project.actions, selected, kinds);
  // Assertions and unit tests write no table: a plan of only those needs no build state.
  const writesTables = plan.some((node) => EXECUTABLE_KINDS.has(node.action.kind));
  const fits = resolveModelFits(project.fits ?? [], project.actions);
  const buildState = writesTables ? await BuildState.open(engine, project.actions, { skipUnchanged: options.skipUnchanged ?? false, bronzeTables: options.bronzeTables }) : undefined;
  return runPlan(engine, plan, {
    buildState,
    projectDir: project.projectDir,
    threads: options.threads,
    fullRefresh: options.fullRefresh ?? false,
    failFast: options.failFast ?? false,
    jit: project.projectDir ? { projectDir: project.projectDir, jitData: project.graph.jitData } : undefined,
    defaultReservation: project.graph.projectConfig?.defaultReservation,
    onStart: options.onStart,
    onResult: options.onResult,
    completeAction: async (action) => {
      const fit = fits.get(action.name);
      return fit ? runModelFit(engine, action, fit.fit, fit.input) : undefined;
    },
  });
}
