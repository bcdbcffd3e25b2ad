/**
 * The compiled graph of the last compile, kept on disk (like dbt's partial_parse.msgpack), so
 * a process whose project has not changed prints it without loading @dataform/core at all.
 *
 * An entry is found by what does not need the file system: the c360 code that runs, Node's
 * version, c360's own @dataform/core (whose protocol buffers decode the graph), the project
 * folder, the vars and the settings overrides. It is used only if everything the compile
 * observed still holds (fs-observations.ts): every folder it listed lists the same entries
 * (so a new or deleted file misses), every path it looked for is still there or still absent,
 * every file it read (definitions, includes, dataform.json or workflow_settings.yaml, files
 * and packages the project requires, the core bundle and its package.json) has the same
 * content. A compile that failed, or whose code read the clock, drew a random number or
 * printed, is not stored. A missing, partial or unreadable entry is a miss.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { codeIdentity } from "./code-identity.js";
import { cacheKey, readCache, writeCache } from "./disk-cache.js";
import { type FsObservationRecord, observationsHold } from "./fs-observations.js";
import type { CompiledGraph } from "./graph-types.js";

const FORMAT = 1;
const KIND = "graph";

export interface CompileResult {
  graph: CompiledGraph;
  warnings: string[];
  /** Whether the graph came from the graph cache (core did not run). */
  reusedGraph: boolean;
}

interface GraphCacheEntry extends Omit<CompileResult, "reusedGraph"> {
  format: number;
  key: string;
  observations: FsObservationRecord;
}

/** JSON with object keys sorted, so that `--vars a=1 b=2` and `--vars b=2 a=1` find the same entry. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === "object" && !Array.isArray(field) ? Object.fromEntries(Object.entries(field).sort(([left], [right]) => (left < right ? -1 : 1))) : field,
  );
}

/** The manifests of the packages that decode core's answer (c360's own core for its protocol buffers, protobufjs). */
function decoderManifests(): Buffer[] {
  const nodeRequire = createRequire(import.meta.url);
  return ["@dataform/core/package.json", "protobufjs/package.json"].map((manifest) => fs.readFileSync(nodeRequire.resolve(manifest)));
}

/** The key of a compile's entry: everything it depends on other than the project's files. */
export function graphCacheKey(projectDir: string, override: Record<string, unknown>): string {
  return cacheKey(KIND, String(FORMAT), codeIdentity(), process.version, ...decoderManifests(), projectDir, stableJson(override));
}

function isEntry(value: unknown, key: string): value is GraphCacheEntry {
  const entry = value as Partial<GraphCacheEntry> | null;
  const observations = entry?.observations;
  return (
    entry?.format === FORMAT &&
    entry.key === key &&
    typeof entry.graph === "object" &&
    entry.graph !== null &&
    Array.isArray(entry.warnings) &&
    typeof observations === "object" &&
    observations !== null &&
    [observations.listed, observations.kinds, observations.read].every((part) => typeof part === "object" && part !== null)
  );
}

/** The stored result of the compile with this key, if nothing it observed has changed. */
export function readCachedCompile(key: string): CompileResult | undefined {
  const stored = readCache(KIND, key);
  if (!stored) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(stored.toString("utf8"));
  } catch {
    return undefined; // not JSON (cut short, or another format): compile again
  }
  if (!isEntry(entry, key) || !observationsHold(entry.observations)) return undefined;
  return { graph: entry.graph, warnings: entry.warnings, reusedGraph: true };
}

export function writeCachedCompile(key: string, observations: FsObservationRecord, result: CompileResult): void {
  const entry: GraphCacheEntry = { format: FORMAT, key, observations, graph: result.graph, warnings: result.warnings };
  writeCache(KIND, key, JSON.stringify(entry));
}
