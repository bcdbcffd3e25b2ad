// Generated from includes/ts/recompute.ts by `npm run build:includes`. Do not edit: edit the TypeScript.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.recomputedRows = recomputedRows;
exports.removedKeys = removedKeys;
exports.recomputedRowDeletes = recomputedRowDeletes;
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
const dialect_js_1 = require("./dialect");
const merges_js_1 = require("./merges");
/** A query of the rows of `from` an incremental build recomputes: those of the affected keys, or every row when it recomputes all. */
function recomputedRows(options, dialect) {
    const { columns, from, key, affected, recomputeAll } = options;
    const condition = (...conditions) => (0, merges_js_1.allOf)(options.where, ...conditions);
    if ((0, dialect_js_1.current)(dialect) === "bigquery")
        return `select ${columns} from ${from} where ${condition(`(${recomputeAll}) or ${key} in (${affected})`)}`;
    return [...affectedRowSelects(options, condition), `select ${columns} from ${from} where ${condition(`(${recomputeAll})`)}`].join(" union all ");
}
/** DuckDB: the selects of the rows of the affected keys when the build does not recompute all (see candidates and nearbyKeys). */
function affectedRowSelects(options, condition) {
    const { columns, from, key, affected, recomputeAll, candidates, nearbyKeys } = options;
    const select = (...conditions) => `select ${columns} from ${from} where ${condition(`not (${recomputeAll})`, ...conditions)}`;
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
function removedKeys(options, dialect) {
    if ((0, dialect_js_1.current)(dialect) === "bigquery")
        return (0, merges_js_1.removedKeys)(options);
    const { key, affected, recomputeAll, source, sourceKey } = options;
    const recomputed = (0, merges_js_1.recomputedKeys)(options);
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
function recomputedRowDeletes(options) {
    const { table, key, affected, recomputeAll } = options;
    const condition = (...conditions) => (0, merges_js_1.allOf)(options.tableCondition, ...conditions);
    return [
        `delete from ${table} where ${condition(`${key} in (select affected_key from (${affected}) as affected_keys(affected_key))`)}`,
        `delete from ${table} where ${condition(`(${recomputeAll})`)}`,
    ];
}
