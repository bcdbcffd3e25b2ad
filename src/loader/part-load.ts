/**
 * Loads one landing part into its bronze table, atomically with its manifest row (or into
 * the staging table of a table being rebuilt, whose manifest rows are written at the swap): either
 * through the framework's parsers and engine.load (the reference, every engine), or from a
 * staged file through the engine's own reader (engine.loadStagedFile), which gives the same
 * rows (tests/loader/fast-load.test.ts).
 */
import type { Engine, TableRef } from "../engines/engine.js";
import { faultPoint } from "../faults.js";
import type { WarningSink } from "./bronze-record.js";
import { openLandingInput } from "./landing-input.js";
import { appendManifestEntry, sqlText, type ManifestEntry } from "./manifest.js";
import { batches, bronzeColumns, bronzeRows, parseRecords } from "./part-rows.js";
import type { LandingPart } from "./parts.js";
import type { StagedPart } from "./staged-part.js";

export interface PartLoadContext {
  engine: Engine;
  /** Where the rows go: the bronze table, or its staging table. */
  table: TableRef;
  /** schema.table of the bronze table (what the manifest records). */
  bronzeTable: string;
  /** true: the part's manifest row is written with its rows, in one transaction; false: the caller writes it later. */
  withManifestRow: boolean;
  /** Absolute landing folder (recorded in the manifest). */
  landing: string;
  /** The table may hold rows of an earlier load of this part that died before its manifest row. */
  mayHoldOrphans: boolean;
  warn: WarningSink;
}

export interface LoadedPart {
  records: number;
  sha256: string;
  sizeBytes: number;
}

/** Runs `load` in one transaction with the part's manifest row, after dropping orphaned rows. */
async function inManifestTransaction(context: PartLoadContext, part: LandingPart, load: () => Promise<LoadedPart>): Promise<LoadedPart> {
  const { engine, table } = context;
  const tableName = context.bronzeTable;
  if (!context.withManifestRow) {
    const loaded = await load();
    faultPoint("load.part-rows");
    return loaded;
  }
  let loaded: LoadedPart | undefined;
  await engine.transaction(async () => {
    if (context.mayHoldOrphans) {
      // Rows of a load that died before its manifest row was written (engines whose
      // transactions do not cover loads): they are reloaded now, so drop them first.
      await engine.execute(`delete from ${engine.quoteTable(table)} where _source_file = ${sqlText(engine, part.file)}`, { actionName: `load ${tableName}` });
    }
    loaded = await load();
    faultPoint("load.part-rows");
    await appendManifestEntry(engine, manifestEntry(part, tableName, context.landing, loaded));
  });
  return loaded as LoadedPart;
}

export function manifestEntry(part: LandingPart, bronzeTable: string, landing: string, loaded: LoadedPart): ManifestEntry {
  return {
    file: part.file,
    bronzeTable,
    partSuffix: part.suffix,
    sizeBytes: loaded.sizeBytes,
    sha256: loaded.sha256,
    records: loaded.records,
    loadedAt: new Date().toISOString(),
    landingDir: landing,
    modifiedAt: part.modifiedAt,
  };
}

/** The reference: the framework's parser for the format, rows through engine.load in batches. */
export async function loadParsedPart(context: PartLoadContext, part: LandingPart, batchRows: number): Promise<LoadedPart> {
  const { engine, table } = context;
  const columns = bronzeColumns(part.source);
  return inManifestTransaction(context, part, async () => {
    const input = openLandingInput(part.absolutePath, part.file);
    let records = 0;
    for await (const batch of batches(bronzeRows(part, parseRecords(part, input.chunks, context.warn)), batchRows)) {
      records += await engine.load({ target: table, columns, rows: batch, mode: "append" });
    }
    return { records, ...input.digest() };
  });
}

/** A staged part through the engine's own reader. */
export async function loadStagedPart(context: PartLoadContext, part: LandingPart, staged: StagedPart): Promise<LoadedPart> {
  const { engine, table } = context;
  const loadStagedFile = engine.loadStagedFile?.bind(engine);
  if (!loadStagedFile) throw new Error(`the ${engine.dialect} engine cannot read staged files`);
  for (const message of staged.warnings) context.warn(message);
  return inManifestTransaction(context, part, async () => {
    const records = await loadStagedFile({
      target: table,
      columns: bronzeColumns(part.source),
      file: staged.path,
      format: staged.format,
      fileColumns: staged.fileColumns,
      sources: staged.sources,
      rows: staged.records,
      mode: "append",
    });
    return { records, sha256: staged.sha256, sizeBytes: staged.sizeBytes };
  });
}
