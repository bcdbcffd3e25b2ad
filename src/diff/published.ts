/**
 * Which relations `c360 diff` compares, and on which key, read from the compiled graph of
 * any Dataform repository (the framework names no table).
 *
 * "Published" means what the project hands to its readers: every enabled table, view and
 * incremental whose schema is the project's defaultSchema (after a schemaSuffix). Staging,
 * intermediate schemas, assertions, operations and declared sources are left out. `--select`
 * (the run commands' selector syntax) picks other actions instead: any table, view,
 * incremental or declaration of the graph; `--all` takes every one of them (a whole build,
 * bronze included, as a rebuild-equals-clean-build check needs).
 *
 * The key is the table's own `uniqueKey` (incrementals), else the columns of the first
 * `assertions: { uniqueKey | uniqueKeys }` Dataform generated for it; a table without
 * either is compared as whole rows only.
 */
import type { CompiledAssertion, CompiledGraph } from "../compile/graph-types.js";
import type { TableRef } from "../engines/engine.js";
import { UsageError } from "../errors.js";
import { type Action, actionName, buildActionGraph } from "../graph/actions.js";
import { selectActions } from "../graph/selection.js";

export type KeySource = "uniqueKey" | "uniqueKeyAssertion";

export interface DiffTable {
  /** `schema.name` as the project compiles it (the name shown and put in the JSON report). */
  name: string;
  target: TableRef;
  kind: "table" | "view" | "incremental" | "declaration";
  key?: string[];
  keySource?: KeySource;
}

/**
 * The query core writes for `assertions: { uniqueKey: [...] }` (and each of uniqueKeys):
 * group by the key columns, keep groups of more than one row. Only that exact shape is read.
 */
const UNIQUE_KEY_ASSERTION = /GROUP BY ([^\n]+)\n\s*\) AS data\s*\n\s*WHERE index_row_count > 1\s*$/;

export function uniqueKeyOfAssertion(assertion: CompiledAssertion): string[] | undefined {
  if (!assertion.parentAction) return undefined;
  const match = UNIQUE_KEY_ASSERTION.exec(assertion.query);
  if (!match) return undefined;
  const columns = match[1].split(",").map((column) => column.trim());
  // A column written as an expression or quoted identifier is not a plain column name: skip the key.
  return columns.every((column) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) ? columns : undefined;
}

function assertedKeys(graph: CompiledGraph): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  // Dataform names them <schema>_<table>_assertions_uniqueKey_<n>; the first one is the table's key.
  const assertions = [...(graph.assertions ?? [])].sort((left, right) => left.target.name.localeCompare(right.target.name));
  for (const assertion of assertions) {
    if (assertion.disabled) continue;
    const key = uniqueKeyOfAssertion(assertion);
    const parent = assertion.parentAction && actionName(assertion.parentAction);
    if (key && parent && !keys.has(parent)) keys.set(parent, key);
  }
  return keys;
}

function toDiffTable(action: Action, asserted: Map<string, string[]>): DiffTable | undefined {
  if (action.kind === "declaration") return { name: action.name, target: action.target, kind: "declaration" };
  if (action.kind !== "table" && action.kind !== "view" && action.kind !== "incremental") return undefined;
  const table: DiffTable = { name: action.name, target: action.target, kind: action.kind };
  const uniqueKey = action.compiled.uniqueKey ?? [];
  if (uniqueKey.length > 0) return { ...table, key: uniqueKey, keySource: "uniqueKey" };
  const assertedKey = asserted.get(action.name);
  return assertedKey ? { ...table, key: assertedKey, keySource: "uniqueKeyAssertion" } : table;
}

/** The project's published schema: defaultSchema, with the schemaSuffix the compile applied. */
export function publishedSchema(graph: CompiledGraph, schemaSuffix?: string): string {
  const schema = graph.projectConfig?.defaultSchema;
  if (!schema) throw new UsageError("The project sets no defaultSchema (dataform.json / workflow_settings.yaml): name the tables to compare with --select.");
  return schemaSuffix ? `${schema}_${schemaSuffix}` : schema;
}

export interface TableSelection {
  /** Every table, view, incremental and declaration of the graph, in any schema. */
  all?: boolean;
  select?: string[];
  exclude?: string[];
  schemaSuffix?: string;
}

/** The relations to compare, sorted by name. */
export function tablesToDiff(graph: CompiledGraph, selection: TableSelection = {}): DiffTable[] {
  const { actions } = buildActionGraph(graph);
  const asserted = assertedKeys(graph);
  const select = selection.select ?? [];
  if (selection.all && select.length > 0) throw new UsageError("--all compares every table of the project: give it or --select, not both (--exclude works with both).");
  const names = selectActions(actions, select, selection.exclude);
  const schema = select.length === 0 && !selection.all ? publishedSchema(graph, selection.schemaSuffix) : undefined;
  const tables: DiffTable[] = [];
  for (const name of names) {
    const action = actions.get(name);
    if (!action || (schema !== undefined && (action.kind === "declaration" || action.target.schema !== schema))) continue;
    const table = toDiffTable(action, asserted);
    if (table) tables.push(table);
  }
  if (select.length > 0 && tables.length === 0) {
    throw new UsageError(`--select ${select.join(" ")} names no table, view, incremental or declaration to compare.`);
  }
  return tables.sort((left, right) => left.name.localeCompare(right.name));
}
