/**
 * Turns each declared dashboard item into a panel: runs its query through the Engine
 * interface (any warehouse), then draws tiles, a chart with its data table, or a table.
 * An item whose query fails becomes an error panel naming the item, so the rest still shows.
 */
import fs from "node:fs";
import type { Engine, Row } from "../engines/engine.js";
import { errorMessage } from "../errors.js";
import type { Action } from "../graph/actions.js";
import type { RunResults } from "../runner/results.js";
import { type DataTable, type DrawnChart, drawChart, drawHistogram, type HistogramBin, niceBins } from "./charts.js";
import { formatValue, numeric } from "./format.js";
import { resolveReferences } from "./references.js";
import { type AssertionsItem, type DashboardItem, fieldHeading, type HistogramItem, type TilesItem } from "./spec.js";

export interface Tile {
  label: string;
  value: string;
  description?: string;
  status?: "good" | "bad";
}

export type Panel =
  | { kind: "tiles"; item: DashboardItem; tiles: Tile[]; table?: DataTable; note?: string }
  | { kind: "chart"; item: DashboardItem; chart: DrawnChart }
  | { kind: "table"; item: DashboardItem; table: DataTable }
  | { kind: "error"; item: DashboardItem; message: string };

export interface PanelContext {
  engine: Engine;
  actions: Map<string, Action>;
  /** target/run_results.json of the project. */
  runResultsFile: string;
  /** Where the item is declared, for messages (e.g. "dashboard/dashboard.json, section 'Customers', item 2"). */
  where: (item: DashboardItem) => string;
}

function numberLiteral(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function resolved(context: PanelContext, item: DashboardItem, sql: string): string {
  return resolveReferences(sql, context.actions, (table) => context.engine.quoteTable(table), context.where(item));
}

/** The two queries of a histogram: the value range, then the count per bin of `width` from `start`. Plain SQL both dialects run. */
export function histogramQueries(source: string, column: string, start: number, width: number): { range: string; bins: string } {
  return {
    range: `with dashboard_values as (${source}) select min(${column}) as low, max(${column}) as high from dashboard_values`,
    bins: `with dashboard_values as (${source}) select floor((${column} - ${numberLiteral(start)}) / ${numberLiteral(width)}) as bin, count(*) as values_in_bin from dashboard_values where ${column} is not null group by 1 order by 1`,
  };
}

async function query(context: PanelContext, item: DashboardItem, sql: string): Promise<Row[]> {
  return context.engine.query(resolved(context, item, sql), { actionName: `dashboard: ${item.title}` });
}

function requireColumns(rows: Row[], columns: string[], where: string): void {
  if (rows.length === 0) return;
  const missing = columns.filter((column) => !(column in rows[0]));
  if (missing.length > 0) throw new Error(`${where}: the query returns no column ${missing.join(", ")} (it returns ${Object.keys(rows[0]).join(", ")})`);
}

async function tilesPanel(context: PanelContext, item: TilesItem): Promise<Panel> {
  const rows = await query(context, item, item.sql);
  if (rows.length !== 1) throw new Error(`${context.where(item)}: a tiles query must return one row, this one returned ${rows.length}`);
  const [row] = rows;
  requireColumns(rows, item.tiles.filter((tile) => !tile.optional).map((tile) => tile.column), context.where(item));
  const tiles = item.tiles.filter((tile) => tile.column in row).map((tile) => ({ label: tile.label, value: formatValue(row[tile.column], tile.format), description: tile.description }));
  return { kind: "tiles", item, tiles };
}

async function histogramBins(context: PanelContext, item: HistogramItem): Promise<HistogramBin[]> {
  const column = item.value.column;
  const source = resolved(context, item, item.sql);
  const actionName = `dashboard: ${item.title}`;
  const [range] = await context.engine.query(histogramQueries(source, column, 0, 1).range, { actionName });
  const low = numeric(range?.low);
  const high = numeric(range?.high);
  if (low === null || high === null) return [];
  const { start, width, count } = niceBins(low, high, item.bins ?? 20);
  const rows = await context.engine.query(histogramQueries(source, column, start, width).bins, { actionName });
  const counts = new Map(rows.map((row) => [Number(row.bin), Number(row.values_in_bin)]));
  return Array.from({ length: count }, (_unused, index) => ({
    from: Number((start + index * width).toPrecision(12)),
    to: Number((start + (index + 1) * width).toPrecision(12)),
    count: counts.get(index) ?? 0,
  }));
}

function readRunResults(file: string): RunResults | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunResults;
}

function assertionsPanel(context: PanelContext, item: AssertionsItem): Panel {
  const run = readRunResults(context.runResultsFile);
  const assertions = (run?.results ?? []).filter((result) => result.kind === "assertion" || result.kind === "test");
  if (!run || assertions.length === 0) {
    return { kind: "tiles", item, tiles: [], note: run ? `The last run (c360 ${run.command}) ran no assertion; run c360 build or c360 test.` : "No run yet: target/run_results.json does not exist. Run c360 build." };
  }
  const count = (status: string) => assertions.filter((result) => result.status === status).length;
  const failed = count("failed");
  const tiles: Tile[] = [
    { label: "Passed", value: formatValue(count("success"), "integer"), status: failed === 0 ? "good" : undefined },
    { label: "Failed", value: formatValue(failed, "integer"), status: failed > 0 ? "bad" : "good" },
    { label: "Skipped", value: formatValue(count("skipped"), "integer") },
    { label: "Last run", value: `c360 ${run.command}`, description: `${run.startedAt.replace("T", " ").slice(0, 19)} UTC, target ${run.target}` },
  ];
  const order = { failed: 0, skipped: 1, success: 2 } as const;
  const table: DataTable = {
    headings: ["Assertion or unit test", "Status", "Failing rows", "Detail"],
    rows: [...assertions]
      .sort((left, right) => order[left.status] - order[right.status] || left.name.localeCompare(right.name))
      .map((result) => [
        result.name,
        result.status === "success" ? "passed" : result.status,
        result.failingRows === undefined ? "" : formatValue(result.failingRows, "integer"),
        result.error ?? (result.skippedBecause ? `skipped: ${result.skippedBecause} failed` : ""),
      ]),
  };
  return { kind: "tiles", item, tiles, table };
}

async function panelFor(context: PanelContext, item: DashboardItem): Promise<Panel> {
  switch (item.type) {
    case "tiles":
      return tilesPanel(context, item);
    case "bar":
    case "line": {
      const rows = await query(context, item, item.sql);
      requireColumns(rows, [item.x.column, ...item.y.map((field) => field.column), ...(item.seriesBy ? [item.seriesBy.column] : [])], context.where(item));
      return { kind: "chart", item, chart: drawChart(item, rows) };
    }
    case "histogram":
      return { kind: "chart", item, chart: drawHistogram(item, await histogramBins(context, item)) };
    case "table": {
      const rows = await query(context, item, item.sql);
      requireColumns(rows, item.columns.map((field) => field.column), context.where(item));
      return {
        kind: "table",
        item,
        table: { headings: item.columns.map(fieldHeading), rows: rows.map((row) => item.columns.map((field) => formatValue(row[field.column], field.format ?? "text"))) },
      };
    }
    case "assertions":
      return assertionsPanel(context, item);
  }
}

/** The panel of an item, or an error panel saying why it could not be drawn. */
export async function buildPanel(context: PanelContext, item: DashboardItem): Promise<Panel> {
  try {
    return await panelFor(context, item);
  } catch (error) {
    return { kind: "error", item, message: errorMessage(error) };
  }
}
