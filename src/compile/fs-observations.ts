/**
 * What a compile learnt from the file system: the folders it listed, the paths whose kind it
 * checked (file, folder or nothing) and the files it read. Core reads nothing itself (every
 * file reaches it through c360's require), so a compile is a function of these observations,
 * its options and the code that ran: if each observation still holds, the compile would give
 * the same graph again (graph-cache.ts). Observing more than needed only costs a miss.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export type PathKind = "file" | "dir" | "none";

export interface FsObservationRecord {
  /** Folder → its entries, each name with "/" appended when it is a folder, sorted. */
  listed: Record<string, string[]>;
  /** Path → what it was. */
  kinds: Record<string, PathKind>;
  /** File → sha256 of its content. */
  read: Record<string, string>;
}

export function contentHash(content: string | Buffer): string {
  return crypto.createHash("sha256").update(content).digest("hex");
}

function kindOf(filePath: string): PathKind {
  try {
    const stat = fs.statSync(filePath);
    return stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "none";
  } catch {
    return "none";
  }
}

function entriesOf(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

function describeEntries(entries: fs.Dirent[]): string[] {
  return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
}

/** Records what is asked of the file system while answering it. Paths are absolute. */
export class FsObserver {
  private readonly listed = new Map<string, string[]>();
  private readonly kinds = new Map<string, PathKind>();
  private readonly read = new Map<string, string>();

  kind(filePath: string): PathKind {
    const kind = kindOf(filePath);
    this.kinds.set(filePath, kind);
    return kind;
  }

  isFile(filePath: string): boolean {
    return this.kind(filePath) === "file";
  }

  readText(filePath: string): string {
    const content = fs.readFileSync(filePath);
    this.noteRead(filePath, contentHash(content));
    return content.toString("utf8");
  }

  /** A file read elsewhere (e.g. the core bundle, read once per process), by its content's contentHash(). */
  noteRead(filePath: string, hash: string): void {
    this.read.set(filePath, hash);
  }

  /** The folder's entries, sorted by name. */
  list(dir: string): fs.Dirent[] {
    const entries = entriesOf(dir);
    this.listed.set(dir, describeEntries(entries));
    return entries;
  }

  /** Adds another observer's observations (e.g. those made once when the vm was created). */
  include(other: FsObservationRecord): void {
    for (const [dir, names] of Object.entries(other.listed)) this.listed.set(dir, names);
    for (const [filePath, kind] of Object.entries(other.kinds)) this.kinds.set(filePath, kind);
    for (const [filePath, hash] of Object.entries(other.read)) this.read.set(filePath, hash);
  }

  record(): FsObservationRecord {
    const sorted = <T>(map: Map<string, T>) => Object.fromEntries([...map].sort(([left], [right]) => (left < right ? -1 : 1)));
    return { listed: sorted(this.listed), kinds: sorted(this.kinds), read: sorted(this.read) };
  }
}

/**
 * Whether every observation still holds: each folder lists the same entries, each path is
 * still what it was, each file has the same content. The first difference answers.
 */
export function observationsHold(record: FsObservationRecord): boolean {
  for (const [filePath, kind] of Object.entries(record.kinds)) {
    if (kindOf(filePath) !== kind) return false;
  }
  for (const [dir, names] of Object.entries(record.listed)) {
    let entries: fs.Dirent[];
    try {
      entries = entriesOf(dir);
    } catch {
      return false;
    }
    const now = describeEntries(entries);
    if (now.length !== names.length || now.some((name, index) => name !== names[index])) return false;
  }
  for (const [filePath, hash] of Object.entries(record.read)) {
    let content: Buffer;
    try {
      content = fs.readFileSync(filePath);
    } catch {
      return false;
    }
    if (contentHash(content) !== hash) return false;
  }
  return true;
}

/** A record's paths, relative to the project where inside it (for messages and tests). */
export function observedPaths(record: FsObservationRecord, projectDir: string): string[] {
  const relative = (filePath: string) => (filePath.startsWith(projectDir + path.sep) ? path.relative(projectDir, filePath) : filePath);
  return [...new Set([...Object.keys(record.listed), ...Object.keys(record.kinds), ...Object.keys(record.read)].map(relative))].sort();
}
