/**
 * Keeps the disk cache (disk-cache.ts) within a size limit. Every compile after an edit adds
 * entries (a graph, the JavaScript of the edited .sqlx, V8 code), so without a limit the
 * folder only grows. A hit refreshes its entry's modification time; at most once a day, the
 * first process that writes an entry removes the least recently used entries of every kind
 * until the cache fits its limit again. Like the cache itself, pruning that fails (a file
 * another process removed first, a read-only disk) only costs time.
 */
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

/** The limit when C360_CACHE_MAX_MB is not set: a few hundred compiles of a large project. */
export const DEFAULT_CACHE_LIMIT_MB = 512;
/** Pruning lists every entry, so it runs at most this often (the stamp file records the last run). */
export const PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;
const STAMP_FILE = "last-pruned";

/** The size limit in bytes, from C360_CACHE_MAX_MB (megabytes) or the default. */
export function cacheLimitBytes(): number {
  const configured = process.env.C360_CACHE_MAX_MB;
  if (configured === undefined || configured === "") return DEFAULT_CACHE_LIMIT_MB * 1024 * 1024;
  const megabytes = Number(configured);
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new UsageError(`C360_CACHE_MAX_MB must be a positive number of megabytes (the compile cache's size limit), not "${configured}". Unset it for the default of ${DEFAULT_CACHE_LIMIT_MB}.`);
  }
  return megabytes * 1024 * 1024;
}

/** Marks an entry as just used, so pruning keeps it over older ones. */
export function touchEntry(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    return; // removed meanwhile: the next read misses
  }
}

export interface PruneResult {
  removedEntries: number;
  removedBytes: number;
  keptBytes: number;
}

interface Entry {
  file: string;
  bytes: number;
  usedAt: number;
}

/** Removes the least recently used entries under `dir` (one folder per kind) until they total at most `limitBytes`. */
export function pruneCache(dir: string, limitBytes: number): PruneResult {
  const entries = listEntries(dir).sort((left, right) => left.usedAt - right.usedAt);
  let keptBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  let removedEntries = 0;
  let removedBytes = 0;
  for (const entry of entries) {
    if (keptBytes <= limitBytes) break;
    try {
      fs.rmSync(entry.file, { force: true });
    } catch {
      continue; // still counted as kept: the limit is a goal, not a guarantee
    }
    keptBytes -= entry.bytes;
    removedBytes += entry.bytes;
    removedEntries++;
  }
  return { removedEntries, removedBytes, keptBytes };
}

function listEntries(dir: string): Entry[] {
  const entries: Entry[] = [];
  for (const kind of readDirectory(dir)) {
    if (!kind.isDirectory()) continue;
    const kindDir = path.join(dir, kind.name);
    for (const file of readDirectory(kindDir)) {
      if (!file.isFile()) continue;
      const entryFile = path.join(kindDir, file.name);
      try {
        const stats = fs.statSync(entryFile);
        entries.push({ file: entryFile, bytes: stats.size, usedAt: stats.mtimeMs });
      } catch {
        continue; // removed by another process meanwhile
      }
    }
  }
  return entries;
}

function readDirectory(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Prunes `dir` when its last pruning is older than PRUNE_INTERVAL_MS (or never happened); returns what it did, or undefined when not due. */
export function pruneCacheIfDue(dir: string, limitBytes: number, now = Date.now()): PruneResult | undefined {
  const stamp = path.join(dir, STAMP_FILE);
  let lastPruned = 0;
  try {
    lastPruned = fs.statSync(stamp).mtimeMs;
  } catch {
    lastPruned = 0; // never pruned
  }
  if (now - lastPruned < PRUNE_INTERVAL_MS) return undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(stamp, `${new Date(now).toISOString()}\n`);
    fs.utimesSync(stamp, now / 1000, now / 1000);
  } catch {
    return undefined; // cannot record the run: leave pruning to a process that can
  }
  return pruneCache(dir, limitBytes);
}
