/** Shared helpers of the loader tests: temporary landing files and parsing them whole. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BronzeRecord } from "../../src/loader/bronze-record.js";
import { openLandingInput, type LandingChunk } from "../../src/loader/landing-input.js";

export function tempDir(prefix = "c360-loader-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `files` (path inside the folder → content) under a new temporary folder. */
export function writeLanding(files: Record<string, string | Buffer>, folder = tempDir()): string {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(folder, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return folder;
}

/** Chunks of a file written with `content`, `chunkBytes` at a time. */
export function chunksOf(content: string | Buffer, chunkBytes = 1 << 20): AsyncIterable<LandingChunk> {
  const folder = writeLanding({ "file.txt": content });
  return openLandingInput(path.join(folder, "file.txt"), "file.txt", chunkBytes).chunks;
}

export async function collect(records: AsyncIterable<BronzeRecord>): Promise<BronzeRecord[]> {
  const all: BronzeRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
