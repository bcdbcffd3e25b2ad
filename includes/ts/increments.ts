/**
 * What an incremental staging table reads again, found without passing over every record it
 * holds more than once: the landing parts it has not taken yet (a loaded part never changes,
 * SOURCES.md Parts), and the exchange rates that can convert a held record again.
 */

/**
 * A query of the parts (`_source_file`) of `source` that `held` holds no record of: the
 * source's distinct parts first, then the test of those few names. DuckDB reads the part
 * column of millions of records in milliseconds (it is dictionary-compressed), where the test
 * `_source_file not in (select … from held)` on every record of `source` probed a hash table
 * once per record (about 0.1 s per 2 M records on a busy 2-core machine). Not written as
 * `except`: DuckDB estimates a set difference at the size of its input, and then built the
 * hash table of the semi-join that picks the new parts' records over the records instead.
 */
export function newParts(source: string, held: string): string {
  return `select distinct _source_file
  from (select distinct _source_file from ${source}) as source_parts
  where _source_file not in (select distinct _source_file from ${held})`;
}

/**
 * A query of every exchange rate of `rates` (currency, rate_date) with the next later rate
 * date of its currency (next_rate_date; null for the latest). A record converted at a rate
 * on its order date or the latest earlier one (rate_date) converts at another rate now exactly
 * when next_rate_date is on or before its order date: so a held record is tested by one join
 * on (currency, rate_date) with these few thousand rows, where the latest rate of each held
 * (currency, order date) took a pass to find the days, a range join and a second pass.
 */
export function rateSuccessors(rates: string): string {
  return `select
    currency,
    rate_date,
    lead(rate_date) over (
      partition by
        currency
      order by
        rate_date
    ) as next_rate_date
  from
    ${rates}`;
}

/**
 * A condition on the rows of `table` (which has `_source_file`): the row comes from a part that
 * `takenParts` (a query or reference with a `_source_file` column: the parts the last build took
 * in) does not hold. The part names are found first (newParts), so DuckDB tests each row's
 * dictionary-compressed part against a handful of names in the scan.
 */
export function inUntakenParts(table: string, takenParts: string): string {
  return `_source_file in (select _source_file from (${newParts(table, takenParts)}) as untaken_parts)`;
}

/**
 * A condition, true when a list an incremental build keeps beside its tables (the ids it would
 * otherwise find by passing over millions of rows: order_items_unmatched_orders,
 * events_redelivered_messages) lacks the mark that it is whole, a row whose `keyColumn` is null.
 * Its readers then look everything up, as before the list existed. Written as a scalar subquery:
 * inside an `in (…)` subquery, a false one leaves the set empty and DuckDB skips the scan it
 * would probe.
 */
export function listIsNotWhole(list: string, keyColumn: string): string {
  return `(select count(*) = 0 from ${list} where ${keyColumn} is null)`;
}
