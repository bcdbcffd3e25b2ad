/**
 * A small Dataform project for the build-state tests (--skip-unchanged): one bronze table of
 * its landing sources (raw_reference.countries) and a table of each kind the build state
 * treats differently.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bronzeTableName, type LandingSourceConfig, landingSourcesFrom } from "../../src/config/landing-sources.js";

/** Its landing sources, as its c360.json declares them. */
export const STATE_SOURCE_CONFIGS: LandingSourceConfig[] = [
  { system: "reference", file: "reference/fx_rates.csv", format: "csv", schema: "raw_reference", table: "fx_rates", columns: ["date", "currency", "rate_to_usd"], required: true },
  { system: "reference", file: "reference/countries.csv", format: "csv", schema: "raw_reference", table: "countries", columns: ["alpha2", "alpha3", "name"], required: true },
];
export const STATE_SOURCES = landingSourcesFrom(STATE_SOURCE_CONFIGS);
export const STATE_BRONZE_TABLES = STATE_SOURCES.map(bronzeTableName);

export const STATE_PROJECT_DEFINITIONS: Record<string, string> = {
  "countries.sqlx": `config { type: "declaration", schema: "raw_reference", name: "countries" }`,
  "lookup.sqlx": `config { type: "declaration", schema: "elsewhere", name: "lookup" }`,
  "country_names.sqlx": `config { type: "table" }\nselect alpha2, name from \${ref("raw_reference", "countries")}`,
  "country_count.sqlx": `config { type: "table" }\nselect count(*) as countries from \${ref("country_names")}`,
  "country_list.sqlx": `config { type: "view" }\nselect alpha2 from \${ref("country_names")}`,
  "loaded_countries.sqlx": `config { type: "incremental", uniqueKey: ["alpha2"] }\nselect alpha2, name from \${ref("raw_reference", "countries")}\n\${when(incremental(), \`where alpha2 not in (select alpha2 from \${self()})\`)}`,
  "loaded_count.sqlx": `config { type: "table" }\nselect count(*) as countries from \${ref("loaded_countries")}`,
  "stamped.sqlx": `config { type: "table" }\nselect current_date as built_on, count(*) as countries from \${ref("country_names")}`,
  "with_lookup.sqlx": `config { type: "table" }\nselect count(*) as entries from \${ref("elsewhere", "lookup")}`,
};

/** The landing folder it reads: the two required reference files. */
export const REFERENCE_LANDING = {
  "reference/fx_rates.csv": "date,currency,rate_to_usd\n2024-06-28,EUR,1.0712\n",
  "reference/countries.csv": "alpha2,alpha3,name\nUS,USA,United States\nGB,GBR,United Kingdom\n",
};

/** Writes the project to a new temporary folder. */
export function writeStateProject(): string {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "c360-state-"));
  fs.writeFileSync(path.join(projectDir, "dataform.json"), JSON.stringify({ warehouse: "bigquery", defaultDatabase: "state-test", defaultSchema: "marts", assertionSchema: "checks" }));
  fs.writeFileSync(
    path.join(projectDir, "c360.json"),
    JSON.stringify({ sources: STATE_SOURCE_CONFIGS, targets: { local: { engine: "duckdb", database: "target/c360.duckdb", vars: { dialect: "duckdb" } } } }),
  );
  fs.mkdirSync(path.join(projectDir, "definitions"));
  for (const [file, content] of Object.entries(STATE_PROJECT_DEFINITIONS)) fs.writeFileSync(path.join(projectDir, "definitions", file), content);
  return projectDir;
}
