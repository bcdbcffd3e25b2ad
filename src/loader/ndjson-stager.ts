/**
 * NDJSON landing part → staged "lines" file (engine.ts): `record 0x01 line 0x01 raw`, the
 * raw line copied byte for byte. The bronze rows must be exactly those of ndjson.ts: every
 * line is a record unless it is blank (String.prototype.trim() leaves nothing), one '\r'
 * before the line feed is not part of it. A line the format cannot carry (a '\r' or 0x01
 * inside, or exactly `\N`) aborts the staging; the loader then reads the part through
 * ndjson.ts.
 */
import type { LandingChunk } from "./landing-input.js";
import { LINES_SEPARATOR, NotStageable, STAGED_ROW_LIMIT_BYTES, type StagedFileWriter } from "./staged-file.js";

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const CAPITAL_N = 0x4e;

export async function stageNdjson(chunks: AsyncIterable<LandingChunk>, writer: StagedFileWriter): Promise<number> {
  let line = 0;
  let records = 0;
  let pending: Buffer = Buffer.alloc(0); // the start of a line whose end is in a later chunk

  // Next '\r' and 0x01 at or after the current line, found once per buffer rather than once per line.
  let carriageReturn = -1;
  let separator = -1;
  const scanFrom = (bytes: Buffer, start: number): void => {
    carriageReturn = bytes.indexOf(CR, start);
    separator = bytes.indexOf(LINES_SEPARATOR, start);
  };

  const stageLine = (bytes: Buffer, start: number, lineEnd: number): void => {
    line++;
    const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (end === start) return;
    const first = bytes[start];
    // A line starting with visible ASCII is not blank; anything else is decided by trim() itself.
    if ((first <= 0x20 || first >= 0x7f) && bytes.toString("utf8", start, end).trim() === "") return;
    if (carriageReturn >= 0 && carriageReturn < start) carriageReturn = bytes.indexOf(CR, start);
    if (carriageReturn >= 0 && carriageReturn < end) throw new NotStageable(`line ${line} holds a carriage return`);
    if (separator >= 0 && separator < start) separator = bytes.indexOf(LINES_SEPARATOR, start);
    if (separator >= 0 && separator < end) throw new NotStageable(`line ${line} holds the byte 0x01`);
    if (end - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === CAPITAL_N) throw new NotStageable(`line ${line} is \\N`);
    records++;
    writer.integer(records);
    writer.separator();
    writer.integer(line);
    writer.separator();
    writer.bytes(bytes, start, end);
    writer.endRow();
  };

  for await (const chunk of chunks) {
    const bytes = pending.length > 0 ? Buffer.concat([pending, chunk.bytes]) : chunk.bytes;
    let start = 0;
    scanFrom(bytes, 0);
    for (let lineFeed = bytes.indexOf(LF); lineFeed >= 0; lineFeed = bytes.indexOf(LF, start)) {
      stageLine(bytes, start, lineFeed);
      start = lineFeed + 1;
    }
    pending = bytes.subarray(start);
    if (pending.length > STAGED_ROW_LIMIT_BYTES) throw new NotStageable(`line ${line + 1} is longer than ${STAGED_ROW_LIMIT_BYTES} bytes`);
  }
  if (pending.length > 0) {
    scanFrom(pending, 0);
    stageLine(pending, 0, pending.length);
  }
  return records;
}
