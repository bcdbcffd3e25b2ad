/**
 * What an incremental build does when its query's columns no longer match the table an
 * earlier build made: Dataform's `onSchemaChange` (IGNORE by default, FAIL, EXTEND,
 * SYNCHRONIZE), decided here as a pure function of the two column lists so that both
 * engines give it the same meaning. The engines only apply the plan (Engine.alterColumns).
 */
import type { ColumnInfo } from "../engines/engine.js";
import { ExecutionError } from "../errors.js";

export type OnSchemaChange = "IGNORE" | "FAIL" | "EXTEND" | "SYNCHRONIZE";

export interface SchemaChangePlan {
  /** Columns to add to the table before the increment is written. */
  add: ColumnInfo[];
  /** Columns to drop from the table before the increment is written. */
  drop: string[];
  /** What the user should know although the build goes on (IGNORE leaving columns out). */
  warning?: string;
}

/** The compiled graph's value (core writes the enum's name; older graphs may hold its number or nothing). */
export function onSchemaChangeOf(value: unknown): OnSchemaChange {
  const byNumber: OnSchemaChange[] = ["IGNORE", "FAIL", "EXTEND", "SYNCHRONIZE"];
  if (typeof value === "number") return byNumber[value] ?? "IGNORE";
  return typeof value === "string" && (byNumber as string[]).includes(value) ? (value as OnSchemaChange) : "IGNORE";
}

/**
 * The columns the query gives that the table lacks (added) and those the table has that the
 * query no longer gives (removed). Names compare case-insensitively, as both warehouses do.
 */
export function compareColumns(tableColumns: readonly ColumnInfo[], queryColumns: readonly ColumnInfo[]): { added: ColumnInfo[]; removed: string[] } {
  const inTable = new Set(tableColumns.map((column) => column.name.toLowerCase()));
  const inQuery = new Set(queryColumns.map((column) => column.name.toLowerCase()));
  return {
    added: queryColumns.filter((column) => !inTable.has(column.name.toLowerCase())),
    removed: tableColumns.filter((column) => !inQuery.has(column.name.toLowerCase())).map((column) => column.name),
  };
}

/**
 * The plan for one incremental write, or an ExecutionError naming the columns and what to do.
 * A removed column is never silently filled: the increment's rows would hold nulls that a full
 * refresh would not (Dataform's DML fails there too, less clearly).
 */
export function planSchemaChange(
  actionName: string,
  policy: OnSchemaChange,
  tableColumns: readonly ColumnInfo[],
  queryColumns: readonly ColumnInfo[],
  uniqueKey: readonly string[],
): SchemaChangePlan {
  const { added, removed } = compareColumns(tableColumns, queryColumns);
  if (added.length === 0 && removed.length === 0) return { add: [], drop: [] };
  const addedNames = added.map((column) => column.name).join(", ");
  const removedNames = removed.join(", ");
  const rebuild = `or rebuild it and what reads it: c360 build --full-refresh --select ${actionName}+`;
  const fail = (what: string, remedy: string): never => {
    throw new ExecutionError(actionName, `${what}; ${remedy}, ${rebuild}`);
  };
  switch (policy) {
    case "FAIL":
      return fail(
        `its query's columns changed since the table was built (onSchemaChange: "FAIL"): ${[added.length > 0 ? `added ${addedNames}` : "", removed.length > 0 ? `removed ${removedNames}` : ""].filter(Boolean).join("; ")}`,
        'set onSchemaChange: "EXTEND" (adds columns) or "SYNCHRONIZE" (adds and drops them)',
      );
    case "IGNORE":
    case "EXTEND":
      if (removed.length > 0) {
        return fail(
          `its query no longer gives the column(s) ${removedNames} that the table has (onSchemaChange: "${policy}" drops none)`,
          'set onSchemaChange: "SYNCHRONIZE" to drop them',
        );
      }
      if (policy === "EXTEND") return { add: added, drop: [] };
      return {
        add: [],
        drop: [],
        warning: `its query gives the column(s) ${addedNames}, which the table (built by an earlier version of the model) does not have: they are not written (onSchemaChange: "IGNORE", Dataform's default). Set onSchemaChange: "EXTEND" to add them, ${rebuild}`,
      };
    case "SYNCHRONIZE": {
      const keys = new Set(uniqueKey.map((name) => name.toLowerCase()));
      const droppedKeys = removed.filter((name) => keys.has(name.toLowerCase()));
      if (droppedKeys.length > 0) {
        return fail(`its query no longer gives the unique key column(s) ${droppedKeys.join(", ")}, which onSchemaChange: "SYNCHRONIZE" cannot drop`, "give them back in the query");
      }
      return { add: added, drop: removed };
    }
  }
}
