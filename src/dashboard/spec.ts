/**
 * A project's dashboard declaration (dashboard.schema.json): sections of KPI tiles,
 * charts and tables, each from a SQL query. The framework draws whatever a project
 * declares; it knows none of the project's tables.
 */
import { readValidatedJson } from "../config/validate.js";

export type ValueFormat = "integer" | "decimal" | "usd" | "percent" | "days" | "date" | "text";

export interface Field {
  column: string;
  label: string;
  unit?: string;
  format?: ValueFormat;
}

export interface TilesItem {
  type: "tiles";
  title: string;
  description?: string;
  sql: string;
  tiles: { column: string; label: string; format: ValueFormat; description?: string; optional?: boolean }[];
}

export interface ChartItem {
  type: "bar" | "line";
  title: string;
  description?: string;
  sql: string;
  x: Field;
  y: Field[];
  seriesBy?: Field;
  horizontal?: boolean;
  stacked?: boolean;
}

export interface HistogramItem {
  type: "histogram";
  title: string;
  description?: string;
  sql: string;
  value: Field;
  count: Field;
  bins?: number;
}

export interface TableItem {
  type: "table";
  title: string;
  description?: string;
  sql: string;
  columns: Field[];
}

export interface AssertionsItem {
  type: "assertions";
  title: string;
  description?: string;
}

export type DashboardItem = TilesItem | ChartItem | HistogramItem | TableItem | AssertionsItem;

export interface DashboardSpec {
  title: string;
  description?: string;
  sections: { title: string; description?: string; items: DashboardItem[] }[];
}

export function readDashboardSpec(file: string): DashboardSpec {
  return readValidatedJson<DashboardSpec>(file, "dashboard");
}

/** "Revenue (USD)": an axis or column heading with its unit. */
export function fieldHeading(field: Field): string {
  return field.unit && field.unit.toLowerCase() !== field.label.toLowerCase() ? `${field.label} (${field.unit})` : field.label;
}
