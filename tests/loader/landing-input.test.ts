import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LandingFileError } from "../../src/errors.js";
import { firstInvalidUtf8, openLandingInput } from "../../src/loader/landing-input.js";
import { writeLanding } from "./helpers.js";

async function readAll(content: Buffer, chunkBytes: number) {
  const folder = writeLanding({ "f.txt": content });
  const input = openLandingInput(path.join(folder, "f.txt"), "f.txt", chunkBytes);
  const pieces: Buffer[] = [];
  for await (const chunk of input.chunks) pieces.push(chunk.bytes);
  return { text: Buffer.concat(pieces).toString("utf8"), digest: input.digest() };
}

describe("landing input", () => {
  it("never splits a multi-byte character, whatever the read size", async () => {
    const text = "é😀x€\nü";
    for (const size of [1, 2, 3, 5]) expect((await readAll(Buffer.from(text), size)).text).toBe(text);
  });

  it("drops a UTF-8 byte order mark and hashes the file as it is", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a,b\n")]);
    const { text, digest } = await readAll(bytes, 2);
    expect(text).toBe("a,b\n");
    expect(digest).toEqual({ sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: 7 });
  });

  it("names the line and byte of the first invalid byte", async () => {
    const bytes = Buffer.concat([Buffer.from("ok\nstill ok\nbad "), Buffer.from([0xe9]), Buffer.from("t\n")]);
    const error = await readAll(bytes, 4).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LandingFileError);
    expect((error as LandingFileError).message).toBe("f.txt (line 3, byte 16): the file is not valid UTF-8");
  });

  it("rejects a file that ends inside a character", async () => {
    const error = await readAll(Buffer.from([0x61, 0x0a, 0xf0, 0x9f]), 1).catch((caught: unknown) => caught);
    expect((error as LandingFileError).position).toBe("line 2, byte 2");
  });

  it("validates UTF-8 strictly", () => {
    expect(firstInvalidUtf8(Buffer.from("héllo 😀"))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong '/'
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0x80]))).toBe(2); // lone continuation
  });
});
