/**
 * The SQL of the incremental gold tables' clean-up after their merge: which of the keys a
 * build recomputed are gone from the table's source, so that their old rows are deleted
 * and the table equals a full refresh.
 *
 * Written so that every join's build side is the affected keys (a few percent of the
 * rows), never the source: `key not in (select key from source)` over the whole table
 * builds a hash table of every source key (20 M event ids at 1 M persons) on each build.
 */

import { current, type Dialect } from "./dialect.js";

export interface RemovedKeysOptions extends RecomputedKeysOptions {
  /** The source the table is built from (a table reference, optionally aliased). */
  source: string;
  /** The key of a source row (an expression over `source`). */
  sourceKey: string;
  /** A condition on `source` rows that the table keeps (e.g. not after as_of_date). */
  sourceCondition?: string;
  /**
   * DuckDB only, optional: a query (one column) of the only keys, besides every key when the
   * build recomputes all, that can have left the source since the table was last built: for a
   * table of customer keys, the previous_customer_key of c360_changes.identity_map_changes (a key
   * gone from customer_identity_map, or from customer_information, which holds its keys, had
   * every identifier move or go, and each such identifier is listed there with it). The
   * affected keys are narrowed to those before anything is read.
   */
  removable?: string;
}

/**
 * A query of the recomputed keys (recomputedKeys) that no kept source row has any more: the
 * keys whose rows the merge did not rewrite and that a full refresh would not hold. The source
 * is read only for the affected keys (or whole, when the build recomputes every row).
 *
 * The source's rows are picked by `recompute_all or key in (affected)`, not by a semi-join on
 * the recomputed keys: those are a union with every key of the table (its recompute-all half),
 * which DuckDB estimates at the table's size, so it built the semi-join's hash table over the
 * source instead (every event id; 1.5 s of customer_interactions' delete at 100 k persons on a
 * busy machine, against 0.1 s for this form). Here the hash table holds the affected keys, and
 * the source's key column is probed once.
 */
export function removedKeys(options: RemovedKeysOptions, dialect?: Dialect): string {
  if (options.removable !== undefined && current(dialect) === "duckdb") return removedOfRemovableKeys({ ...options, removable: options.removable });
  const { key, affected, recomputeAll, source, sourceKey } = options;
  const readKeys = `(${recomputeAll}) or ${sourceKey} in (select ${key} from (${affected}) as affected_keys)`;
  // Not null: a null key in the `not in` list would make it remove nothing.
  const kept = allOf(options.sourceCondition, `${sourceKey} is not null`, readKeys);
  return `select ${key} from (${recomputedKeys(options)}) as recomputed where ${key} is not null and ${key} not in (select ${sourceKey} from ${source} where ${kept})`;
}

/** The conditions given (undefined ones left out), each in parentheses, joined by `and`. */
export function allOf(...conditions: (string | undefined)[]): string {
  return conditions
    .filter((part) => part !== undefined)
    .map((part) => `(${part})`)
    .join(" and ");
}

/**
 * DuckDB, removedKeys with `removable`: the affected keys that are removable (a dozen customer
 * keys at 1 M persons, of 272 k affected ones), or every key of the table when the build
 * recomputes all, that no kept source row has. Each case is its own select, as in
 * recompute.recomputedRows: `recompute_all or key in (affected)` is a mark join that reads the
 * key of every source row (the identity map's, or customer_information's), where a semi join on
 * the few removable keys alone, and a select filtered by the scalar `recompute_all` alone, read
 * little when they keep nothing. At 1 M persons the delete after the merge of customer_activity
 * took 0.33 s, and 0.18 to 0.22 s for the three other customer tables, over the 272 k affected
 * keys (see the commit for the figures after).
 */
function removedOfRemovableKeys(options: RemovedKeysOptions & { removable: string }): string {
  const { key, affected, table, recomputeAll, source, sourceKey, removable } = options;
  const removableAffected = `select removable_key from (${removable}) as removable_keys(removable_key) where removable_key is not null and removable_key in (select ${key} from (${affected}) as affected_keys)`;
  const recomputed = [
    `select removable_key as recomputed_key from (${removableAffected}) as removable_affected where not (${recomputeAll})`,
    `select ${key} as recomputed_key from ${table} where ${allOf(options.tableCondition, `(${recomputeAll})`)}`,
  ].join(" union all ");
  const kept = [
    `select ${sourceKey} as kept_key from ${source} where ${allOf(options.sourceCondition, `not (${recomputeAll})`, `${sourceKey} in (select removable_key from (${removableAffected}) as removable_affected)`)}`,
    `select ${sourceKey} as kept_key from ${source} where ${allOf(options.sourceCondition, `(${recomputeAll})`)}`,
  ].join(" union all ");
  // An anti join, not `not in`: a null kept key matches nothing here, where in a `not in` list it
  // would make it remove nothing (as recompute.removedKeys).
  return `select recomputed_key as ${key} from (${recomputed}) as recomputed where recomputed_key is not null and not exists (select 1 from (${kept}) as kept_rows where kept_rows.kept_key = recomputed.recomputed_key)`;
}

export interface RecomputedKeysOptions {
  /** The key column (in `affected` and in `table`). */
  key: string;
  /** A query of the affected keys, in a column named `key` (empty when every row is recomputed). */
  affected: string;
  /** The incremental table itself. */
  table: string;
  /** A scalar query: true when the build recomputes every row (c360_changes.incremental_scope). */
  recomputeAll: string;
  /** A condition on `table` rows that limits "every row" (e.g. one source of the table). */
  tableCondition?: string;
}

/** A query of the keys an incremental build recomputed: the affected ones, or every key of the table when the build recomputes all. */
export function recomputedKeys(options: RecomputedKeysOptions): string {
  const { key, affected, table, recomputeAll } = options;
  const everyRow = [options.tableCondition, `(${recomputeAll})`].filter((condition) => condition !== undefined).join(" and ");
  return `${affected} union all select ${key} from ${table} where ${everyRow}`;
}

export interface ChangedColumnsUpdateOptions {
  /** The table to update (a table reference). */
  target: string;
  /** The rows holding the new values, one per key at most: a table reference or a parenthesised query. */
  source: string;
  /** The key column, in both. */
  key: string;
  /** The columns to copy from `source`, in both. */
  columns: readonly string[];
}

/**
 * A condition true when any of `columns` differs between the rows aliased `left` and `right`,
 * nulls compared as values (a null against a null is no difference).
 */
export function anyColumnDiffers(columns: readonly string[], left: string, right: string): string {
  if (columns.length === 0) throw new Error("anyColumnDiffers needs at least one column to compare");
  return columns.map((column) => `${left}.${column} is distinct from ${right}.${column}`).join("\n    or ");
}

/**
 * An UPDATE that copies `columns` from `source` into the rows of `target` with the same key,
 * only where one of them differs (null-safe): rows whose values are already right, and every
 * other column, are not written. On DuckDB, which stores an update per column, updating a few
 * narrow columns of many rows costs a fraction of rewriting those rows whole.
 */
export function updateChangedColumns(options: ChangedColumnsUpdateOptions): string {
  if (options.columns.length === 0) throw new Error("updateChangedColumns needs at least one column to copy");
  return `${updateColumns(options)}
  and (${anyColumnDiffers(options.columns, "target_row", "source_row")})`;
}

/**
 * An UPDATE that copies `columns` from `source` into every row of `target` with the same key,
 * without comparing them first: for a source whose rows nearly all changed, where reading the
 * target's copies of the columns to skip the few equal rows costs more than writing those rows.
 */
export function updateColumns(options: ChangedColumnsUpdateOptions): string {
  const { target, source, key, columns } = options;
  if (columns.length === 0) throw new Error("updateColumns needs at least one column to copy");
  return `update ${target} as target_row
set
  ${columns.map((column) => `${column} = source_row.${column}`).join(",\n  ")}
from
  ${source} as source_row
where
  source_row.${key} = target_row.${key}`;
}
