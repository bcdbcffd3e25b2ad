/**
 * The bronze layout, the same for every project: a bronze table keeps every record of its
 * landing source as it came, every field as text, after the bookkeeping columns below.
 * Which sources a project has is its own to declare (c360.json `sources`,
 * src/config/landing-sources.ts); silver decides what is accepted.
 */
export type { LandingFormat, LandingSource } from "../config/landing-sources.js";

/**
 * Columns every bronze table has before its fields:
 * - _source_file: path of the part inside the landing folder (e.g. sales/orders-2024-07-01.csv)
 * - _part_suffix: '' for the plain file, else the part's suffix; ordering by (_part_suffix,
 *   _record_number) is SOURCES.md's "part order" (plain file first, suffixes in byte order)
 * - _record_number: 1-based number of the record within its part (header and blank lines
 *   not counted)
 * - _line_number: the physical line where the record starts (1-based; for a JSON array
 *   the line of the element's first character)
 * - _raw_record: the record's raw text: always for NDJSON (the line), JSON arrays (the
 *   element's JSON text) and XML (the element's XML text); for CSV only where the row could
 *   not be split into the header's fields (then every field is null)
 */
export const BOOKKEEPING_COLUMNS = ["_source_file", "_part_suffix", "_record_number", "_line_number", "_raw_record"] as const;
