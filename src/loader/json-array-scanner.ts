/**
 * JSON-array landing part → the bronze records of json-array.ts, fast, for staging.
 *
 * The streaming tokenizer of json-array.ts hands JavaScript every token of the file (about
 * 20 MB/s). This scanner only follows strings and nesting byte by byte to find where each
 * root element starts and ends, and lets the engine's JSON.parse validate each element's
 * text. It vouches for nothing else: any byte it does not expect, an element JSON.parse
 * rejects, invalid UTF-8 (which the tokenizer rejects) or a file that does not end after its
 * array aborts the staging with NotStageable; the loader then reads the part through
 * json-array.ts, which loads it or reports the error with its line and byte. The records
 * are the same by construction and by test (tests/loader/stagers.test.ts).
 */
import { isUtf8 } from "node:buffer";
import type { BronzeRecord } from "./bronze-record.js";
import type { LandingChunk } from "./landing-input.js";
import { NotStageable, STAGED_ROW_LIMIT_BYTES } from "./staged-file.js";

const LINE_FEED = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Where the scanner is: before the array, after [ or a comma (an element may start), inside an element, after the array. */
type Position = "before array" | "after open bracket" | "after comma" | "in element" | "after array";

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export async function* scanJsonArray(chunks: AsyncIterable<LandingChunk>): AsyncGenerator<BronzeRecord> {
  let position: Position = "before array";
  let line = 1; // line of the next byte to scan
  let recordNumber = 0;
  // The element under way: its bytes so far when it spans chunks, the line it starts on,
  // nesting below the root array, and where its last non-whitespace byte ends.
  let carried: Buffer = Buffer.alloc(0);
  let elementLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let elementEnd = 0;

  for await (const chunk of chunks) {
    const bytes = carried.length > 0 ? Buffer.concat([carried, chunk.bytes]) : chunk.bytes;
    let elementStart = position === "in element" ? 0 : -1;
    const ready: BronzeRecord[] = [];
    for (let index = carried.length; index < bytes.length; index++) {
      const byte = bytes[index];
      if (byte === LINE_FEED) line++;
      if (position === "in element") {
        if (inString) {
          if (escaped) {
            escaped = false;
            continue;
          }
          // Jump to the quote that ends the string. The bytes skipped are not counted as lines:
          // a line feed inside a string is invalid JSON, which JSON.parse rejects at the element's end.
          const quote = bytes.indexOf(QUOTE, index);
          if (quote < 0) {
            escaped = backslashesBefore(bytes, bytes.length, index) % 2 === 1;
            index = bytes.length;
          } else if (backslashesBefore(bytes, quote, index) % 2 === 1) {
            index = quote; // an escaped quote: still in the string
          } else {
            inString = false;
            index = quote;
            elementEnd = quote + 1;
          }
          continue;
        }
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if ((byte === COMMA || byte === CLOSE_BRACKET) && depth === 0) {
          recordNumber++;
          ready.push({ recordNumber, lineNumber: elementLine, fields: [], raw: elementText(bytes, elementStart, elementEnd) });
          position = byte === COMMA ? "after comma" : "after array";
          elementStart = -1;
          continue;
        } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          if (depth === 0) throw new NotStageable(`line ${line}: unexpected ${String.fromCharCode(byte)}`);
          depth--;
        }
        if (!isJsonWhitespace(byte)) elementEnd = index + 1;
        continue;
      }
      if (isJsonWhitespace(byte)) continue;
      if (position === "before array" && byte === OPEN_BRACKET) position = "after open bracket";
      else if (position === "after open bracket" && byte === CLOSE_BRACKET) position = "after array";
      else if ((position === "after open bracket" || position === "after comma") && byte !== COMMA && byte !== CLOSE_BRACKET) {
        // The first byte of an element (not whitespace, so not a line feed): scan it again as part of the element.
        position = "in element";
        elementStart = index;
        elementLine = line;
        depth = 0;
        inString = false;
        escaped = false;
        index--;
      } else throw new NotStageable(`line ${line}: unexpected ${String.fromCharCode(byte)} ${position}`);
    }
    carried = elementStart >= 0 ? bytes.subarray(elementStart) : Buffer.alloc(0);
    if (carried.length > STAGED_ROW_LIMIT_BYTES) throw new NotStageable(`an element longer than ${STAGED_ROW_LIMIT_BYTES} bytes starts on line ${elementLine}`);
    if (elementStart > 0) elementEnd -= elementStart;
    yield* ready;
  }
  if (position !== "after array") throw new NotStageable(`the file ends ${position}`);
}

/** How many backslashes end bytes[from, before). */
function backslashesBefore(bytes: Buffer, before: number, from: number): number {
  let position = before;
  while (position > from && bytes[position - 1] === BACKSLASH) position--;
  return before - position;
}

/** The element's text (up to its last non-whitespace byte), once JavaScript's JSON.parse accepts it. */
function elementText(bytes: Buffer, start: number, end: number): string {
  const raw = bytes.subarray(start, end);
  if (!isUtf8(raw)) throw new NotStageable("an element is not valid UTF-8");
  const text = raw.toString("utf8");
  try {
    JSON.parse(text);
  } catch (error) {
    throw new NotStageable("an element is not valid JSON", { cause: error });
  }
  return text;
}
