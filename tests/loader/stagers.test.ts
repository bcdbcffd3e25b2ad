/**
 * The staging scanners against the framework's parsers, without a warehouse: the staged
 * file is read back as the format says (engine.ts StagedFileFormat) and must give exactly
 * the parser's records, whatever the content and wherever the chunk boundaries fall.
 * (tests/loader/fast-load.test.ts checks the same through DuckDB's own reader.)
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { BronzeRecord } from "../../src/loader/bronze-record.js";
import { parseCsv } from "../../src/loader/csv.js";
import { parseJsonArray } from "../../src/loader/json-array.js";
import { scanJsonArray } from "../../src/loader/json-array-scanner.js";
import { stageCsv } from "../../src/loader/csv-stager.js";
import { parseNdjson } from "../../src/loader/ndjson.js";
import { stageNdjson } from "../../src/loader/ndjson-stager.js";
import { NotStageable, StagedFileWriter } from "../../src/loader/staged-file.js";
import type { LandingChunk } from "../../src/loader/landing-input.js";
import { chunksOf, collect, tempDir } from "./helpers.js";

/** The content's bytes after a UTF-8 BOM, and the BOM's length (openLandingInput drops it). */
function withoutBom(content: string | Buffer): { bytes: Buffer; offset: number } {
  const bytes = Buffer.from(content);
  const offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { bytes: bytes.subarray(offset), offset };
}

/**
 * In-memory chunks as openLandingInput makes them (BOM dropped, whole characters, `size`
 * bytes or a little less), for the many small random files; the hand-picked cases go
 * through openLandingInput itself (chunksOf).
 */
async function* memoryChunks(content: string | Buffer, size: number): AsyncGenerator<LandingChunk> {
  const { bytes, offset } = withoutBom(content);
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(start + size, bytes.length);
    while (end < bytes.length && end > start + 1 && (bytes[end] & 0xc0) === 0x80) end--;
    if (end < bytes.length && (bytes[end] & 0xc0) === 0x80) while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end++;
    yield { bytes: bytes.subarray(start, end), fileOffset: offset + start };
    start = end;
  }
}

const COLUMNS = ["id", "name", "note"];

/** Rows of a staged "csv" file: an unquoted \N is null. */
function readStagedCsv(file: string): (string | null)[][] {
  return parse(fs.readFileSync(file), {
    relax_column_count: false,
    record_delimiter: "\n",
    cast: (value, context) => (!context.quoting && value === "\\N" ? null : value),
  }) as (string | null)[][];
}

/** Rows of a staged "lines" file. */
function readStagedLines(file: string): (string | null)[][] {
  const text = fs.readFileSync(file, "utf8");
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((row) => row.split("\u0001").map((field) => (field === "\\N" ? null : field)));
}

type Outcome = { records: BronzeRecord[]; warnings: string[] } | { error: string };

type Chunker = (content: string | Buffer, size: number) => AsyncIterable<LandingChunk>;

async function referenceCsv(content: string | Buffer, chunkBytes: number, chunks: Chunker = chunksOf): Promise<Outcome> {
  const warnings: string[] = [];
  try {
    return { records: await collect(parseCsv(chunks(content, chunkBytes), "x/data.csv", COLUMNS, (message) => warnings.push(message))), warnings };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function stagedCsv(content: string | Buffer, chunkBytes: number, chunks: Chunker = chunksOf): Promise<Outcome> {
  const warnings: string[] = [];
  const file = path.join(tempDir(), "staged.csv");
  const writer = new StagedFileWriter(file, "csv");
  try {
    const staged = await stageCsv(chunks(content, chunkBytes), "x/data.csv", COLUMNS, writer, (message) => warnings.push(message));
    writer.close();
    const rows = readStagedCsv(file);
    expect(rows).toHaveLength(staged.records);
    const records = rows.map(([record, line, raw, ...fields]): BronzeRecord => {
      expect(fields).toHaveLength(staged.headerLength);
      return { recordNumber: Number(record), lineNumber: Number(line), fields: raw === null ? staged.headerMap.map((position) => fields[position]) : null, raw };
    });
    return { records, warnings };
  } catch (error) {
    writer.abandon();
    return { error: (error as Error).message };
  }
}

async function expectSameCsv(content: string | Buffer, chunkBytes: number, chunks: Chunker = chunksOf): Promise<void> {
  const reference = await referenceCsv(content, chunkBytes, chunks);
  const staged = await stagedCsv(content, chunkBytes, chunks);
  if ("error" in reference) expect(staged, `staging must fail where the parser fails: ${JSON.stringify(content)}`).toHaveProperty("error");
  else expect(staged, JSON.stringify(content)).toEqual(reference);
}

/** A deterministic pseudo-random generator (mulberry32), so every run checks the same files. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const CSV_FIELDS = ["", "a", "bc", " ", "  x ", '"q"', '"q,""r"', '"multi\nline"', '"cr\r\nlf"', '"lone\rcr"', 'x"y', '"ab"c', '"a""b"c', '""a', 'ab"', '"ab"\rz', "a\rb", "\\N", '"\\N"', "é😀", "\t", "\u00a0", "\u000b", '""', "\u0000", '"x"\r'];
const LINE_ENDS = ["\n", "\r\n", "\n", "\r\n", "\r", "\n\n", "\r\n  \r\n", "\n\t\n"];

function randomCsv(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const header = pick(["id,name,note", "Note, ID ,name", "id,name,note,extra", "\n\r\nid,name,note", "\ufeffid,name,note"]);
  let text = header + pick(["\n", "\r\n"]);
  const records = Math.floor(next() * 12);
  for (let record = 0; record < records; record++) {
    const fields = 1 + Math.floor(next() * 5);
    text += Array.from({ length: fields }, () => pick(CSV_FIELDS)).join(",");
    text += record === records - 1 && next() < 0.3 ? "" : pick(LINE_ENDS);
  }
  return text;
}

describe("the CSV staging scanner", () => {
  it("stages exactly the parser's records for hand-picked awkward records, at every chunk size", async () => {
    const awkward = [
      '\ufeffNote, ID ,name,extra\r\n',
      'n1,C1,"Doe, ""JD""",x\r\n',
      "\r\n   \n\t\r\n\r\r\n",
      'n2,C2,"two\r\nlines",x\n',
      "short,row\n",
      'n3,C3,O"Brien,x\n',
      'n4,C4,"abc"def,x\n',
      'n5,C5,"a""b"c,x\n',
      "n6,C6,a\rb,x\r\n",
      "n7,\\N,\"\\N\",x\n",
      "\u00a0\n",
      '""\n',
      "\u000b\n",
      "n8,C8,é😀€,x,too,many\n",
      'n9,C9,"ab"\rz,x\n',
      "n10,C10,last,x",
    ].join("");
    for (const size of [1, 2, 3, 5, 8, 13, 1 << 20]) await expectSameCsv(awkward, size);
    const staged = await stagedCsv(awkward, 7);
    expect(staged).toMatchObject({ warnings: ["x/data.csv: ignoring column(s) not in the contract: extra"] });
  });

  it("stages exactly the parser's records for 400 random files", async () => {
    const next = random(20240630);
    for (let file = 0; file < 400; file++) await expectSameCsv(randomCsv(next), 1 + Math.floor(next() * 40), memoryChunks);
  });

  it("fails where the parser fails: an unclosed quote, no header, a missing column", async () => {
    for (const content of ['id,name,note\nC1,"never closed,x\n', "", "\n\n", "id,name\nC1,x\n"]) {
      expect(await referenceCsv(content, 4)).toHaveProperty("error");
      expect(await stagedCsv(content, 4)).toHaveProperty("error");
    }
  });

  it("refuses a record longer than a staged row may be", async () => {
    const long = `id,name,note\nC1,"${"x".repeat(1_100_000)}",y\n`;
    const file = path.join(tempDir(), "staged.csv");
    const writer = new StagedFileWriter(file, "csv");
    await expect(stageCsv(chunksOf(long), "x/data.csv", COLUMNS, writer, () => {})).rejects.toBeInstanceOf(NotStageable);
    writer.abandon();
  });
});

async function referenceNdjson(content: string | Buffer, chunkBytes: number, chunks: Chunker = chunksOf): Promise<BronzeRecord[]> {
  return collect(parseNdjson(chunks(content, chunkBytes)));
}

async function stagedNdjson(content: string | Buffer, chunkBytes: number, chunks: Chunker = chunksOf): Promise<BronzeRecord[] | { error: string }> {
  const file = path.join(tempDir(), "staged.lines");
  const writer = new StagedFileWriter(file, "lines");
  try {
    const records = await stageNdjson(chunks(content, chunkBytes), writer);
    writer.close();
    const rows = readStagedLines(file);
    expect(rows).toHaveLength(records);
    return rows.map(([record, line, raw]) => ({ recordNumber: Number(record), lineNumber: Number(line), fields: [], raw }));
  } catch (error) {
    writer.abandon();
    if (!(error instanceof NotStageable)) throw error;
    return { error: error.message };
  }
}

describe("the NDJSON staging scanner", () => {
  it("stages exactly the parser's records: blank lines by trim(), CRLF, invalid JSON, unicode, no final newline", async () => {
    const content = ['{"a":1}', "", "   ", "\t", "\u00a0\u3000", "\r", ' {"b":2} ', "{not json", '["x"]', "é😀", "\ufeff", '{"c":"d"}\r', "x"].join("\n");
    const whole = await referenceNdjson(content, 1 << 20);
    expect(whole.map((record) => record.lineNumber)).toEqual([1, 7, 8, 9, 10, 12, 13]);
    for (const size of [1, 2, 3, 5, 1 << 20]) expect(await stagedNdjson(content, size)).toEqual(whole);
  });

  it("stages random files exactly as the parser reads them", async () => {
    const next = random(7);
    const lines = ['{"a":1}', "", " ", "\t\t", "\u00a0", "{x", "é", "[1,2]", '"s"', "\u2028"];
    for (let file = 0; file < 300; file++) {
      const count = Math.floor(next() * 10);
      const text = Array.from({ length: count }, () => lines[Math.floor(next() * lines.length)] + (next() < 0.3 ? "\r" : "")).join(next() < 0.5 ? "\n" : "\r\n");
      const staged = await stagedNdjson(text, 1 + Math.floor(next() * 9), memoryChunks);
      // A '\r' inside a line (not before its line feed) cannot be staged: the loader falls back then.
      if ("error" in staged) expect(staged.error).toMatch(/carriage return/);
      else expect(staged).toEqual(await referenceNdjson(text, 64, memoryChunks));
    }
  });

  it("refuses lines the lines format cannot carry", async () => {
    for (const line of ["a\rb", "a\u0001b", "\\N"]) expect(await stagedNdjson(`{"ok":1}\n${line}\n`, 3)).toHaveProperty("error");
  });
});

/** Chunks cut at any byte, even inside a character (the scanner must not care where). */
async function* anyByteChunks(content: string | Buffer, size: number): AsyncGenerator<LandingChunk> {
  const { bytes, offset } = withoutBom(content);
  for (let start = 0; start < bytes.length; start += size) yield { bytes: bytes.subarray(start, start + size), fileOffset: offset + start };
}

async function referenceJsonArray(content: string | Buffer): Promise<BronzeRecord[] | { error: string }> {
  try {
    return await collect(parseJsonArray(memoryChunks(content, 1 << 20), "x/data.json"));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function scannedJsonArray(content: string | Buffer, chunkBytes: number, chunks: Chunker = memoryChunks): Promise<BronzeRecord[] | { error: string }> {
  try {
    return await collect(scanJsonArray(chunks(content, chunkBytes)));
  } catch (error) {
    if (!(error instanceof NotStageable)) throw error;
    return { error: error.message };
  }
}

describe("the JSON-array staging scanner", () => {
  it("finds exactly the parser's records in awkward arrays, at every chunk size", async () => {
    const awkward = [
      '\ufeff \r\n[\r\n',
      '  {"id":1,"note":"a, b ] } { [ \\" \\\\","n":null} ,\n',
      '{"nested":{"deep":[1,[2,{"x":"]"}]]},"e":"\\u00e9 é😀 \\/"}\t,',
      '\n\n  "a string \\\\",-1.5e3 , true,false,null, [] ,{},',
      '["x", {"y": [ ] } ]\r\n',
      "]\n\r\n",
    ].join("");
    const reference = await referenceJsonArray(awkward);
    expect(Array.isArray(reference) && reference.length).toBe(10);
    for (const size of [1, 2, 3, 5, 8, 13, 64, 1 << 20]) {
      expect(await scannedJsonArray(awkward, size), `chunks of ${size}`).toEqual(reference);
      expect(await scannedJsonArray(awkward, size, anyByteChunks), `chunks of ${size} bytes`).toEqual(reference);
    }
    expect(await scannedJsonArray("[]", 1)).toEqual([]);
  });

  it("finds exactly the parser's records in 400 random arrays, and stages every one of them", async () => {
    const next = random(1997);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const whitespace = ["", " ", "\n", "\r\n", "\t", "\n  "];
    const strings = ['"plain"', '"with \\"quote\\""', '"back\\\\slash\\\\"', '"é😀\u2028"', '"]},["', '"\\u0041\\n"', '""'];
    const value = (depth: number): string => {
      // 0–3 scalars (strings twice as often: they hold the escapes), 4 an object, 5 an array.
      const kind = Math.floor(next() * (depth > 2 ? 4 : 6));
      if (kind === 0 || kind === 3) return pick(strings);
      if (kind === 1) return pick(["0", "-12", "3.25", "1e400", "-0.0E-2"]);
      if (kind === 2) return pick(["true", "false", "null"]);
      const entries = Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      const inner = (kind === 4 ? entries.map((entry, index) => `${pick(whitespace)}"k${index}"${pick(whitespace)}:${pick(whitespace)}${entry}`) : entries.map((entry) => pick(whitespace) + entry)).join(",");
      return kind === 4 ? `{${inner}${pick(whitespace)}}` : `[${inner}${pick(whitespace)}]`;
    };
    for (let file = 0; file < 400; file++) {
      const elements = Array.from({ length: Math.floor(next() * 6) }, () => pick(whitespace) + value(0) + pick(whitespace));
      const text = (next() < 0.2 ? "\ufeff" : "") + pick(whitespace) + "[" + elements.join(",") + "]" + pick(whitespace);
      const reference = await referenceJsonArray(text);
      expect(reference, text).toBeInstanceOf(Array);
      expect(await scannedJsonArray(text, 1 + Math.floor(next() * 40), next() < 0.5 ? memoryChunks : anyByteChunks), text).toEqual(reference);
    }
  });

  it("gives up (the loader then uses the parser) wherever the parser fails, and on elements too long to stage", async () => {
    const invalid: (string | Buffer)[] = [
      "",
      "  ",
      '{"not":"an array"}',
      "[",
      '[{"a":1}',
      '[{"a":1},]',
      '[{"a":1}}, {"b":2}]',
      '[{"a":1} {"b":2}]',
      '[{"a":1]',
      "[1 2]",
      '["a" "b"]',
      "[,1]",
      "[1,,2]",
      "[] x",
      '[{"a":01}]',
      '[{"a":"raw\ttab"}]',
      '[{"a":"raw\nline"}]',
      '[{"a":1}\u00a0]',
      '["\\x"]',
      "[True]",
      Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]),
      Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}]')]),
    ];
    for (const content of invalid) {
      expect(await referenceJsonArray(content), JSON.stringify(String(content))).toHaveProperty("error");
      for (const size of [1, 3, 1 << 20]) expect(await scannedJsonArray(content, size, anyByteChunks), JSON.stringify(String(content))).toHaveProperty("error");
    }
    const long = `[{"a":"${"x".repeat(2_100_000)}"}]`;
    expect(await referenceJsonArray(long)).toBeInstanceOf(Array);
    expect(await scannedJsonArray(long, 1 << 16)).toHaveProperty("error");
  });
});
