/**
 * Does bronze hold what the load manifest says it holds? `run` and `test` ask before they
 * read bronze (ARCHITECTURE.md "a run trusts only a complete load"): a table whose row count
 * is not the sum of its parts' records in the manifest, or a table the manifest lists that
 * is missing, means a load did not complete (or bronze was changed outside c360), and models
 * built on it would publish wrong numbers. One count per bronze table: cheap on every engine.
 */
import type { Engine, TableRef } from "../engines/engine.js";
import { C360Error } from "../errors.js";
import { bronzeSchema, LANDING_SOURCES } from "./catalog.js";
import { countRows } from "./loading-tables.js";
import { MANIFEST_TABLE, readManifest } from "./manifest.js";

export interface BronzeDisagreement {
  /** schema.table */
  table: string;
  /** Rows the manifest records for it (sum over its parts). */
  expected: number;
  parts: number;
  /** Rows it holds; undefined when it does not exist. */
  held: number | undefined;
}

export class BronzeManifestMismatchError extends C360Error {
  constructor(readonly disagreements: BronzeDisagreement[]) {
    super(
      "Bronze and the load manifest disagree, so a load did not complete (or bronze was changed outside c360); " +
        "models built on it would be wrong:\n" +
        disagreements.map((item) => `  - ${item.table}: ${item.held === undefined ? "missing" : `holds ${item.held} rows`}, the manifest records ${item.expected} from ${item.parts} part(s)`).join("\n") +
        "\nRun `c360 build` (or `c360 seed`): it reloads the tables that disagree.",
    );
  }
}

/** The bronze tables that disagree with the manifest; none when there is no manifest (a project without a load step). */
export async function bronzeDisagreements(engine: Engine): Promise<BronzeDisagreement[]> {
  if (!(await engine.describeTable(MANIFEST_TABLE))) return [];
  const expected = new Map<string, { records: number; parts: number }>();
  for (const source of LANDING_SOURCES) expected.set(`${bronzeSchema(source)}.${source.table}`, { records: 0, parts: 0 });
  for (const entry of await readManifest(engine)) {
    const total = expected.get(entry.bronzeTable) ?? { records: 0, parts: 0 };
    expected.set(entry.bronzeTable, { records: total.records + entry.records, parts: total.parts + 1 });
  }
  const disagreements: BronzeDisagreement[] = [];
  for (const [table, { records, parts }] of expected) {
    const [schema, name] = table.split(".");
    const ref: TableRef = { schema, name };
    const exists = (await engine.describeTable(ref)) !== undefined;
    // A catalog table no part was ever loaded into may be absent (a source system not delivered).
    if (!exists && parts === 0) continue;
    const held = exists ? await countRows(engine, ref) : undefined;
    if (held !== records) disagreements.push({ table, expected: records, parts, held });
  }
  return disagreements;
}

export async function assertBronzeMatchesManifest(engine: Engine): Promise<void> {
  const disagreements = await bronzeDisagreements(engine);
  if (disagreements.length > 0) throw new BronzeManifestMismatchError(disagreements);
}
