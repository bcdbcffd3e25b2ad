import { describe, expect, it } from "vitest";
import { parseNdjson } from "../../src/loader/ndjson.js";
import { chunksOf, collect } from "./helpers.js";

describe("parseNdjson", () => {
  it("keeps every non-blank line as it came, malformed or not, with its line number", async () => {
    const content = '{"message_id":"m1","x":"é"}\r\n\n   \r\n{bad json\n[1,2]\n{"message_id":"m2"}';
    const expected = [
      { recordNumber: 1, lineNumber: 1, fields: [], raw: '{"message_id":"m1","x":"é"}' },
      { recordNumber: 2, lineNumber: 4, fields: [], raw: "{bad json" },
      { recordNumber: 3, lineNumber: 5, fields: [], raw: "[1,2]" },
      { recordNumber: 4, lineNumber: 6, fields: [], raw: '{"message_id":"m2"}' },
    ];
    expect(await collect(parseNdjson(chunksOf(content)))).toEqual(expected);
    for (const size of [1, 3, 8]) expect(await collect(parseNdjson(chunksOf(content, size)))).toEqual(expected);
  });

  it("reads an empty file as no records", async () => {
    expect(await collect(parseNdjson(chunksOf("\n\n")))).toEqual([]);
  });
});
