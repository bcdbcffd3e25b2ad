import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheLimitBytes, DEFAULT_CACHE_LIMIT_MB, PRUNE_INTERVAL_MS, pruneCache, pruneCacheIfDue } from "../../src/compile/cache-pruning.js";
import { readCache, writeCache } from "../../src/compile/disk-cache.js";
import { UsageError } from "../../src/errors.js";

let cacheDir: string;
const environment = { dir: process.env.C360_CACHE_DIR, limit: process.env.C360_CACHE_MAX_MB };

beforeEach(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-cache-pruning-"));
});

afterEach(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  restore("C360_CACHE_DIR", environment.dir);
  restore("C360_CACHE_MAX_MB", environment.limit);
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Writes an entry of `bytes` bytes, last used `secondsAgo` before now. */
function entry(kind: string, name: string, bytes: number, secondsAgo: number): string {
  const file = path.join(cacheDir, kind, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes));
  const usedAt = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, usedAt, usedAt);
  return file;
}

describe("pruneCache", () => {
  it("removes the least recently used entries, across kinds, until the cache fits", () => {
    const oldest = entry("sqlx", "a", 400, 300);
    const older = entry("v8", "b", 300, 200);
    const recent = entry("graph", "c", 200, 100);
    const newest = entry("sqlx", "d", 100, 0);

    const result = pruneCache(cacheDir, 350);

    expect(result).toEqual({ removedEntries: 2, removedBytes: 700, keptBytes: 300 });
    expect([oldest, older, recent, newest].map((file) => fs.existsSync(file))).toEqual([false, false, true, true]);
  });

  it("keeps everything when the cache is within the limit", () => {
    const file = entry("sqlx", "a", 100, 10);
    expect(pruneCache(cacheDir, 100)).toEqual({ removedEntries: 0, removedBytes: 0, keptBytes: 100 });
    expect(fs.existsSync(file)).toBe(true);
  });

  it("treats a missing cache folder as empty", () => {
    expect(pruneCache(path.join(cacheDir, "absent"), 0)).toEqual({ removedEntries: 0, removedBytes: 0, keptBytes: 0 });
  });
});

describe("pruneCacheIfDue", () => {
  it("prunes at most once per interval", () => {
    entry("sqlx", "a", 100, 10);
    const now = Date.now();
    expect(pruneCacheIfDue(cacheDir, 0, now)?.removedEntries).toBe(1);
    entry("sqlx", "b", 100, 0);
    expect(pruneCacheIfDue(cacheDir, 0, now + PRUNE_INTERVAL_MS - 1)).toBeUndefined();
    expect(fs.existsSync(path.join(cacheDir, "sqlx", "b"))).toBe(true);
    expect(pruneCacheIfDue(cacheDir, 0, now + PRUNE_INTERVAL_MS)?.removedEntries).toBe(1);
  });
});

describe("the disk cache with pruning", () => {
  it("refreshes an entry when it is read, so pruning keeps the entry in use", () => {
    process.env.C360_CACHE_DIR = cacheDir;
    const used = entry("sqlx", "used", 100, 500);
    const unused = entry("sqlx", "unused", 100, 400);
    expect(readCache("sqlx", "used")?.length).toBe(100);

    pruneCache(cacheDir, 100);

    expect(fs.existsSync(used)).toBe(true);
    expect(fs.existsSync(unused)).toBe(false);
  });

  it("prunes before a process's first write to a cache folder, never the entry written", () => {
    process.env.C360_CACHE_DIR = cacheDir;
    process.env.C360_CACHE_MAX_MB = String(50 / (1024 * 1024));
    const stale = entry("sqlx", "stale", 100, 600);
    writeCache("sqlx", "fresh", Buffer.alloc(100));
    expect(fs.existsSync(stale)).toBe(false);
    expect(readCache("sqlx", "fresh")?.length).toBe(100);
  });
});

describe("cacheLimitBytes", () => {
  it("reads C360_CACHE_MAX_MB in megabytes, with a default", () => {
    delete process.env.C360_CACHE_MAX_MB;
    expect(cacheLimitBytes()).toBe(DEFAULT_CACHE_LIMIT_MB * 1024 * 1024);
    process.env.C360_CACHE_MAX_MB = "2";
    expect(cacheLimitBytes()).toBe(2 * 1024 * 1024);
  });

  it("rejects a limit that is not a positive number, naming the variable", () => {
    process.env.C360_CACHE_MAX_MB = "lots";
    expect(() => cacheLimitBytes()).toThrow(UsageError);
    expect(() => cacheLimitBytes()).toThrow(/C360_CACHE_MAX_MB must be a positive number of megabytes.*"lots"/);
  });
});
