/**
 * CSV landing part → staged "csv" file (engine.ts), for an engine's own bulk reader.
 *
 * The bronze rows must be exactly those of the framework's parser (csv.ts: csv-parse with
 * CSV_DIALECT, plus its header, blank-line and malformed-row rules). This module finds
 * record boundaries with a byte scanner that follows csv-parse's state machine for that
 * dialect, and writes each record as a staged row `record,line,raw,<header fields…>`:
 * - a record whose fields are plain RFC 4180 (what the engine's reader parses the same way)
 *   is copied as it is, without its line ending: no decoding, no field strings;
 * - any other record with the header's field count (stray or relaxed quotes, a lone '\r',
 *   a field `\N`) is split by csv-parse itself and written with every field quoted;
 * - a record whose field count differs from the header's keeps its raw text, fields NULL.
 * Whatever the scanner cannot stage (an unclosed quote, a missing header, …) aborts the
 * staging; the loader then reads the part through the framework's parser, which reports it.
 */
import { parse } from "csv-parse/sync";
import type { WarningSink } from "./bronze-record.js";
import { CSV_DIALECT, mapHeader } from "./csv.js";
import { countNewlines, type LandingChunk } from "./landing-input.js";
import { NotStageable, STAGED_ROW_LIMIT_BYTES, type StagedFileWriter } from "./staged-file.js";

// Declared here rather than imported from one shared module: the scan loop reads them at every
// byte, and imported bindings made staging a large CSV part about 15 % slower (measured on the
// benchmark's 1 M-person landing folder).
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const CAPITAL_N = 0x4e;

export interface StagedCsv {
  records: number;
  /** Fields per record in the header: the staged file has 3 + headerLength columns. */
  headerLength: number;
  /** For each contract column, its position in the header. */
  headerMap: number[];
}

/** What scanning one record found. */
interface RecordScan {
  /** Offset just past the record's line ending (or the end of the data). */
  end: number;
  /** Offset of the record's line ending (the end of its text). */
  textEnd: number;
  fields: number;
  /** Every field is plain RFC 4180 and needs no change for the engine's reader. */
  plain: boolean;
  /** Only spaces, tabs and carriage returns: a blank line, not a record. */
  blank: boolean;
  /** Line feeds in [start, end), the line ending included. */
  newlines: number;
}

function isNullMarker(bytes: Buffer, start: number, end: number): boolean {
  return end - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === CAPITAL_N;
}

/**
 * Scans the record starting at `start` (not an empty line) into `scan`. Returns false when
 * the data ends inside it and more is coming. Mirrors csv-parse: a quote opens a quoted
 * field only as a field's first byte; inside, `""` is a quote; a quote followed by ',', a
 * line ending or the end of the data closes it, any other quote ends the quoting and stays
 * in the field (relax_quotes); "\r\n" and "\n" end a record outside quotes, a lone '\r' is text.
 */
function scanRecord(bytes: Buffer, start: number, eof: boolean, scan: RecordScan): boolean {
  const length = bytes.length;
  let at = start;
  let fieldStart = start;
  let fields = 1;
  let plain = true;
  let blank = true;
  let newlines = 0;
  for (;;) {
    // At the first byte of a field.
    if (at < length && bytes[at] === QUOTE) {
      blank = false;
      let from = at + 1;
      let relaxed = false;
      for (;;) {
        const quote = bytes.indexOf(QUOTE, from);
        if (quote < 0) {
          if (eof) throw new NotStageable("a quoted field is never closed");
          return false;
        }
        newlines += countNewlines(bytes, from, quote);
        if (quote + 1 >= length) {
          if (!eof) return false;
          return finish(scan, length, length, fields, plain, blank, newlines);
        }
        const next = bytes[quote + 1];
        if (next === QUOTE) {
          from = quote + 2;
          continue;
        }
        if (next === COMMA) {
          at = quote + 2;
          break;
        }
        if (next === LF) return finish(scan, quote + 1, quote + 2, fields, plain, blank, newlines + 1);
        if (next === CR) {
          if (quote + 2 >= length && !eof) return false;
          if (bytes[quote + 2] === LF) return finish(scan, quote + 1, quote + 3, fields, plain, blank, newlines + 1);
        }
        // A closing quote followed by anything else: the field goes on as text.
        relaxed = true;
        plain = false;
        at = quote + 1;
        break;
      }
      if (!relaxed) {
        fields++;
        fieldStart = at;
        continue;
      }
    }
    // Inside an unquoted field (or the rest of a relaxed one): up to ',' or a line ending.
    for (;;) {
      if (at >= length) {
        if (!eof) return false;
        if (isNullMarker(bytes, fieldStart, at)) plain = false;
        return finish(scan, length, length, fields, plain, blank, newlines);
      }
      const byte = bytes[at];
      if (byte === COMMA) {
        if (isNullMarker(bytes, fieldStart, at)) plain = false;
        blank = false;
        fields++;
        at++;
        fieldStart = at;
        break;
      }
      if (byte === LF) {
        if (isNullMarker(bytes, fieldStart, at)) plain = false;
        return finish(scan, at, at + 1, fields, plain, blank, newlines + 1);
      }
      if (byte === CR) {
        if (at + 1 >= length && !eof) return false;
        if (bytes[at + 1] === LF) {
          if (isNullMarker(bytes, fieldStart, at)) plain = false;
          return finish(scan, at, at + 2, fields, plain, blank, newlines + 1);
        }
        plain = false; // a lone '\r' is text, which the engine's reader would take for a line ending
      } else if (byte === QUOTE) {
        plain = false;
        blank = false;
      } else if (blank && byte !== SPACE && byte !== TAB) {
        blank = false;
      }
      at++;
    }
  }
}

function finish(scan: RecordScan, textEnd: number, end: number, fields: number, plain: boolean, blank: boolean, newlines: number): true {
  scan.textEnd = textEnd;
  scan.end = end;
  scan.fields = fields;
  scan.plain = plain;
  scan.blank = blank;
  scan.newlines = newlines;
  return true;
}

/** The fields of one record, split by csv-parse itself (the reference) for records the scanner does not copy. */
function splitRecord(bytes: Buffer, start: number, end: number): string[] {
  const records = parse(bytes.subarray(start, end), { ...CSV_DIALECT, record_delimiter: [...CSV_DIALECT.record_delimiter] }) as string[][];
  if (records.length !== 1) throw new NotStageable(`the scanner and csv-parse disagree about the record at byte ${start}`);
  return records[0];
}

/**
 * Stages one CSV part. `columns` are the contract's columns in bronze order. Warnings (extra
 * header columns) go to `warn`, which must forget them when the staging fails.
 */
export async function stageCsv(chunks: AsyncIterable<LandingChunk>, file: string, columns: readonly string[], writer: StagedFileWriter, warn: WarningSink): Promise<StagedCsv> {
  const scan: RecordScan = { end: 0, textEnd: 0, fields: 0, plain: true, blank: true, newlines: 0 };
  let header: { length: number; map: number[] } | undefined;
  let records = 0;
  let line = 1; // line of the first unprocessed byte
  let bytes: Buffer = Buffer.alloc(0);

  /** Stages every complete record from `start`; returns where the unprocessed data begins. */
  const stageRecords = (start: number, eof: boolean): number => {
    let at = start;
    const length = bytes.length;
    while (at < length) {
      // Empty lines ("\n", "\r\n") are skipped before a record starts.
      const first = bytes[at];
      if (first === LF) {
        at++;
        line++;
        continue;
      }
      if (first === CR) {
        if (at + 1 >= length && !eof) break;
        if (bytes[at + 1] === LF) {
          at += 2;
          line++;
          continue;
        }
      }
      if (!scanRecord(bytes, at, eof, scan)) break;
      const recordLine = line;
      line += scan.newlines;
      const recordStart = at;
      at = scan.end;
      if (scan.blank) continue;
      if (!header) {
        const names = splitRecord(bytes, recordStart, scan.end);
        header = { length: names.length, map: mapHeader(names, columns, file, warn) };
        continue;
      }
      records++;
      writer.integer(records);
      writer.separator();
      writer.integer(recordLine);
      writer.separator();
      if (scan.fields === header.length && scan.plain) {
        writer.null();
        writer.separator();
        writer.bytes(bytes, recordStart, scan.textEnd);
      } else {
        const values = scan.plain ? undefined : splitRecord(bytes, recordStart, scan.end);
        if (values && values.length === header.length) {
          writer.null();
          for (const value of values) {
            writer.separator();
            writer.quotedText(value);
          }
        } else {
          writer.quotedBytes(bytes, recordStart, scan.textEnd);
          for (let field = 0; field < header.length; field++) {
            writer.separator();
            writer.null();
          }
        }
      }
      writer.endRow();
    }
    return at;
  };

  for await (const chunk of chunks) {
    bytes = bytes.length > 0 ? Buffer.concat([bytes, chunk.bytes]) : chunk.bytes;
    const consumed = stageRecords(0, false);
    bytes = bytes.subarray(consumed);
    // A record this long cannot be staged anyway: stop before carrying it any further.
    if (bytes.length > STAGED_ROW_LIMIT_BYTES) throw new NotStageable(`a record is longer than ${STAGED_ROW_LIMIT_BYTES} bytes`);
  }
  if (stageRecords(0, true) !== bytes.length) throw new NotStageable("the data ends inside a record");
  if (!header) throw new NotStageable("no header row");
  return { records, headerLength: header.length, headerMap: header.map };
}
