/**
 * A rolling window over the bytes of a landing file that a parser has been fed but not
 * finished with. Parsers that report byte offsets (csv-parse, the JSON tokenizer) use it
 * to recover a record's raw text and starting line without keeping the whole file.
 */
import { countNewlines } from "./landing-input.js";

export class ByteWindow {
  private buffer: Buffer = Buffer.alloc(0);
  /** File offset (after any BOM) of buffer[0]. */
  private base = 0;
  /** Newlines in the file before `base`. */
  private newlinesBeforeBase = 0;

  append(bytes: Buffer): void {
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
  }

  /** Skips whole blank (whitespace-only) lines from `offset`; returns the first offset that is not one. */
  skipBlankLines(offset: number, end: number): number {
    let position = offset;
    while (position < end) {
      const newline = this.buffer.indexOf(0x0a, position - this.base);
      const lineEnd = newline < 0 || newline + this.base >= end ? end : newline + this.base + 1;
      if (!isBlank(this.buffer.subarray(position - this.base, lineEnd - this.base))) break;
      position = lineEnd;
    }
    return position;
  }

  /** File offset of the first byte still held. */
  startOffset(): number {
    return this.base;
  }

  /** File offset just past the last byte appended. */
  endOffset(): number {
    return this.base + this.buffer.length;
  }

  lineAt(offset: number): number {
    return this.newlinesBeforeBase + countNewlines(this.buffer, 0, offset - this.base) + 1;
  }

  text(from: number, to: number): string {
    return this.buffer.toString("utf8", from - this.base, to - this.base);
  }

  /** Forgets bytes before `offset` (every record before it has been handled). */
  dropBefore(offset: number): void {
    const cut = offset - this.base;
    if (cut <= 0) return;
    this.newlinesBeforeBase += countNewlines(this.buffer, 0, cut);
    this.buffer = this.buffer.subarray(cut);
    this.base = offset;
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

