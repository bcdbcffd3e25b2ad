/**
 * The landing sources the generator writes, as this project declares them in its c360.json
 * (`sources`): file path, format and CSV header come from there, so the generated folder is
 * the one the loader reads.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LandingSource } from "../../src/config/landing-sources.js";
import { loadProject } from "../../src/config/project.js";

/** The project's folder (where c360.json is). */
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const SOURCE_TABLES = ["customers", "orders", "order_items", "events", "tickets", "members", "fx_rates", "countries"] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

let byTable: Map<string, LandingSource> | undefined;

/** The project's landing source that fills the bronze table named `table`. */
export function landingSource(table: SourceTable): LandingSource {
  byTable ??= new Map(projectLandingSources().map((source) => [source.table, source]));
  const source = byTable.get(table);
  if (!source) throw new Error(`${path.join(PROJECT_DIR, "c360.json")} declares no landing source for the bronze table ${table}, which the generator writes`);
  return source;
}

export function projectLandingSources(): LandingSource[] {
  return loadProject({ projectDir: PROJECT_DIR }).landingSources;
}
