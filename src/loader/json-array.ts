/**
 * JSON-array landing files (one array of records) → bronze records, streamed with
 * @streamparser/json so a large export never sits in memory whole.
 *
 * Each element of the root array is one record; bronze keeps its JSON text exactly as it
 * came (numbers and escapes untouched) and the line of its first character. The file must
 * be valid JSON as a whole: a syntax error anywhere stops the load with its line and byte.
 */
import { JSONParser, TokenType, type ParsedTokenInfo } from "@streamparser/json";
import { LandingFileError } from "../errors.js";
import type { BronzeRecord } from "./bronze-record.js";
import { ByteWindow } from "./byte-window.js";
import type { LandingChunk } from "./landing-input.js";

export async function* parseJsonArray(chunks: AsyncIterable<LandingChunk>, file: string): AsyncGenerator<BronzeRecord> {
  const window = new ByteWindow();
  const ready: BronzeRecord[] = [];
  let bomBytes = 0;
  let depth = 0;
  let sawRoot = false;
  let rootClosed = false;
  let elementStart = -1; // offset of the open element's first byte, -1 between elements
  let lastTokenOffset = 0;
  let recordNumber = 0;
  let failure: Error | undefined;

  // Only the root array's elements are materialised by the parser, one at a time, and
  // dropped at once: the parser's job here is validation, the window keeps the raw text.
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  parser.onValue = () => {};
  parser.onError = (error) => {
    failure ??= error;
  };
  parser.onToken = ({ token, offset }: ParsedTokenInfo) => {
    lastTokenOffset = offset;
    if (!sawRoot) {
      sawRoot = true;
      if (token !== TokenType.LEFT_BRACKET) throw new LandingFileError(file, position(window, offset, bomBytes), "the file is not a JSON array");
      depth = 1;
      return;
    }
    if (depth === 1 && (token === TokenType.COMMA || token === TokenType.RIGHT_BRACKET)) {
      if (elementStart >= 0) finishElement(offset);
      if (token === TokenType.RIGHT_BRACKET) {
        depth = 0;
        rootClosed = true;
      }
      return;
    }
    if (depth === 1 && elementStart < 0) elementStart = offset;
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) depth++;
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--;
  };

  function finishElement(endOffset: number): void {
    recordNumber++;
    const raw = window.text(elementStart, endOffset).trimEnd();
    ready.push({ recordNumber, lineNumber: window.lineAt(elementStart), fields: [], raw });
    window.dropBefore(endOffset);
    elementStart = -1;
  }

  function fail(error: unknown): never {
    if (error instanceof LandingFileError) throw error;
    const message = (error as Error).message;
    const absolute = /absolute position "(\d+)"/.exec(message);
    const offset = absolute ? Number(absolute[1]) : lastTokenOffset;
    throw new LandingFileError(file, position(window, offset, bomBytes), `invalid JSON: ${message}`, { cause: error });
  }

  let firstChunk = true;
  for await (const chunk of chunks) {
    if (firstChunk) bomBytes = chunk.fileOffset;
    firstChunk = false;
    window.append(chunk.bytes);
    try {
      parser.write(chunk.bytes);
    } catch (error) {
      fail(error);
    }
    if (failure) fail(failure);
    // Between elements the last token is '[' or ',' (one byte): a token still being read starts after it.
    if (elementStart < 0 && sawRoot) window.dropBefore(lastTokenOffset + 1);
    yield* ready.splice(0);
  }
  try {
    if (!parser.isEnded) parser.end();
  } catch (error) {
    fail(error);
  }
  if (failure) fail(failure);
  if (!sawRoot) throw new LandingFileError(file, "byte 0", "the file is empty: expected a JSON array");
  if (!rootClosed) fail(new Error("the array is never closed (truncated file?)"));
  yield* ready.splice(0);
}

function position(window: ByteWindow, offset: number, bomBytes: number): string {
  const clamped = Math.min(Math.max(offset, window.startOffset()), window.endOffset());
  return `line ${window.lineAt(clamped)}, byte ${offset + bomBytes}`;
}
