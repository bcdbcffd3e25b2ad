import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DuckDbEngine } from "../../../src/engines/duckdb/duckdb-engine.js";
import type { LoadColumn, StagedFileLoad } from "../../../src/engines/engine.js";
import { ExecutionError } from "../../../src/errors.js";
import { openMemoryEngine } from "../../helpers/memory-engine.js";

let engine: DuckDbEngine;
let folder: string;
const target = { schema: "raw_x", name: "things" };
const columns: LoadColumn[] = [
  { name: "_source_file", type: "text" },
  { name: "n", type: "integer" },
  { name: "a", type: "text" },
  { name: "b", type: "text" },
];

beforeEach(async () => {
  engine = await openMemoryEngine({ connections: 1 });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "c360-staged-"));
});
afterEach(async () => {
  await engine.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

function staged(content: string | Buffer, request: Partial<StagedFileLoad> = {}): StagedFileLoad {
  const file = path.join(folder, `staged-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, content);
  return {
    target,
    columns,
    file,
    format: "csv",
    fileColumns: ["integer", "text", "text"],
    sources: [{ constant: "x/it's.csv" }, { fileColumn: 0 }, { fileColumn: 2 }, { fileColumn: 1 }],
    rows: content.toString().split("\n").length - 1,
    mode: "append",
    ...request,
  };
}

async function things() {
  return engine.query(`select * from raw_x.things order by n`);
}

describe("DuckDB loadStagedFile", () => {
  it("reads the csv format: quoting, \\N as NULL, empty as '', newlines and NUL inside quotes, constants and column order", async () => {
    const written = await engine.loadStagedFile(staged('1,\\N,""\n2,"\\N",\n3,"a ""q"", b\r\nc","x\u0000y"\n4, sp ,é😀\n', { rows: 4 }));
    expect(written).toBe(4);
    expect(await things()).toEqual([
      { _source_file: "x/it's.csv", n: 1, a: "", b: null },
      { _source_file: "x/it's.csv", n: 2, a: "", b: "\\N" },
      { _source_file: "x/it's.csv", n: 3, a: "x\u0000y", b: 'a "q", b\r\nc' },
      { _source_file: "x/it's.csv", n: 4, a: "é😀", b: " sp " },
    ]);
  });

  it("reads the lines format: 0x01 separators, quotes and commas as text", async () => {
    const request = staged('1\u0001{"a": "b, \\"c\\""}\n2\u0001\\N\n', { format: "lines", fileColumns: ["integer", "text"], sources: [{ constant: "f" }, { fileColumn: 0 }, { fileColumn: 1 }, { constant: null }] });
    expect(await engine.loadStagedFile(request)).toBe(2);
    expect(await things()).toEqual([
      { _source_file: "f", n: 1, a: '{"a": "b, \\"c\\""}', b: null },
      { _source_file: "f", n: 2, a: null, b: null },
    ]);
  });

  it("creates the target like load, replaces or appends", async () => {
    await engine.loadStagedFile(staged("1,a,b\n"));
    await engine.loadStagedFile(staged("2,a,b\n"));
    expect((await things()).map((row) => row.n)).toEqual([1, 2]);
    await engine.loadStagedFile(staged("3,a,b\n", { mode: "replace" }));
    expect((await things()).map((row) => row.n)).toEqual([3]);
    expect((await engine.describeTable(target))?.map((column) => `${column.name} ${column.type}`)).toEqual(["_source_file VARCHAR", "n BIGINT", "a VARCHAR", "b VARCHAR"]);
  });

  it("fails, naming the file, when the reader finds another number of rows or a row it cannot read", async () => {
    const short = staged("1,a,b\n2,a,b\n", { rows: 3 });
    await expect(engine.loadStagedFile(short)).rejects.toThrow(new ExecutionError("load raw_x.things", `read 2 rows from staged file ${short.file}, which holds 3`));
    const lone = staged("1,a\rb,c\n");
    const error = await engine.loadStagedFile(lone).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as Error).message).toContain(`cannot read staged file ${lone.file}`);
  });

  it("inside a transaction, a failed read rolls back and leaves the connection as it was", async () => {
    await engine.loadStagedFile(staged("1,a,b\n"));
    await expect(
      engine.transaction(async () => {
        await engine.loadStagedFile(staged("2,a,b\n"));
        await engine.loadStagedFile(staged("3,too,many,fields\n"));
      }),
    ).rejects.toThrow(ExecutionError);
    expect((await things()).map((row) => row.n)).toEqual([1]);
    expect(await engine.query("select current_setting('preserve_insertion_order') as kept")).toEqual([{ kept: true }]);
  });
});
