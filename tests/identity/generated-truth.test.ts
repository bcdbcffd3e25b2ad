/**
 * Identity resolution against the ground truth of a generated landing folder
 * (tools/generator): pairwise precision, recall and F1 of the clustering, exact customer
 * keys, and the per-file accepted / quarantined counts of the truth's summary.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLanding, type TruthSummary } from "../../tools/generator/index.js";
import { SilverBuild, temporaryFolder } from "../staging/silver-harness.js";
import { identityMap, pairwiseScores } from "./identity-helpers.js";

const QUARANTINE_TABLES: Record<keyof TruthSummary["quarantine"], [string, string]> = {
  customers: ["customers_quarantine", "int_crm__customers_checked"],
  orders: ["orders_quarantine", "int_shop__orders_checked"],
  order_items: ["order_items_quarantine", "int_shop__order_items_checked"],
  events: ["events_quarantine", "int_web__events_checked"],
  tickets: ["tickets_quarantine", "int_support__tickets_checked"],
  members: ["members_quarantine", "int_loyalty__members_checked"],
};

describe("identity resolution on a generated landing folder", () => {
  let build: SilverBuild;
  let truth: Map<string, string>;
  let summary: TruthSummary;
  const work = temporaryFolder("generated-");

  beforeAll(async () => {
    const generated = await generateLanding({ out: path.join(work, "landing"), persons: 400, seed: 7, asOf: "2024-06-30", ordersPerPerson: 4, eventsPerPerson: 8 });
    summary = generated.summary!;
    const lines = fs.readFileSync(path.join(generated.truthDir!, "customer_identity_map.csv"), "utf8").trim().split("\n").slice(1);
    truth = new Map(lines.map((line) => line.split(",")).map(([system, id, key]) => [`${system}:${id}`, key]));
    build = await SilverBuild.open();
    await build.load(generated.landingDir);
    await build.run();
  });

  afterAll(async () => {
    await build.close();
  });

  it("clusters identifiers like the ground truth (pairwise F1 ≥ 0.99) with the same customer keys", async () => {
    const found = new Map([...(await identityMap(build))].map(([node, mapped]) => [node, mapped.customerKey]));
    const scores = pairwiseScores(found, truth);
    const missing = [...truth.keys()].filter((node) => !found.has(node));
    const extra = [...found.keys()].filter((node) => !truth.has(node));
    const differentKeys = [...truth].filter(([node, key]) => found.has(node) && found.get(node) !== key).map(([node]) => node);
    console.log(
      `generated folder (400 persons, seed 7): ${found.size} identifiers, ${new Set(found.values()).size} customers; ` +
        `pairwise precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)} ` +
        `(${scores.correctPairs}/${scores.foundPairs} found pairs correct, ${scores.correctPairs}/${scores.truePairs} true pairs found); ` +
        `identifiers missing ${missing.length}, extra ${extra.length}, different customer_key ${differentKeys.length}`,
    );
    expect({ missing: missing.slice(0, 10), extra: extra.slice(0, 10), differentKeys: differentKeys.slice(0, 10) }).toEqual({ missing: [], extra: [], differentKeys: [] });
    expect(scores.f1).toBeGreaterThanOrEqual(0.99);
    expect(new Set(found.values()).size).toBe(summary.customers);
  });

  it("accepts and quarantines the records the truth does, per file and reason", async () => {
    for (const [file, [quarantineTable, checkedView]] of Object.entries(QUARANTINE_TABLES)) {
      const counts: Record<string, number> = {};
      for (const row of await build.query(`select reason, count(*) as records from c360_staging.${quarantineTable} group by reason`)) counts[String(row.reason)] = Number(row.records);
      const accepted = await build.query(`select count(*) as records from c360_staging.${checkedView} where quarantine_reason is null`);
      counts.accepted = Number(accepted[0].records);
      const expected: Record<string, number> = { ...summary.quarantine[file as keyof TruthSummary["quarantine"]] };
      expect({ file, counts }).toEqual({ file, counts: expected });
    }
  });
});
