/**
 * The CDNOW benchmark (../shared/data/README.md): Fader & Hardie's 1/10 sample of the
 * customers who first bought at CDNOW in 1997 Q1, read from the shared data folder (never
 * copied). The models themselves are src/models (tests/models, tests/marts/cltv-cdnow.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../helpers/project.js";

export const CDNOW_SAMPLE = path.resolve(REPO_ROOT, "../shared/data/CDNOW_sample.txt");

/** One customer-day: same-day records of a customer merged (dollars summed), as the literature does. */
export interface CustomerDay {
  customerId: string;
  /** YYYY-MM-DD */
  day: string;
  /** Dollars with cents, as text (exact). */
  dollars: string;
}

/** Parses CDNOW_sample.txt (`master_id sample_id YYYYMMDD cds dollars`, whitespace-separated) into customer-days. */
export function readCdnowCustomerDays(file = CDNOW_SAMPLE): CustomerDay[] {
  const cents = new Map<string, number>();
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const [, sampleId, date, , dollars] = fields;
    const key = `${sampleId}|${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    cents.set(key, (cents.get(key) ?? 0) + Math.round(Number(dollars) * 100));
  }
  return [...cents].map(([key, total]) => {
    const [customerId, day] = key.split("|");
    return { customerId, day, dollars: (total / 100).toFixed(2) };
  });
}
