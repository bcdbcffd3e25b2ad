/**
 * The rows an incremental build recomputes, read from a large table so that only those rows
 * cost anything on DuckDB.
 *
 * The natural filter, `where (select recompute_all …) or key in (select key from affected)`,
 * is planned by DuckDB as a mark join over every row of the table followed by a filter: each
 * projected column of every row is read and carried to the join (customer_interactions read all
 * of stg_web__events' columns to keep 1 % of its rows). A semi join `key in (affected)` on its
 * own lets DuckDB push the affected keys into the scan, and a select filtered by the scalar
 * `recompute_all` alone reads nothing when it is false. So on DuckDB the rows are read in two
 * selects, one per case, joined by union all. Each select tests the scope, so they are disjoint
 * even if the affected list were not empty on a build that recomputes everything.
 *
 * BigQuery bills the bytes of every column a query names in each table it reads, whatever the
 * filter keeps: two selects would bill the table twice, so there the one filter stays.
 */
import { current, type Dialect } from "./dialect.js";
import { recomputedKeys, removedKeys as removedKeysInOneFilter, type RemovedKeysOptions } from "./merges.js";


export interface RecomputedRowsOptions {
  /** The select list (without `select`). */
  columns: string;
  /** The table read (a reference, optionally aliased). */
  from: string;
  /** A condition every row read must meet (e.g. not after as_of_date), or undefined. */
  where?: string;
  /** The key of a row of `from` (an expression) matched against the affected keys. */
  key: string;
  /** A query of the affected keys (one column). */
  affected: string;
  /** A scalar query: true when the build recomputes every row (c360_changes.incremental_scope). */
  recomputeAll: string;
}

/** A query of the rows of `from` an incremental build recomputes: those of the affected keys, or every row when it recomputes all. */
export function recomputedRows(options: RecomputedRowsOptions, dialect?: Dialect): string {
  const { columns, from, key, affected, recomputeAll } = options;
  const condition = (...conditions: string[]) => [options.where, ...conditions].filter((part) => part !== undefined).map((part) => `(${part})`).join(" and ");
  if (current(dialect) === "bigquery") return `select ${columns} from ${from} where ${condition(`(${recomputeAll}) or ${key} in (${affected})`)}`;
  return [
    `select ${columns} from ${from} where ${condition(`not (${recomputeAll})`, `${key} in (${affected})`)}`,
    `select ${columns} from ${from} where ${condition(`(${recomputeAll})`)}`,
  ].join(" union all ");
}

/**
 * The keys an incremental build recomputed that no kept source row has any more: their rows,
 * which the merge did not rewrite and a full refresh would not hold, are deleted after the
 * merge. As merges.removedKeys, but the source's rows are read as recomputedRows reads them
 * (on DuckDB a semi join on the affected keys, or every row when the build recomputes all), not
 * through `recompute_all or key in (affected)`, a mark join that reads the key of every source
 * row and carries each to a filter. On BigQuery it renders what merges.removedKeys does.
 */
export function removedKeys(options: RemovedKeysOptions, dialect?: Dialect): string {
  if (current(dialect) === "bigquery") return removedKeysInOneFilter(options);
  const { key, affected, recomputeAll, source, sourceKey } = options;
  const recomputed = recomputedKeys(options);
  const kept = recomputedRows({
    columns: `${sourceKey} as kept_key`,
    from: source,
    where: [options.sourceCondition, `${sourceKey} is not null`].filter((condition) => condition !== undefined).join(" and "),
    key: sourceKey,
    affected: `select ${key} from (${affected}) as affected_keys`,
    recomputeAll,
  }, "duckdb");
  // Not null: a null key in the `not in` list would make it remove nothing (kept_key is never null).
  return `select ${key} from (${recomputed}) as recomputed where ${key} is not null and ${key} not in (select kept_key from (${kept}) as kept_rows)`;
}
