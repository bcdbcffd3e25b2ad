/**
 * One landing part → bronze rows in the bronze column order (BOOKKEEPING_COLUMNS, then the
 * source's fields), choosing the parser by format.
 */
import type { LoadColumn } from "../engines/engine.js";
import { LandingFileError } from "../errors.js";
import type { BronzeRecord, WarningSink } from "./bronze-record.js";
import { BOOKKEEPING_COLUMNS, type LandingSource } from "./catalog.js";
import { parseCsv } from "./csv.js";
import { parseJsonArray } from "./json-array.js";
import type { LandingChunk } from "./landing-input.js";
import { parseNdjson } from "./ndjson.js";
import type { LandingPart } from "./parts.js";
import { parseXmlRecords } from "./xml.js";

export type BronzeRow = (string | number | null)[];

const INTEGER_BOOKKEEPING = new Set<string>(["_record_number", "_line_number"]);

export function bronzeColumns(source: LandingSource): LoadColumn[] {
  return [
    ...BOOKKEEPING_COLUMNS.map((name): LoadColumn => ({ name, type: INTEGER_BOOKKEEPING.has(name) ? "integer" : "text" })),
    ...source.fields.map((name): LoadColumn => ({ name, type: "text" })),
  ];
}

export function parseRecords(part: LandingPart, chunks: AsyncIterable<LandingChunk>, warn: WarningSink): AsyncIterable<BronzeRecord> {
  const { source, file } = part;
  switch (source.format) {
    case "csv":
      return parseCsv(chunks, file, source.fields, warn);
    case "ndjson":
      return parseNdjson(chunks);
    case "json-array":
      return parseJsonArray(chunks, file);
    case "xml":
      if (!source.xml) throw new LandingFileError(file, "source", `the XML source ${source.schema}.${source.table} declares no xml layout (root and record element names)`);
      return parseXmlRecords(chunks, file, source.fields, source.xml, warn);
  }
}

export async function* bronzeRows(part: LandingPart, records: AsyncIterable<BronzeRecord>): AsyncGenerator<BronzeRow> {
  const fieldCount = part.source.fields.length;
  const nulls: null[] = new Array(fieldCount).fill(null);
  for await (const record of records) {
    // Order matches BOOKKEEPING_COLUMNS: _source_file, _part_suffix, _record_number, _line_number, _raw_record.
    const fields = record.fields === null || record.fields.length === 0 ? nulls : record.fields;
    yield [part.file, part.suffix, record.recordNumber, record.lineNumber, record.raw, ...fields];
  }
}

/** Groups rows into arrays of at most `size` (one engine.load call each). */
export async function* batches<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
