/**
 * One landing part → a staged file an engine bulk-reads (Engine.loadStagedFile): CSV,
 * NDJSON and JSON arrays through their staging scanners (no field parsing in JavaScript
 * where none is needed), XML through the framework's own parser. Staging reads the part
 * once, hashing it on the way, and never touches the warehouse: when the part cannot be
 * staged (a record the staged format cannot carry, anything a scanner does not vouch for,
 * or anything the framework's parser reports as an error) it returns undefined and the
 * loader reads the part through the framework's parser and engine.load instead.
 */
import fs from "node:fs";
import path from "node:path";
import type { StagedColumnSource, StagedFileFormat, LoadColumn } from "../engines/engine.js";
import { LandingFileError } from "../errors.js";
import { stageCsv } from "./csv-stager.js";
import { scanJsonArray } from "./json-array-scanner.js";
import { openLandingInput } from "./landing-input.js";
import { stageNdjson } from "./ndjson-stager.js";
import { parseRecords } from "./part-rows.js";
import { stageRecords } from "./record-stager.js";
import type { LandingPart } from "./parts.js";
import { NotStageable, StagedFileWriter } from "./staged-file.js";

export interface StagedPart {
  /** Absolute path of the staged file (the caller removes it). */
  path: string;
  format: StagedFileFormat;
  fileColumns: LoadColumn["type"][];
  /** Sources of the bronze columns (part-rows.ts bronzeColumns order). */
  sources: StagedColumnSource[];
  records: number;
  sha256: string;
  sizeBytes: number;
  /** Findings for the load report (extra CSV columns), reported when the part is loaded. */
  warnings: string[];
  /** Seconds spent staging. */
  seconds: number;
}

const BOOKKEEPING_SOURCES: StagedColumnSource[] = [{ fileColumn: 0 }, { fileColumn: 1 }, { fileColumn: 2 }];

/** Stages `part` into a new file under `stagingDir`; undefined when the part must be parsed by the framework. */
export async function stagePart(part: LandingPart, stagingDir: string): Promise<StagedPart | undefined> {
  const started = performance.now();
  const format: StagedFileFormat = part.source.format === "ndjson" ? "lines" : "csv";
  const stagedPath = path.join(stagingDir, `${part.file.replaceAll("/", "__")}.staged`);
  const writer = new StagedFileWriter(stagedPath, format);
  const input = openLandingInput(part.absolutePath, part.file);
  const constants: StagedColumnSource[] = [{ constant: part.file }, { constant: part.suffix }];
  const warnings: string[] = [];
  try {
    let staged: Pick<StagedPart, "fileColumns" | "sources" | "records">;
    if (part.source.format === "csv") {
      const csv = await stageCsv(input.chunks, part.file, part.source.fields, writer, (message) => warnings.push(message));
      staged = {
        fileColumns: ["integer", "integer", "text", ...new Array<LoadColumn["type"]>(csv.headerLength).fill("text")],
        sources: [...constants, ...BOOKKEEPING_SOURCES, ...csv.headerMap.map((position) => ({ fileColumn: 3 + position }))],
        records: csv.records,
      };
    } else if (part.source.format === "ndjson") {
      const records = await stageNdjson(input.chunks, writer);
      staged = { fileColumns: ["integer", "integer", "text"], sources: [...constants, ...BOOKKEEPING_SOURCES], records };
    } else {
      const fieldCount = part.source.fields.length;
      const parsed = part.source.format === "json-array" ? scanJsonArray(input.chunks) : parseRecords(part, input.chunks, (message) => warnings.push(message));
      const records = await stageRecords(parsed, fieldCount, writer);
      staged = {
        fileColumns: ["integer", "integer", "text", ...new Array<LoadColumn["type"]>(fieldCount).fill("text")],
        sources: [...constants, ...BOOKKEEPING_SOURCES, ...part.source.fields.map((_, index) => ({ fileColumn: 3 + index }))],
        records,
      };
    }
    writer.close();
    if (writer.rows !== staged.records) throw new Error(`staging ${part.file}: wrote ${writer.rows} rows for ${staged.records} records`);
    return { path: stagedPath, format, ...staged, ...input.digest(), warnings, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    writer.abandon();
    fs.rmSync(stagedPath, { force: true });
    if (error instanceof NotStageable || error instanceof LandingFileError) return undefined;
    throw error;
  }
}
