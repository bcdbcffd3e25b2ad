/**
 * `${ref("name")}` in a dashboard's (or any project file's) SQL, resolved to the table
 * the compiled project builds for this target, quoted by the engine: the same query then
 * reads the right dataset on BigQuery (with its suffix) and the right schema on DuckDB.
 */
import type { TableRef } from "../engines/engine.js";
import { UsageError } from "../errors.js";
import type { Action } from "../graph/actions.js";

const REFERENCE = /\$\{\s*ref\(\s*(["'])([^"']+)\1\s*\)\s*\}/g;

/** The action a name denotes: `schema.name` exactly, else the one action called `name`. */
export function findAction(actions: Map<string, Action>, name: string): Action | undefined {
  const exact = actions.get(name);
  if (exact) return exact;
  const matches = [...actions.values()].filter((action) => action.kind !== "test" && action.target.name === name);
  if (matches.length > 1) throw new UsageError(`ref("${name}") is ambiguous: ${matches.map((action) => action.name).join(", ")}. Write ref("schema.name").`);
  return matches[0];
}

/** The SQL with every ${ref()} replaced by `quote(table)` (an engine's quoteTable). */
export function resolveReferences(sql: string, actions: Map<string, Action>, quote: (table: TableRef) => string, where: string): string {
  return sql.replace(REFERENCE, (_match, _quote, name: string) => {
    const action = findAction(actions, name);
    if (!action || action.kind === "test") throw new UsageError(`${where}: ref("${name}") names no table, view or declaration of the project.`);
    return quote(action.target);
  });
}
