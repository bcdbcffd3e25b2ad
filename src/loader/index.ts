/**
 * The seed loader: a landing folder (SOURCES.md) → bronze tables, one per landing source,
 * through the Engine interface only (so every warehouse loads the same rows).
 *
 * Incremental by default: the load manifest lists the parts already in bronze, and only
 * the others are appended, each in one transaction with its manifest row. `fullRefresh`
 * reloads all parts. A listed part whose bytes changed is an error; a part that left the
 * folder keeps its rows (landing zones are often archived).
 *
 * Atomic (ARCHITECTURE.md "Loads are atomic"): a table rebuilt — every table on a full
 * refresh, or one whose layout changed or whose rows disagree with the manifest — is
 * loaded into a staging table beside it (loading-tables.ts) and swapped in with the new
 * manifest only when every part has loaded. A failed or killed load leaves bronze and the
 * manifest as they were.
 *
 * Reading: the framework's parsers are the reference and work on every engine. Where the
 * engine has its own bulk reader (Engine.loadStagedFile), CSV and NDJSON parts are staged
 * as plain files it reads instead, with identical bronze rows (tests/loader/fast-load.test.ts);
 * a part that cannot be staged falls back to the framework's parser.
 */
import fs from "node:fs";
import path from "node:path";
import type { Engine, TableRef } from "../engines/engine.js";
import { LandingFileError } from "../errors.js";
import type { LandingSource } from "./catalog.js";
import { digestFile } from "./landing-input.js";
import { faultPoint } from "../faults.js";
import { countRows, dropLoadingTables, dropLoadingTablesAfterFailure, loadingTableOf } from "./loading-tables.js";
import { MANIFEST_TABLE, readManifest, recordModificationTime, upgradeManifest, writeManifest, type ManifestEntry } from "./manifest.js";
import { loadParsedPart, loadStagedPart, manifestEntry, type LoadedPart, type PartLoadContext } from "./part-load.js";
import { bronzeColumns } from "./part-rows.js";
import { discoverParts, type LandingPart } from "./parts.js";
import { StagingQueue } from "./staging-queue.js";

export { MANIFEST_TABLE } from "./manifest.js";

export interface FileLoadReport {
  /** Path inside the landing folder. */
  file: string;
  /** schema.table of the bronze table. */
  table: string;
  partSuffix: string;
  /** loaded: read now; unchanged: loaded by an earlier build, checksum verified, skipped. */
  status: "loaded" | "unchanged";
  records: number;
  sizeBytes: number;
  /** Seconds spent reading and loading the part (0 for unchanged parts). */
  seconds: number;
  /** Loaded parts: who split the records, the engine's own reader (from a staged file) or the framework's parser. */
  reader?: "engine" | "framework";
}

export interface TableLoadReport {
  table: string;
  /** Parts present in the landing folder. */
  parts: number;
  /** Rows the manifest records for the table (every part ever loaded since the last refresh). */
  records: number;
}

export interface LoadReport {
  landingDir: string;
  /** True when every bronze table was rebuilt (asked for, or the landing folder changed). */
  fullRefresh: boolean;
  files: FileLoadReport[];
  tables: TableLoadReport[];
  warnings: string[];
  seconds: number;
}

export interface LoadOptions {
  fullRefresh?: boolean;
  /** Called once per part, after it is loaded or verified unchanged (for progress output). */
  onFile?: (report: FileLoadReport) => void;
  /** Called once before the first part is read: how many parts and bytes are to be read (for progress output). */
  onPlan?: (toRead: { parts: number; bytes: number }) => void;
  /** Rows per engine.load call. */
  batchRows?: number;
  /** false: always read through the framework's parsers, even where the engine has its own reader. */
  engineReader?: boolean;
  /**
   * true: checksum every part loaded before, to prove it unchanged. By default a part whose
   * size and modification time are those the manifest recorded is taken as unchanged without
   * reading it (the quick check of rsync and make); only the others are checksummed.
   */
  verifyChecksums?: boolean;
}

const DEFAULT_BATCH_ROWS = 100_000;

/** Loads the parts of `sources` (the project's c360.json `sources`) found in `landingDir`. */
export async function loadLandingFolder(engine: Engine, landingDir: string, sources: readonly LandingSource[], options: LoadOptions = {}): Promise<LoadReport> {
  const started = performance.now();
  const landing = path.resolve(landingDir);
  if (!fs.existsSync(landing) || !fs.statSync(landing).isDirectory()) throw new LandingFileError(landingDir, "folder", "the landing folder does not exist");
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  // Everything that can fail without touching the warehouse is checked first.
  const partsBySource = new Map(sources.map((source) => [source, discoverParts(landing, source)] as const));
  for (const [source, parts] of partsBySource) {
    if (source.required && parts.length === 0) throw new LandingFileError(source.file, "file not found", `required file of source system ${source.system} is missing from ${landingDir}`);
  }
  warnAbsentSystems(partsBySource, warn);

  // The manifest's and the bronze tables' layouts in one round trip, for the lookups below: at
  // 100 k persons each lookup alone took 10-46 ms of a daily load's 0.6 s.
  if (!options.fullRefresh) await engine.describeTables?.([MANIFEST_TABLE, ...sources.map((source) => ({ schema: source.schema, name: source.table }))]);
  await upgradeManifest(engine);
  let manifest = await readManifest(engine);
  let fullRefresh = options.fullRefresh ?? false;
  const previousFolder = manifest.find((entry) => entry.landingDir !== landing)?.landingDir;
  if (!fullRefresh && previousFolder !== undefined) {
    warn(`bronze was loaded from ${previousFolder}; reloading everything from ${landing}`);
    fullRefresh = true;
  }
  await engine.ensureSchema(MANIFEST_TABLE.schema);
  const schemas = [...new Set(sources.map((source) => source.schema))];
  for (const schema of schemas) await engine.ensureSchema(schema);
  // A load killed before its swap leaves its staging tables behind (bronze itself is intact).
  await dropLoadingTables(engine, schemas);
  if (fullRefresh) manifest = [];
  else await verifyLoadedParts(engine, manifest, partsBySource, options.verifyChecksums ?? false);

  // Per table: keep what it holds and append new parts to it, or rebuild it beside the old one.
  const plans: TablePlan[] = [];
  for (const [source, parts] of partsBySource) {
    const table: TableRef = { schema: source.schema, name: source.table };
    const tableName = `${table.schema}.${table.name}`;
    let loaded = new Map(manifest.filter((entry) => entry.bronzeTable === tableName).map((entry) => [entry.file, entry]));
    const state = fullRefresh ? "rebuild" : await tableState(engine, table, source, loaded);
    if (typeof state === "object") warn(`${tableName} ${state.reason}: reloading all its parts`);
    const reset = state !== "append" && state !== "new";
    const target = reset ? loadingTableOf(table) : table;
    // A new table has nothing to protect: it is created now and takes its parts one transaction at a time.
    if (state !== "append") await engine.load({ target, columns: bronzeColumns(source), rows: [], mode: "replace" });
    if (reset) loaded = new Map();
    const present = new Set(parts.map((part) => part.file));
    for (const entry of loaded.values()) {
      if (!present.has(entry.file)) warn(`${entry.file} was loaded earlier but is no longer in the landing folder: its rows stay in ${tableName} (a full refresh drops them)`);
    }
    plans.push({ table, target, tableName, parts, loaded, reset });
  }

  // The engine's own reader takes staged files where it can (much faster than rows one value at a time).
  const toRead = plans.flatMap((plan) => plan.parts.filter((part) => !plan.loaded.has(part.file)));
  options.onPlan?.({ parts: toRead.length, bytes: toRead.reduce((sum, part) => sum + part.sizeBytes, 0) });
  const staging = engine.loadStagedFile && options.engineReader !== false ? new StagingQueue(toRead) : undefined;
  const files: FileLoadReport[] = [];
  const tables: TableLoadReport[] = [];
  /** Manifest rows of the parts loaded into rebuilt tables: written when those tables are swapped in. */
  const rebuiltEntries: ManifestEntry[] = [];
  try {
    for (const { table, target, tableName, parts, loaded, reset } of plans) {
      const context: PartLoadContext = {
        engine,
        table: target,
        bronzeTable: tableName,
        landing,
        withManifestRow: !reset,
        // Where transactions are real, a part's rows never outlive a missing manifest row.
        mayHoldOrphans: !reset && !engine.capabilities.transactions,
        warn,
      };
      for (const part of parts) {
        const previous = loaded.get(part.file);
        let report: FileLoadReport;
        if (previous) {
          report = { file: part.file, table: tableName, partSuffix: part.suffix, status: "unchanged", records: previous.records, sizeBytes: previous.sizeBytes, seconds: 0 };
        } else {
          const result = await loadPart(context, part, staging, options.batchRows ?? DEFAULT_BATCH_ROWS);
          report = result.report;
          loaded.set(part.file, result.entry);
          if (reset) rebuiltEntries.push(result.entry);
        }
        files.push(report);
        options.onFile?.(report);
      }
      const records = [...loaded.values()].reduce((sum, entry) => sum + entry.records, 0);
      tables.push({ table: tableName, parts: parts.length, records });
    }
    const rebuilt = plans.filter((plan) => plan.reset);
    if (rebuilt.length > 0) await swapIn(engine, rebuilt, rebuiltEntries, fullRefresh);
  } catch (error) {
    await dropLoadingTablesAfterFailure(engine, schemas, error);
    throw error;
  } finally {
    await staging?.close();
  }
  return { landingDir: landing, fullRefresh, files, tables, warnings, seconds: (performance.now() - started) / 1000 };
}

/**
 * The rebuilt tables replace the live ones, and the manifest then lists exactly their new
 * parts (with the other tables' rows kept, unless a full refresh). Where transactions are
 * real this is one transaction; elsewhere each table is replaced atomically and the
 * manifest, written last in one job, is the record of what is complete: until it is
 * written, `run` and `test` see bronze disagree with it and refuse, and the next load
 * rebuilds the tables that disagree.
 */
async function swapIn(engine: Engine, rebuilt: TablePlan[], entries: ManifestEntry[], fullRefresh: boolean): Promise<void> {
  const swap = async (): Promise<void> => {
    for (const plan of rebuilt) {
      faultPoint("load.swap");
      await engine.replaceTable(plan.table, plan.target, { actionName: `load ${plan.tableName}` });
    }
    faultPoint("load.manifest");
    const rebuiltNames = new Set(rebuilt.map((plan) => plan.tableName));
    const kept = fullRefresh ? [] : (await readManifest(engine)).filter((entry) => !rebuiltNames.has(entry.bronzeTable));
    await writeManifest(engine, [...kept, ...entries]);
  };
  if (engine.capabilities.transactions) await engine.transaction(swap);
  else await swap();
}

/**
 * What a load does with a table: append new parts to it; create it ("new": absent, and the
 * manifest lists nothing for it); or rebuild it beside the old one, for the reason given
 * (another layout, or rows that disagree with the manifest).
 */
async function tableState(engine: Engine, table: TableRef, source: LandingSource, loaded: Map<string, ManifestEntry>): Promise<"append" | "new" | { reason: string }> {
  const columns = await engine.describeTable(table);
  if (!columns && loaded.size === 0) return "new";
  if (!columns) return { reason: "is missing" };
  const expectedColumns = bronzeColumns(source).map((column) => column.name);
  if (columns.length !== expectedColumns.length || columns.some((column, index) => column.name !== expectedColumns[index])) return { reason: "has another layout than its source declares" };
  const expected = [...loaded.values()].reduce((sum, entry) => sum + entry.records, 0);
  const held = await countRows(engine, table);
  if (held === expected) return "append";
  return { reason: `holds ${held} rows where the load manifest records ${expected} (an earlier load was interrupted, or the table was changed outside c360)` };
}

interface TablePlan {
  /** The live bronze table. */
  table: TableRef;
  /** Where its new parts go: the live table, or its staging table when it is rebuilt. */
  target: TableRef;
  tableName: string;
  parts: LandingPart[];
  /** Parts already in the table, by file. */
  loaded: Map<string, ManifestEntry>;
  /** The table is rebuilt in its staging table and swapped in at the end. */
  reset: boolean;
}

async function loadPart(
  context: PartLoadContext,
  part: LandingPart,
  staging: StagingQueue | undefined,
  batchRows: number,
): Promise<{ report: FileLoadReport; entry: ManifestEntry }> {
  faultPoint("load.part");
  const staged = await staging?.take(part);
  // Staging may have run ahead while the part before loaded: count its own seconds, not the wait.
  const started = performance.now();
  let loaded: LoadedPart;
  if (staged) {
    try {
      loaded = await loadStagedPart(context, part, staged);
    } finally {
      fs.rmSync(staged.path, { force: true });
    }
  } else {
    loaded = await loadParsedPart(context, part, batchRows);
  }
  const seconds = (staged?.seconds ?? 0) + (performance.now() - started) / 1000;
  const report: FileLoadReport = {
    file: part.file,
    table: context.bronzeTable,
    partSuffix: part.suffix,
    status: "loaded",
    records: loaded.records,
    sizeBytes: loaded.sizeBytes,
    seconds,
    reader: staged ? "engine" : "framework",
  };
  return { report, entry: manifestEntry(part, context.bronzeTable, context.landing, loaded) };
}

/**
 * A part listed in the manifest must still have the bytes it had when it was loaded. Reading
 * every loaded part again would take most of an incremental load (8 GB at a million persons),
 * so unless `verifyAll`, a part with the recorded size and modification time is not read.
 * A part read and found unchanged gets its new modification time recorded (a copied or
 * touched folder is read once, not at every load).
 */
async function verifyLoadedParts(engine: Engine, manifest: ManifestEntry[], partsBySource: Map<LandingSource, LandingPart[]>, verifyAll: boolean): Promise<void> {
  const byFile = new Map(manifest.map((entry) => [entry.file, entry]));
  const retimed: LandingPart[] = [];
  for (const parts of partsBySource.values()) {
    for (const part of parts) {
      const entry = byFile.get(part.file);
      if (!entry) continue;
      const quickCheckPasses = entry.modifiedAt !== "" && entry.modifiedAt === part.modifiedAt && entry.sizeBytes === part.sizeBytes;
      if (quickCheckPasses && !verifyAll) continue;
      const { sha256, sizeBytes } = await digestFile(part.absolutePath, part.file);
      if (sha256 !== entry.sha256) {
        throw new LandingFileError(
          part.file,
          `sha256 ${sha256.slice(0, 12)}…, ${sizeBytes} bytes`,
          `this part changed after it was loaded on ${entry.loadedAt} (then sha256 ${entry.sha256.slice(0, 12)}…, ${entry.sizeBytes} bytes). ` +
            "A loaded part never changes: deliver new data as a new part, or rebuild with --full-refresh",
        );
      }
      if (entry.modifiedAt !== part.modifiedAt) retimed.push(part);
    }
  }
  for (const part of retimed) await recordModificationTime(engine, part.file, part.modifiedAt);
}

function warnAbsentSystems(partsBySource: Map<LandingSource, LandingPart[]>, warn: (message: string) => void): void {
  const systems = new Map<string, { missing: string[]; total: number }>();
  for (const [source, parts] of partsBySource) {
    if (source.required) continue;
    const system = systems.get(source.system) ?? { missing: [], total: 0 };
    system.total++;
    if (parts.length === 0) system.missing.push(source.file);
    systems.set(source.system, system);
  }
  for (const [system, { missing, total }] of systems) {
    if (missing.length === 0) continue;
    const what = missing.length === total ? `source system ${system} is absent` : `${system} is incomplete`;
    warn(`${what}: no ${missing.join(", ")} in the landing folder; its bronze table(s) will be empty`);
  }
}
