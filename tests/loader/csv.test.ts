import { describe, expect, it } from "vitest";
import { LandingFileError } from "../../src/errors.js";
import { parseCsv } from "../../src/loader/csv.js";
import { chunksOf, collect, rejection } from "./helpers.js";

const COLUMNS = ["id", "name", "note"];

async function parse(content: string, chunkBytes?: number, columns = COLUMNS) {
  const warnings: string[] = [];
  const records = await collect(parseCsv(chunksOf(content, chunkBytes), "x/data.csv", columns, (message) => warnings.push(message)));
  return { records, warnings };
}

const MESSY = [
  "id,name,note",
  'C1,"Doe, Jane","she said ""hi"""',
  "",
  'C2,"multi',
  'line",plain',
  "   ",
  "C3,too,many,fields",
  "C4,ok,",
  "",
].join("\r\n");

describe("parseCsv", () => {
  it("splits RFC 4180 fields: quoted commas, doubled quotes, newlines; numbers records and lines", async () => {
    const { records } = await parse(MESSY);
    expect(records).toEqual([
      { recordNumber: 1, lineNumber: 2, fields: ["C1", "Doe, Jane", 'she said "hi"'], raw: null },
      { recordNumber: 2, lineNumber: 4, fields: ["C2", "multi\r\nline", "plain"], raw: null },
      { recordNumber: 3, lineNumber: 7, fields: null, raw: "C3,too,many,fields" },
      { recordNumber: 4, lineNumber: 8, fields: ["C4", "ok", ""], raw: null },
    ]);
  });

  it("gives the same records whatever the chunk boundaries, and with LF endings", async () => {
    const whole = await parse(MESSY);
    for (const size of [1, 2, 3, 7]) expect(await parse(MESSY, size)).toEqual(whole);
    const lf = await parse(MESSY.replaceAll("\r\n", "\n"));
    expect(lf.records.map((record) => record.lineNumber)).toEqual([2, 4, 7, 8]);
    expect(lf.records[1].fields).toEqual(["C2", "multi\nline", "plain"]);
  });

  it("accepts a file that mixes CRLF and LF and has no final newline", async () => {
    const { records } = await parse("id,name,note\r\nA,b,c\nD,e,f\r\nG,h,i");
    expect(records.map((record) => record.fields)).toEqual([
      ["A", "b", "c"],
      ["D", "e", "f"],
      ["G", "h", "i"],
    ]);
  });

  it("maps header columns by name in any order and case, ignoring extra columns with a warning", async () => {
    const { records, warnings } = await parse("Note, ID ,extra,name\nn1,C9,x,Nine\n");
    expect(records[0].fields).toEqual(["C9", "Nine", "n1"]);
    expect(warnings).toEqual(["x/data.csv: ignoring column(s) not in the contract: extra"]);
  });

  it("keeps a stray quote inside an unquoted field as text", async () => {
    const { records } = await parse('id,name,note\nC1,O"Brien,x\n');
    expect(records[0].fields).toEqual(["C1", 'O"Brien', "x"]);
  });

  it("fails on a header that lacks a contract column", async () => {
    const error = await rejection(parse("id,name\nC1,x\n"));
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.message).toContain("x/data.csv (line 1): the header lacks column(s) note");
  });

  it("fails on an empty file (no header)", async () => {
    expect((await rejection(parse(""))).message).toContain("x/data.csv (line 1): no header row");
  });

  it("fails on a quote that is never closed, naming the line where its record starts", async () => {
    const error = (await rejection(parse('id,name,note\nC1,a,b\n\nC2,"never closed,x\nC3,a,b\n', 5))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.position).toBe("line 4, byte 21");
    expect(error.message).toContain("a quoted field is never closed");
  });
});
