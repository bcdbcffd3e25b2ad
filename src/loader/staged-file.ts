/**
 * Writes a staged file of bronze rows in one of the two plain formats an engine's own bulk
 * reader takes (engine.ts, StagedFileFormat): buffered, straight from the landing file's
 * bytes where they need no change, so staging costs little more than a copy.
 */
import fs from "node:fs";
import type { StagedFileFormat } from "../engines/engine.js";

const FLUSH_BYTES = 4 << 20;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const NULL_MARKER = Buffer.from("\\N", "latin1");

/** Field separator of the staged "lines" format (engine.ts): a line holding it is not staged that way. */
export const LINES_SEPARATOR = 0x01;

/** Longest staged row (bytes, row end included) that every engine reader takes (DuckDB's default max_line_size is 2 MB). */
export const STAGED_ROW_LIMIT_BYTES = 1 << 20;

/** The staged row of a record does not fit the format: the part is loaded through the framework's rows instead. */
export class NotStageable extends Error {}

export class StagedFileWriter {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_BYTES * 2);
  private position = 0;
  private flushedBytes = 0;
  private rowStart = 0;
  /** Rows written so far. */
  rows = 0;
  readonly delimiter: number;

  constructor(
    readonly path: string,
    readonly format: StagedFileFormat,
  ) {
    this.fd = fs.openSync(path, "w");
    this.delimiter = format === "csv" ? 0x2c : LINES_SEPARATOR;
  }

  /** A non-negative integer, in decimal. */
  integer(value: number): void {
    this.reserve(16);
    const buffer = this.buffer;
    if (value < 10) {
      buffer[this.position++] = 48 + value;
      return;
    }
    let digits = 0;
    for (let rest = value; rest > 0; rest = Math.floor(rest / 10)) digits++;
    let at = this.position + digits - 1;
    for (let rest = value; rest > 0; rest = Math.floor(rest / 10)) buffer[at--] = 48 + (rest % 10);
    this.position += digits;
  }

  separator(): void {
    this.reserve(1);
    this.buffer[this.position++] = this.delimiter;
  }

  /** A field written as it is (the caller checked that the format needs no quoting for it). */
  bytes(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.position += source.copy(this.buffer, this.position, start, end);
  }

  /** CSV format: a quoted field holding `source[start, end)`, its quotes doubled. */
  quotedBytes(source: Buffer, start: number, end: number): void {
    this.reserve((end - start) * 2 + 2);
    const buffer = this.buffer;
    buffer[this.position++] = QUOTE;
    let from = start;
    for (let quote = source.indexOf(QUOTE, from); quote >= 0 && quote < end; quote = source.indexOf(QUOTE, from)) {
      this.position += source.copy(buffer, this.position, from, quote + 1);
      buffer[this.position++] = QUOTE;
      from = quote + 1;
    }
    this.position += source.copy(buffer, this.position, from, end);
    buffer[this.position++] = QUOTE;
  }

  /** CSV format: a quoted field holding `text`, its quotes doubled. */
  quotedText(text: string): void {
    const escaped = text.includes('"') ? text.replaceAll('"', '""') : text;
    this.reserve(escaped.length * 3 + 2);
    this.buffer[this.position++] = QUOTE;
    this.position += this.buffer.write(escaped, this.position, "utf8");
    this.buffer[this.position++] = QUOTE;
  }

  null(): void {
    this.reserve(2);
    this.position += NULL_MARKER.copy(this.buffer, this.position);
  }

  endRow(): void {
    this.reserve(1);
    this.buffer[this.position++] = NEWLINE;
    this.rows++;
    const end = this.flushedBytes + this.position;
    if (end - this.rowStart > STAGED_ROW_LIMIT_BYTES) throw new NotStageable(`a record needs a staged row of ${end - this.rowStart} bytes`);
    this.rowStart = end;
    if (this.position >= FLUSH_BYTES) this.flush();
  }

  /** Flushes and closes the file. */
  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  /** Closes the file without caring whether it was complete (the caller discards it). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed: nothing left to release.
    }
  }

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    this.flush();
    if (bytes > this.buffer.length) {
      if (bytes > STAGED_ROW_LIMIT_BYTES * 4) throw new NotStageable(`a field of ${bytes} bytes is too large to stage`);
      this.buffer = Buffer.allocUnsafe(bytes);
    }
  }

  private flush(): void {
    let written = 0;
    while (written < this.position) written += fs.writeSync(this.fd, this.buffer, written, this.position - written);
    this.flushedBytes += this.position;
    this.position = 0;
  }
}
