/**
 * A content-addressed cache on disk for work whose result depends only on its inputs (the
 * V8 code of the @dataform/core bundle, the JavaScript core compiles a .sqlx into, a config
 * file that passed its schema). It makes a fresh process's compile nearly as fast as a warm
 * one. Kept in $C360_CACHE_DIR, else ~/.cache/c360; C360_CACHE_DIR=off disables it. A cache
 * that cannot be read or written only costs time: the work is then done again. Its size is
 * kept within C360_CACHE_MAX_MB by cache-pruning.ts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cacheLimitBytes, pruneCacheIfDue, touchEntry } from "./cache-pruning.js";

/** The cache's folder, or undefined when C360_CACHE_DIR=off. */
export function cacheDir(): string | undefined {
  const configured = process.env.C360_CACHE_DIR;
  if (configured === "off") return undefined;
  return configured || path.join(os.homedir(), ".cache", "c360");
}

export function cacheKey(...parts: (string | Buffer)[]): string {
  const hash = crypto.createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 40);
}

export function readCache(kind: string, key: string): Buffer | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const file = path.join(dir, kind, key);
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch {
    return undefined; // absent or unreadable: a miss
  }
  touchEntry(file);
  return content;
}

/** Cache folders this process has already checked against their size limit. */
const prunedDirs = new Set<string>();

export function writeCache(kind: string, key: string, content: string | Buffer): void {
  const dir = cacheDir();
  if (!dir) return;
  if (!prunedDirs.has(dir)) {
    // Before the write, so the new entry is never the one pruned.
    prunedDirs.add(dir);
    pruneCacheIfDue(dir, cacheLimitBytes());
  }
  try {
    fs.mkdirSync(path.join(dir, kind), { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const temporary = path.join(dir, kind, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, path.join(dir, kind, key));
  } catch {
    return; // a read-only or full disk: the next process does the work again
  }
}
