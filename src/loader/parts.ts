/**
 * Finds the parts of each landing source (SOURCES.md "Parts"): the plain file
 * (`web/events.ndjson`) and any `<stem>-<suffix>.<ext>` beside it
 * (`web/events-2024-07-01.ndjson`), in part order: the plain file first, then the
 * suffixed parts by suffix in byte order.
 */
import fs from "node:fs";
import path from "node:path";
import { LandingFileError } from "../errors.js";
import type { LandingSource } from "./catalog.js";

export interface LandingPart {
  source: LandingSource;
  /** Path inside the landing folder, with '/' separators (what bronze and the manifest record). */
  file: string;
  absolutePath: string;
  /** '' for the plain file, else the text between `<stem>-` and `.<ext>`. */
  suffix: string;
  /** Size and modification time (nanoseconds since the epoch, as text) when the folder was listed. */
  sizeBytes: number;
  modifiedAt: string;
}

export function discoverParts(landingDir: string, source: LandingSource): LandingPart[] {
  const folder = path.posix.dirname(source.file);
  const plainName = path.posix.basename(source.file);
  const extension = path.posix.extname(plainName);
  const stem = plainName.slice(0, plainName.length - extension.length);
  const absoluteFolder = path.join(landingDir, ...folder.split("/"));

  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absoluteFolder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new LandingFileError(folder, "folder", `cannot list the folder: ${(error as Error).message}`, { cause: error });
  }

  const parts: LandingPart[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const suffix = partSuffix(entry.name, stem, extension);
    if (suffix === undefined) continue;
    const absolutePath = path.join(absoluteFolder, entry.name);
    const stats = fs.statSync(absolutePath, { bigint: true });
    parts.push({ source, file: `${folder}/${entry.name}`, absolutePath, suffix, sizeBytes: Number(stats.size), modifiedAt: stats.mtimeNs.toString() });
  }
  return parts.sort((left, right) => comparePartSuffixes(left.suffix, right.suffix));
}

/** The part suffix when `fileName` is a part of `<stem><extension>`, else undefined. */
export function partSuffix(fileName: string, stem: string, extension: string): string | undefined {
  if (fileName === stem + extension) return "";
  const prefix = `${stem}-`;
  if (!fileName.startsWith(prefix) || !fileName.endsWith(extension)) return undefined;
  const suffix = fileName.slice(prefix.length, fileName.length - extension.length);
  return suffix.length > 0 ? suffix : undefined;
}

/** Part order: '' (the plain file) first, then suffixes by their UTF-8 bytes. */
export function comparePartSuffixes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8"));
}
