/**
 * Resolves a JiT action before it runs: its code is evaluated (compile/jit.ts) against the
 * run's engine, and the SQL it returns takes the place of the query core could not write
 * at compile time. Everything after that runs as for any other action of its kind.
 */
import { compileJit, type JitActionKind, type JitDatabase } from "../compile/jit.js";
import { projectVm } from "../compile/index.js";
import type { Engine } from "../engines/engine.js";
import { ExecutionError, errorMessage } from "../errors.js";
import type { Action } from "../graph/actions.js";

export interface JitSettings {
  projectDir: string;
  /** The compiled graph's jitData (`jctx.data`). */
  jitData?: Record<string, unknown>;
}

function databaseFor(engine: Engine, actionName: string): JitDatabase {
  const options = { actionName };
  return {
    execute: async (sql, rowLimit) => {
      const rows = await engine.query(sql, options);
      return rowLimit ? rows.slice(0, rowLimit) : rows;
    },
    listTables: (_database, schema) => engine.listTables(schema),
    getTable: (target) => engine.describeTable(target),
    deleteTable: async (target) => {
      await engine.execute(`drop table if exists ${engine.quoteTable(target)}`, options);
    },
  };
}

function jitKind(action: Action): JitActionKind | undefined {
  switch (action.kind) {
    case "table":
    case "view":
      return "table";
    case "incremental":
      return "incremental";
    case "operation":
      return "operation";
    case "assertion":
      return "assertion";
    default:
      return undefined;
  }
}

/** The action with the SQL its JiT code produced; any other action as it is. */
export async function resolveJitAction(engine: Engine, action: Action, settings: JitSettings | undefined): Promise<Action> {
  const kind = jitKind(action);
  const jitCode = kind && "jitCode" in action.compiled ? action.compiled.jitCode : undefined;
  if (!kind || !jitCode) return action;
  if (!settings) throw new ExecutionError(action.name, "is a JiT action (jitCode), and this run has no project to evaluate it in");
  const request = {
    target: action.target,
    dependencies: "dependencyTargets" in action.compiled ? (action.compiled.dependencyTargets ?? []) : [],
    jitCode,
    kind,
    jitData: settings.jitData,
  };
  let result;
  try {
    result = await compileJit(projectVm(settings.projectDir), request, databaseFor(engine, action.name));
  } catch (error) {
    // Errors thrown by the project's code come from the vm's realm: not `instanceof Error` here.
    const message = typeof (error as { message?: unknown } | undefined)?.message === "string" ? (error as { message: string }).message : errorMessage(error);
    throw new ExecutionError(action.name, `JiT compilation error: ${message}`, { cause: error });
  }
  const defined = Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined));
  return { ...action, compiled: { ...action.compiled, ...defined } } as Action;
}
