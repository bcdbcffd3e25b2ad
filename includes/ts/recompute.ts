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
import { allOf, recomputedKeys, removedKeys as removedKeysInOneFilter, type RemovedKeysOptions } from "./merges.js";


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
  /**
   * DuckDB only, optional: a condition on the rows of `from` that is cheap on every row (say,
   * the row's landing part is one the last build had not taken: a dictionary-compressed column
   * tested against a handful of names) and that most affected rows meet. `key` must then be
   * unique in `from`. The affected rows are read as those candidates whose key is affected, plus
   * the rows of the affected keys that no candidate holds (usually none: then DuckDB stops the
   * scan after its first vector). Without it, the semi join on the affected keys probes the key
   * of every row of `from`: at 100 k persons 0.53 CPU-s of stg_web__events' 2 M message ids, to
   * keep the 1 % of new events. The rows read are the same either way.
   */
  candidates?: string;
  /**
   * DuckDB only, optional, without `candidates`: a query of keys (one column) that most affected
   * keys are among and whose rows lie together in `from`, say the orders of the landing parts the
   * last build had not taken (new orders have adjacent ids, and their rows are the table's last).
   * The affected keys are then probed as two disjoint sets, those among them and the others: for
   * each semi join DuckDB pushes the set's minimum and maximum (and, up to 50 keys, the keys)
   * into the scan of `from` as zone-map filters, which skip the row groups outside them; one set
   * of old and new keys spans nearly every key, and the scan reads every row. `key` need not be
   * unique. The rows read are the same either way.
   */
  nearbyKeys?: string;
}

/** A query of the rows of `from` an incremental build recomputes: those of the affected keys, or every row when it recomputes all. */
export function recomputedRows(options: RecomputedRowsOptions, dialect?: Dialect): string {
  const { columns, from, key, affected, recomputeAll } = options;
  const condition = (...conditions: string[]) => allOf(options.where, ...conditions);
  if (current(dialect) === "bigquery") return `select ${columns} from ${from} where ${condition(`(${recomputeAll}) or ${key} in (${affected})`)}`;
  return [...affectedRowSelects(options, condition), `select ${columns} from ${from} where ${condition(`(${recomputeAll})`)}`].join(" union all ");
}

/** DuckDB: the selects of the rows of the affected keys when the build does not recompute all (see candidates and nearbyKeys). */
function affectedRowSelects(options: RecomputedRowsOptions, condition: (...conditions: string[]) => string): string[] {
  const { columns, from, key, affected, recomputeAll, candidates, nearbyKeys } = options;
  const select = (...conditions: string[]) => `select ${columns} from ${from} where ${condition(`not (${recomputeAll})`, ...conditions)}`;
  const affectedKeys = `select affected_key from (${affected}) as affected_keys(affected_key)`;
  if (candidates !== undefined) {
    return [
      select(candidates, `${key} in (${affected})`),
      // Not null: a null key in the `not in` list would leave out every affected key.
      select(`${key} in (${affectedKeys} where affected_key not in (select ${key} from ${from} where (${candidates}) and ${key} is not null))`),
    ];
  }
  if (nearbyKeys !== undefined) {
    return [
      select(`${key} in (${affectedKeys} where affected_key in (${nearbyKeys}))`),
      // Not null, as above.
      select(`${key} in (${affectedKeys} where affected_key not in (select nearby_key from (${nearbyKeys}) as nearby_keys(nearby_key) where nearby_key is not null))`),
    ];
  }
  return [select(`${key} in (${affected})`)];
}

/**
 * The keys an incremental build recomputed that no kept source row has any more: their rows,
 * which the merge did not rewrite and a full refresh would not hold, are deleted after the
 * merge. As merges.removedKeys, but the source's rows are read as recomputedRows reads them
 * (on DuckDB a semi join on the affected keys, or every row when the build recomputes all), not
 * through `recompute_all or key in (affected)`, a mark join that reads the key of every source
 * row and carries each to a filter. On BigQuery it renders what merges.removedKeys does.
 */
export interface RemovedKeysFromCandidatesOptions extends RemovedKeysOptions {
  /** DuckDB only, optional: recomputedRows' candidates, a cheap condition on `source` that most affected rows meet (`sourceKey` unique in `source`). */
  sourceCandidates?: string;
}

export function removedKeys(options: RemovedKeysFromCandidatesOptions, dialect?: Dialect): string {
  if (current(dialect) === "bigquery") return removedKeysInOneFilter(options);
  const { key, affected, recomputeAll, source, sourceKey } = options;
  const recomputed = recomputedKeys(options);
  const kept = recomputedRows({
    columns: `${sourceKey} as kept_key`,
    from: source,
    where: options.sourceCondition,
    key: sourceKey,
    affected: `select ${key} from (${affected}) as affected_keys`,
    recomputeAll,
    candidates: options.sourceCandidates,
  }, "duckdb");
  // An anti join, not `not in`: a null kept key matches nothing here, where in a `not in` list it
  // would make it remove nothing. So the source's keys need no `is not null` filter, which DuckDB
  // tests in the scan before the candidates' part filter, reading every key of the source (0.58
  // of customer_interactions' 0.88 CPU-s for this query at 100 k persons, against 0.02).
  return `select ${key} from (${recomputed}) as recomputed where ${key} is not null and not exists (select 1 from (${kept}) as kept_rows where kept_rows.kept_key = recomputed.${key})`;
}

export interface RecomputedRowDeletesOptions {
  /** The incremental table (self()). */
  table: string;
  /** The key column of `table`. */
  key: string;
  /** A query of the affected keys (one column). */
  affected: string;
  /** A scalar query: true when the build recomputes every row (c360_changes.incremental_scope). */
  recomputeAll: string;
  /** A condition on `table` rows that limits the delete (e.g. one source of the table), or undefined. */
  tableCondition?: string;
}

/**
 * DuckDB: the statements that delete, before an incremental build inserts the rows it recomputes
 * as they are now, every row of the keys it recomputes (the affected keys, or every row when it
 * recomputes all). Insert instead of merge: the merge probed the key of every row of the table to
 * tell an update from an insert, and the delete of the keys no source row keeps any more probed
 * it again; this delete probes it once, and a key no source row keeps is simply not inserted
 * again. One statement per case, as in recomputedRows: a semi join on the affected keys alone is
 * pushed into the table's scan, and a delete filtered by the scalar `recompute_all` alone reads
 * nothing when it is false. Run in the transaction of the insert (the runner's, on DuckDB), a
 * failed insert leaves the table as it was.
 */
export function recomputedRowDeletes(options: RecomputedRowDeletesOptions): string[] {
  const { table, key, affected, recomputeAll } = options;
  const condition = (...conditions: string[]) => allOf(options.tableCondition, ...conditions);
  return [
    `delete from ${table} where ${condition(`${key} in (select affected_key from (${affected}) as affected_keys(affected_key))`)}`,
    `delete from ${table} where ${condition(`(${recomputeAll})`)}`,
  ];
}
