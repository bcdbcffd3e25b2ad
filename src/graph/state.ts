/**
 * State-based selection (dbt's `--state` with `state:modified` / `state:new`): compares each
 * action of the current compile with the same action in a saved compiled.json — its compiled
 * SQL, config, dependencies and tags — so CI can build only what a change touches
 * (`--select state:modified+ --state prod-artifacts/`).
 */
import fs from "node:fs";
import path from "node:path";
import type { CompiledGraph } from "../compile/graph-types.js";
import { UsageError } from "../errors.js";
import { type Action, buildActionGraph } from "./actions.js";

/** Fields of a compiled action that say nothing about what it builds. */
const IGNORED_FIELDS = new Set(["fileName"]);

/** JSON with keys sorted at every level, so equal configs compare equal whatever their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, field]) => !IGNORED_FIELDS.has(key) && field !== undefined)
      .sort(([left], [right]) => left.localeCompare(right));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What an action compiles to, for comparison with the saved state. */
export function actionFingerprint(action: Action): string {
  return `${action.kind}:${canonicalJson(action.compiled)}`;
}

export interface StateComparison {
  /** The folder the saved compiled.json was read from. */
  readonly directory: string;
  /** Absent from the saved state. */
  isNew(name: string): boolean;
  /** New, or compiled differently from the saved state. */
  isModified(name: string): boolean;
}

export function compareWithState(actions: Map<string, Action>, saved: Map<string, Action>, directory: string): StateComparison {
  const savedFingerprints = new Map([...saved].map(([name, action]) => [name, actionFingerprint(action)]));
  return {
    directory,
    isNew: (name) => !savedFingerprints.has(name),
    isModified: (name) => {
      const action = actions.get(name);
      return action !== undefined && savedFingerprints.get(name) !== actionFingerprint(action);
    },
  };
}

/**
 * The actions of DIR/compiled.json (what `c360 compile` writes to target/). Read it before
 * compiling when DIR is the project's own target/ folder, which the compile overwrites.
 */
export function loadSavedActions(directory: string): Map<string, Action> {
  const file = path.join(directory, "compiled.json");
  if (!fs.existsSync(file)) {
    throw new UsageError(`--state ${directory}: no compiled.json there. Pass a copy of the target/ folder of the build to compare with (c360 compile writes target/compiled.json).`);
  }
  let graph: CompiledGraph;
  try {
    graph = JSON.parse(fs.readFileSync(file, "utf8")) as CompiledGraph;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return buildActionGraph(graph).actions;
}
