/**
 * Reads any landing folder back into one RecordBatch (with the seed loader's parsers), so
 * the generator's ground truth can be computed for folders it did not write, such as the
 * hand-written fixture. One batch holds every record, so every value is counted globally.
 */
import { GeneratorContext } from "../../../tools/generator/context.js";
import { parseIsoDate } from "../../../tools/generator/contract-rules.js";
import { emptyBatch, type RecordBatch } from "../../../tools/generator/model.js";
import { GroundTruth, type TruthSummary } from "../../../tools/generator/truth.js";
import { FxLookup } from "../../../tools/generator/truth-records.js";
import { PROJECT_SOURCES } from "../../helpers/project.js";
import { openLandingInput } from "../../../src/loader/landing-input.js";
import { parseRecords } from "../../../src/loader/part-rows.js";
import { discoverParts } from "../../../src/loader/parts.js";

export async function readLandingBatch(landingDir: string): Promise<{ batch: RecordBatch; fx: FxLookup }> {
  const batch = emptyBatch();
  const fx = new FxLookup();
  for (const source of PROJECT_SOURCES) {
    const parts = discoverParts(landingDir, source);
    for (const [part, landingPart] of parts.entries()) {
      for await (const record of parseRecords(landingPart, openLandingInput(landingPart.absolutePath, landingPart.file).chunks, () => {})) {
        const fields = Object.fromEntries(source.fields.map((name, index) => [name, record.fields?.[index] ?? ""]));
        if (source.table === "fx_rates") {
          const [whole, fraction = ""] = fields.rate_to_usd.split(".");
          fx.add(fields.currency, parseIsoDate(fields.date)!, Number(whole + fraction.padEnd(4, "0").slice(0, 4)));
        } else if (source.table === "customers" || source.table === "orders" || source.table === "order_items") {
          const row = record.fields === null ? { part, rawLine: record.raw!, ...fields } : { part, ...fields };
          (batch[source.table] as object[]).push(row);
        } else if (source.table === "events") batch.events.push({ part, line: record.raw! });
        else if (source.table === "tickets") batch.tickets.push({ part, json: record.raw! });
        else if (source.table === "members") {
          const [id, email, phone, tier, points, joined_on] = record.fields!;
          batch.members.push({ part, id, email, phone, tier, points, joined_on, style: 0 });
        }
      }
    }
  }
  return { batch, fx };
}

/** The ground truth of a landing folder, written to `truthDir`. */
export async function truthOfLanding(landingDir: string, asOf: string, truthDir: string): Promise<TruthSummary> {
  const { batch, fx } = await readLandingBatch(landingDir);
  const truth = new GroundTruth(new GeneratorContext({ persons: 0, seed: 0, asOf }), fx, { emails: new Set(), phones: new Set(), anonymousIds: new Set() }, truthDir);
  await truth.add(batch);
  return truth.finish();
}
