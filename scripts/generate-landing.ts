/**
 * Generates a messy landing folder that follows SOURCES.md, and its ground truth.
 *
 *   npx tsx scripts/generate-landing.ts --persons 300 --seed 42 --as-of 2024-06-30 --out seeds \
 *     [--truth DIR | --no-truth] [--orders-per-person 10] [--events-per-person 20]
 *
 * The truth goes to `<out>.truth/` beside the landing folder unless --truth names another
 * folder (never inside the landing folder: a build must not read it).
 */
import { parseArgs } from "node:util";
import { generateLanding } from "../tools/generator/index.js";

const { values } = parseArgs({
  options: {
    persons: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    "as-of": { type: "string", default: "2024-06-30" },
    out: { type: "string" },
    truth: { type: "string" },
    "no-truth": { type: "boolean", default: false },
    "orders-per-person": { type: "string", default: "10" },
    "events-per-person": { type: "string", default: "20" },
  },
});

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got ${text}`);
    process.exit(2);
  }
  return value;
}

if (!values.out) {
  console.error("usage: generate-landing --out DIR [--persons N] [--seed S] [--as-of YYYY-MM-DD] [--truth DIR | --no-truth]");
  process.exit(2);
}
const started = performance.now();
const result = await generateLanding({
  out: values.out,
  persons: integer("persons", values.persons!),
  seed: integer("seed", values.seed!),
  asOf: values["as-of"]!,
  truth: values["no-truth"] ? null : values.truth,
  ordersPerPerson: Number(values["orders-per-person"]),
  eventsPerPerson: Number(values["events-per-person"]),
  onProgress: (persons) => console.error(`  ${persons} persons…`),
});
console.log(`landing folder: ${result.landingDir}`);
if (result.truthDir) console.log(`ground truth:   ${result.truthDir} (${result.summary?.customers} customers)`);
console.log(`in ${((performance.now() - started) / 1000).toFixed(1)} s`);
