/**
 * What the docs site adds to the catalog: the project's settings (published tables, the
 * metric definitions document), each table's tests with the last run's status, its row
 * count, and the layers in the order data flows through them.
 */
import fs from "node:fs";
import path from "node:path";
import { readValidatedJson } from "../config/validate.js";
import type { Engine } from "../engines/engine.js";
import { ConfigError } from "../errors.js";
import type { Action } from "../graph/actions.js";
import { selectActions } from "../graph/selection.js";
import type { RunResults } from "../runner/results.js";
import type { CatalogEntry } from "./catalog.js";
import { type MetricsDocument, readMetricsDocument } from "./metrics-document.js";

export interface DocsSiteSettings {
  title?: string;
  published?: string[];
  metrics?: { document: string; columns: Record<string, string> };
}

export interface EntryTest {
  name: string;
  status: "passed" | "failed" | "skipped" | "not run";
  failingRows?: number;
}

export interface SiteEntry extends CatalogEntry {
  schema: string;
  /** Rows in the warehouse; undefined when not counted (views, tests, no warehouse, not built). */
  rowCount?: number;
  tests: EntryTest[];
  /** column name → id of its metric definition's section. */
  metricLinks: Record<string, { id: string; heading: string }>;
}

export interface DocsSite {
  title: string;
  published: SiteEntry[];
  /** Every other documented action (not assertions or unit tests), by schema, schemas in flow order. */
  layers: { schema: string; entries: SiteEntry[] }[];
  metrics?: MetricsDocument;
  lastRun?: { command: string; startedAt: string; target: string };
}

const COUNTED_KINDS = new Set(["table", "incremental", "declaration"]);

export function readDocsSettings(file: string | undefined): DocsSiteSettings {
  return file ? readValidatedJson<DocsSiteSettings>(file, "docs-site") : {};
}

function readRunResults(file: string): RunResults | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as RunResults) : undefined;
}

/** Longest path from a source to each action: the position of its layer in the flow. */
function depths(actions: Map<string, Action>): Map<string, number> {
  const memo = new Map<string, number>();
  const depthOf = (name: string, visiting: Set<string>): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const action = actions.get(name);
    const parents = (action?.dependencies ?? []).filter((dependency) => actions.has(dependency));
    const depth = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => depthOf(parent, visiting)));
    memo.set(name, depth);
    return depth;
  };
  for (const name of actions.keys()) depthOf(name, new Set());
  return memo;
}

function testsByAction(actions: Map<string, Action>, run: RunResults | undefined): Map<string, EntryTest[]> {
  const results = new Map((run?.results ?? []).map((result) => [result.name, result]));
  const tests = new Map<string, EntryTest[]>();
  for (const action of actions.values()) {
    if (action.kind !== "assertion") continue;
    const result = results.get(action.name);
    const status = !result ? "not run" : result.status === "success" ? "passed" : result.status;
    for (const guarded of action.guards.length > 0 ? action.guards : action.dependencies) {
      tests.set(guarded, [...(tests.get(guarded) ?? []), { name: action.name, status, failingRows: result?.failingRows }]);
    }
  }
  return tests;
}

async function rowCount(engine: Engine, action: Action): Promise<number | undefined> {
  if (!COUNTED_KINDS.has(action.kind) || !(await engine.describeTable(action.target))) return undefined;
  const [row] = await engine.query(`select count(*) as row_count from ${engine.quoteTable(action.target)}`, { actionName: `docs: ${action.name}` });
  return Number(row?.row_count);
}

function metricLinksFor(entry: CatalogEntry, settings: DocsSiteSettings, document: MetricsDocument | undefined, settingsFile: string): SiteEntry["metricLinks"] {
  const links: SiteEntry["metricLinks"] = {};
  if (!settings.metrics || !document) return links;
  const tableName = entry.name.split(".").pop()!;
  for (const column of entry.columns) {
    const heading = settings.metrics.columns[`${tableName}.${column.name}`] ?? settings.metrics.columns[column.name];
    if (!heading) continue;
    const section = document.sections.find((candidate) => candidate.text === heading || candidate.text.startsWith(`${heading} `));
    if (!section) {
      throw new ConfigError(settingsFile, [`/metrics/columns: '${heading}' (for ${column.name}) is no heading of ${settings.metrics.document}; its headings are: ${document.sections.map((candidate) => candidate.text).join("; ")}`]);
    }
    links[column.name] = { id: section.id, heading: section.text };
  }
  return links;
}

export interface SiteOptions {
  projectDir: string;
  settingsFile?: string;
  /** target/run_results.json. */
  runResultsFile: string;
  /** Folder the site is written to (links of the metrics document are made relative to it). */
  outputDir: string;
  engine?: Engine;
  defaultTitle: string;
}

export async function buildDocsSite(catalog: CatalogEntry[], actions: Map<string, Action>, options: SiteOptions): Promise<DocsSite> {
  const settings = readDocsSettings(options.settingsFile);
  const settingsFile = options.settingsFile ?? "c360.json";
  const metrics = settings.metrics
    ? readMetricsDocument(path.resolve(options.projectDir, settings.metrics.document), options.outputDir, settingsFile)
    : undefined;
  const run = readRunResults(options.runResultsFile);
  const tests = testsByAction(actions, run);
  const published = new Set(settings.published?.length ? selectActions(actions, settings.published) : []);
  const depth = depths(actions);
  const entries: SiteEntry[] = [];
  for (const entry of catalog) {
    const action = actions.get(entry.name);
    if (!action || action.kind === "assertion" || action.kind === "test") continue;
    entries.push({
      ...entry,
      schema: action.target.schema,
      rowCount: options.engine ? await rowCount(options.engine, action) : undefined,
      tests: (tests.get(entry.name) ?? []).sort((left, right) => left.name.localeCompare(right.name)),
      metricLinks: metricLinksFor(entry, settings, metrics, settingsFile),
    });
  }
  const flowOrder = (left: SiteEntry, right: SiteEntry) => (depth.get(left.name) ?? 0) - (depth.get(right.name) ?? 0) || left.name.localeCompare(right.name);
  const schemas = new Map<string, SiteEntry[]>();
  for (const entry of entries.filter((candidate) => !published.has(candidate.name))) schemas.set(entry.schema, [...(schemas.get(entry.schema) ?? []), entry]);
  const layerDepth = (group: SiteEntry[]) => Math.min(...group.map((entry) => depth.get(entry.name) ?? 0));
  const layers = [...schemas]
    .map(([schema, group]) => ({ schema, entries: group.sort(flowOrder) }))
    .sort((left, right) => layerDepth(left.entries) - layerDepth(right.entries) || left.schema.localeCompare(right.schema));
  return {
    title: settings.title ?? options.defaultTitle,
    published: entries.filter((entry) => published.has(entry.name)).sort(flowOrder),
    layers,
    metrics,
    lastRun: run ? { command: run.command, startedAt: run.startedAt, target: run.target } : undefined,
  };
}
