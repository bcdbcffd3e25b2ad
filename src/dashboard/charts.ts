/**
 * Charts of a dashboard, drawn on the server by Apache ECharts (SSR, SVG renderer): the
 * framework only turns a declared chart and its rows into an ECharts option. Each chart
 * comes with the table of the numbers it draws, for screen readers and for copying.
 */
import * as echarts from "echarts";
import { formatValue, numeric } from "./format.js";
import { type ChartItem, type Field, fieldHeading, type HistogramItem } from "./spec.js";
import type { Row } from "../engines/engine.js";

export interface DataTable {
  headings: string[];
  rows: string[][];
}

export interface DrawnChart {
  svg: string;
  table: DataTable;
}

const WIDTH = 640;
const HEIGHT = 340;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

interface Series {
  name: string;
  field: Field;
  values: (number | null)[];
}

/** Draws an ECharts option as an SVG string, the way ECharts' server-side rendering does. */
export function renderSvg(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function seriesOf(item: ChartItem, rows: Row[], categories: string[]): Series[] {
  const indexOf = new Map(categories.map((category, index) => [category, index]));
  if (item.seriesBy) {
    const measure = item.y[0];
    const byName = new Map<string, Series>();
    for (const row of rows) {
      const name = String(row[item.seriesBy.column] ?? "none");
      let series = byName.get(name);
      if (!series) {
        series = { name, field: measure, values: categories.map((): number | null => null) };
        byName.set(name, series);
      }
      series.values[indexOf.get(String(row[item.x.column]))!] = numeric(row[measure.column]);
    }
    return [...byName.values()];
  }
  return item.y.map((field) => ({ name: fieldHeading(field), field, values: categories.map((): number | null => null) })).map((series) => {
    for (const row of rows) series.values[indexOf.get(String(row[item.x.column]))!] = numeric(row[series.field.column]);
    return series;
  });
}

/** One value axis per unit (at most two), named after its measure. */
function valueAxes(fields: Field[]): { unit: string; name: string; integer: boolean }[] {
  const axes: { unit: string; name: string; fields: Field[] }[] = [];
  for (const field of fields) {
    const unit = field.unit ?? field.label;
    const axis = axes.find((candidate) => candidate.unit === unit);
    if (axis) axis.fields.push(field);
    else axes.push({ unit, name: "", fields: [field] });
  }
  if (axes.length > 2) throw new Error(`a chart has at most two units, this one has ${axes.map((axis) => axis.unit).join(", ")}`);
  return axes.map((axis) => ({
    unit: axis.unit,
    name: axis.fields.length === 1 ? fieldHeading(axis.fields[0]) : axis.unit,
    integer: axis.fields.every((field) => field.format === "integer"),
  }));
}

export function drawChart(item: ChartItem, rows: Row[]): DrawnChart {
  const categories = [...new Set(rows.map((row) => String(row[item.x.column] ?? "none")))];
  const series = seriesOf(item, rows, categories);
  const axes = valueAxes(item.seriesBy ? [item.y[0]] : item.y);
  const unitIndex = (field: Field) => axes.findIndex((axis) => axis.unit === (field.unit ?? field.label));
  const longest = Math.max(0, ...categories.map((category) => category.length));
  const horizontal = Boolean(item.horizontal);
  const height = horizontal ? Math.max(HEIGHT, 90 + categories.length * 24) : HEIGHT;
  const labelWidth = Math.min(Math.max(longest * 7.2, 40), 280);
  const rotate = !horizontal && categories.length * Math.min(longest, 14) * 7 > WIDTH - 120 ? 35 : 0;
  const categoryAxis = {
    type: "category" as const,
    data: categories,
    name: fieldHeading(item.x),
    nameLocation: "middle" as const,
    nameGap: horizontal ? labelWidth + 14 : rotate ? Math.min(longest, 20) * 5 + 22 : 30,
    nameTextStyle: { fontWeight: "bold" as const },
    axisLabel: { interval: 0, rotate, width: horizontal ? labelWidth : undefined, overflow: "truncate" as const },
    inverse: horizontal,
  };
  const valueAxis = axes.map((axis, index) => ({
    type: "value" as const,
    name: axis.name,
    nameLocation: "middle" as const,
    nameGap: horizontal ? 30 : 58,
    nameTextStyle: { fontWeight: "bold" as const },
    position: horizontal ? (index === 0 ? ("bottom" as const) : ("top" as const)) : index === 0 ? ("left" as const) : ("right" as const),
    splitLine: { show: index === 0 },
    // Counts have no fractional ticks.
    minInterval: axes[index].integer ? 1 : undefined,
  }));
  const option: echarts.EChartsOption = {
    aria: { enabled: true, decal: { show: false } },
    grid: { left: horizontal ? labelWidth + 40 : 80, right: axes.length > 1 && !horizontal ? 80 : 30, top: series.length > 1 ? 48 : 20, bottom: horizontal ? 60 : 50 + (rotate ? Math.min(longest, 20) * 5 : 10) },
    legend: series.length > 1 ? { top: 4, type: "scroll" } : undefined,
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((entry) => ({
      type: item.type,
      name: entry.name,
      data: entry.values,
      stack: item.stacked ? "total" : undefined,
      [horizontal ? "xAxisIndex" : "yAxisIndex"]: Math.max(0, unitIndex(entry.field)),
      showSymbol: item.type === "line" ? categories.length <= 40 : undefined,
    })) as echarts.SeriesOption[],
  };
  const table: DataTable = {
    headings: [fieldHeading(item.x), ...series.map((entry) => (item.seriesBy ? `${entry.name}: ${fieldHeading(entry.field)}` : entry.name))],
    rows: categories.map((category, index) => [category, ...series.map((entry) => formatValue(entry.values[index], entry.field.format ?? "decimal"))]),
  };
  return { svg: renderSvg(option, WIDTH, height), table };
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Bin edges a reader can take in at a glance: a nice width, the first edge a multiple of it. */
export function niceBins(low: number, high: number, bins: number): { start: number; width: number; count: number } {
  if (!(high > low)) return { start: low, width: 1, count: 1 };
  const width = echarts.number.nice((high - low) / bins, true);
  const start = Math.floor(low / width) * width;
  return { start, width, count: Math.max(1, Math.floor((high - start) / width) + 1) };
}

export function drawHistogram(item: HistogramItem, bins: HistogramBin[]): DrawnChart {
  const format = item.value.format ?? "decimal";
  const label = (bin: HistogramBin) => `${formatValue(bin.from, format)} – ${formatValue(bin.to, format)}`.replaceAll("USD ", "");
  const option: echarts.EChartsOption = {
    aria: { enabled: true, decal: { show: false } },
    grid: { left: 80, right: 30, top: 20, bottom: 80 },
    xAxis: {
      type: "category",
      data: bins.map(label),
      name: fieldHeading(item.value),
      nameLocation: "middle",
      nameGap: 62,
      nameTextStyle: { fontWeight: "bold" },
      axisLabel: { interval: 0, rotate: bins.length > 8 ? 35 : 0, fontSize: 10 },
    },
    yAxis: { type: "value", minInterval: 1, name: fieldHeading(item.count), nameLocation: "middle", nameGap: 52, nameTextStyle: { fontWeight: "bold" } },
    series: [{ type: "bar", name: fieldHeading(item.count), data: bins.map((bin) => bin.count), barCategoryGap: "4%" }],
  };
  const table: DataTable = {
    headings: [`From (${item.value.unit ?? item.value.label})`, `To, excluded (${item.value.unit ?? item.value.label})`, fieldHeading(item.count)],
    rows: bins.map((bin) => [formatValue(bin.from, format), formatValue(bin.to, format), formatValue(bin.count, "integer")]),
  };
  return { svg: renderSvg(option, WIDTH, HEIGHT), table };
}
