/**
 * Executes a plan: every node starts once everything it waits for has succeeded, up to
 * `threads` at a time. A failed node skips everything that waits on it, transitively, and
 * each skipped result names the failure that caused it.
 */
import type { Engine } from "../engines/engine.js";
import { locateSqlError, relabelExcerpt } from "../check/source-location.js";
import { actionErrorMessage, ExecutionError } from "../errors.js";
import type { Action } from "../graph/actions.js";
import type { BuildState } from "./build-state.js";
import { executeAction, type ActionOutcome } from "./execute-action.js";
import type { JitSettings } from "./jit-action.js";
import type { PlanNode } from "./plan.js";
import type { ActionResult } from "./results.js";

export interface RunPlanOptions {
  threads: number;
  fullRefresh: boolean;
  failFast: boolean;
  /** Where JiT actions' code is evaluated. */
  jit?: JitSettings;
  /** The project's defaultReservation (BigQuery). */
  defaultReservation?: string;
  /** The warehouse's build state, when kept (build-state.ts): skips unchanged tables and views with --skip-unchanged. */
  buildState?: BuildState;
  /** Called as each action finishes (progress display). */
  onResult?: (result: ActionResult, done: number, total: number) => void;
  /** The project folder: a SQL error is then located in the action's .sqlx (file, line, column). */
  projectDir?: string;
  /** Called as each action starts, with the number of planned actions. */
  onStart?: (node: PlanNode, total: number) => void;
  /** Work that completes an action once its statements ran (a model fit filling in its table, model-fits.ts); its warnings land in the result. */
  completeAction?: (action: Action) => Promise<{ warnings: string[] } | undefined>;
}

/**
 * Dataform runs notebooks on Colab Enterprise; neither engine here can. The notebook is
 * listed and skipped with this warning (what reads its output is skipped as well).
 */
export const NOTEBOOK_NOT_RUN = "notebook not run: c360 runs SQL only; run it where Dataform runs notebooks (Colab Enterprise)";

function notRunResult(node: PlanNode): ActionResult {
  return { name: node.action.name, kind: node.action.kind, fileName: node.action.fileName, status: "skipped", seconds: 0, engineSeconds: 0 };
}

export async function runPlan(engine: Engine, plan: PlanNode[], options: RunPlanOptions): Promise<ActionResult[]> {
  // Each incremental action reads its table's layout before it merges: read them all in one
  // catalog query first (Engine.describeTables; DuckDB keeps them until DDL changes them).
  if (!options.fullRefresh) await engine.describeTables?.(plan.filter((node) => node.action.kind === "incremental").map((node) => node.action.target));
  const results = new Map<string, ActionResult>();
  const pending = new Map(plan.map((node) => [node.action.name, node]));
  const running = new Map<string, Promise<void>>();
  let stopScheduling = false;
  const { buildState } = options;
  const executeAndComplete = async (action: Action): Promise<ActionOutcome> => {
    const outcome = await executeAction(engine, action, { fullRefresh: options.fullRefresh, jit: options.jit, defaultReservation: options.defaultReservation });
    const completion = await options.completeAction?.(action);
    return completion ? { ...outcome, warnings: [...(outcome.warnings ?? []), ...completion.warnings] } : outcome;
  };
  const execute = async (node: PlanNode): Promise<ActionOutcome & { unchanged?: boolean }> => {
    if (!buildState) return executeAndComplete(node.action);
    const decision = buildState.decide(node.action);
    if (decision.skip) return { engineSeconds: 0, unchanged: true };
    const previousVersion = buildState.forget(node.action);
    const outcome = await executeAndComplete(node.action);
    buildState.remember(node.action, outcome, { fingerprint: decision.version, previousVersion });
    return outcome;
  };

  const record = (result: ActionResult): void => {
    results.set(result.name, result);
    options.onResult?.(result, results.size, plan.length);
  };

  const start = (node: PlanNode): void => {
    options.onStart?.(node, plan.length);
    const started = performance.now();
    const { action } = node;
    const base = { name: action.name, kind: action.kind, fileName: action.fileName };
    const task = execute(node)
      .then((outcome) => {
        const seconds = (performance.now() - started) / 1000;
        const assertionFailed = action.kind === "assertion" && (outcome.failingRows ?? 0) > 0;
        record({
          ...base,
          status: assertionFailed ? "failed" : "success",
          seconds,
          engineSeconds: outcome.engineSeconds,
          rowsAffected: outcome.rowsAffected,
          failingRows: outcome.failingRows,
          sample: assertionFailed ? outcome.sample : undefined,
          unchanged: outcome.unchanged,
          warnings: outcome.warnings?.length ? outcome.warnings : undefined,
          error: assertionFailed ? `assertion failed: ${outcome.failingRows} row(s) violate it` : undefined,
        });
      })
      .catch((error: unknown) => {
        const detail = actionErrorMessage(error);
        const statement = error instanceof ExecutionError ? error.statement : undefined;
        const position = options.projectDir ? locateSqlError(options.projectDir, action.fileName, detail, statement) : undefined;
        record({
          ...base,
          status: "failed",
          seconds: (performance.now() - started) / 1000,
          engineSeconds: 0,
          error: position ? relabelExcerpt(detail, action.fileName, position) : detail,
          errorLine: position?.line,
          errorColumn: position?.column,
        });
      })
      .finally(() => {
        running.delete(action.name);
        if (options.failFast && results.get(action.name)?.status === "failed") stopScheduling = true;
      });
    running.set(action.name, task);
  };

  const drain = async (): Promise<void> => {
    while (pending.size > 0 || running.size > 0) {
      for (const node of [...pending.values()]) {
        if (running.size >= options.threads) break;
        const unfinished = node.waitsFor.some((wait) => !results.has(wait));
        const blocker = node.waitsFor.map((wait) => results.get(wait)).find((result) => result && result.status !== "success");
        if (blocker || stopScheduling) {
          pending.delete(node.action.name);
          record({
            name: node.action.name,
            kind: node.action.kind,
            fileName: node.action.fileName,
            status: "skipped",
            seconds: 0,
            engineSeconds: 0,
            skippedBecause: blocker ? (blocker.skippedBecause ?? blocker.name) : "--fail-fast: an earlier action failed",
          });
          continue;
        }
        if (unfinished) continue;
        pending.delete(node.action.name);
        if (node.action.kind === "notebook") {
          record({ ...notRunResult(node), warnings: [NOTEBOOK_NOT_RUN] });
          continue;
        }
        start(node);
      }
      if (running.size > 0) await Promise.race(running.values());
      else if (pending.size > 0 && ![...pending.values()].some((node) => node.waitsFor.every((wait) => results.has(wait)))) {
        throw new Error(`Plan cannot progress: ${[...pending.keys()].join(", ")} wait for actions that are not planned`);
      }
    }
  };

  // The state table loses the planned actions' rows before any runs, and gets their versions back at the end, however it ends.
  await buildState?.begin(plan.map((node) => node.action));
  try {
    await drain();
  } finally {
    await buildState?.finish();
  }
  return plan.map((node) => results.get(node.action.name)!);
}
