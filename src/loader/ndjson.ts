/**
 * NDJSON landing files → bronze records. Each non-blank line is one record and its raw
 * text is the record: bronze keeps the line as it came (without its line ending) and
 * the project's SQL extracts fields with the warehouse's JSON functions, so a malformed line
 * still reaches bronze, where the project decides what to do with it.
 */
import type { BronzeRecord } from "./bronze-record.js";
import type { LandingChunk } from "./landing-input.js";

export async function* parseNdjson(chunks: AsyncIterable<LandingChunk>): AsyncGenerator<BronzeRecord> {
  let pending = ""; // the start of a line whose end is in a later chunk
  let lineNumber = 0;
  let recordNumber = 0;

  function* recordsOf(lines: string[]): Generator<BronzeRecord> {
    for (const line of lines) {
      lineNumber++;
      const text = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (text.trim() === "") continue; // blank lines are not records
      recordNumber++;
      yield { recordNumber, lineNumber, fields: [], raw: text };
    }
  }

  // Chunks hold whole characters, so each decodes on its own.
  for await (const chunk of chunks) {
    const lines = (pending + chunk.bytes.toString("utf8")).split("\n");
    pending = lines.pop() ?? "";
    yield* recordsOf(lines);
  }
  if (pending !== "") yield* recordsOf([pending]);
}
