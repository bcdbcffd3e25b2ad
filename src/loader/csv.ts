/**
 * CSV landing files (RFC 4180, header row, CRLF or LF) → bronze records, via csv-parse.
 *
 * csv-parse splits records; this module keeps the bookkeeping it cannot give reliably:
 * each record's starting line and, for a row whose field count does not match the
 * header, its raw text. Both come from byte offsets (csv-parse's `bytes`: the offset just
 * past a record's delimiter) over a rolling window of the file's bytes.
 */
import { Readable } from "node:stream";
import { parse, type CsvError, type Options } from "csv-parse";
import { LandingFileError } from "../errors.js";
import type { BronzeRecord, WarningSink } from "./bronze-record.js";
import { ByteWindow } from "./byte-window.js";
import type { LandingChunk } from "./landing-input.js";

interface CsvRecordContext {
  bytes: number;
}

/** csv-parse options of the landing CSV dialect; the staging scanner (csv-stager.ts) must agree with them. */
export const CSV_DIALECT = {
  relax_column_count: true,
  // A stray quote inside an unquoted field is kept as text: silver decides about the value.
  relax_quotes: true,
  skip_empty_lines: true,
  record_delimiter: ["\r\n", "\n"],
} as const;

function withoutLineEnding(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * Parses one CSV part. `columns` are the contract's columns in bronze order: the header
 * must hold each of them (any order, case-insensitive); extra header columns are ignored
 * with a warning.
 */
export async function* parseCsv(chunks: AsyncIterable<LandingChunk>, file: string, columns: readonly string[], warn: WarningSink): AsyncGenerator<BronzeRecord> {
  const window = new ByteWindow();
  let bomBytes = 0;
  let firstChunk = true;
  async function* feed(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      if (firstChunk) bomBytes = chunk.fileOffset;
      firstChunk = false;
      window.append(chunk.bytes);
      yield chunk.bytes;
    }
  }

  let recordEnd = 0; // offset just past the last record handled
  let headerMap: number[] | undefined; // contract column index → header position
  let headerLength = 0;
  let recordNumber = 0;

  const onRecord = (values: string[], context: CsvRecordContext): BronzeRecord | null => {
    const start = window.skipBlankLines(recordEnd, context.bytes);
    const lineNumber = window.lineAt(start);
    const end = context.bytes;
    // A whitespace-only line is a blank line, not a one-field record.
    const isBlankLine = values.length === 1 && values[0].trim() === "" && window.skipBlankLines(start, end) === end;
    let record: BronzeRecord | null = null;
    if (!isBlankLine) {
      if (!headerMap) {
        headerMap = mapHeader(values, columns, file, warn);
        headerLength = values.length;
      } else {
        recordNumber++;
        const map = headerMap;
        record =
          values.length === headerLength
            ? { recordNumber, lineNumber, fields: map.map((position) => values[position]), raw: null }
            : { recordNumber, lineNumber, fields: null, raw: withoutLineEnding(window.text(start, end)) };
      }
    }
    recordEnd = end;
    window.dropBefore(end);
    return record; // null (header, blank line) is dropped by csv-parse
  };

  const options: Options<BronzeRecord, string[]> = { ...CSV_DIALECT, record_delimiter: [...CSV_DIALECT.record_delimiter], on_record: onRecord };
  // csv-parse types on_record's output only together with `columns`; we map the header ourselves.
  const parser = parse(options as unknown as Options);
  const source = Readable.from(feed());
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);

  try {
    for await (const record of parser as AsyncIterable<BronzeRecord>) yield record;
  } catch (error) {
    if (error instanceof LandingFileError) throw error;
    const start = window.skipBlankLines(recordEnd, window.endOffset());
    const line = window.lineAt(start);
    const code = (error as CsvError).code ?? "";
    throw new LandingFileError(
      file,
      `line ${line}, byte ${start + bomBytes}`,
      code === "CSV_QUOTE_NOT_CLOSED" ? "a quoted field is never closed (truncated file?)" : `cannot parse CSV: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!headerMap) throw new LandingFileError(file, "line 1", `no header row: expected columns ${columns.join(", ")}`);
}

export function mapHeader(header: string[], columns: readonly string[], file: string, warn: WarningSink): number[] {
  const normalised = header.map((name) => name.trim().toLowerCase());
  const positions = columns.map((column) => {
    const matches = normalised.flatMap((name, index) => (name === column.toLowerCase() ? [index] : []));
    if (matches.length > 1) throw new LandingFileError(file, "line 1", `the header names column ${column} ${matches.length} times`);
    return matches[0] ?? -1;
  });
  const missing = columns.filter((_, index) => positions[index] < 0);
  if (missing.length > 0) throw new LandingFileError(file, "line 1", `the header lacks column(s) ${missing.join(", ")} (header: ${header.join(", ")})`);
  const extra = header.filter((_, index) => !positions.includes(index));
  if (extra.length > 0) warn(`${file}: ignoring column(s) not in the contract: ${extra.join(", ")}`);
  return positions;
}
