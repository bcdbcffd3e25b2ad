import { describe, expect, it } from "vitest";
import { LandingFileError } from "../../src/errors.js";
import { parseJsonArray } from "../../src/loader/json-array.js";
import { chunksOf, collect, rejection } from "./helpers.js";

const parse = (content: string, chunkBytes?: number) => collect(parseJsonArray(chunksOf(content, chunkBytes), "support/tickets.json"));

describe("parseJsonArray", () => {
  it("yields each element's exact JSON text and starting line, whatever it holds", async () => {
    const content = '[\n  {"ticket_id": 12345678901234567890, "x": "a\\"]"},\n  2, "s",\n  [1, {"a": []}] ,null\n,{}]';
    const expected = [
      { recordNumber: 1, lineNumber: 2, fields: [], raw: '{"ticket_id": 12345678901234567890, "x": "a\\"]"}' },
      { recordNumber: 2, lineNumber: 3, fields: [], raw: "2" },
      { recordNumber: 3, lineNumber: 3, fields: [], raw: '"s"' },
      { recordNumber: 4, lineNumber: 4, fields: [], raw: '[1, {"a": []}]' },
      { recordNumber: 5, lineNumber: 4, fields: [], raw: "null" },
      { recordNumber: 6, lineNumber: 5, fields: [], raw: "{}" },
    ];
    expect(await parse(content)).toEqual(expected);
    for (const size of [1, 2, 5]) expect(await parse(content, size)).toEqual(expected);
  });

  it("reads an empty array as no records", async () => {
    expect(await parse(" [ ]\n")).toEqual([]);
  });

  it("fails on invalid JSON with the line and byte", async () => {
    const error = (await rejection(parse('[\n {"a": 1},\n {"b" 2}\n]'))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.position).toBe("line 3, byte 19");
  });

  it("fails on a truncated array", async () => {
    const error = (await rejection(parse('[\n {"a": 1},\n {"b": 2'))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.message).toMatch(/^support\/tickets\.json \(line 3, byte \d+\): invalid JSON/);
  });

  it("fails on a document that is not an array, and on an empty file", async () => {
    expect((await rejection(parse('{"ticket_id": 1}'))).message).toBe("support/tickets.json (line 1, byte 0): the file is not a JSON array");
    expect((await rejection(parse(""))).message).toContain("the file is empty");
  });
});
