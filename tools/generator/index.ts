/**
 * generateLanding: a deterministic, messy landing folder that follows SOURCES.md, and beside
 * it the ground truth a correct build must reproduce. See scripts/generate-landing.ts.
 *
 * Same options → same bytes: every random choice comes from a PRNG seeded with
 * (seed, person index), and records are written in a fixed order, person by person.
 */
import fs from "node:fs";
import path from "node:path";
import { COUNTRIES } from "./countries.js";
import { GeneratorContext, type GeneratorOptions } from "./context.js";
import { isoDay } from "./contract-rules.js";
import { LandingWriter } from "./landing-writer.js";
import type { PoolValues } from "./model.js";
import { BLOCK, planPerson, poolValuesOfBlock } from "./people.js";
import { personRecords } from "./person-records.js";
import { Prng } from "./prng.js";
import { trapRecords } from "./traps.js";
import { GroundTruth, type TruthSummary } from "./truth.js";
import { FxLookup } from "./truth-records.js";

export type { GeneratorOptions } from "./context.js";
export type { TruthSummary } from "./truth.js";

export interface GenerateOptions extends GeneratorOptions {
  /** Landing folder to create (must not exist or be empty). */
  out: string;
  /** Where the ground truth goes; default `<out>.truth` beside the landing folder. No truth when null. */
  truth?: string | null;
  /** Called every 10,000 persons. */
  onProgress?: (persons: number) => void;
}

export interface GenerateResult {
  landingDir: string;
  truthDir: string | null;
  summary: TruthSummary | null;
}

export function defaultTruthDir(out: string): string {
  return `${path.resolve(out).replace(/[\\/]+$/, "")}.truth`;
}

export async function generateLanding(options: GenerateOptions): Promise<GenerateResult> {
  const landingDir = path.resolve(options.out);
  if (fs.existsSync(landingDir) && fs.readdirSync(landingDir).length > 0) throw new Error(`${options.out} is not empty: refusing to mix generated files with others`);
  const truthDir = options.truth === null ? null : path.resolve(options.truth ?? defaultTruthDir(landingDir));
  if (truthDir && (truthDir === landingDir || truthDir.startsWith(landingDir + path.sep))) throw new Error("the truth folder must be outside the landing folder");
  if (truthDir) fs.rmSync(truthDir, { recursive: true, force: true });

  const context = new GeneratorContext(options);
  const writer = new LandingWriter(landingDir, context.partSuffixes, `${options.asOf}T23:00:00Z`);
  const fx = new FxLookup();
  const rates = [...context.fxRates(new Prng(options.seed, -1))];
  for (const rate of rates) fx.add(rate.currency, rate.day, rate.rate);
  writer.writeReference("reference/fx_rates.csv", ["date", "currency", "rate_to_usd"], rates.map((rate) => [isoDay(rate.day), rate.currency, (rate.rate / 10_000).toFixed(4)]));
  writer.writeReference("reference/countries.csv", ["alpha2", "alpha3", "name"], COUNTRIES.map((country) => [country.alpha2, country.alpha3, country.name]));

  const pools: PoolValues = { emails: new Set(), phones: new Set(), anonymousIds: new Set() };
  const truth = truthDir ? new GroundTruth(context, fx, pools, truthDir) : null;
  for (let index = 0; index < options.persons; index++) {
    if (index % BLOCK === 0) {
      const block = poolValuesOfBlock(index / BLOCK);
      block.emails.forEach((email) => pools.emails.add(email));
      block.phones.forEach((phone) => pools.phones.add(phone));
      block.anonymousIds.forEach((id) => pools.anonymousIds.add(id));
    }
    const batch = personRecords(planPerson(options.seed, index), context);
    await writer.writeBatch(batch);
    await truth?.add(batch);
    if ((index + 1) % 10_000 === 0) options.onProgress?.(index + 1);
  }
  const traps = trapRecords(context, Math.max(1, Math.floor(options.persons / 1000)));
  await writer.writeBatch(traps);
  await truth?.add(traps);
  await writer.close();
  const summary = truth ? await truth.finish() : null;
  if (truthDir) fs.writeFileSync(path.join(truthDir, "README.md"), truthReadme(options));
  return { landingDir, truthDir, summary };
}

function truthReadme(options: GeneratorOptions): string {
  return `# Ground truth of a generated landing folder

Generated with \`--persons ${options.persons} --seed ${options.seed} --as-of ${options.asOf}\`
(max_accounts_per_identifier = 3). Computed from the generated records by SOURCES.md's
rules, not from the generator's intentions: accepted vs quarantined per record, latest
versions, the as_of_date filter, then the link rules (shared values over the limit, counted
per system, link nothing; an anonymous_id links only with exactly one user_id).

- \`customer_identity_map.csv\`: source_system, source_id, customer_key — every identifier
  that identity resolution sees (accepted and not after as_of_date; a ticket's id is its
  integer text). customer_key = md5 of the smallest \`system:id\` member (METRICS.md).
- \`customers.csv\`: per customer_key: min_member, is_known, identifier counts,
  order_count (completed), total_revenue_usd (sum of round(total × rate, 2)), recency_days,
  support_tickets, web_sessions (30-minute rule per anonymous_id), touchpoints.
- \`summary.json\`: totals, records per file and quarantine code (\`accepted\` counts records
  before deduplication), and counts of the traps the folder holds.

Decisions where the contract is silent: records after as_of_date are left out of identity
entirely (an identifier seen only after as_of_date is not in the map); a shop account's
emails are those of the latest in-range versions of its orders.
`;
}
