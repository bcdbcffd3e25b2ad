/**
 * Reads a landing file as a stream of byte chunks that are guaranteed to be valid UTF-8,
 * hashing it on the way (the load manifest's checksum costs no second pass).
 *
 * Every format parser sits on top of this, so "not UTF-8" fails the same way everywhere:
 * a LandingFileError naming the byte offset and line of the first invalid sequence.
 */
import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import { LandingFileError } from "../errors.js";
import { faultPoint } from "../faults.js";

/** Read size: large enough for throughput, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface LandingChunk {
  /** Valid UTF-8 bytes, never splitting a multi-byte character, BOM removed. */
  bytes: Buffer;
  /** Byte offset of bytes[0] in the file (the BOM, when present, counts). */
  fileOffset: number;
}

export interface LandingInput {
  chunks: AsyncIterable<LandingChunk>;
  /** sha256 (hex) and size of the whole file; valid once chunks has been fully consumed. */
  digest(): { sha256: string; sizeBytes: number };
}

/**
 * Opens `absolutePath` for streaming. `displayPath` names the file in errors (the path
 * inside the landing folder, which is what a user recognises). Tests pass tiny
 * `chunkBytes` to put chunk boundaries inside characters, quotes and records.
 */
export function openLandingInput(absolutePath: string, displayPath: string, chunkBytes = CHUNK_BYTES): LandingInput {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  let finished = false;
  return {
    chunks: validatedChunks(absolutePath, displayPath, chunkBytes, hash, (size) => {
      sizeBytes = size;
      finished = true;
    }),
    digest() {
      if (!finished) throw new Error(`digest of ${displayPath} requested before the file was read to the end`);
      return { sha256: hash.digest("hex"), sizeBytes };
    },
  };
}

async function* validatedChunks(
  absolutePath: string,
  displayPath: string,
  chunkBytes: number,
  hash: Hash,
  onEnd: (sizeBytes: number) => void,
): AsyncGenerator<LandingChunk> {
  // A part that changes while it is read would be loaded half old, half new: compared at the end.
  const before = statOf(absolutePath, displayPath);
  const stream = fs.createReadStream(absolutePath, { highWaterMark: chunkBytes });
  let halfPassed = false;
  // Bytes of a character split across two reads wait here for the rest of it.
  let carry = Buffer.alloc(0);
  let offset = 0;
  let newlinesBefore = 0;
  let first = true;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      hash.update(read);
      let bytes = carry.length > 0 ? Buffer.concat([carry, read]) : read;
      let chunkOffset = offset - carry.length;
      offset += read.length;
      if (!halfPassed && offset * 2 >= Number(before.size)) {
        halfPassed = true;
        faultPoint("load.read-half", absolutePath);
      }
      if (first) {
        if (bytes.length < 3 && UTF8_BOM.subarray(0, bytes.length).equals(bytes)) {
          carry = Buffer.from(bytes); // maybe a BOM cut by the read size: decide with more bytes
          continue;
        }
        first = false;
        if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
          bytes = bytes.subarray(3);
          chunkOffset += 3;
        }
      }
      const complete = completeCharactersLength(bytes);
      // Node's native check first (it holds to the same RFC 3629 rules); the byte-by-byte one only finds where.
      const invalidAt = isUtf8(bytes.subarray(0, complete)) ? -1 : firstInvalidUtf8(bytes.subarray(0, complete));
      if (invalidAt >= 0) throw notUtf8(displayPath, chunkOffset + invalidAt, newlinesBefore + countNewlines(bytes, 0, invalidAt) + 1);
      carry = Buffer.from(bytes.subarray(complete));
      const valid = bytes.subarray(0, complete);
      newlinesBefore += countNewlines(valid, 0, valid.length);
      if (valid.length > 0) yield { bytes: valid, fileOffset: chunkOffset };
    }
  } catch (error) {
    if (error instanceof LandingFileError) throw error;
    throw new LandingFileError(displayPath, "byte 0", `cannot read the file: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
  const after = statOf(absolutePath, displayPath);
  if (after.size !== before.size || after.mtimeNs !== before.mtimeNs || offset !== Number(before.size)) {
    throw new LandingFileError(
      displayPath,
      `byte ${offset}`,
      `the file changed while it was read (${before.size} bytes when opened, ${after.size} now): nothing of it was loaded. Deliver parts complete (write, then move into the landing folder) and load again`,
    );
  }
  if (carry.length > 0) {
    // The file ends inside a multi-byte character: truncated or not UTF-8.
    throw notUtf8(displayPath, offset - carry.length, newlinesBefore + 1);
  }
  onEnd(offset);
}

function notUtf8(displayPath: string, byteOffset: number, line: number): LandingFileError {
  return new LandingFileError(displayPath, `line ${line}, byte ${byteOffset}`, "the file is not valid UTF-8");
}

export function countNewlines(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a, from); index >= 0 && index < to; index = bytes.indexOf(0x0a, index + 1)) count++;
  return count;
}

/** Length of the prefix of `bytes` that does not end inside a (possibly valid) multi-byte character. */
function completeCharactersLength(bytes: Uint8Array): number {
  // A UTF-8 character is at most 4 bytes: look back at most 3 bytes for a lead byte.
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * Offset of the first byte that starts an invalid UTF-8 sequence, or -1 when all of
 * `bytes` is valid (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  const length = bytes.length;
  while (index < length) {
    const lead = bytes[index];
    if (lead < 0x80) {
      index++;
      continue;
    }
    let needed: number;
    let min: number;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      needed = 1;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      min = lead === 0xe0 ? 0xa0 : 0x80;
      if (lead === 0xed) max = 0x9f; // no UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      min = lead === 0xf0 ? 0x90 : 0x80;
      if (lead === 0xf4) max = 0x8f;
    } else {
      return index;
    }
    if (index + needed >= length) return index; // sequence cut short by the end
    const second = bytes[index + 1];
    if (second < min || second > max) return index;
    for (let next = 2; next <= needed; next++) {
      if ((bytes[index + next] & 0xc0) !== 0x80) return index;
    }
    index += needed + 1;
  }
  return -1;
}

/** sha256 (hex) and size of a file, streamed (to check that a loaded part is unchanged). */
function statOf(absolutePath: string, displayPath: string): fs.BigIntStats {
  try {
    return fs.statSync(absolutePath, { bigint: true });
  } catch (error) {
    throw new LandingFileError(displayPath, "byte 0", `cannot read the file: ${(error as Error).message}`, { cause: error });
  }
}

export async function digestFile(absolutePath: string, displayPath: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  try {
    for await (const read of fs.createReadStream(absolutePath, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      hash.update(read);
      sizeBytes += read.length;
    }
  } catch (error) {
    throw new LandingFileError(displayPath, "byte 0", `cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}
